import { afterEach, describe, expect, it } from 'vitest';
import { Api } from './support/api';
import { type Proc, startControllerProcess, startPlayerProcess, tmpDir, waitFor } from './support/processes';

/**
 * The controller's own downtime is not a device outage: a controller stopped (SIGTERM) or killed
 * (SIGKILL) for a few seconds, with a player that kept running, shows up in the availability report as
 * controller downtime, and the device's offline time stays near zero.
 */
const procs: Proc[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.kill9()));
});

interface Report {
  devices: {
    deviceId: string;
    onlineSeconds: number;
    offlineSeconds: number;
    controllerDownSeconds: number;
    observedSeconds: number;
    controllerDown: { from: string; to: string; seconds: number }[];
    offline: { from: string; to: string; seconds: number; ongoing: boolean }[];
    observed: { from: string; to: string } | null;
  }[];
}

const today = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

/** The device's availability today; `offlineSeconds` counts only what the outage added. */
async function outage(
  signal: 'SIGTERM' | 'SIGKILL',
): Promise<Report['devices'][number] & { downAt: number; backAt: number; readAt: number }> {
  const dataDir = tmpDir('avail-c');
  let controller = await startControllerProcess({ dataDir });
  procs.push(controller);
  const port = controller.port;
  let api = await new Api(controller.url).login('admin', 'mat-khau-thu-nghiem');
  const dev = (await api.post<{ id: string; token: string }>('/devices', { name: 'Bảng LED sẵn sàng', kind: 'led' }))
    .body;
  procs.push(startPlayerProcess({ controllerUrl: controller.url, token: dev.token, dataDir: tmpDir('avail-p') }));
  await waitFor(
    async () => (await api.get<{ id: string; online: boolean }[]>('/devices')).body[0]?.online,
    'the player online',
  );
  // Long enough for the controller's own heartbeat (every 5 s) to be written at least once.
  await new Promise((r) => setTimeout(r, 6000));
  // Before the outage: the seconds between enrolment and the player's first connection are offline already.
  const before = (await api.get<Report>(`/reports/availability?from=${today()}&to=${today()}&deviceId=${dev.id}`)).body
    .devices[0]!.offlineSeconds;
  const downAt = Date.now();
  if (signal === 'SIGKILL') await controller.kill9();
  else {
    controller.child.kill('SIGTERM');
    await new Promise((r) => controller.child.once('exit', r));
  }
  await new Promise((r) => setTimeout(r, 4000));
  controller = await startControllerProcess({ dataDir, port });
  procs.push(controller);
  api = await new Api(controller.url).login('admin', 'mat-khau-thu-nghiem');
  await waitFor(
    async () => (await api.get<{ id: string; online: boolean }[]>('/devices')).body[0]?.online,
    'the player back',
    40_000,
  );
  const backAt = Date.now();
  const r = await api.get<Report>(`/reports/availability?from=${today()}&to=${today()}&deviceId=${dev.id}`);
  const readAt = Date.now();
  expect(r.status).toBe(200);
  const d = r.body.devices[0]!;
  // What the issue saw after a restart: a player back online reported as "still disconnected".
  expect(d.offline.filter((g) => g.ongoing)).toEqual([]);
  // Connected from its reconnection up to now: the open session counts up to the moment of reading.
  expect(Date.parse(d.observed!.to)).toBeGreaterThanOrEqual(backAt - 1000);
  expect(Date.parse(d.observed!.to)).toBeLessThanOrEqual(readAt);
  // (The player process may record its reconnection a few ms after the dashboard first shows it.)
  for (const g of [...d.offline, ...d.controllerDown]) expect(Date.parse(g.to)).toBeLessThanOrEqual(backAt + 1000);
  return { ...d, offlineSeconds: d.offlineSeconds - before, downAt, backAt, readAt };
}

describe('availability across a controller outage', () => {
  it('counts a clean stop as controller downtime, not as the device being offline', async () => {
    const d = await outage('SIGTERM');
    expect(d.controllerDownSeconds).toBeGreaterThanOrEqual(4);
    // Only the real gap: from the stop to the player's reconnection, nothing more.
    expect(d.controllerDownSeconds).toBeLessThanOrEqual(Math.ceil((d.backAt - d.downAt) / 1000) + 1);
    expect(d.offlineSeconds).toBeLessThanOrEqual(1);
  });

  it('after a SIGKILL, ends sessions at the controller’s own last heartbeat and counts the gap as its downtime', async () => {
    const d = await outage('SIGKILL');
    // From its last heartbeat (≤ 5 s before the kill) to the restart plus the players' reconnect.
    expect(d.controllerDownSeconds).toBeGreaterThanOrEqual(4);
    // Its last heartbeat was at most 5 s before the kill; the gap ends at the player's reconnection.
    expect(d.controllerDownSeconds).toBeLessThanOrEqual(Math.ceil((d.backAt - d.downAt) / 1000) + 6);
    expect(d.offlineSeconds).toBeLessThanOrEqual(1);
    expect(d.controllerDown.length).toBeGreaterThanOrEqual(1);
  });
});
