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
  // Acknowledged proofs are kept for a while (`--keep-acked-days`), so a controller restored from an
  // older backup gets back the proofs it had acknowledged after that backup.
  (db) =>
    db.exec(`
      CREATE TABLE acked (
        id TEXT PRIMARY KEY,
        json TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        acked_at INTEGER NOT NULL
      );
      CREATE INDEX acked_started ON acked (started_at);
    `),
];

/** What happened when the player's database was found damaged at start. */
export interface LocalRecovery {
  /** Where the damaged file was moved. */
  movedTo: string;
  reason: string;
  /** Proofs and survey answers read back from the damaged file into the fresh one. */
  salvagedProofs: number;
  salvagedSurveys: number;
  at: number;
}

const CORRUPTION_CODES = /^SQLITE_(CORRUPT|NOTADB|IOERR_SHORT_READ|CANTOPEN_DIRTYWAL)/;

/** A damaged file, as opposed to a full disk or a permission problem (which a new file would not fix). */
function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && CORRUPTION_CODES.test(code);
}

function openAndMigrate(file: string): Database.Database {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // FULL: a proof is committed to disk before the play is considered done; SIGKILL or a power cut
    // after that cannot lose it.
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    // A damaged page may sit anywhere; quick_check reads every page once (milliseconds for a player's
    // few megabytes) so that damage is found now, not by a timer that writes a proof later.
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      throw Object.assign(new Error(`quick_check: ${String(check)}`), { code: 'SQLITE_CORRUPT_CHECK' });
    }
    const from = db.pragma('user_version', { simple: true }) as number;
    MIGRATIONS.forEach((up, i) => {
      if (i + 1 <= from) return;
      db.transaction(() => {
        up(db);
        db.pragma(`user_version = ${i + 1}`);
      })();
    });
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

type SalvagedRow = { id: string; json: string; created_at: number };

/**
 * Rows of one outbox table that can still be read from a damaged file. A truncated file claims more
 * pages in its header than it has, and SQLite then refuses even its schema: the rows are read from a
 * scratch copy whose header claims only the pages that are there.
 */
function salvageRows(file: string, table: 'outbox' | 'survey_outbox'): SalvagedRow[] {
  const rows = readRows(file, table);
  if (rows.length > 0) return rows;
  const scratch = `${file}.salvage`;
  try {
    const bytes = fs.readFileSync(file);
    if (bytes.length < 100 || bytes.toString('latin1', 0, 15) !== 'SQLite format 3') return rows;
    const raw = bytes.readUInt16BE(16);
    const pageSize = raw === 1 ? 65_536 : raw;
    if (pageSize < 512) return rows;
    const pages = Math.floor(bytes.length / pageSize);
    const fixed = bytes.subarray(0, pages * pageSize);
    fixed.writeUInt32BE(pages, 28);
    // Journal mode "legacy" in the copy, so reading it needs no -wal/-shm files.
    fixed[18] = 1;
    fixed[19] = 1;
    fs.writeFileSync(scratch, fixed);
    return readRows(scratch, table);
  } catch {
    return rows;
  } finally {
    fs.rmSync(scratch, { force: true });
  }
}

function readRows(file: string, table: 'outbox' | 'survey_outbox'): SalvagedRow[] {
  const rows: SalvagedRow[] = [];
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    for (const r of db.prepare(`SELECT id, json, created_at FROM ${table}`).iterate() as Iterable<SalvagedRow>) {
      // Only rows that are still what they claim: an id and JSON that parses.
      try {
        if (typeof r.id === 'string' && typeof r.json === 'string') {
          JSON.parse(r.json);
          rows.push({ id: r.id, json: r.json, created_at: Number(r.created_at) || Date.now() });
        }
      } catch {
        // A damaged row: skipped, the rest is still worth having.
      }
    }
  } catch {
    // The damage stopped the read here; keep what came before it.
  } finally {
    try {
      db?.close();
    } catch {
      // Closing a damaged file may fail too; nothing more to save from it.
    }
  }
  return rows;
}

/**
 * The player's own SQLite file: the last bundle (so it plays with no network after a restart), the
 * proofs outbox, and small state such as the measured clock offset.
 *
 * A damaged file must not become a crash loop: it is moved aside as `player.sqlite.corrupt-<time>`,
 * the outboxes are salvaged into a fresh file (the proofs first: they are the evidence), and the
 * bundle and media are fetched again from the controller. `onRecovered` hears about it.
 */
/** Errors of a disk that is full or failing (not of a damaged file). */
export function isStorageFailure(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return (
    (typeof code === 'string' && /^(SQLITE_FULL|SQLITE_IOERR|ENOSPC|EDQUOT|EIO|EROFS|SQLITE_READONLY)/.test(code)) ||
    /disk (I\/O error|is full)|no space left/i.test((err as Error).message ?? '')
  );
}

