import type Database from 'better-sqlite3';
import type { Interval } from '../reports/availability';

/**
 * After a controller start, players reconnect with their own backoff (up to 30 s): the time until then is
 * still the controller's doing, not the devices'.
 */
export const RECONNECT_GRACE_MS = 60_000;

export interface ControllerRun {
  id: number;
  startedAt: number;
  lastAliveAt: number;
  stoppedAt: number | null;
  stopReason: string | null;
}

/**
 * The controller's own up/down ledger (`controller_runs`). While the controller is down no player can be
 * connected to it, so the availability report counts that time as controller downtime, not as every
 * device being offline.
 */
export class ControllerRunStore {
  private current: number | null = null;

  constructor(private readonly db: Database.Database) {}

  /**
   * Records this run's start. A previous run left open (killed, power cut) is ended at the last time it
   * wrote that it was alive. Returns that instant (or null when the last run stopped cleanly or there was none).
   */
  start(now = Date.now()): { previousEnd: number | null; leftOpen: boolean } {
    const prev = this.db
      .prepare('SELECT id, last_alive_at, stopped_at FROM controller_runs ORDER BY id DESC LIMIT 1')
      .get() as { id: number; last_alive_at: number; stopped_at: number | null } | undefined;
    let leftOpen = false;
    if (prev && prev.stopped_at === null) {
      leftOpen = true;
      this.db
        .prepare("UPDATE controller_runs SET stopped_at = last_alive_at, stop_reason = 'killed' WHERE id = ?")
        .run(prev.id);
    }
    this.current = Number(
      this.db.prepare('INSERT INTO controller_runs (started_at, last_alive_at) VALUES (?, ?)').run(now, now)
        .lastInsertRowid,
    );
    return { previousEnd: prev ? (prev.stopped_at ?? prev.last_alive_at) : null, leftOpen };
  }

  /** The controller's own heartbeat, every few seconds: after a kill, sessions end here. */
  alive(now = Date.now()): void {
    if (this.current === null) return;
    this.db.prepare('UPDATE controller_runs SET last_alive_at = ? WHERE id = ?').run(now, this.current);
  }

  stop(now = Date.now(), reason = 'stopped'): void {
    if (this.current === null) return;
    this.db
      .prepare('UPDATE controller_runs SET last_alive_at = ?, stopped_at = ?, stop_reason = ? WHERE id = ?')
      .run(now, now, reason, this.current);
    this.current = null;
  }

  /**
   * When the controller was down, overlapping [from, to): from each run's end to the next run's start
   * plus the reconnect grace. Before the first recorded run nothing is known (no interval).
   */
  downtime(from: number, to: number): Interval[] {
    const rows = this.db
      .prepare(
        `SELECT started_at, COALESCE(stopped_at, last_alive_at) AS ended_at, stopped_at FROM controller_runs
         WHERE started_at < ? ORDER BY started_at`,
      )
      .all(to + RECONNECT_GRACE_MS) as { started_at: number; ended_at: number; stopped_at: number | null }[];
    const out: Interval[] = [];
    for (let i = 1; i < rows.length; i++) {
      const start = rows[i - 1]!.ended_at;
      const end = rows[i]!.started_at + RECONNECT_GRACE_MS;
      if (end > from && start < to) out.push({ start, end });
    }
    return out;
  }

  runs(): ControllerRun[] {
    return (
      this.db.prepare('SELECT * FROM controller_runs ORDER BY id').all() as {
        id: number;
        started_at: number;
        last_alive_at: number;
        stopped_at: number | null;
        stop_reason: string | null;
      }[]
    ).map((r) => ({
      id: r.id,
      startedAt: r.started_at,
      lastAliveAt: r.last_alive_at,
      stoppedAt: r.stopped_at,
      stopReason: r.stop_reason,
    }));
  }
}
