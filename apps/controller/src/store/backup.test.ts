import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '.';
import { JobRunner, slotOf } from '../jobs/runner';
import { nightlyBackupJob } from '../jobs';
import { backupHealth, nightlyName, nightlyTime, pruneNightly } from './backup';
import { readConfig } from '../config';

const log = pino({ level: 'silent' });
const DAY = 86_400_000;
const HOUR = 3_600_000;
const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tmp() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-nightly-'));
  dirs.push(d);
  return d;
}

// 2027-03-10 02:00 in Vietnam = 2027-03-09 19:00 UTC.
const NIGHT = Date.UTC(2027, 2, 9, 19, 0, 0);

describe('nightly backup job (injected clock, real SQLite files)', () => {
  it('names files by their UTC time and reads the time back; other names are not ours', () => {
    expect(nightlyName(NIGHT)).toBe('bangtin-nightly-2027-03-09T19-00-00-000Z.sqlite');
    expect(nightlyTime(nightlyName(NIGHT))).toBe(NIGHT);
    expect(nightlyTime('bangtin-pre-migrate-v3-to-v4-2027-03-09T19-00-00-000Z.sqlite')).toBeNull();
    expect(nightlyTime('bangtin-nightly-2027-03-09T19-00-00-000Z.sqlite.media.json')).toBeNull();
    expect(nightlyTime('bangtin-nightly-2027-13-45T19-00-00-000Z.sqlite')).toBeNull();
  });

  it('runs at 02:00 Vietnam time through the job ledger, keeps 14 days, deletes only older nightly files', () => {
    const dataDir = tmp();
    const store = openStore(dataDir);
    stores.push(store);
    store.db
      .prepare(
        "INSERT INTO device_groups (id, parent_id, name, kind) VALUES ('g1', NULL, 'Tỉnh Quảng Nam', 'province')",
      )
      .run();
    const dir = path.join(dataDir, 'backups');
    fs.mkdirSync(dir);
    const old15 = nightlyName(NIGHT - 15 * DAY);
    const old14 = nightlyName(NIGHT - 14 * DAY);
    const old3 = nightlyName(NIGHT - 3 * DAY);
    const others = [
      'bangtin-pre-migrate-v3-to-v4-2020-01-01T00-00-00-000Z.sqlite',
      'notes.txt',
      'bangtin-nightly-x.sqlite',
    ];
    for (const f of [old15, old14, old3, ...others]) fs.writeFileSync(path.join(dir, f), 'x');

    let now = NIGHT - 60_000; // 01:59: yesterday's slot is owed, not tonight's
    const def = nightlyBackupJob(store, dir, 14);
    const runner = new JobRunner(store.jobs, [def], log, () => now);
    expect(slotOf(def.period, now)).toBe('2027-03-09');
    now = NIGHT;
    expect(runner.runSlot(def, slotOf(def.period, now))).toBe(true);
    expect(slotOf(def.period, now)).toBe('2027-03-10');
    // Ledger: the same slot does not run twice.
    expect(runner.runSlot(def, slotOf(def.period, now))).toBe(false);
    expect(store.jobs.isFinished('nightly-backup', '2027-03-10')).toBe(true);

    const left = fs.readdirSync(dir).sort();
    expect(left).toEqual([old14, old3, nightlyName(NIGHT), ...others].sort());
    const copy = new Database(path.join(dir, nightlyName(NIGHT)), { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.prepare('SELECT name FROM device_groups').pluck().all()).toEqual(['Tỉnh Quảng Nam']);
    copy.close();
  });

  it('keeps as many days as asked', () => {
    const dir = tmp();
    for (let d = 0; d < 10; d++) fs.writeFileSync(path.join(dir, nightlyName(NIGHT - d * DAY)), 'x');
    expect(pruneNightly(dir, NIGHT, 3)).toHaveLength(6);
    expect(fs.readdirSync(dir)).toHaveLength(4);
  });

  it('health: fresh installs are not failing; a copy over 48 h old on a controller up over 26 h is', () => {
    const dir = tmp();
    const started = NIGHT;
    expect(backupHealth(dir, NIGHT + 25 * HOUR, started)).toEqual({
      lastAt: null,
      ageHours: null,
      file: null,
      failing: false,
    });
    expect(backupHealth(dir, NIGHT + 27 * HOUR, started).failing).toBe(true);
    fs.writeFileSync(path.join(dir, nightlyName(NIGHT)), 'x');
    const h = backupHealth(dir, NIGHT + 47 * HOUR, started);
    expect(h).toEqual({
      lastAt: new Date(NIGHT).toISOString(),
      ageHours: 47,
      file: nightlyName(NIGHT),
      failing: false,
    });
    expect(backupHealth(dir, NIGHT + 49 * HOUR, started).failing).toBe(true);
    // Restarted recently: not failing yet, even with an old copy.
    expect(backupHealth(dir, NIGHT + 49 * HOUR, NIGHT + 30 * HOUR).failing).toBe(false);
  });

  it('validates BANGTIN_BACKUP_KEEP_DAYS and names it', () => {
    expect(readConfig([], {}).backupKeepDays).toBe(14);
    expect(readConfig([], { BANGTIN_BACKUP_KEEP_DAYS: '30' }).backupKeepDays).toBe(30);
    expect(() => readConfig([], { BANGTIN_BACKUP_KEEP_DAYS: 'two weeks' })).toThrow(/BANGTIN_BACKUP_KEEP_DAYS/);
    expect(() => readConfig([], { BANGTIN_BACKUP_KEEP_DAYS: '0' })).toThrow(
      /BANGTIN_BACKUP_KEEP_DAYS: must be at least 1/,
    );
    expect(() => readConfig([], { BANGTIN_BACKUP_KEEP_DAYS: '1.5' })).toThrow(/whole number/);
  });
});
