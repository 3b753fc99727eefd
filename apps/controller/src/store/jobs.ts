import type Database from 'better-sqlite3';

export interface JobRun {
  job: string;
  slot: string;
  startedAt: number;
  finishedAt: number | null;
  result: string | null;
}

interface JobRunRow {
  job: string;
  slot: string;
  started_at: number;
  result: string | null;
}

/**
 * The `job_runs` ledger: one row per (job, slot). A run claims its slot by inserting the row and marks
 * it finished with its result. A second trigger for a finished slot does nothing; a slot claimed but
 * never finished (the process died, or the work threw) can be claimed again, so no slot is lost.
 * `result` is NULL until finished (finished rows always hold a JSON value, at least `null` as text).
 */
export class JobStore {
  constructor(private readonly db: Database.Database) {}

  /** True when the caller now owns the slot: new, or claimed earlier and never finished. */
  claim(job: string, slot: string, now = Date.now()): boolean {
    return this.db.transaction(() => {
      if (
        this.db.prepare('INSERT OR IGNORE INTO job_runs (job, slot, started_at) VALUES (?, ?, ?)').run(job, slot, now)
          .changes
      )
        return true;
      return (
        this.db
          .prepare('UPDATE job_runs SET started_at = ? WHERE job = ? AND slot = ? AND result IS NULL')
          .run(now, job, slot).changes > 0
      );
    })();
  }

  finish(job: string, slot: string, result: unknown): void {
    this.db
      .prepare('UPDATE job_runs SET result = ? WHERE job = ? AND slot = ?')
      .run(JSON.stringify(result ?? null), job, slot);
  }

  /** Slots claimed but not finished: what a restart must run again. */
  unfinished(job: string): string[] {
    return (
      this.db.prepare('SELECT slot FROM job_runs WHERE job = ? AND result IS NULL ORDER BY slot').all(job) as {
        slot: string;
      }[]
    ).map((r) => r.slot);
  }

  isFinished(job: string, slot: string): boolean {
    const row = this.db.prepare('SELECT result FROM job_runs WHERE job = ? AND slot = ?').get(job, slot) as
      { result: string | null } | undefined;
    return row !== undefined && row.result !== null;
  }

  runs(job: string): JobRun[] {
    return (this.db.prepare('SELECT * FROM job_runs WHERE job = ? ORDER BY slot').all(job) as JobRunRow[]).map((r) => ({
      job: r.job,
      slot: r.slot,
      startedAt: r.started_at,
      finishedAt: r.result === null ? null : r.started_at,
      result: r.result,
    }));
  }

  /** Each job's last successful run (ms UTC of its start), for `/health`. */
  lastSuccesses(): Map<string, number> {
    const rows = this.db
      .prepare('SELECT job, MAX(started_at) AS at FROM job_runs WHERE result IS NOT NULL GROUP BY job')
      .all() as { job: string; at: number }[];
    return new Map(rows.map((r) => [r.job, r.at]));
  }

  /** Keeps the ledger small: slots older than `before` can no longer be triggered again. */
  prune(before: number): number {
    return this.db.prepare('DELETE FROM job_runs WHERE started_at < ? AND result IS NOT NULL').run(before).changes;
  }
}
