import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BackupError, DB_FILE, fileStamp, type MediaManifest, verifyCopy, type VerifiedCopy } from './backup';
import { PID_FILE, runningController } from '../ops/pid-file';

export interface RestoreResult extends VerifiedCopy {
  /** Where the database that was in place went (null when the data dir had none). */
  movedAside: string | null;
  /** Media the backup's manifest lists that the data dir lacks (null: no manifest beside the backup). */
  missingMedia: string[] | null;
}

/**
 * Puts a backup in place of a stopped controller's database. The current database is never deleted:
 * it is checkpointed (so its WAL is inside it) and renamed `bangtin.sqlite.before-restore-<time>`.
 */
export function restoreBackup(from: string, dataDir: string, now = Date.now()): RestoreResult {
  const dir = path.resolve(dataDir);
  const pid = runningController(dir);
  if (pid !== null)
    throw new BackupError(
      `bộ điều khiển đang chạy trên ${dir} (pid ${pid}); hãy dừng nó trước (systemctl stop bangtin-controller) / ` +
        `a controller is running on this data dir; stop it first. (If no controller runs, delete ${path.join(dir, PID_FILE)}.)`,
    );
  const source = path.resolve(from);
  const verified = verifyCopy(source);
  fs.mkdirSync(dir, { recursive: true });
  const current = path.join(dir, DB_FILE);
  let movedAside: string | null = null;
  if (fs.existsSync(current)) {
    try {
      const db = new Database(current, { fileMustExist: true });
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    } catch {
      // A damaged database is moved aside as it is, with its WAL and shared-memory files beside it.
    }
    const stamp = fileStamp(now);
    movedAside = `${current}.before-restore-${stamp}`;
    fs.renameSync(current, movedAside);
    for (const suffix of ['-wal', '-shm']) {
      // Left in place, an old WAL would be replayed onto the restored file.
      if (fs.existsSync(current + suffix))
        fs.renameSync(current + suffix, `${current}${suffix}.before-restore-${stamp}`);
    }
  }
  const tmp = path.join(dir, `.${DB_FILE}.restoring`);
  fs.copyFileSync(source, tmp);
  fs.renameSync(tmp, current);

  let missingMedia: string[] | null = null;
  const manifestFile = `${source}.media.json`;
  if (fs.existsSync(manifestFile)) {
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as MediaManifest;
    missingMedia = (manifest.files ?? [])
      .filter((f) => !fs.existsSync(path.join(dir, 'media', f.name)))
      .map((f) => f.name);
  }
  return { ...verified, file: current, movedAside, missingMedia };
}
