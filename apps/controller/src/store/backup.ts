import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations';

export const DB_FILE = 'bangtin.sqlite';
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export class BackupError extends Error {
  readonly code = 'BANGTIN_BACKUP_FAILED';
}

/** `2026-12-03T02:00:00.000Z` → `2026-12-03T02-00-00-000Z`: no `:` so the name also works on Windows. */
export function fileStamp(t: number): string {
  return new Date(t).toISOString().replace(/[:.]/g, '-');
}

const NIGHTLY = /^bangtin-nightly-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.sqlite$/;

export function nightlyName(t: number): string {
  return `bangtin-nightly-${fileStamp(t)}.sqlite`;
}

/** The time in a nightly backup's name (UTC ms), or null when the name is not one of ours. */
export function nightlyTime(name: string): number | null {
  const m = NIGHTLY.exec(name);
  if (!m) return null;
  const t = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`);
  return Number.isFinite(t) ? t : null;
}

export interface VerifiedCopy {
  file: string;
  bytes: number;
  schemaVersion: number;
  /** Rows per table, for the operator to compare with what they expect. */
  counts: Record<string, number>;
}

/**
 * Opens a database file read-only and checks it: `PRAGMA integrity_check` must say ok, and its schema
 * must not be newer than this release (the controller would refuse to start on it).
 */
export function verifyCopy(file: string): VerifiedCopy {
  if (!fs.existsSync(file)) throw new BackupError(`không tìm thấy tệp sao lưu / backup file not found: ${file}`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new BackupError(`không mở được ${file} / cannot open it as SQLite: ${(err as Error).message}`);
  }
  try {
    let check: unknown;
    try {
      check = db.pragma('integrity_check', { simple: true });
    } catch (err) {
      throw new BackupError(
        `${file} không phải cơ sở dữ liệu hợp lệ / is not a valid database: ${(err as Error).message}`,
      );
    }
    if (check !== 'ok')
      throw new BackupError(`${file} không qua kiểm tra toàn vẹn / failed PRAGMA integrity_check: ${String(check)}`);
    const schemaVersion = Number(db.pragma('user_version', { simple: true }));
    const latest = MIGRATIONS.at(-1)?.version ?? 0;
    if (schemaVersion > latest)
      throw new BackupError(
        `${file} có lược đồ v${schemaVersion}, mới hơn bản bangtin này (v${latest}) / its schema is newer than this release`,
      );
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all() as string[];
    const counts: Record<string, number> = {};
    for (const t of tables)
      counts[t] = Number(
        db
          .prepare(`SELECT COUNT(*) FROM "${t.replace(/"/g, '""')}"`)
          .pluck()
          .get(),
      );
    return { file, bytes: fs.statSync(file).size, schemaVersion, counts };
  } finally {
    db.close();
  }
}

export interface MediaEntry {
  name: string;
  bytes: number;
  sha256: string;
}

export interface MediaManifest {
  createdAt: string;
  mediaDir: string;
  files: MediaEntry[];
  totalBytes: number;
}

async function sha256Of(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The media store (`<data-dir>/media`, files named by their sha256, thumbnails in `thumbnails/`), listed
 * with size and hash. Unfinished uploads (`.upload-*`) are skipped: they are not media yet.
 */
export async function mediaManifest(dataDir: string, now = Date.now()): Promise<MediaManifest> {
  const mediaDir = path.resolve(dataDir, 'media');
  const files: MediaEntry[] = [];
  const walk = async (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.upload-')) continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile())
        files.push({
          name: path.relative(mediaDir, full).split(path.sep).join('/'),
          bytes: fs.statSync(full).size,
          sha256: await sha256Of(full),
        });
    }
  };
  await walk(mediaDir);
  return {
    createdAt: new Date(now).toISOString(),
    mediaDir,
    files,
    totalBytes: files.reduce((s, f) => s + f.bytes, 0),
  };
}

export interface BackupResult extends VerifiedCopy {
  manifestFile: string;
  media: { files: number; bytes: number };
}

/**
 * An online backup of a live controller database: SQLite's backup API on a second, read-only
 * connection. WAL mode lets it read a consistent snapshot while the controller keeps writing; the
 * copy is then checked on its own, and the media manifest written beside it as `<file>.media.json`.
 */
export async function onlineBackup(dataDir: string, to: string): Promise<BackupResult> {
  const source = path.resolve(dataDir, DB_FILE);
  if (!fs.existsSync(source))
    throw new BackupError(`không có cơ sở dữ liệu / no database at ${source} (check --data-dir / BANGTIN_DATA_DIR)`);
  const target = path.resolve(to);
  if (fs.existsSync(target)) throw new BackupError(`--to: ${target} đã tồn tại / already exists; choose a new file`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(target);
  } catch (err) {
    fs.rmSync(target, { force: true });
    throw new BackupError(`sao lưu thất bại / backup failed: ${(err as Error).message}`);
  } finally {
    db.close();
  }
  const verified = verifyCopy(target);
  const manifest = await mediaManifest(dataDir);
  const manifestFile = `${target}.media.json`;
  fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return { ...verified, manifestFile, media: { files: manifest.files.length, bytes: manifest.totalBytes } };
}

export interface NightlyResult {
  file: string;
  bytes: number;
  deleted: string[];
}

/**
 * The nightly job's work: a consistent copy (`VACUUM INTO`, one read snapshot, synchronous as the job
 * runner needs) checked with integrity_check, then nightly copies older than `keepDays` deleted. Only
 * files named `bangtin-nightly-<time>.sqlite` are ever deleted; the age is read from the name, so a
 * copied or touched file keeps its place.
 */
export function nightlyBackup(db: Database.Database, dir: string, now: number, keepDays: number): NightlyResult {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, nightlyName(now));
  // A rerun of an unfinished slot at the same instant: the half-written file is replaced.
  fs.rmSync(file, { force: true });
  db.prepare('VACUUM INTO ?').run(file);
  try {
    verifyCopy(file);
  } catch (err) {
    fs.rmSync(file, { force: true });
    throw err;
  }
  return { file, bytes: fs.statSync(file).size, deleted: pruneNightly(dir, now, keepDays) };
}

export function pruneNightly(dir: string, now: number, keepDays: number): string[] {
  const deleted: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const t = nightlyTime(name);
    if (t === null || t >= now - keepDays * DAY_MS) continue;
    fs.rmSync(path.join(dir, name), { force: true });
    deleted.push(name);
  }
  return deleted.sort();
}

export function lastNightly(dir: string): { at: number; file: string } | null {
  let best: { at: number; file: string } | null = null;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return null;
  }
  for (const name of names) {
    const t = nightlyTime(name);
    if (t !== null && (!best || t > best.at)) best = { at: t, file: path.join(dir, name) };
  }
  return best;
}

export interface BackupHealth {
  lastAt: string | null;
  ageHours: number | null;
  file: string | null;
  /** True when the last nightly copy is over 48 h old (or missing) on a controller up for over 26 h. */
  failing: boolean;
}

/** A fresh install has had no night yet: it is only failing once it has been up long enough to owe one. */
export function backupHealth(dir: string, now: number, startedAt: number): BackupHealth {
  const last = lastNightly(dir);
  const ageHours = last ? Math.round(((now - last.at) / HOUR_MS) * 10) / 10 : null;
  const stale = ageHours === null || ageHours > 48;
  return {
    lastAt: last ? new Date(last.at).toISOString() : null,
    ageHours,
    file: last ? path.basename(last.file) : null,
    failing: stale && now - startedAt > 26 * HOUR_MS,
  };
}
