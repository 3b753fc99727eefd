import type { ChildProcess } from 'node:child_process';

/**
 * Every process a benchmark starts is registered here and killed when the benchmark ends, however it
 * ends: a normal exit, a thrown error (Node still emits `exit`), or Ctrl-C / a CI timeout's SIGTERM.
 * Without it a failed smoke run left its controller listening after `npm test` had finished.
 */
const live = new Set<ChildProcess>();
let installed = false;

function killAll(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(code);
    });
  }
}

/** Registers `child` to be killed when this process exits; returns it. */
export function track<T extends ChildProcess>(child: T): T {
  install();
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}
