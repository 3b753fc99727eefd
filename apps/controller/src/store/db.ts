import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { currentVersion, migrate, type Migration, MIGRATIONS, SchemaTooNewError } from './migrations';

export const SQLITE_CACHE_KIB = 4000;

/** The one place the controller opens SQLite. WAL lets readers (reports) run while proofs stream in. */
export function openDatabase(dataDir: string, migrations: readonly Migration[] = MIGRATIONS): Database.Database {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'bangtin.sqlite'));
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode is durable across process crashes; only a power cut can lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // SQLite's page cache, in KiB: better-sqlite3 builds SQLite with 16 MiB, which a province-wide change
  // filled with pages touched once (10,000 acks); that was a sixth of the controller's memory at 10,000
  // players. The hot rows (devices, held bundles) fit in 4 MiB, proofs only append, and the OS caches
  // the file: bench:reports and bench:proofs measured no slower with it (see the README).
  db.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
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
  cachePreparedStatements(db);
  return db;
}

/**
 * Makes `db.prepare` reuse compiled statements: the store prepares its SQL where it runs it, and compiling
 * the same text again cost a tenth of a province-wide bundle refresh (profiled at 10,000 devices). A
 * statement busy in an unfinished `iterate()` is never handed out twice (a fresh one is compiled), the
 * result mode (`pluck`/`raw`/`expand`) is reset on every reuse, and the cache keeps the most recently
 * used `max` texts, so SQL built with a varying number of `?` cannot grow it without bound.
 */
export function cachePreparedStatements(db: Database.Database, max = 512): void {
  const compile = db.prepare.bind(db);
  // A hit only stamps its entry: moving it to the map's end on every use (delete, then set) rebuilt the
  // map's table over and over, megabytes of garbage when 10,000 acks each run a few statements.
  const cache = new Map<string, { stmt: Database.Statement; used: number }>();
  let clock = 0;
  db.prepare = ((sql: string) => {
    const hit = cache.get(sql);
    if (hit && !hit.stmt.busy) {
      hit.used = ++clock;
      const stmt = hit.stmt;
      if (stmt.reader) stmt.pluck(false).expand(false).raw(false);
      return stmt;
    }
    const stmt = compile(sql);
    if (!hit) {
      cache.set(sql, { stmt, used: ++clock });
      if (cache.size > max) {
        let oldest: string | null = null;
        let at = Infinity;
        for (const [k, e] of cache)
          if (e.used < at) {
            at = e.used;
            oldest = k;
          }
        cache.delete(oldest!);
      }
    }
    return stmt;
  }) as Database.Database['prepare'];
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
