import type Database from 'better-sqlite3';

/** A controller-wide revision counter: bundle versions come from it, so they only ever go up. */
export function nextRevision(db: Database.Database): number {
  const row = db
    .prepare(
      `INSERT INTO meta (key, value) VALUES ('revision', '1')
       ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1
       RETURNING value`,
    )
    .get() as { value: string | number };
  return Number(row.value);
}
