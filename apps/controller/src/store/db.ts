import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate, type Migration, MIGRATIONS } from './migrations';

/** The one place the controller opens SQLite. WAL lets readers (reports) run while proofs stream in. */
export function openDatabase(dataDir: string, migrations: readonly Migration[] = MIGRATIONS): Database.Database {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'bangtin.sqlite'));
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode is durable across process crashes; only a power cut can lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return db;
}
