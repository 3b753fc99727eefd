import type { EventEmitter } from 'node:events';

/**
 * Resolves with the first event (matching `accept`) an emitter fires; rejects after `timeoutMs` so a test
 * fails with a message instead of hanging.
 */
export function waitForEvent<T extends unknown[]>(
  emitter: EventEmitter,
  event: string,
  accept: (...args: T) => boolean = () => true,
  timeoutMs = 8000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const listener = (...args: unknown[]): void => {
      if (!accept(...(args as T))) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(args as T);
    };
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for '${event}'`));
    }, timeoutMs);
    emitter.on(event, listener);
  });
}

/** Polls `condition` until it holds; rejects after `timeoutMs` with what was awaited. */
export async function waitFor(condition: () => boolean, timeoutMs = 8000, everyMs = 20): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms: ${condition.toString()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
