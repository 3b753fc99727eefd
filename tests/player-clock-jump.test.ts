import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startController, type Controller } from '@bangtin/controller';
import { Api } from './support/api';
import { type Proc, spawnTs, tmpDir, waitFor } from './support/processes';

/**
 * The player runs as a real process under libfaketime (apt `faketime`, see scripts/system-packages.json):
 * its wall clock is read from a file the test rewrites while it runs. FAKETIME_DONT_FAKE_MONOTONIC=1
 * leaves CLOCK_MONOTONIC alone, as a real clock change does: Date.now jumps, performance.now does not.
 */
const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const SLOT_MS = 1000;
const TOLERANCE_MS = 5000;

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

interface ProofRow {
  contentId: string;
  startedAt: string;
  endedAt: string;
  deviceStartedAt: string;
}

describe('a running player whose system clock is changed (real process, libfaketime)', () => {
  it('keeps proofs on the controller clock, no proof longer than its slot, and a timed schedule still plays', async () => {
    if (!fs.existsSync(LIBFAKETIME)) throw new Error(`${LIBFAKETIME} missing: install the apt package faketime`);
    const controller: Controller = await startController({
      port: 0,
      host: '127.0.0.1',
      dataDir: tmpDir('jump-c'),
      adminPassword: 'mat-khau-dong-ho',
      log: pino({ level: 'silent' }),
    });
    open.push(controller);
    const api = await new Api(controller.url).login('admin', 'mat-khau-dong-ho');
    const dev = (await api.post('/devices', { name: 'Bảng LED đổi giờ', kind: 'led' })).body;

    const fakeDir = tmpDir('jump-f');
    const stamp = path.join(fakeDir, 'faketime');
    fs.writeFileSync(stamp, '+0\n');
    const player: Proc = spawnTs(
      'apps/player/src/main.ts',
      ['--headless', '--controller', controller.url, '--token', dev.token, '--data-dir', tmpDir('jump-p')],
      {
        LD_PRELOAD: LIBFAKETIME,
        FAKETIME_TIMESTAMP_FILE: stamp,
        FAKETIME_NO_CACHE: '1',
        FAKETIME_DONT_FAKE_MONOTONIC: '1',
      },
    );
    open.push({ close: async () => void (await player.stop()) });
    const routine = await api.scheduleSlogan(dev.id, 'Tham gia BHXH, BHYT', SLOT_MS);
    const proofs = async () => (await api.get(`/proofs?deviceId=${dev.id}&limit=10000`)).body as ProofRow[];
    await waitFor(async () => (await proofs()).length >= 2, 'proofs before the clock change', 20_000);

    // A timed, priority-10 schedule from a few seconds after the clock is set back 2 h.
    const timedFrom = Date.now() + 4000;
    const timed = await api.scheduleSlogan(dev.id, 'Thông báo nghỉ lễ', SLOT_MS, {
      priority: 10,
      startsAt: new Date(timedFrom).toISOString(),
      endsAt: new Date(timedFrom + 3_600_000).toISOString(),
    });
    const jumps = () =>
      player
        .output()
        .split('\n')
        .filter((l) => l.includes('device clock changed')).length;

    const back = Date.now();
    fs.writeFileSync(stamp, '-2h\n');
    await waitFor(() => jumps() >= 1, 'the player to notice the clock set back', 25_000);
    await waitFor(
      async () => (await proofs()).some((p) => p.contentId === timed.contentId),
      'the timed schedule to play',
      15_000,
    );

    const forward = Date.now();
    fs.writeFileSync(stamp, '+8d\n');
    await waitFor(() => jumps() >= 2, 'the player to notice the clock set 8 days ahead', 25_000);
    const afterForward = await waitFor(async () => {
      const r = (await proofs()).filter((p) => Date.parse(p.startedAt) > forward + 3000);
      return r.length >= 2 ? r : null;
    }, 'proofs after the forward jump');

    const all = await proofs();
    const end = Date.now();
    for (const p of all) {
      const s = Date.parse(p.startedAt);
      const e = Date.parse(p.endedAt);
      // Controller-clock instants within the run: never 2 h early or 8 days late.
      expect(s).toBeGreaterThanOrEqual(back - 60_000);
      expect(e).toBeLessThanOrEqual(end + 1000);
      expect(e - s).toBeLessThanOrEqual(SLOT_MS + TOLERANCE_MS);
    }
    // The device's own readings show the changes happened (kept for audit).
    const dev2h = all.filter(
      (p) => Math.abs(Date.parse(p.deviceStartedAt) - Date.parse(p.startedAt) + 7_200_000) < 5000,
    );
    expect(dev2h.length).toBeGreaterThan(0);
    for (const p of afterForward) {
      // The file's offset is from the real time: the device is now 8 days ahead of the controller.
      expect(Math.abs(Date.parse(p.deviceStartedAt) - Date.parse(p.startedAt) - 8 * 86_400_000)).toBeLessThan(5000);
    }
    // The timed item played in its window (by the controller clock), the routine before it.
    const timedProofs = all.filter((p) => p.contentId === timed.contentId);
    expect(Math.min(...timedProofs.map((p) => Date.parse(p.startedAt)))).toBeGreaterThanOrEqual(timedFrom - 1000);
    expect(all.some((p) => p.contentId === routine.contentId)).toBe(true);
    expect(jumps()).toBe(2);
    // The device list shows the offset now and that the clock was changed.
    const row = await waitFor(async () => {
      const list = (await api.get('/devices')).body as {
        id: string;
        clock?: { offsetMs: number; warning: string | null; jumpedAt: string | null; jumpMs: number | null };
      }[];
      const d = list.find((x) => x.id === dev.id);
      return d?.clock?.warning === 'jumped' && Math.abs(d.clock.offsetMs + 8 * 86_400_000) < 5000 ? d : null;
    }, 'the device list to show the clock change');
    expect(Date.parse(row.clock!.jumpedAt!)).toBeGreaterThanOrEqual(forward - 1000);
    expect(Math.abs(row.clock!.jumpMs! - (8 * 86_400_000 + 7_200_000))).toBeLessThan(5000);
  }, 45_000);
});
