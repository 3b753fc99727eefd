import fs from 'node:fs';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { setMeta } from './meta';

/**
 * Whether an error means the data disk refuses writes: SQLite's SQLITE_FULL and SQLITE_IOERR family
 * (better-sqlite3 puts the extended code in `code`), and the file system's ENOSPC / EDQUOT. Returns
 * the code, or null for any other error (a bug, a constraint): those stay 500s.
 */
export function storageErrorCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return code;
  if (code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_')) return code;
  if (code === StorageFullError.CODE) return code;
  return null;
}

/** The words for a storage code, naming the data folder: what the 507 answer and the log line say. */
export function storageCause(code: string, dataDir: string): string {
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || code === StorageFullError.CODE)
    return `disk full at ${dataDir}`;
  return `disk write error at ${dataDir} (${code})`;
}

/** Thrown instead of attempting a write while the disk is known to be full. */
export class StorageFullError extends Error {
  static readonly CODE = 'BANGTIN_STORAGE_FULL';
  readonly code = StorageFullError.CODE;
}

export type StorageState = 'ok' | 'full';

export interface StorageStatus {
  state: StorageState;
  /** What the controller last saw: "disk full at /var/lib/bangtin (SQLITE_FULL)". Null when ok. */
  cause: string | null;
  /** UTC ms the writes started failing; null when ok. */
  since: number | null;
  /** Free bytes on the data folder's file system at the last probe (statfs), null when unknown. */
  freeBytes: number | null;
}

export interface StorageMonitorOptions {
  db: Database.Database;
  dataDir: string;
  log: Logger;
  /** How often the disk is probed, in both states. Default 5000 ms. */
  probeMs?: number;
  /**
   * Free space below which the disk counts as full even while small writes still fit (SQLite reuses the
   * space its WAL file already holds, so a tiny probe can succeed on a disk with 0 bytes free). Leaves
   * room for checkpoints and for the next upload's temporary file. Default 1 MiB.
   */
  reserveBytes?: number;
}

/**
 * Knows whether the controller can write its data folder, from write failures (reported by whoever hit
 * them) and from a probe every few seconds: free space (statfs) above the reserve and a one-row write
 * to `meta`. It flips state at most once per change, logging one line each way, and tells listeners
 * when writes work again so the work held in memory is written.
 */
export class StorageMonitor {
  private status: StorageStatus = { state: 'ok', cause: null, since: null, freeBytes: null };
  private readonly recoverListeners: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  readonly probeMs: number;
  readonly reserveBytes: number;

  constructor(private readonly opts: StorageMonitorOptions) {
    this.probeMs = opts.probeMs ?? 5000;
    this.reserveBytes = opts.reserveBytes ?? 1024 * 1024;
  }

  get state(): StorageState {
    return this.status.state;
  }

  get full(): boolean {
    return this.status.state === 'full';
  }

  snapshot(): StorageStatus {
    return { ...this.status };
  }

  /** The sentence for answers and logs while full. */
  message(): string {
    return this.status.cause ?? `disk full at ${this.opts.dataDir}`;
  }

  /**
   * Reports an error from a write. Returns true (and marks the disk full) when it is a storage error;
   * false for any other error, which the caller handles as before.
   */
  failed(err: unknown): boolean {
    const code = storageErrorCode(err);
    if (code === null) return false;
    if (code !== StorageFullError.CODE) this.markFull(`${storageCause(code, this.opts.dataDir)} (${code})`);
    return true;
  }

  /** Throws StorageFullError while the disk is full; call before a write that should not be tried. */
  assertWritable(): void {
    if (this.full) throw new StorageFullError(this.message());
  }

  onRecover(listener: () => void): void {
    this.recoverListeners.push(listener);
  }

  /**
   * One probe: free space first (cheap, and the only honest test while the WAL still has room), then
   * a harmless one-row write. Returns the state after it.
   */
  probe(now = Date.now()): StorageState {
    const free = freeBytes(this.opts.dataDir);
    this.status.freeBytes = free;
    if (free !== null && free < this.reserveBytes) {
      this.markFull(`disk full at ${this.opts.dataDir} (${free} bytes free, below the ${this.reserveBytes} reserve)`);
      return this.state;
    }
    // While ok, free space is the whole test: no write every few seconds for nothing.
    if (!this.full) return this.state;
    try {
      setMeta(this.opts.db, 'storage_probe', String(now));
    } catch (err) {
      if (this.failed(err)) return this.state;
      throw err;
    }
    if (this.full) this.markOk();
    return this.state;
  }

  /** Probes now and then every `probeMs`; a probe that throws something unexpected is logged. */
  start(): void {
    this.safeProbe();
    this.timer = setInterval(() => this.safeProbe(), this.probeMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private safeProbe(): void {
    try {
      this.probe();
    } catch (err) {
      this.opts.log.error({ err }, 'storage probe failed');
    }
  }

  private markFull(cause: string): void {
    if (this.full) return;
    this.status = { ...this.status, state: 'full', cause, since: Date.now() };
    this.opts.log.error(
      { cause, dataDir: this.opts.dataDir, freeBytes: this.status.freeBytes },
      `storage full: ${cause}; serving reads only, answering writes 507 until space returns (checked every ${this.probeMs} ms)`,
    );
  }

  private markOk(): void {
    const since = this.status.since;
    this.status = { ...this.status, state: 'ok', cause: null, since: null };
    this.opts.log.warn(
      { dataDir: this.opts.dataDir, freeBytes: this.status.freeBytes, fullForMs: since ? Date.now() - since : null },
      'storage writable again; writing what was held in memory',
    );
    for (const l of this.recoverListeners) {
      try {
        l();
      } catch (err) {
        // A listener that fails on a real storage error puts the state back to full; others are bugs.
        if (!this.failed(err)) this.opts.log.error({ err }, 'storage recovery step failed');
      }
    }
  }
}

function freeBytes(dir: string): number | null {
  try {
    const s = fs.statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return null;
  }
}
