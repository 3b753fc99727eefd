import type Database from 'better-sqlite3';

/** A controller-wide revision counter: bundle versions come from it, so they only ever go up. */
/** Seconds from 2020-01-01 UTC: the floor of every revision, so a restored older database still counts up. */
export const REVISION_EPOCH_MS = Date.UTC(2020, 0, 1);

/**
 * The next bundle revision: one more than the last, and never below the seconds since 2020. A database
 * restored from an older backup therefore still hands out revisions above every one players have seen
 * (unless the old controller made more than one revision a second for the whole time since the backup),
 * so bundle versions only go up and every player takes the restored schedule.
 */
export function nextRevision(db: Database.Database, now = Date.now()): number {
  const floor = Math.floor((now - REVISION_EPOCH_MS) / 1000);
  const row = db
    .prepare(
      `INSERT INTO meta (key, value) VALUES ('revision', CAST(? AS TEXT))
       ON CONFLICT (key) DO UPDATE SET value = CAST(MAX(CAST(value AS INTEGER) + 1, ?) AS TEXT)
       RETURNING value`,
    )
    .get(Math.max(1, floor), floor) as { value: string | number };
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
