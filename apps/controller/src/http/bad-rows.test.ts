/**
 * Issue 14 item 1: rows stored before device times were bounded (or edited in the file) must not break
 * any reader. The poisoned rows go straight into the controller's real SQLite file; every reader is then
 * called over real HTTP and must answer 200 with the good rows, and log the skipped ones once, with a count.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '@bangtin/shared';
import { createHarness } from './test-harness';
import { schedulingJobs } from '../jobs';

const harness = createHarness('bad-rows');
afterEach(() => harness.cleanup());

/** A logger whose JSON lines are kept, to count the warnings. */
function capturingLog() {
  const lines: { level: number; msg: string; reader?: string; skipped?: number; quarantined?: number }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as (typeof lines)[0]);
      cb();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

const T = Date.UTC(2026, 10, 20, 8, 0, 0);
const POISON = {
  huge: { started: 9e15, ended: 9e15 },
  backwards: { started: T + 60_000, ended: T },
  tooLong: { started: T, ended: T + 25 * 3600_000 },
  before2020: { started: Date.UTC(2019, 5, 1), ended: Date.UTC(2019, 5, 1) + 10_000 },
};

async function setup() {
  const { log, lines } = capturingLog();
  const h = await harness.start({ log, jobs: false });
  const dev = (await h.call(h.admin, 'POST', '/devices', { name: 'Bảng LED cổng', kind: 'led' })).body as {
    id: string;
    token: string;
  };
  const db = h.c.store.db;
  const insertProof = db.prepare(
    `INSERT INTO proofs (id, device_id, content_id, playlist_id, schedule_id, started_at, ended_at, received_at,
       device_started_at, clock_offset_ms, end_reason, output)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'completed', 'main')`,
  );
  const [content, playlist, schedule] = [newId(), newId(), newId()];
  const good: string[] = [];
  for (let i = 0; i < 3; i++) {
    const id = newId();
    good.push(id);
    insertProof.run(id, dev.id, content, playlist, schedule, T + i * 10_000, T + i * 10_000 + 10_000, T, T);
  }
  const bad: string[] = [];
  for (const p of Object.values(POISON)) {
    const id = newId();
    bad.push(id);
    insertProof.run(id, dev.id, content, playlist, schedule, p.started, p.ended, T, T);
  }
  return { ...h, dev, db, good, bad, lines, content };
}

const warnings = (lines: { level: number; reader?: string }[], reader: string) =>
  lines.filter((l) => l.level === 40 && l.reader === reader);

