import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS } from './migrations';
import { proofRowProblem, storedInstant } from './quarantine';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const T = Date.UTC(2026, 10, 20, 8);

describe('stored row checks', () => {
  it('hold instants to 2020 … 2100, and plays to 0 … 24 h', () => {
    expect(storedInstant(T)).toBe(true);
    expect(storedInstant(9e15)).toBe(false);
    expect(storedInstant(Date.UTC(2100, 0, 1))).toBe(false);
    expect(storedInstant(Date.UTC(2019, 11, 31))).toBe(false);
    expect(storedInstant('1700000000000')).toBe(false);
    expect(proofRowProblem({ started_at: T, ended_at: T + 10_000 })).toBeNull();
    expect(proofRowProblem({ started_at: T, ended_at: T - 1 })).toBe('ended_at before started_at');
    expect(proofRowProblem({ started_at: T, ended_at: T + 24 * 3600_000 + 1 })).toBe('play longer than 24 h');
  });
});

describe('migration 11: quarantine', () => {
  it('moves bad rows of a database from before the bounds into quarantined_rows, keeping the good ones', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-quarantine-'));
    dirs.push(dir);
    const db = new Database(path.join(dir, 'bangtin.sqlite'));
    const v11 = MIGRATIONS.findIndex((m) => m.name.startsWith('quarantine'));
    migrate(db, MIGRATIONS.slice(0, v11));
    const proof = db.prepare(
      `INSERT INTO proofs (id, device_id, content_id, playlist_id, schedule_id, started_at, ended_at, received_at)
       VALUES (?, 'd1', 'c1', 'pl1', 's1', ?, ?, ?)`,
    );
    proof.run('good', T, T + 10_000, T);
    proof.run('huge', 9e15, 9e15, T);
    proof.run('backwards', T, T - 5000, T);
    proof.run('long', T, T + 25 * 3600_000, T);
    proof.run('text', 'soon', 'later', T);
    db.prepare(
      `INSERT INTO devices (id, name, kind, token_hash, created_at, now_playing) VALUES (?, ?, 'led', ?, ?, ?)`,
    ).run('d1', 'Bảng LED', 'h1', T, JSON.stringify({ contentId: 'c1', startedAt: 9e15 }));
    db.prepare(
      `INSERT INTO devices (id, name, kind, token_hash, created_at, now_playing) VALUES (?, ?, 'led', ?, ?, ?)`,
    ).run('d2', 'Bảng LED 2', 'h2', T, JSON.stringify({ contentId: 'c1', startedAt: T }));
    db.prepare(
      `INSERT INTO interrupts (id, text, starts_at, item_duration_ms, created_at) VALUES ('i1', 'Khẩn', ?, 10000, ?)`,
    ).run(T, T);
    db.prepare(
      `INSERT INTO interrupt_deliveries (interrupt_id, device_id, acked_at, shown_at) VALUES (?, ?, ?, ?)`,
    ).run('i1', 'd1', T, -5);
    db.prepare(
      `INSERT INTO interrupt_deliveries (interrupt_id, device_id, acked_at, shown_at) VALUES (?, ?, ?, ?)`,
    ).run('i1', 'd2', T, T);
    db.prepare(
      `INSERT INTO device_screenshots (device_id, output, width, height, size, captured_at, received_at)
       VALUES ('d1', 'screen', 1, 1, 1, ?, ?)`,
    ).run(9e15, T);
    db.prepare(
      `INSERT INTO survey_answers (id, device_id, survey_id, rating, choice, answered_at, received_at)
       VALUES (?, 'd1', 's', 5, NULL, ?, ?)`,
    ).run('a-bad', 9e15, T);

    migrate(db);

    expect(db.prepare('SELECT id FROM proofs').all()).toEqual([{ id: 'good' }]);
    const q = db.prepare('SELECT table_name, row_json, reason FROM quarantined_rows ORDER BY id').all() as {
      table_name: string;
      row_json: string;
      reason: string;
    }[];
    const rows = q.map((r) => ({
      table: r.table_name,
      row: JSON.parse(r.row_json) as Record<string, unknown>,
      reason: r.reason,
    }));
    expect(rows.filter((r) => r.table === 'proofs').map((r) => [r.row.id, r.reason])).toEqual([
      ['huge', 'started_at outside 2020-01-01 … 2100'],
      ['backwards', 'ended_at before started_at'],
      ['long', 'play longer than 24 h'],
      ['text', 'started_at outside 2020-01-01 … 2100'],
    ]);
    // The whole row is kept, every column.
    expect(rows.find((r) => r.row.id === 'huge')!.row).toMatchObject({
      device_id: 'd1',
      started_at: 9e15,
      output: 'main',
    });
    expect(rows.filter((r) => r.table !== 'proofs').map((r) => [r.table, r.reason])).toEqual([
      ['device_screenshots', 'captured_at outside 2020-01-01 … 2100'],
      ['survey_answers', 'answered_at outside 2020-01-01 … 2100'],
      ['interrupt_deliveries', 'shown_at outside 2020-01-01 … 2100'],
      ['devices', 'now_playing.startedAt outside 2020-01-01 … 2100'],
    ]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM device_screenshots').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM survey_answers').get()).toEqual({ n: 0 });
    // Rows that must stay lose only the bad value.
    expect(
      db.prepare('SELECT device_id, acked_at, shown_at FROM interrupt_deliveries ORDER BY device_id').all(),
    ).toEqual([
      { device_id: 'd1', acked_at: T, shown_at: null },
      { device_id: 'd2', acked_at: T, shown_at: T },
    ]);
    expect(db.prepare('SELECT id, now_playing IS NULL AS cleared FROM devices ORDER BY id').all()).toEqual([
      { id: 'd1', cleared: 1 },
      { id: 'd2', cleared: 0 },
    ]);
    db.close();
  });
});
