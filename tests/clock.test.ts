import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { startController, type Controller } from '@bangtin/controller';
import { startPlayer, type Player } from '@bangtin/player';
import { Api } from './support/api';
import { tmpDir, waitFor } from './support/processes';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

describe('a player whose clock is wrong', () => {
  it('plays by the controller clock and reports true play times, keeping its own reading for audit', async () => {
    const log = pino({ level: 'silent' });
    const controller: Controller = await startController({
      port: 0,
      host: '127.0.0.1',
      dataDir: tmpDir('clock-c'),
      adminPassword: 'mat-khau-dong-ho',
      log,
    });
    open.push(controller);
    const api = await new Api(controller.url).login('admin', 'mat-khau-dong-ho');
    const dev = (await api.post('/devices', { name: 'Kiosk đồng hồ sai', kind: 'kiosk' })).body;

    // The device believes it is 1 h 7 min earlier than it really is.
    const skew = -(67 * 60_000);
    const player: Player = startPlayer({
      controllerUrl: controller.url,
      token: dev.token,
      dataDir: tmpDir('clock-p'),
      log,
      heartbeatMs: 1000,
      deviceNow: () => Date.now() + skew,
    });
    open.push(player);
    await waitFor(() => player.connected() && Math.abs(player.clockOffsetMs() + skew) < 200, 'offset to be measured');

    const before = Date.now();
    await api.scheduleSlogan(dev.id, 'Giờ làm việc: 7 giờ 30 – 17 giờ', 1000);
    const proofs = await waitFor(async () => {
      const r = (await api.get(`/proofs?deviceId=${dev.id}`)).body;
      return r.length >= 2 ? r : null;
    }, 'proofs');
    const p = proofs[0];
    const started = Date.parse(p.startedAt);
    // True time: within the run, not an hour off.
    expect(started).toBeGreaterThanOrEqual(before - 100);
    expect(started).toBeLessThanOrEqual(Date.now());
    // The device's own reading and the offset are kept, and they explain each other.
    expect(Date.parse(p.deviceStartedAt)).toBeCloseTo(started + skew, -3);
    expect(p.clockOffsetMs).toBeCloseTo(-skew, -3);
    const d = (await api.get(`/devices/${dev.id}`)).body;
    expect(Math.abs(d.clockOffsetMs + skew)).toBeLessThan(500);
  });
});