describe('readers skip unreadable stored rows (issue 14)', () => {
  it('GET /proofs (JSON and CSV) answers 200 with the good rows and logs the skipped ones once', async () => {
    const { c, call, admin, dev, good, bad, lines } = await setup();
    const r = await call(admin, 'GET', `/proofs?deviceId=${dev.id}`);
    expect(r.status).toBe(200);
    expect((r.body as { id: string }[]).map((p) => p.id)).toEqual(good);
    expect(warnings(lines, 'GET /proofs')).toMatchObject([{ skipped: bad.length }]);

    const csv = await fetch(`${c.url}/api/v1/proofs?format=csv`, { headers: { authorization: `Bearer ${admin}` } });
    expect(csv.status).toBe(200);
    const text = await csv.text();
    const rows = text.trim().split('\r\n').slice(1);
    expect(rows.map((l) => l.split(',')[0])).toEqual(good);
    expect(warnings(lines, 'GET /proofs')).toHaveLength(2);
  });

  it('the nightly rollup and retention jobs run past them, moving them to quarantined_rows', async () => {
    const { c, call, admin, dev, db, bad, lines, content } = await setup();
    const log = pino({ level: 'silent' });
    const jobs = schedulingJobs(c.store, () => c.hub, log, { proofRetentionDays: 400 });
    const rollup = jobs.find((j) => j.name === 'proof-rollup')!;
    expect(rollup.run(Date.now())).toEqual({ rolled: 3, quarantined: bad.length });
    const daily = await call(admin, 'GET', `/proofs/daily?deviceId=${dev.id}`);
    expect(daily.status).toBe(200);
    expect(daily.body).toEqual([
      { deviceId: dev.id, campaignId: null, contentId: content, localDate: '2026-11-20', plays: 3, airtimeMs: 30_000 },
    ]);
    const q = db.prepare('SELECT table_name, row_json, reason FROM quarantined_rows ORDER BY id').all() as {
      table_name: string;
      row_json: string;
      reason: string;
    }[];
    expect(q.map((r) => [r.table_name, (JSON.parse(r.row_json) as { id: string }).id]).sort()).toEqual(
      bad.map((id) => ['proofs', id]).sort(),
    );
    expect(new Set(q.map((r) => r.reason))).toEqual(
      new Set(['started_at outside 2020-01-01 … 2100', 'ended_at before started_at', 'play longer than 24 h']),
    );
    // Retention rolls up first: it must run (and delete) again rather than throw.
    const retention = jobs.find((j) => j.name === 'proof-retention')!;
    const res = retention.run(T + 401 * 86_400_000) as { deleted: number };
    expect(res.deleted).toBe(3);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });

  it('GET /interrupts, GET /devices (plain and paged) and the screenshot answer 200 past bad device times', async () => {
    const { c, call, admin, dev, db, dataDir, lines } = await setup();
    const msg = await call(admin, 'POST', '/interrupts', {
      text: 'Tạm ngừng tiếp nhận hồ sơ',
      target: { deviceIds: [dev.id], groupIds: [], tags: [] },
    });
    expect(msg.status).toBe(201);
    db.prepare('UPDATE interrupt_deliveries SET acked_at = ?, shown_at = ? WHERE device_id = ?').run(T, 9e15, dev.id);
    db.prepare('UPDATE devices SET now_playing = ? WHERE id = ?').run(
      JSON.stringify({ contentId: newId(), playlistId: newId(), scheduleId: newId(), startedAt: 9e15 }),
      dev.id,
    );
    db.prepare('UPDATE devices SET outputs = ? WHERE id = ?').run(
      JSON.stringify([
        {
          id: 'led:cong',
          kind: 'led',
          state: 'error',
          lastWriteAt: 9e15,
          lastError: { code: 'EIO', message: 'mất cổng', at: 9e15 },
        },
      ]),
      dev.id,
    );
    db.prepare(
      `INSERT INTO device_screenshots (device_id, output, width, height, size, captured_at, received_at)
       VALUES (?, 'screen', 1, 1, 1, ?, ?)`,
    ).run(dev.id, 9e15, T);
    fs.mkdirSync(path.join(dataDir, 'screenshots'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'screenshots', `${dev.id}.png`), Buffer.from('89504e47', 'hex'));

    const interrupts = await call(admin, 'GET', '/interrupts');
    expect(interrupts.status).toBe(200);
    expect(interrupts.body).toMatchObject([
      { id: msg.body.id, deliveries: [{ deviceId: dev.id, acked: true, shownAt: null }] },
    ]);
    expect(warnings(lines, 'GET /interrupts')).toMatchObject([{ skipped: 1 }]);

    const plain = await call(admin, 'GET', '/devices');
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject([{ id: dev.id, nowPlaying: null }]);
    const paged = await call(admin, 'GET', '/devices?limit=10');
    expect(paged.status).toBe(200);
    expect(paged.body.items).toMatchObject([
      { id: dev.id, nowPlaying: null, outputs: [{ id: 'led:cong', lastWriteAt: null, lastError: null }] },
    ]);
    expect(warnings(lines, 'GET /devices')).toMatchObject([{ skipped: 1 }, { skipped: 1 }]);

    // The device is a LED board in this file; the screenshot route serves kiosks and screens too.
    const shot = await fetch(`${c.url}/api/v1/devices/${dev.id}/screenshot`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(shot.status).toBe(200);
    expect(shot.headers.get('x-captured-at')).toBeNull();
    expect(Buffer.from(await shot.arrayBuffer()).toString('hex')).toBe('89504e47');
    expect(warnings(lines, 'GET /devices/:id/screenshot')).toMatchObject([{ skipped: 1 }]);
  });
});
