import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Api } from './support/api';
import {
  type ControllerProc,
  type Proc,
  startControllerProcess,
  startPlayerProcess,
  tmpDir,
  waitFor,
} from './support/processes';

interface ProofOut {
  id: string;
  deviceId: string;
  contentId: string;
  scheduleId: string;
  startedAt: string;
  endedAt: string;
  endReason: string;
}

const procs: Proc[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.kill9()));
});

async function setup() {
  const controllerDir = tmpDir('controller');
  const controller = await startControllerProcess({ dataDir: controllerDir });
  procs.push(controller);
  const api = await new Api(controller.url).login('admin', 'mat-khau-thu-nghiem');
  const dev = await api.post<{ id: string; token: string }>('/devices', { name: 'Bảng LED Hội An', kind: 'led' });
  expect(dev.status).toBe(201);
  return { controller, controllerDir, api, device: dev.body };
}

function outboxSize(playerDir: string): number {
  const db = new Database(path.join(playerDir, 'player.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Proofs sorted by start; asserts no id repeats and no two plays overlap (a duplicate would overlap). */
async function proofsOf(api: Api, deviceId: string): Promise<ProofOut[]> {
  const r = await api.get<ProofOut[]>(`/proofs?deviceId=${deviceId}`);
  expect(r.status).toBe(200);
  const ps = r.body;
  expect(new Set(ps.map((p) => p.id)).size).toBe(ps.length);
  for (let i = 1; i < ps.length; i++) {
    expect(Date.parse(ps[i]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(ps[i - 1]!.endedAt));
  }
  return ps;
}

/** Gaps between consecutive plays longer than `toleranceMs`: each is a play that was lost (or never started). */
function gaps(ps: ProofOut[], toleranceMs = 50): { from: number; to: number }[] {
  const out = [];
  for (let i = 1; i < ps.length; i++) {
    const from = Date.parse(ps[i - 1]!.endedAt);
    const to = Date.parse(ps[i]!.startedAt);
    if (to - from > toleranceMs) out.push({ from, to });
  }
  return out;
}

describe('foundation: controller + headless player, end to end', () => {
  it('a scheduled slogan plays within a second and its proof arrives once', async () => {
    const { controller, api, device } = await setup();
    const playerDir = tmpDir('player');
    procs.push(startPlayerProcess({ controllerUrl: controller.url, token: device.token, dataDir: playerDir }));
    await waitFor(async () => (await api.get(`/devices/${device.id}`)).body.online, 'player online');

    const sent = Date.now();
    const { contentId, scheduleId } = await api.scheduleSlogan(
      device.id,
      'Bảo hiểm xã hội là trụ cột chính của an sinh xã hội',
      2000,
    );
    const shown = await waitFor(async () => {
      const d = (await api.get(`/devices/${device.id}`)).body;
      return d.nowPlaying?.contentId === contentId ? d : null;
    }, 'device to report the new slogan');
    // The player's own start time of the play, in controller time: within a second of the API call.
    expect(Date.parse(shown.nowPlaying.startedAt) - sent).toBeLessThan(1000);
    // The player acknowledges the bundle it plays (acks are written to the store in batches).
    await waitFor(async () => {
      const d = (await api.get(`/devices/${device.id}`)).body;
      return d.ackedBundleVersion === d.bundleVersion;
    }, 'bundle ack');

    const ps = await waitFor(async () => {
      const all = await proofsOf(api, device.id);
      return all.length >= 2 ? all : null;
    }, 'two proofs');
    expect(ps[0]).toMatchObject({ deviceId: device.id, contentId, scheduleId });
    expect(Date.parse(ps[0]!.startedAt)).toBeGreaterThanOrEqual(sent - 50);

    // CSV export carries the same rows.
    const csv = await api.get(`/proofs?deviceId=${device.id}&format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.text).toContain(ps[0]!.id);
  });

  it('keeps playing and keeping proofs while the controller is down; every proof arrives exactly once after', async () => {
    const { controller, controllerDir, api, device } = await setup();
    const playerDir = tmpDir('player');
    procs.push(startPlayerProcess({ controllerUrl: controller.url, token: device.token, dataDir: playerDir }));
    await api.scheduleSlogan(device.id, 'Tham gia BHXH tự nguyện – an tâm tuổi già', 1000);
    await waitFor(async () => (await proofsOf(api, device.id)).length >= 2, 'first proofs');

    await controller.stop();
    const downAt = Date.now();
    // Offline: the outbox grows because the player keeps playing.
    await waitFor(() => outboxSize(playerDir) >= 5, 'proofs to pile up offline', 15_000);

    const again = await startControllerProcess({ dataDir: controllerDir, port: controller.port });
    procs.push(again);
    const api2 = await new Api(again.url).login('admin', 'mat-khau-thu-nghiem');
    await waitFor(() => outboxSize(playerDir) === 0, 'outbox to drain', 30_000);
    const ps = await proofsOf(api2, device.id);
    // Plays during the outage are there with their true times, and no play is missing between them.
    expect(ps.filter((p) => Date.parse(p.startedAt) > downAt).length).toBeGreaterThanOrEqual(5);
    expect(gaps(ps)).toEqual([]);
    expect(ps.every((p) => p.endReason === 'completed')).toBe(true);
  });

  it('SIGKILL of the player at any moment loses no completed play and duplicates none', async () => {
    const { controller, api, device } = await setup();
    const playerDir = tmpDir('player');
    await api.scheduleSlogan(device.id, 'Đóng BHXH, BHYT đầy đủ để được hưởng quyền lợi', 1000);
    const kills: number[] = [];
    for (let round = 0; round < 3; round++) {
      const p = startPlayerProcess({ controllerUrl: controller.url, token: device.token, dataDir: playerDir });
      procs.push(p);
      await waitFor(async () => (await api.get(`/devices/${device.id}`)).body.online, 'player online');
      // Random moment: somewhere inside an item, sometimes during an upload.
      await new Promise((r) => setTimeout(r, 2200 + Math.floor(Math.random() * 1000)));
      await p.kill9();
      kills.push(Date.now());
      // Wait for the controller to notice, so the next start is a fresh connection.
      await waitFor(async () => !(await api.get(`/devices/${device.id}`)).body.online, 'player offline', 30_000);
    }
    const last = startPlayerProcess({ controllerUrl: controller.url, token: device.token, dataDir: playerDir });
    procs.push(last);
    await waitFor(async () => (await api.get(`/devices/${device.id}`)).body.online, 'player online');
    await waitFor(() => outboxSize(playerDir) === 0, 'outbox drained');
    await new Promise((r) => setTimeout(r, 1000));
    await last.stop();

    const ps = await proofsOf(api, device.id);
    // Each gap in the record must be a kill (the item on screen died with the process), nothing else.
    const g = gaps(ps);
    expect(g.length).toBeLessThanOrEqual(kills.length);
    for (const gap of g) expect(kills.some((k) => k >= gap.from && k <= gap.to + 100)).toBe(true);
    expect(ps.length).toBeGreaterThan(6);
  });

  it('a restarted player with the controller unreachable resumes the cached schedule at once', async () => {
    const { controller, api, device } = await setup();
    const playerDir = tmpDir('player');
    const p1 = startPlayerProcess({ controllerUrl: controller.url, token: device.token, dataDir: playerDir });
    procs.push(p1);
    const { contentId } = await api.scheduleSlogan(device.id, 'Thẻ BHYT điện tử trên ứng dụng VssID', 1000);
    await waitFor(async () => (await proofsOf(api, device.id)).length >= 1, 'first proof');
    await p1.stop();
    await controller.stop();

    const p2 = startPlayerProcess({ controllerUrl: controller.url, token: device.token, dataDir: playerDir });
    procs.push(p2);
    await waitFor(
      () => p2.output().includes(contentId) && p2.output().includes('"msg":"showing"'),
      'cached slogan to show',
    );
    await waitFor(() => outboxSize(playerDir) >= 2, 'offline proofs');
    expect(p2.output()).toMatch(/cannot reach controller/);
  });

  it('refuses bad tokens, revoked devices and malformed input with the documented errors', async () => {
    const { controller, api, device } = await setup();
    const { io } = await import('socket.io-client');
    const refusal = (auth: Record<string, unknown>) =>
      new Promise<{ message: string; data: any }>((resolve) => {
        const s = io(controller.url, { auth, reconnection: false, transports: ['websocket'] });
        s.on('connect', () => resolve({ message: 'connected', data: null }));
        s.on('connect_error', (err: Error & { data?: unknown }) => {
          s.close();
          resolve({ message: err.message, data: err.data });
        });
      });
    expect((await refusal({ token: 'dev_' + 'x'.repeat(43), protocol: 1 })).message).toBe('unauthorized');
    const old = await refusal({ token: device.token, protocol: 999 });
    expect(old.message).toBe('protocol-incompatible');
    expect(old.data.error.message).toMatch(/not supported/);
    expect((await refusal({ token: 42 })).message).toBe('invalid-handshake');

    // Malformed proofs are rejected with a reason naming the field; good ones in the same batch are stored.
    // (A proof may name only a schedule the device was sent: this one reaches it in the bundle on connect.)
    const { scheduleId } = await api.scheduleSlogan(device.id, 'Kiểm tra dữ liệu đầu vào', 1000);
    const s = io(controller.url, {
      auth: { token: device.token, protocol: 1 },
      reconnection: false,
      transports: ['websocket'],
    });
    await new Promise((r) => s.on('connect', () => r(null)));
    const now = Date.now();
    const good = {
      id: '01930000-0000-7000-8000-000000000001',
      contentId: '01930000-0000-7000-8000-000000000002',
      playlistId: '01930000-0000-7000-8000-000000000003',
      scheduleId,
      startedAt: now - 5000,
      endedAt: now,
      deviceStartedAt: now - 5000,
      clockOffsetMs: 0,
      endReason: 'completed',
    };
    const res = await s.timeout(5000).emitWithAck('proofs:upload', {
      proofs: [
        good,
        { ...good, id: '01930000-0000-7000-8000-000000000005', endedAt: now - 10_000 },
        { nonsense: true },
      ],
    });
    expect(res.acked).toEqual([good.id]);
    expect(res.rejected).toHaveLength(2);
    expect(res.rejected[0]).toMatchObject({ id: '01930000-0000-7000-8000-000000000005' });
    expect(res.rejected[0].reason).toMatch(/endedAt/);
    const again = await s.timeout(5000).emitWithAck('proofs:upload', { proofs: [good] });
    expect(again.acked).toEqual([good.id]);
    const notABatch = await s.timeout(5000).emitWithAck('proofs:upload', { proofs: 'no' });
    expect(notABatch.error.code).toBe('invalid-proof-batch');
    expect((await api.get(`/proofs?deviceId=${device.id}`)).body).toHaveLength(1);

    // Revoking disconnects the device now and refuses it afterwards.
    const gone = new Promise((r) => s.on('disconnect', r));
    expect((await api.post(`/devices/${device.id}/revoke`)).status).toBe(200);
    await gone;
    expect((await refusal({ token: device.token, protocol: 1 })).message).toBe('revoked');
    s.close();

    // HTTP: no token → 401; wrong password → 401; bad body → 400 naming the field; unknown id → 404.
    const anon = new Api(controller.url);
    expect((await anon.get('/devices')).status).toBe(401);
    expect((await anon.get('/health')).body).toMatchObject({ status: 'ok' });
    const wrong = await anon.post('/auth/login', { username: 'admin', password: 'sai-mat-khau' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid-credentials');
    const bad = await api.post('/playlists', { name: 'X', items: [{ contentId: 'not-a-uuid', durationMs: 1000 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid-input', field: 'items.0.contentId' });
    const badSched = await api.post('/schedules', {
      playlistId: '01930000-0000-7000-8000-000000000009',
      target: { deviceIds: [device.id] },
      startsAt: '2026-12-01T10:00:00+07:00',
      endsAt: '2026-12-01T09:00:00+07:00',
    });
    expect(badSched.body.error.field).toBe('endsAt');
    const unknownPl = await api.post('/schedules', {
      playlistId: '01930000-0000-7000-8000-000000000009',
      target: { deviceIds: [device.id] },
    });
    expect(unknownPl.status).toBe(404);
    expect(unknownPl.body.error.field).toBe('playlistId');
    expect((await api.delete('/schedules/01930000-0000-7000-8000-000000000009')).status).toBe(404);
    const badJson = await api.request('POST', '/content', undefined, '{"type": "slogan", ');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('invalid-json');
    expect((await api.post('/content', { type: 'slogan', text: '   ' })).body.error.field).toBe('text');
  });

  it('enforces roles server-side: viewers read only, editors stay in their district', async () => {
    const { api } = await setup();
    const province = (await api.post('/groups', { name: 'Quảng Nam', kind: 'province' })).body;
    const tamKy = (await api.post('/groups', { name: 'Tam Kỳ', kind: 'district', parentId: province.id })).body;
    const hoiAn = (await api.post('/groups', { name: 'Hội An', kind: 'district', parentId: province.id })).body;
    const devTamKy = (await api.post('/devices', { name: 'LED Tam Kỳ', kind: 'led', groupId: tamKy.id })).body;
    const devHoiAn = (await api.post('/devices', { name: 'LED Hội An', kind: 'led', groupId: hoiAn.id })).body;
    expect(
      (
        await api.post('/users', {
          username: 'bientap.tamky',
          password: 'mat-khau-1',
          role: 'editor',
          groupId: tamKy.id,
        })
      ).status,
    ).toBe(201);
    expect((await api.post('/users', { username: 'lanhdao', password: 'mat-khau-2', role: 'viewer' })).status).toBe(
      201,
    );
    expect((await api.post('/users', { username: 'x', password: 'mat-khau-2', role: 'editor' })).body.error.field).toBe(
      'username',
    );

    const editor = await new Api(api.baseUrl).login('bientap.tamky', 'mat-khau-1');
    const viewer = await new Api(api.baseUrl).login('lanhdao', 'mat-khau-2');

    expect((await editor.get('/devices')).body.map((d: { id: string }) => d.id)).toEqual([devTamKy.id]);
    expect((await editor.get(`/devices/${devHoiAn.id}`)).status).toBe(404);
    const own = await editor.scheduleSlogan(devTamKy.id, 'Lịch làm việc Tam Kỳ');
    expect(own.scheduleId).toBeTruthy();
    const c = await editor.post('/content', { type: 'slogan', text: 'Thử lấn sang Hội An' });
    const p = await editor.post('/playlists', { name: 'Lấn', items: [{ contentId: c.body.id, durationMs: 1000 }] });
    const other = await editor.post('/schedules', { playlistId: p.body.id, target: { groupIds: [hoiAn.id] } });
    expect(other.status).toBe(403);
    expect((await editor.post('/devices', { name: 'Lạ', kind: 'kiosk', groupId: hoiAn.id })).status).toBe(403);
    expect((await editor.post('/users', { username: 'hacker', password: 'mat-khau-3', role: 'admin' })).status).toBe(
      403,
    );

    expect((await viewer.get('/devices')).body).toHaveLength(3);
    expect((await viewer.get('/proofs')).status).toBe(200);
    expect((await viewer.post('/content', { type: 'slogan', text: 'Không được phép' })).status).toBe(403);
    expect((await viewer.delete(`/schedules/${own.scheduleId}`)).status).toBe(403);
  });

  it('rejects invalid command-line configuration naming the flag', async () => {
    const { spawnTs } = await import('./support/processes');
    const c = spawnTs('apps/controller/src/main.ts', ['--port', 'abc', '--data-dir', tmpDir('bad')]);
    expect(await c.exited).toBe(2);
    expect(c.output()).toMatch(/--port \/ BANGTIN_PORT/);
    const p = spawnTs('apps/player/src/main.ts', [
      '--headless',
      '--controller',
      'ftp://x',
      '--token',
      'dev_' + 'a'.repeat(43),
    ]);
    expect(await p.exited).toBe(2);
    expect(p.output()).toMatch(/--controller/);
    fs.rmSync(tmpDir('noop'), { recursive: true });
  });
});

export type { ControllerProc };
