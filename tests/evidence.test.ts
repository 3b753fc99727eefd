import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startController, type Controller } from '@bangtin/controller';
import { formatLocalDay, localDayOf, TIMEZONE } from '@bangtin/shared';
import { Api } from './support/api';
import { type Proc, startPlayerProcess, tmpDir, waitFor } from './support/processes';

/**
 * Issue 11 with real player processes: a campaign with weekday dayparts on two districts, one player
 * SIGKILLed and stopped for a while, then compliance with its causes, and the proof chains verified
 * against the proofs actually played, before and after rows are edited and deleted in the SQLite file.
 */
interface Break {
  seq: number;
  kind: string;
  at: string;
  deviceId: string;
}
interface Verify {
  ok: boolean;
  checked: number;
  unchained: number;
  breaks: Break[];
}
interface ProofOut {
  id: string;
  deviceId: string;
  scheduleId: string;
  startedAt: string;
  endedAt: string;
}
interface DeviceRow {
  deviceId: string;
  deviceName: string;
  groupName: string;
  plannedSeconds: number;
  deliveredSeconds: number;
  percent: number;
  causes: { offline: number; boardError: number; preempted: number; unexplained: number };
  level: string;
}

const PASSWORD = 'mat-khau-bang-chung';
let controller: Controller;
let api: Api;
let dataDir: string;
const players: Proc[] = [];
const dev: Record<'a' | 'b', { id: string; token: string; dir: string }> = {} as never;
let campaignId = '';
let scheduleIds: string[] = [];
let stoppedMs = 0;

const today = () => formatLocalDay(localDayOf(TIMEZONE, Date.now()));

afterAll(async () => {
  for (const p of players) await p.kill9();
  await controller?.close();
});

beforeAll(async () => {
  dataDir = tmpDir('evidence-c');
  controller = await startController({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    adminPassword: PASSWORD,
    log: pino({ level: 'silent' }),
    jobs: false,
  });
  api = await new Api(controller.url).login('admin', PASSWORD);
  const groups = [];
  for (const name of ['Huyện Đại Lộc', 'Huyện Duy Xuyên']) {
    const g = await api.post<{ id: string }>('/groups', { name, kind: 'district' });
    expect(g.status).toBe(201);
    groups.push(g.body.id);
  }
  for (const [k, i] of [
    ['a', 0],
    ['b', 1],
  ] as const) {
    const d = await api.post<{ id: string; token: string }>('/devices', {
      name: `Bảng LED ${i === 0 ? 'Đại Lộc' : 'Duy Xuyên'}`,
      kind: 'led',
      groupId: groups[i],
    });
    expect(d.status).toBe(201);
    dev[k] = { id: d.body.id, token: d.body.token, dir: tmpDir(`evidence-p${k}`) };
  }
  const c = await api.post<{ id: string }>('/content', { type: 'slogan', text: 'Tham gia BHXH tự nguyện' });
  const pl = await api.post<{ id: string }>('/playlists', {
    name: 'Chiến dịch BHXH tự nguyện',
    items: [{ contentId: c.body.id, durationMs: 1000 }],
  });
  const camp = await api.post<{ id: string }>('/campaigns', {
    name: 'Tháng vận động BHXH tự nguyện',
    startsOn: today(),
    endsOn: today(),
    target: { deviceIds: [], groupIds: groups, tags: [] },
    playlistIds: [pl.body.id],
    status: 'scheduled',
  });
  expect(camp.status, camp.text).toBe(201);
  campaignId = camp.body.id;
  // Weekday dayparts: every weekday, in two parts that together cover the whole local day.
  const entries = await api.post<{ id: string }[]>(`/campaigns/${campaignId}/schedules`, {
    recurrence: {
      kind: 'weekly',
      days: [1, 2, 3, 4, 5, 6, 7],
      dayparts: [
        { start: '00:00', end: '12:00' },
        { start: '12:00', end: '23:59' },
      ],
    },
  });
  expect(entries.status, entries.text).toBe(201);
  scheduleIds = entries.body.map((e) => e.id);
  for (const k of ['a', 'b'] as const)
    players.push(startPlayerProcess({ controllerUrl: controller.url, token: dev[k].token, dataDir: dev[k].dir }));
  await waitFor(
    async () => {
      const proofs = (await api.get<ProofOut[]>('/proofs')).body;
      return new Set(proofs.map((p) => p.deviceId)).size === 2;
    },
    'proofs from both players',
    20_000,
  );

  // Player B dies (SIGKILL: its play in progress never becomes a proof) and stays off for a while.
  await players[1]!.kill9();
  const stoppedAt = Date.now();
  await new Promise((r) => setTimeout(r, 3000));
  players[1] = startPlayerProcess({ controllerUrl: controller.url, token: dev.b.token, dataDir: dev.b.dir });
  await waitFor(
    async () => {
      const proofs = (
        await api.get<ProofOut[]>(`/proofs?deviceId=${dev.b.id}&from=${new Date(stoppedAt).toISOString()}`)
      ).body;
      return proofs.length >= 2;
    },
    'proofs from B after its restart',
    20_000,
  );
  stoppedMs = Date.now() - stoppedAt;
  // A restarts gracefully too: its chain continues.
  await players[0]!.stop();
  players[0] = startPlayerProcess({ controllerUrl: controller.url, token: dev.a.token, dataDir: dev.a.dir });
  await waitFor(
    async () => {
      const proofs = (await api.get<ProofOut[]>(`/proofs?deviceId=${dev.a.id}`)).body;
      return proofs.length >= 8;
    },
    'eight proofs from A',
    20_000,
  );
  // Stop both so the proofs are final, and wait until the controller knows their outboxes are empty.
  for (const p of players) await p.stop();
}, 60_000);

