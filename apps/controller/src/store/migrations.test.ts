import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { currentVersion, migrate, MIGRATIONS } from './migrations';
import { openDatabase } from './db';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-migrations-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('migrations', () => {
  it('are numbered 1, 2, 3 … with no gap or repeat', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('upgrade a database written by the first release in place, keeping its rows', () => {
    const dir = tmp();
    const file = path.join(dir, 'bangtin.sqlite');
    const old = new Database(file);
    migrate(old, MIGRATIONS.slice(0, 1));
    old
      .prepare(
        'INSERT INTO proofs (id, device_id, content_id, playlist_id, schedule_id, started_at, ended_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run('p1', 'd1', 'c1', 'pl1', 's1', 1_700_000_000_000, 1_700_000_010_000, 1_700_000_020_000);
    old
      .prepare("INSERT INTO device_groups (id, parent_id, name, kind) VALUES ('g1', NULL, 'Quảng Nam', 'province')")
      .run();
    expect(currentVersion(old)).toBe(1);
    old.close();

    const db = openDatabase(dir);
    expect(currentVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    const proof = db.prepare('SELECT * FROM proofs WHERE id = ?').get('p1') as Record<string, unknown>;
    // Old rows survive, and columns added later carry their defaults.
    expect(proof).toMatchObject({
      device_id: 'd1',
      started_at: 1_700_000_000_000,
      end_reason: 'completed',
      output: 'main',
      clock_offset_ms: 0,
    });
    expect((db.prepare('SELECT name FROM device_groups').get() as { name: string }).name).toBe('Quảng Nam');
    db.close();
  });

  it('are idempotent: opening twice applies nothing the second time', () => {
    const dir = tmp();
    openDatabase(dir).close();
    const db = new Database(path.join(dir, 'bangtin.sqlite'));
    expect(migrate(db)).toEqual([]);
    db.close();
  });

  it('roll back a failing migration whole and leave the version where it was', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS.slice(0, 1));
    const broken = [
      ...MIGRATIONS.slice(0, 1),
      {
        version: 2,
        name: 'broken',
        up: (d: Database.Database) => d.exec('ALTER TABLE proofs ADD COLUMN x INTEGER; SELECT * FROM no_such_table;'),
      },
    ];
    expect(() => migrate(db, broken)).toThrow(/no_such_table/);
    expect(currentVersion(db)).toBe(1);
    const cols = (db.prepare('PRAGMA table_info(proofs)').all() as { name: string }[]).map((c) => c.name);
    expect(cols).not.toContain('x');
    db.close();
  });

  it('refuse a database from a newer bangtin instead of damaging it', () => {
    const db = new Database(':memory:');
    db.pragma('user_version = 999');
    expect(() => migrate(db)).toThrow(/newer than this bangtin/);
    db.close();
  });
});
