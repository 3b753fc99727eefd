import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { currentVersion, migrate, type Migration, MIGRATIONS, SchemaTooNewError } from './migrations';

/** The one place the controller opens SQLite. WAL lets readers (reports) run while proofs stream in. */
export function openDatabase(dataDir: string, migrations: readonly Migration[] = MIGRATIONS): Database.Database {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'bangtin.sqlite'));
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode is durable across process crashes; only a power cut can lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const from = currentVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (from > latest) {
    db.close();
    throw new SchemaTooNewError(from, latest);
  }
  // An upgrade keeps a copy of the database as it was, so a failed or regretted upgrade can be undone
  // by putting that file back (with the release that wrote it). A new, empty database needs none.
  if (from > 0 && from < latest) backupBeforeMigrate(db, dataDir, from, latest);
  migrate(db, migrations);
  return db;
}

/** Where the automatic pre-upgrade copies go: BANGTIN_BACKUP_DIR, else `<data-dir>/backups`. */
export function backupDir(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.BANGTIN_BACKUP_DIR || path.join(dataDir, 'backups'));
}

/**
 * A consistent copy of the whole database (`VACUUM INTO`, which reads one snapshot), checked with
 * `PRAGMA integrity_check` before the migration may run. Throws, and so stops the start, when the copy
 * cannot be made: upgrading without a way back is worse than not starting.
 */
export function backupBeforeMigrate(db: Database.Database, dataDir: string, from: number, to: number): string {
  const dir = backupDir(dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(dir, `bangtin-pre-migrate-v${from}-to-v${to}-${stamp}.sqlite`);
  db.prepare('VACUUM INTO ?').run(file);
  const copy = new Database(file, { readonly: true });
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`the pre-upgrade backup ${file} failed its integrity check: ${String(check)}`);
  } finally {
    copy.close();
  }
  return file;
}