describe('evidence with real players', () => {
  it('verify checks every chained proof played and finds no break after a SIGKILL, restarts and re-sends', async () => {
    for (const k of ['a', 'b'] as const) {
      const proofs = (await api.get<ProofOut[]>(`/proofs?deviceId=${dev[k].id}`)).body;
      const v = (await api.get<Verify>(`/proofs/verify?deviceId=${dev[k].id}`)).body;
      expect(v).toEqual({ ok: true, checked: proofs.length, unchained: 0, breaks: [] });
    }
    // Seqs are 1…n without holes on each device, as stored.
    const db = new Database(path.join(dataDir, 'bangtin.sqlite'), { readonly: true });
    const seqs = db
      .prepare('SELECT seq FROM proofs WHERE device_id = ? ORDER BY seq')
      .all(dev.b.id)
      .map((r) => (r as { seq: number }).seq);
    db.close();
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it('compliance per device and per district: delivered equals the proofs, B’s stop is counted as offline', async () => {
    const res = await api.get<{ rows: DeviceRow[] }>(
      `/reports/compliance?campaignId=${campaignId}&from=${today()}&to=${today()}&groupBy=device`,
    );
    expect(res.status).toBe(200);
    const proofs = (await api.get<ProofOut[]>('/proofs')).body.filter((p) => scheduleIds.includes(p.scheduleId));
    for (const k of ['a', 'b'] as const) {
      const row = res.body.rows.find((r) => r.deviceId === dev[k].id)!;
      const playedMs = proofs
        .filter((p) => p.deviceId === dev[k].id)
        .reduce((n, p) => n + Date.parse(p.endedAt) - Date.parse(p.startedAt), 0);
      expect(Math.abs(row.deliveredSeconds - playedMs / 1000)).toBeLessThanOrEqual(1);
      expect(row.plannedSeconds).toBeGreaterThanOrEqual(row.deliveredSeconds);
    }
    const b = res.body.rows.find((r) => r.deviceId === dev.b.id)!;
    // B was off for at least the 3 s it was stopped (less the last play cut by the kill).
    expect(b.causes.offline).toBeGreaterThanOrEqual(2);
    expect(b.causes.offline).toBeLessThanOrEqual(Math.ceil(stoppedMs / 1000) + 1);
    expect(b.groupName).toBe('Huyện Duy Xuyên');
    const districts = await api.get<{ rows: (DeviceRow & { devices: number })[] }>(
      `/reports/compliance?campaignId=${campaignId}&from=${today()}&to=${today()}&groupBy=district`,
    );
    expect(districts.body.rows.map((r) => [r.groupName, r.devices]).sort()).toEqual([
      ['Huyện Duy Xuyên', 1],
      ['Huyện Đại Lộc', 1],
    ]);
    const bad = await api.get<{ error: { field: string } }>(`/reports/compliance?campaignId=${campaignId}&from=x&to=y`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('from');
  });

  it('names a proof row edited in the SQLite file and one deleted from it', async () => {
    const db = new Database(path.join(dataDir, 'bangtin.sqlite'));
    const rows = db
      .prepare('SELECT id, seq, started_at FROM proofs WHERE device_id = ? ORDER BY seq')
      .all(dev.a.id) as { id: string; seq: number; started_at: number }[];
    expect(rows.length).toBeGreaterThanOrEqual(8);
    const edited = rows[2]!;
    const deleted = rows[5]!;
    // Someone lengthens a play by a minute, and removes another.
    db.prepare('UPDATE proofs SET ended_at = ended_at + 60000 WHERE id = ?').run(edited.id);
    db.prepare('DELETE FROM proofs WHERE id = ?').run(deleted.id);
    db.close();
    const v = (await api.get<Verify>(`/proofs/verify?deviceId=${dev.a.id}`)).body;
    expect(v.ok).toBe(false);
    expect(v.checked).toBe(rows.length - 1);
    expect(v.breaks.map((b) => [b.seq, b.kind])).toEqual([
      [edited.seq, 'hash-mismatch'],
      [deleted.seq, 'missing'],
    ]);
    expect(Date.parse(v.breaks[0]!.at)).toBe(edited.started_at);
    // B's chain is untouched.
    expect((await api.get<Verify>(`/proofs/verify?deviceId=${dev.b.id}`)).body.ok).toBe(true);
  });
});
