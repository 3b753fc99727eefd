import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type Bundle, BundleSchema } from '@bangtin/shared';

const MIGRATIONS: ((db: Database.Database) => void)[] = [
  (db) =>
    db.exec(`
      CREATE TABLE bundle (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL,
        hash TEXT NOT NULL,
        json TEXT NOT NULL,
        received_at INTEGER NOT NULL
      );
      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        json TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `),
];

/**
 * The player's own SQLite file: the last bundle (so it plays with no network after a restart), the
 * proofs outbox, and small state such as the measured clock offset.
 */
export function openLocalDatabase(dataDir: string): Database.Database {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'player.sqlite'));
  db.pragma('journal_mode = WAL');
  // FULL: a proof is committed to disk before the play is considered done; SIGKILL or a power cut
  // after that cannot lose it.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const from = db.pragma('user_version', { simple: true }) as number;
  MIGRATIONS.forEach((up, i) => {
    if (i + 1 <= from) return;
    db.transaction(() => {
      up(db);
      db.pragma(`user_version = ${i + 1}`);
    })();
  });
  return db;
}

export class LocalState {
  constructor(private readonly db: Database.Database) {}

  get(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM state WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  set(key: string, value: string): void {
    this.db
      .prepare('INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }

  delete(key: string): void {
    this.db.prepare('DELETE FROM state WHERE key = ?').run(key);
  }

  loadBundle(): Bundle | null {
    const row = this.db.prepare('SELECT json FROM bundle WHERE id = 1').get() as { json: string } | undefined;
    if (!row) return null;
    // A cache that fails validation (older format, disk damage) is treated as absent, never trusted.
    const parsed = BundleSchema.safeParse(JSON.parse(row.json));
    return parsed.success ? parsed.data : null;
  }

  saveBundle(b: Bundle, now = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO bundle (id, version, hash, json, received_at) VALUES (1, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, hash = excluded.hash, json = excluded.json, received_at = excluded.received_at`,
      )
      .run(b.version, b.hash, JSON.stringify(b), now);
  }
}
