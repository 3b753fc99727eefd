import type { DeviceHealth } from '../store/devices';

export interface HeldHealthOptions {
  /** Writes one batch in one transaction (DeviceStore.writeHealth). */
  write: (batch: readonly (readonly [string, DeviceHealth])[]) => void;
  /** True when `err` is the disk refusing the write: the batch then stays held for the next flush. */
  storageFailure: (err: unknown) => boolean;
  /** False while writes must wait (a full disk, or the last run's sessions not yet closed). */
  canWrite: () => boolean;
  /** Any other failure: the batch is dropped (as a write that cannot succeed would be retried forever). */
  onError: (err: unknown) => void;
}

/**
 * Heartbeats held in memory and written to SQLite in batches: 10,000 players must not mean 10,000
 * commits. A flush writes what is held oldest first, `chunk` a transaction with a turn of the event
 * loop between (at 10,000 players one write of 3,000 rows held the loop for 40-90 ms). An entry stays
 * held until it is written; one updated meanwhile is newer than what was written and stays held.
 */
export class HeldHealth {
  private readonly held = new Map<string, DeviceHealth>();
  private drain: NodeJS.Immediate | null = null;

  constructor(private readonly opts: HeldHealthOptions) {}

  get size(): number {
    return this.held.size;
  }

  /** Merges a heartbeat's fields into what is held for the device; `lastSeenAt` is now. */
  note(deviceId: string, h: Partial<DeviceHealth>, now = Date.now()): void {
    const prev = this.held.get(deviceId);
    this.held.set(deviceId, { ...prev, ...h, lastSeenAt: now });
  }

  /** Writes up to `count` held entries, `chunk` a transaction; what is left of `count` in later turns. */
  flush(count = Infinity, chunk = Infinity): void {
    if (this.drain) clearImmediate(this.drain);
    this.drain = null;
    if (this.held.size === 0 || !this.opts.canWrite()) return;
    const batch: [string, DeviceHealth][] = [];
    const take = Math.min(count, chunk);
    for (const e of this.held) {
      if (batch.length >= take) break;
      batch.push(e);
    }
    try {
      this.opts.write(batch);
    } catch (err) {
      // Nothing was written (one transaction): the batch is still held, and tried at the next flush.
      if (this.opts.storageFailure(err)) return;
      this.opts.onError(err);
    }
    for (const [id, h] of batch) if (this.held.get(id) === h) this.held.delete(id);
    const left = count - batch.length;
    if (left > 0 && this.held.size > 0) this.drain = setImmediate(() => this.flush(left, chunk));
  }

  /** Stops a flush still under way (what it had not written stays held). */
  stop(): void {
    if (this.drain) clearImmediate(this.drain);
    this.drain = null;
  }
}
