import type Database from 'better-sqlite3';
import type { Proof } from '@bangtin/shared';

/** Proofs held in memory at most while the disk refuses writes (a day of plays at one per 5 s). */
const MEMORY_LIMIT = 20_000;

/** How the outbox's disk is doing, for the heartbeat and the log. */
export interface OutboxStorage {
  state: 'ok' | 'full' | 'error';
  /** Plays kept only in memory since the disk refused them: lost if the player stops before it recovers. */
  unrecordedPlays: number;
  /** Plays dropped because the memory buffer was full too. */
  lostPlays: number;
  message: string | null;
}

function isFull(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_FULL' || (typeof code === 'string' && code.startsWith('SQLITE_IOERR'));
}

/**
 * Proofs not yet acknowledged by the controller. A proof enters in the same transaction that ends its
 * play, leaves only when the controller says it has it, and keeps its id (UUID v7) throughout — so a
 * replay after a lost ack is stored once at the controller.
 *
 * When the disk refuses the write (full, or failing), the proof is kept in memory instead: it is still
 * uploaded, counted in `storage()`, and written to disk as soon as the disk takes writes again. The
 * board never stops because a proof could not be saved.
 */
export class Outbox {
  private readonly insertStmt;
  private readonly deleteStmt;
  private readonly countStmt;
  private readonly probeStmt;
  private readonly keepAckedStmt;
  private readonly keepAckedJsonStmt;
  private readonly memory = new Map<string, Proof>();
  /** Acknowledged ids whose disk row could not be deleted yet (a delete writes too). */
  private readonly ackedOnDisk = new Set<string>();
  private storageState: OutboxStorage = { state: 'ok', unrecordedPlays: 0, lostPlays: 0, message: null };

  constructor(private readonly db: Database.Database) {
    this.insertStmt = db.prepare('INSERT OR IGNORE INTO outbox (id, json, created_at) VALUES (?, ?, ?)');
    this.deleteStmt = db.prepare('DELETE FROM outbox WHERE id = ?');
    this.countStmt = db.prepare('SELECT COUNT(*) AS n FROM outbox');
    this.probeStmt = db.prepare("INSERT OR REPLACE INTO state (key, value) VALUES ('disk_probe', ?)");
    this.keepAckedStmt = db.prepare(
      `INSERT OR REPLACE INTO acked (id, json, started_at, acked_at)
       SELECT id, json, COALESCE(json_extract(json, '$.startedAt'), 0), ? FROM outbox WHERE id = ?`,
    );
    this.keepAckedJsonStmt = db.prepare(
      'INSERT OR REPLACE INTO acked (id, json, started_at, acked_at) VALUES (?, ?, ?, ?)',
    );
  }

  /**
   * Puts acknowledged proofs of plays that started after `from` (and at or before `to`) back in the
   * outbox, for a controller that lost them (restored from an older backup). The controller stores each
   * proof id once, so a proof it still has is acknowledged again and nothing is doubled. Returns how many.
   */
  resendAcked(from: number, to = Number.MAX_SAFE_INTEGER): number {
    try {
      return this.db
        .prepare(
          `INSERT OR IGNORE INTO outbox (id, json, created_at)
           SELECT id, json, acked_at FROM acked WHERE started_at > ? AND started_at <= ?`,
        )
        .run(from, to).changes;
    } catch {
      return 0;
    }
  }

  /** Forgets acknowledged proofs acknowledged more than `keepMs` ago. */
  pruneAcked(keepMs: number, now = Date.now()): number {
    try {
      return this.db.prepare('DELETE FROM acked WHERE acked_at < ?').run(now - keepMs).changes;
    } catch {
      return 0;
    }
  }

  /** How many acknowledged proofs are kept for a resend. */
  ackedKept(): number {
    try {
      return (this.db.prepare('SELECT COUNT(*) AS n FROM acked').get() as { n: number }).n;
    } catch {
      return 0;
    }
  }

  /**
   * Adds a proof; call inside the transaction that marks the play finished. `link` (the output's proof
   * chain) gives it its seq just before it is written.
   */
  add(proof: Proof, now = Date.now(), link?: (p: Proof) => Proof): void {
    const p = link ? link(proof) : proof;
    this.insertStmt.run(p.id, JSON.stringify(p), now);
  }

