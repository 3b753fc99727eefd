/**
 * What keeps password checks from being a cheap way to load the controller: a bounded lockout table
 * (address + username) and a cap on how many password checks run at once. The per-address limit that
 * ignores the username is @fastify/rate-limit on the login route (see auth.ts).
 */

export interface LockoutOptions {
  /** Failures in `windowMs` that lock an address + username pair out for the rest of the window. */
  maxFailures: number;
  windowMs: number;
  /** Most pairs remembered; the least recently failed is forgotten first. */
  maxEntries: number;
}

export const DEFAULT_LOCKOUT: LockoutOptions = { maxFailures: 5, windowMs: 15 * 60 * 1000, maxEntries: 10_000 };

/**
 * Failed logins per key, least recently failed first (a Map keeps insertion order, and a failure
 * re-inserts its key). Entries expire with their window and the table never holds more than
 * `maxEntries`, so random usernames cannot grow it without bound; evicting an old pair early only
 * frees a username the per-address limit still slows down.
 */
export class LockoutTable {
  private readonly failures = new Map<string, number[]>();
  constructor(private readonly opts: LockoutOptions = DEFAULT_LOCKOUT) {}

  get size(): number {
    return this.failures.size;
  }

  /** Milliseconds until `key` may try again, or 0 when it is not locked out. */
  lockedFor(key: string, now: number): number {
    const recent = this.recent(key, now);
    if (recent.length < this.opts.maxFailures) return 0;
    return recent[recent.length - this.opts.maxFailures]! + this.opts.windowMs - now;
  }

  fail(key: string, now: number): void {
    const recent = [...this.recent(key, now), now].slice(-this.opts.maxFailures);
    this.failures.delete(key);
    this.failures.set(key, recent);
    this.sweep(now);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const recent = list.filter((t) => now - t < this.opts.windowMs);
    if (recent.length === 0) this.failures.delete(key);
    else if (recent.length !== list.length) this.failures.set(key, recent);
    return recent;
  }

  /** Drops expired entries from the old end, then the oldest beyond the bound. */
  private sweep(now: number): void {
    for (const [key, list] of this.failures) {
      if (this.failures.size <= this.opts.maxEntries && now - list[list.length - 1]! < this.opts.windowMs) break;
      this.failures.delete(key);
    }
  }
}

export class GateBusyError extends Error {
  readonly code = 'login-busy';
}

/**
 * At most `concurrency` password checks at once, and at most `queue` more waiting; anything beyond is
 * refused at once (the login answers 429 with Retry-After) instead of piling up. Each scrypt check
 * holds 32 MiB and a libuv thread, and the thread pool (4 threads) also serves file reads: a small
 * cap keeps media and the admin UI served during a flood.
 */
export class ConcurrencyGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('concurrency: must be a whole number ≥ 1');
    if (!Number.isInteger(queue) || queue < 0) throw new Error('queue: must be a whole number ≥ 0');
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `task` when a slot is free; throws GateBusyError when the queue is full too. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queue) throw new GateBusyError('too many password checks at once');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      // A waiter takes over this slot directly, so `running` stays the same.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
