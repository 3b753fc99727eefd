import type Database from 'better-sqlite3';

/**
 * Versioned migrations, applied in order at start. `PRAGMA user_version` records the last one applied,
 * so a database written by an older bangtin upgrades in place. Never edit a released migration: add one.
 */
export interface Migration {
  version: number;
  name: string;
  up: (db: Database.Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'base schema',
    up: (db) => {
      db.exec(`
        CREATE TABLE device_groups (
          id TEXT PRIMARY KEY,
          parent_id TEXT REFERENCES device_groups(id),
          name TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('province', 'district', 'office'))
        );
        CREATE TABLE users (
          id TEXT PRIMARY KEY,
          username TEXT NOT NULL UNIQUE COLLATE NOCASE,
          password_hash TEXT NOT NULL,
          role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
          group_id TEXT REFERENCES device_groups(id),
          created_at INTEGER NOT NULL
        );
        CREATE TABLE sessions (
          token_hash TEXT PRIMARY KEY,
          user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL
        );
        CREATE TABLE devices (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('led', 'kiosk', 'screen')),
          group_id TEXT REFERENCES device_groups(id),
          token_hash TEXT NOT NULL UNIQUE,
          created_at INTEGER NOT NULL,
          revoked_at INTEGER,
          last_seen_at INTEGER,
          now_playing TEXT,
          bundle_version INTEGER,
          bundle_hash TEXT,
          acked_bundle_version INTEGER
        );
        CREATE TABLE content (
          id TEXT PRIMARY KEY,
          type TEXT NOT NULL,
          title TEXT,
          text TEXT,
          created_by TEXT REFERENCES users(id),
          created_at INTEGER NOT NULL
        );
        CREATE TABLE playlists (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          created_by TEXT REFERENCES users(id),
          created_at INTEGER NOT NULL
        );
        CREATE TABLE playlist_items (
          playlist_id TEXT NOT NULL REFERENCES playlists(id) ON DELETE CASCADE,
          position INTEGER NOT NULL,
          content_id TEXT NOT NULL REFERENCES content(id),
          duration_ms INTEGER NOT NULL,
          PRIMARY KEY (playlist_id, position)
        );
        CREATE TABLE schedules (
          id TEXT PRIMARY KEY,
          playlist_id TEXT NOT NULL REFERENCES playlists(id),
          starts_at INTEGER,
          ends_at INTEGER,
          priority INTEGER NOT NULL,
          created_by TEXT REFERENCES users(id),
          created_at INTEGER NOT NULL
        );
        CREATE TABLE schedule_targets (
          schedule_id TEXT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
          target_kind TEXT NOT NULL CHECK (target_kind IN ('device', 'group')),
          target_id TEXT NOT NULL,
          PRIMARY KEY (schedule_id, target_kind, target_id)
        );
        -- Proofs are an audit record: no foreign keys, so deleting content never deletes what aired.
        CREATE TABLE proofs (
          id TEXT PRIMARY KEY,
          device_id TEXT NOT NULL,
          content_id TEXT NOT NULL,
          playlist_id TEXT NOT NULL,
          schedule_id TEXT NOT NULL,
          started_at INTEGER NOT NULL,
          ended_at INTEGER NOT NULL,
          received_at INTEGER NOT NULL
        );
        CREATE INDEX proofs_device_started ON proofs (device_id, started_at);
        CREATE INDEX proofs_started ON proofs (started_at);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      `);
    },
  },
  {
    version: 2,
    name: 'proof clock audit, device health',
    up: (db) => {
      db.exec(`
        ALTER TABLE proofs ADD COLUMN device_started_at INTEGER;
        ALTER TABLE proofs ADD COLUMN clock_offset_ms INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE proofs ADD COLUMN end_reason TEXT NOT NULL DEFAULT 'completed';
        ALTER TABLE proofs ADD COLUMN output TEXT NOT NULL DEFAULT 'main';
        ALTER TABLE devices ADD COLUMN outbox_size INTEGER;
        ALTER TABLE devices ADD COLUMN clock_offset_ms INTEGER;
        ALTER TABLE devices ADD COLUMN player_version TEXT;
        CREATE INDEX devices_group ON devices (group_id);
        CREATE INDEX schedule_targets_target ON schedule_targets (target_kind, target_id);
      `);
    },
  },
];

export function currentVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every migration newer than the database, each in its own transaction. Returns versions applied. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const applied: number[] = [];
  const from = currentVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (from > latest) {
    throw new Error(`database schema version ${from} is newer than this bangtin (${latest}); refusing to start`);
  }
  for (const m of migrations) {
    if (m.version <= from) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}
