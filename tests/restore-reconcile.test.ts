import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startController, type Controller } from '@bangtin/controller';
import { startPlayer, type Player } from '@bangtin/player';
import { Api } from './support/api';
import { tmpDir, waitFor } from './support/processes';

/**
 * A controller restored from an older backup, with a player that kept playing throughout: the proofs
 * the controller had acknowledged after the backup come back from the player's kept copies, each exactly
 * once, and bundle versions keep going up so the player takes the restored schedule.
 */
const open: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const o of open.splice(0).reverse()) await o.close().catch(() => undefined);
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('restore from an older backup', () => {
  it('gets every played proof back exactly once and bundle versions keep rising', async () => {
    const port = await freePort();
    const dataDir = tmpDir('restore-c');
    const start = () =>
      startController({
        port,
        host: '127.0.0.1',
        dataDir,
        adminPassword: 'mat-khau-o-day',
        log: pino({ level: 'silent' }),
      });
    let controller: Controller = await start();
    let api = await new Api(controller.url).login('admin', 'mat-khau-o-day');
    const dev = (await api.post('/devices', { name: 'Bảng LED khôi phục', kind: 'led' })).body as {
      id: string;
      token: string;
    };
    await api.scheduleSlogan(dev.id, 'Khôi phục dữ liệu', 1000);
    // A district and its schedule that exist before the backup; a device is enrolled there only after it.
    const district = (await api.post('/groups', { name: 'Núi Thành', kind: 'district' })).body as { id: string };
    await api.scheduleSlogan(dev.id, 'Bảng mới sau sao lưu', 1000, { target: { groupIds: [district.id] } });

    const played = new Set<string>();
    const versions: number[] = [];
    const player: Player = startPlayer({
      controllerUrl: controller.url,
      token: dev.token,
      dataDir: tmpDir('restore-p'),
      log: pino({ level: 'silent' }),
      heartbeatMs: 300,
      backoff: { baseMs: 100, maxMs: 500 },
    });
    open.push(player);
    player.on('proof', (p) => played.add(p.id));
    player.on('bundle', (b) => versions.push(b.version));
    const stored = async () => (await api.get<{ id: string }[]>(`/proofs?deviceId=${dev.id}&limit=10000`)).body;
    await waitFor(async () => (await stored()).length >= 3, 'proofs flowing', 30_000);

    // 2. an online backup while it runs
    const backup = path.join(tmpDir('restore-b'), 'backup.sqlite');
    const live = new Database(path.join(dataDir, 'bangtin.sqlite'), { readonly: true });
    await live.backup(backup);
    live.close();
    const atBackup = (await stored()).length;

    // 3. more proofs, and a schedule change (a newer bundle version); a device enrolled after the backup
    await api.scheduleSlogan(dev.id, 'Lịch mới sau bản sao lưu', 1000, { priority: 60 });
    const late = (await api.post('/devices', { name: 'Bảng LED Núi Thành', kind: 'led', groupId: district.id }))
      .body as { id: string; token: string };
    const playedLate = new Set<string>();
    const refusals: string[] = [];
    const latePlayer: Player = startPlayer({
      controllerUrl: controller.url,
      token: late.token,
      dataDir: tmpDir('restore-p2'),
      log: pino({ level: 'silent' }),
      heartbeatMs: 300,
      backoff: { baseMs: 100, maxMs: 500 },
    });
    open.push(latePlayer);
    latePlayer.on('proof', (p) => playedLate.add(p.id));
    latePlayer.on('refused', (code: string) => refusals.push(code));
    const storedLate = async () => (await api.get<{ id: string }[]>(`/proofs?deviceId=${late.id}&limit=10000`)).body;
    await waitFor(async () => (await storedLate()).length >= 2, 'proofs from the late device', 30_000);
    await waitFor(async () => (await stored()).length >= atBackup + 4, 'more proofs after the backup', 30_000);
    const versionBeforeLoss = versions.at(-1)!;

    // 4. the controller's disk is lost; 5. restore the backup into a fresh data folder at the same address
    await controller.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.mkdirSync(dataDir, { recursive: true });
    fs.copyFileSync(backup, path.join(dataDir, 'bangtin.sqlite'));
    controller = await start();
    open.push(controller);
    api = await new Api(controller.url).login('admin', 'mat-khau-o-day');
    // The restored database holds only what the backup had (the player may already be resending).
    const inBackup = new Database(backup, { readonly: true });
    expect((inBackup.prepare('SELECT COUNT(*) AS n FROM proofs').get() as { n: number }).n).toBeLessThan(played.size);
    inBackup.close();

    // 6. every proof played is present, exactly once
    await waitFor(() => player.connected(), 'the player back on the restored controller', 20_000);
    await waitFor(
      async () => {
        const ids = new Set((await stored()).map((p) => p.id));
        return [...played].every((id) => ids.has(id)) ? true : null;
      },
      'every played proof back at the controller',
      30_000,
    );
    const ids = (await stored()).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(played.size);
    // The restored schedule reaches the player under a higher version than any it had.
    await waitFor(() => (versions.at(-1)! > versionBeforeLoss ? true : null), 'a higher bundle version', 20_000);

    // 7. the device enrolled after the backup is unknown here: it asks to re-enrol and keeps playing.
    type Request = { id: string; deviceId: string; status: string };
    const request = await waitFor(
      async () => (await api.get<Request[]>('/devices/reenrolments')).body.find((r) => r.deviceId === late.id) ?? null,
      'a re-enrolment request from the late device',
      20_000,
    );
    expect(request.status).toBe('pending');
    expect(refusals).toContain('reenrol-pending');
    expect(latePlayer.connected()).toBe(false);
    const playsWhileWaiting = playedLate.size;
    await waitFor(() => (playedLate.size > playsWhileWaiting ? true : null), 'the late device still playing', 10_000);
    const approved = await api.post(`/devices/reenrolments/${request.id}/approve`, {
      groupId: district.id,
      kind: 'led',
    });
    expect(approved.status).toBe(200);
    await waitFor(() => latePlayer.connected(), 'the late device connected after approval', 10_000);
    await waitFor(
      async () => {
        const ids = new Set((await storedLate()).map((p) => p.id));
        return [...playedLate].every((id) => ids.has(id)) ? true : null;
      },
      "every one of the late device's proofs at the controller",
      20_000,
    );
    const lateIds = (await storedLate()).map((p) => p.id);
    expect(new Set(lateIds).size).toBe(lateIds.length);
  });
});