  /**
   * Keeps a proof the disk refused (the transaction that should have stored it threw `err`). Returns
   * false when even the memory buffer is full and the play is lost (counted in `lostPlays`).
   */
  keepInMemory(proof: Proof, err: unknown): boolean {
    this.storageState = {
      ...this.storageState,
      state: isFull(err) ? 'full' : 'error',
      message: (err as Error).message ?? String(err),
    };
    if (this.memory.size >= MEMORY_LIMIT) {
      this.storageState.lostPlays++;
      return false;
    }
    this.memory.set(proof.id, proof);
    this.storageState.unrecordedPlays = this.memory.size;
    return true;
  }

  /**
   * Tries to move the proofs held in memory to disk, and to delete acknowledged rows left there.
   * Returns true when nothing is held in memory any more.
   */
  persistMemory(now = Date.now()): boolean {
    const idle = this.memory.size === 0 && this.ackedOnDisk.size === 0;
    if (idle && this.storageState.state === 'ok') return true;
    try {
      this.db.transaction(() => {
        // Everything waiting may have been uploaded and acknowledged meanwhile: a small write then
        // tells whether the disk takes writes again.
        if (idle) this.probeStmt.run(String(now));
        for (const p of this.memory.values()) this.insertStmt.run(p.id, JSON.stringify(p), now);
        for (const id of this.ackedOnDisk) this.deleteStmt.run(id);
      })();
      this.memory.clear();
      this.ackedOnDisk.clear();
      this.storageState = { state: 'ok', unrecordedPlays: 0, lostPlays: this.storageState.lostPlays, message: null };
      return true;
    } catch (err) {
      this.storageState = {
        ...this.storageState,
        state: isFull(err) ? 'full' : 'error',
        message: (err as Error).message,
      };
      return false;
    }
  }

  storage(): OutboxStorage {
    return { ...this.storageState };
  }

  /** The oldest proofs first (UUID v7 ids sort by time), from disk and memory alike. */
  peek(limit: number): Proof[] {
    let disk: Proof[] = [];
    try {
      const rows = this.db
        .prepare('SELECT json FROM outbox ORDER BY id LIMIT ?')
        .all(limit + this.ackedOnDisk.size) as { json: string }[];
      disk = rows.map((r) => JSON.parse(r.json) as Proof).filter((p) => !this.ackedOnDisk.has(p.id));
    } catch {
      // An unreadable disk still leaves the proofs held in memory to send.
    }
    if (this.memory.size === 0) return disk.slice(0, limit);
    const all = new Map(disk.map((p) => [p.id, p]));
    for (const p of this.memory.values()) all.set(p.id, p);
    return [...all.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, limit);
  }

  /**
   * Removes acknowledged (or permanently rejected) proofs in one transaction. Those in `acked` are kept
   * aside for `resendSince` (a controller restored from an older backup asks for them again).
   */
  remove(ids: Iterable<string>, acked: ReadonlySet<string> = new Set(), now = Date.now()): number {
    const list = [...ids];
    let n = 0;
    const fromMemory: Proof[] = [];
    for (const id of list) {
      const p = this.memory.get(id);
      if (p && this.memory.delete(id)) {
        n++;
        if (acked.has(id)) fromMemory.push(p);
      }
    }
    if (this.storageState.state !== 'ok') this.storageState.unrecordedPlays = this.memory.size;
    try {
      this.db.transaction(() => {
        for (const id of list) {
          if (acked.has(id)) this.keepAckedStmt.run(now, id);
          n += this.deleteStmt.run(id).changes;
        }
        for (const p of fromMemory) this.keepAckedJsonStmt.run(p.id, JSON.stringify(p), p.startedAt, now);
      })();
    } catch {
      // The disk refuses the delete too: remember the ids so they are neither re-sent nor kept.
      for (const id of list) this.ackedOnDisk.add(id);
    }
    return n;
  }

  size(): number {
    let disk = 0;
    try {
      disk = (this.countStmt.get() as { n: number }).n - this.ackedOnDisk.size;
    } catch {
      // Unreadable: count what is in memory.
    }
    return Math.max(0, disk) + this.memory.size;
  }
}
