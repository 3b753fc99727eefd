import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { MAX_PLAY_MS } from '@bangtin/shared';

/**
 * Stored rows that a reader cannot use: written by a bangtin from before device instants were bounded
 * (issue 14: a proof with startedAt = 9e15), or edited in the file. Readers skip them (and say how many
 * in one warning per call); migration 11 and the rollup move them to `quarantined_rows`, where they
 * stay for an administrator to look at.
 */

/** Earliest instant a stored device time may hold (no bangtin player ran before 2020). */
export const STORED_MIN_MS = Date.UTC(2020, 0, 1);
/** First instant past the stored window: anything from 2100 on is a broken clock or a forgery. */
export const STORED_END_MS = Date.UTC(2100, 0, 1);

/** True when a stored instant is a whole number of ms in 2020-01-01 … 2099-12-31. */
export function storedInstant(ms: unknown): ms is number {
  return typeof ms === 'number' && Number.isSafeInteger(ms) && ms >= STORED_MIN_MS && ms < STORED_END_MS;
}

/** Why a stored proof cannot be read, or null when it can. */
export function proofRowProblem(r: { started_at: unknown; ended_at: unknown }): string | null {
  if (!storedInstant(r.started_at)) return 'started_at outside 2020-01-01 … 2100';
  if (!storedInstant(r.ended_at)) return 'ended_at outside 2020-01-01 … 2100';
  if (r.ended_at < r.started_at) return 'ended_at before started_at';
  if (r.ended_at - r.started_at > MAX_PLAY_MS) return 'play longer than 24 h';
  return null;
}

/** SQL twin of `storedInstant` for column `col` (true when the value is bad). */
export function badInstantSql(col: string): string {
  return `(typeof(${col}) <> 'integer' OR ${col} < ${STORED_MIN_MS} OR ${col} >= ${STORED_END_MS})`;
}

/** SQL twin of `proofRowProblem`: the reason text for a bad proof, NULL for a good one. */
export const PROOF_PROBLEM_SQL = `CASE
  WHEN ${badInstantSql('started_at')} THEN 'started_at outside 2020-01-01 … 2100'
  WHEN ${badInstantSql('ended_at')} THEN 'ended_at outside 2020-01-01 … 2100'
  WHEN ended_at < started_at THEN 'ended_at before started_at'
  WHEN ended_at - started_at > ${MAX_PLAY_MS} THEN 'play longer than 24 h'
  END`;

/** A row as JSON from every column of `table` (read from the schema, so columns added later come along). */
export function rowJsonSql(db: Database.Database, table: string): string {
  const cols = (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map(
    (c) => c.name,
  );
  return `json_object(${cols.map((c) => `'${c}', "${c}"`).join(', ')})`;
}

/**
 * Moves the rows of `table` for which `reasonSql` is not NULL into quarantined_rows, and deletes them.
 * `where` narrows the rows looked at (e.g. by rowid); returns how many moved.
 */
export function quarantineRows(
  db: Database.Database,
  table: string,
  reasonSql: string,
  now: number,
  where = '1',
  params: unknown[] = [],
): number {
  const pick = `FROM "${table}" WHERE (${where}) AND (${reasonSql}) IS NOT NULL`;
  db.prepare(
    `INSERT INTO quarantined_rows (table_name, row_json, reason, quarantined_at)
     SELECT '${table}', ${rowJsonSql(db, table)}, ${reasonSql}, ? ${pick}`,
  ).run(now, ...params);
  return db.prepare(`DELETE ${pick}`).run(...params).changes;
}

/** Counts the bad rows one reader call skipped and logs them once, with the count, when it is done. */
export class SkippedRows {
  count = 0;
  private first: { reason: string; key: string | null } | null = null;
  constructor(
    private readonly log: Pick<Logger, 'warn'>,
    private readonly reader: string,
  ) {}

  skip(reason: string, key: string | null = null): void {
    this.count++;
    this.first ??= { reason, key };
  }

  /** Logs once if anything was skipped. Safe to call more than once (logs only the first time). */
  report(): void {
    if (this.count === 0) return;
    this.log.warn(
      { reader: this.reader, skipped: this.count, first: this.first },
      'unreadable stored rows skipped (written before the bounds, or edited); see quarantined_rows',
    );
    this.count = 0;
    this.first = null;
  }
}