/** How the player's database was opened when the disk refused the normal way. */
export interface DegradedStart {
  /** `disk`: the file, read with exclusive locking (no shared-memory file), writes may fail; `memory`: a fresh in-memory database. */
  mode: 'disk' | 'memory';
  reason: string;
}

/**
 * A disk so full that SQLite cannot even create its shared-memory file (SQLITE_IOERR_SHMSIZE) must not
 * stop the board. First the file itself, with exclusive locking (WAL then keeps its index in heap memory,
 * no `-shm` file): the cached bundle is read and plays, and writes that fail are handled where they
 * happen (proofs wait in memory). If even that fails, a fresh in-memory database: the player fetches its
 * bundle from the controller and plays, and proofs are uploaded from memory.
 */
function openDegraded(file: string, cause: unknown): { db: Database.Database; degraded: DegradedStart } {
  const reason = (cause as Error).message;
  try {
    const db = new Database(file, { fileMustExist: true });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('busy_timeout = 5000');
      const from = db.pragma('user_version', { simple: true }) as number;
      if (from < MIGRATIONS.length) throw new Error('needs a migration, which a full disk cannot take');
      db.prepare('SELECT COUNT(*) AS n FROM state').get();
      return { db, degraded: { mode: 'disk', reason } };
    } catch (err) {
      db.close();
      throw err;
    }
  } catch {
    const db = openAndMigrate(':memory:');
    return { db, degraded: { mode: 'memory', reason } };
  }
}

export function openLocalDatabase(
  dataDir: string,
  onRecovered?: (r: LocalRecovery) => void,
  now: () => number = Date.now,
  onDegraded?: (d: DegradedStart) => void,
): Database.Database {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    if (!isStorageFailure(err)) throw err;
  }
  const file = path.join(dataDir, 'player.sqlite');
  try {
    return openAndMigrate(file);
  } catch (err) {
    if (isStorageFailure(err) && !isCorruption(err)) {
      const { db, degraded } = openDegraded(file, err);
      onDegraded?.(degraded);
      return db;
    }
    if (!isCorruption(err)) throw err;
    const at = now();
    const movedTo = `${file}.corrupt-${new Date(at).toISOString().replace(/[:.]/g, '-')}`;
    const proofs = salvageRows(file, 'outbox');
    const surveys = salvageRows(file, 'survey_outbox');
    fs.renameSync(file, movedTo);
    for (const side of ['-wal', '-shm']) {
      if (fs.existsSync(file + side)) fs.renameSync(file + side, movedTo + side);
    }
    const db = openAndMigrate(file);
    db.exec(
      `CREATE TABLE IF NOT EXISTS survey_outbox (id TEXT PRIMARY KEY, json TEXT NOT NULL, created_at INTEGER NOT NULL)`,
    );
    db.transaction(() => {
      const p = db.prepare('INSERT OR IGNORE INTO outbox (id, json, created_at) VALUES (?, ?, ?)');
      for (const r of proofs) p.run(r.id, r.json, r.created_at);
      const s = db.prepare('INSERT OR IGNORE INTO survey_outbox (id, json, created_at) VALUES (?, ?, ?)');
      for (const r of surveys) s.run(r.id, r.json, r.created_at);
    })();
    const recovery: LocalRecovery = {
      movedTo,
      reason: (err as Error).message,
      salvagedProofs: proofs.length,
      salvagedSurveys: surveys.length,
      at,
    };
    db.prepare("INSERT OR REPLACE INTO state (key, value) VALUES ('last_recovery', ?)").run(JSON.stringify(recovery));
    onRecovered?.(recovery);
    return db;
  }
}

/** JSON from the player's own file; damaged text is treated as absent, never thrown at start. */
function parseStored(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Small state of the player (device id, clock offset, survey questions, play in progress). Writes come
 * from socket events and timers; a disk that refuses them (full, failing) is reported to
 * `onWriteError` and never thrown there, where it would stop the process and the board with it.
 */
export class LocalState {
  constructor(
    private readonly db: Database.Database,
    private readonly onWriteError: (key: string, err: Error) => void = () => undefined,
  ) {}

  get(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM state WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  set(key: string, value: string): void {
    try {
      this.db
        .prepare('INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
        .run(key, value);
    } catch (err) {
      this.onWriteError(key, err as Error);
    }
  }

  delete(key: string): void {
    try {
      this.db.prepare('DELETE FROM state WHERE key = ?').run(key);
    } catch (err) {
      this.onWriteError(key, err as Error);
    }
  }

  loadBundle(): Bundle | null {
    const row = this.db.prepare('SELECT json FROM bundle WHERE id = 1').get() as { json: string } | undefined;
    if (!row) return null;
    // A cache that fails validation (older format, disk damage) is treated as absent, never trusted.
    const parsed = BundleSchema.safeParse(parseStored(row.json));
    return parsed.success ? parsed.data : null;
  }

  /** Stored JSON that fails to parse is absent, like a value that fails validation. */
  getJson(key: string): unknown {
    const raw = this.get(key);
    return raw === null ? undefined : parseStored(raw);
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
