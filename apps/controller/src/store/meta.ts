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

export function getMeta(db: Database.Database, key: string): string | null {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function setMeta(db: Database.Database, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
    key,
    value,
  );
}

const HORIZON_KEY = 'horizon_until';

/**
 * The `horizonUntil` every bundle carries. It is part of the bundle hash, so it moves only when the
 * horizon job decides (once a day), never as a side effect of an edit: otherwise every change would
 * re-push every device.
 */
export function horizonUntil(db: Database.Database): number | null {
  const v = getMeta(db, HORIZON_KEY);
  return v === null ? null : Number(v);
}

export function setHorizonUntil(db: Database.Database, until: number): void {
  setMeta(db, HORIZON_KEY, String(until));
}
