import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../apps/controller/src/store/db';
import { MIGRATIONS } from '../apps/controller/src/store/migrations';
import { type Proc, startControllerProcess, spawnTs, tmpDir } from './support/processes';

const procs: Proc[] = [];
afterAll(async () => {
  await Promise.all(procs.map((p) => p.kill9()));
});

const LATEST = MIGRATIONS.at(-1)!.version;

describe('controller upgrades (real processes on real database files)', () => {
  it('backs the database up, verified, before migrating it, and keeps its rows', async () => {
    const dataDir = tmpDir('upgrade');
    // A database as the release before the last migration left it, with a row in it.
    const old = openDatabase(dataDir, MIGRATIONS.slice(0, -1));
    old
      .prepare(
        "INSERT INTO device_groups (id, parent_id, name, kind) VALUES ('g1', NULL, 'Huyện Núi Thành', 'district')",
      )
      .run();
    old.close();

    const controller = await startControllerProcess({ dataDir });
    procs.push(controller);
    // The nightly job also makes its first copy at start; only the pre-upgrade copy is counted here.
    const preMigrate = () => fs.readdirSync(path.join(dataDir, 'backups')).filter((f) => f.includes('pre-migrate'));
    const backups = preMigrate();
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(new RegExp(`^bangtin-pre-migrate-v${LATEST - 1}-to-v${LATEST}-.*\\.sqlite$`));
    const copy = new Database(path.join(dataDir, 'backups', backups[0]!), { readonly: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(LATEST - 1);
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.prepare('SELECT name FROM device_groups').pluck().all()).toEqual(['Huyện Núi Thành']);
    copy.close();
    await controller.stop();

    const now = new Database(path.join(dataDir, 'bangtin.sqlite'), { readonly: true });
    expect(now.pragma('user_version', { simple: true })).toBe(LATEST);
    expect(now.prepare('SELECT name FROM device_groups').pluck().all()).toEqual(['Huyện Núi Thành']);
    now.close();

    // Starting again migrates nothing, so it copies nothing.
    const again = await startControllerProcess({ dataDir });
    procs.push(again);
    await again.stop();
    expect(preMigrate()).toHaveLength(1);
  });

  it('refuses a database from a newer bangtin with a clear message, and leaves it as it was', async () => {
    const dataDir = tmpDir('newer-db');
    const db = openDatabase(dataDir);
    db.pragma(`user_version = ${LATEST + 3}`);
    db.close();
    const before = fs.readFileSync(path.join(dataDir, 'bangtin.sqlite'));

    const p = spawnTs('apps/controller/src/main.ts', ['--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir], {
      BANGTIN_ADMIN_PASSWORD: 'mat-khau-thu-nghiem',
    });
    procs.push(p);
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain(
      `bangtin controller: database schema version ${LATEST + 3} is newer than this bangtin (${LATEST}); refusing to start.`,
    );
    expect(p.output()).toContain('never migrates a database backwards');
    expect(fs.readFileSync(path.join(dataDir, 'bangtin.sqlite')).equals(before)).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'backups'))).toBe(false);
  });
});
