/**
 * The availability report on a real in-process controller: real Socket.IO players connect and
 * disconnect, the hub records their sessions, and the API answers the offline gaps.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { formatLocalDay, localDayOf, TIMEZONE } from '@bangtin/shared';
import { openStore } from '../store';
import { createHarness } from './test-harness';

const harness = createHarness('availability');
afterEach(() => harness.cleanup());

const today = () => formatLocalDay(localDayOf(TIMEZONE, Date.now()));

function connected(s: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    s.once('hello', () => resolve());
    s.once('connect_error', reject);
  });
}

async function until<T>(fn: () => T, what: string): Promise<NonNullable<T>> {
  for (let i = 0; i < 200; i++) {
    const v = fn();
    if (v) return v as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('GET /api/v1/reports/availability', () => {
  it('shows the gap while a real player was disconnected, and scopes devices to the caller', async () => {
    const h = await harness.start({ jobs: false });
    const { store } = h.c;
    const tamKy = store.groups.create({ name: 'Tam Kỳ', kind: 'district', parentId: null });
    const hoiAn = store.groups.create({ name: 'Hội An', kind: 'district', parentId: null });
    const a = store.devices.create({ name: 'LED Tam Kỳ', kind: 'led', groupId: tamKy.id });
    const b = store.devices.create({ name: 'Kiosk Hội An', kind: 'kiosk', groupId: hoiAn.id });
    store.users.create({ username: 'bientap', password: 'mat-khau-1', role: 'editor', groupId: tamKy.id });

    const first = h.player(a.token);
    await connected(first);
    await sleep(300);
    const disconnectedAt = Date.now();
    first.close();
    // The hub commits session writes in small batches; wait until this one is closed.
    await until(
      () =>
        store.connectivity.sessions({ deviceIds: [a.device.id], from: 0, to: Date.now() }).get(a.device.id)?.[0]?.end,
      'the session to close',
    );
    await sleep(400);
    const reconnectedAt = Date.now();
    const second = h.player(a.token);
    await connected(second);
    await until(
      () =>
        store.connectivity.sessions({ deviceIds: [a.device.id], from: 0, to: Date.now() + 1 }).get(a.device.id)
          ?.length === 2,
      'the second session',
    );

    const day = today();
    const r = await h.call(h.admin, 'GET', `/reports/availability?from=${day}&to=${day}`);
    const readAt = Date.now();
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ from: day, to: day, timeZone: 'Asia/Ho_Chi_Minh' });
    // Sorted by name (Vietnamese collation): Kiosk… before LED….
    expect(r.body.devices.map((d: { deviceId: string }) => d.deviceId)).toEqual([b.device.id, a.device.id]);
    const ra = r.body.devices[1];
    expect(ra.offline).toHaveLength(2);
    // Before the first connection (from enrolment) and between the two connections.
    const gap = ra.offline[1];
    expect(Date.parse(gap.from)).toBeGreaterThanOrEqual(disconnectedAt - 50);
    expect(Date.parse(gap.from)).toBeLessThanOrEqual(reconnectedAt);
    expect(Date.parse(gap.to)).toBeGreaterThanOrEqual(Date.parse(gap.from) + 300);
    expect(Date.parse(gap.to)).toBeLessThanOrEqual(Date.now());
    expect(gap.ongoing).toBe(false);
    // The session still open when the report is read counts as connected up to now: no gap after it.
    expect(ra.offline.some((g: { ongoing: boolean }) => g.ongoing)).toBe(false);
    expect(Date.parse(ra.offline.at(-1).to)).toBeLessThanOrEqual(reconnectedAt + 1000);
    expect(Date.parse(ra.observed.to)).toBeGreaterThanOrEqual(reconnectedAt);
    expect(Date.parse(ra.observed.to)).toBeLessThanOrEqual(readAt);
    expect(ra.days).toHaveLength(1);
    expect(ra.days[0].date).toBe(day);
    expect(ra.days[0].onlineSeconds + ra.days[0].offlineSeconds).toBe(ra.days[0].observedSeconds);
    // The kiosk never connected: offline since it was enrolled, and still offline now.
    const rb = r.body.devices[0];
    expect(rb.onlineSeconds).toBe(0);
    expect(rb.offline).toHaveLength(1);
    expect(rb.offline[0].ongoing).toBe(true);

    const editor = await h.login('bientap', 'mat-khau-1');
    const mine = await h.call(editor, 'GET', `/reports/availability?from=${day}&to=${day}`);
    expect(mine.body.devices.map((d: { deviceId: string }) => d.deviceId)).toEqual([a.device.id]);
    const other = await h.call(editor, 'GET', `/reports/availability?from=${day}&to=${day}&groupId=${hoiAn.id}`);
    expect(other.status).toBe(404);
    expect(other.body.error.field).toBe('groupId');
    const own = await h.call(editor, 'GET', `/reports/availability?from=${day}&to=${day}&groupId=${tamKy.id}`);
    expect(own.body.devices).toHaveLength(1);
    expect(
      (await h.call(editor, 'GET', `/reports/availability?from=${day}&to=${day}&deviceId=${b.device.id}`)).status,
    ).toBe(404);

    // The same report as a workbook: a row per device with its district, then every gap in local time.
    const x = await fetch(`${h.c.url}/api/v1/reports/availability?from=${day}&to=${day}&format=xlsx`, {
      headers: { authorization: `Bearer ${h.admin}` },
    });
    expect(x.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await x.arrayBuffer());
    const [summary, gaps] = wb.worksheets;
    expect(summary!.name).toBe('Tổng hợp');
    expect(summary!.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect((summary!.getRow(1).values as string[]).slice(1, 7)).toEqual([
      'Thiết bị',
      'Huyện',
      'Theo dõi (giờ)',
      'Kết nối (giờ)',
      'Mất kết nối (giờ)',
      'Máy chủ ngừng (giờ)',
    ]);
    expect([summary!.getCell('A2').value, summary!.getCell('B2').value]).toEqual(['Kiosk Hội An', 'Hội An']);
    expect([summary!.getCell('A3').value, summary!.getCell('B3').value]).toEqual(['LED Tam Kỳ', 'Tam Kỳ']);
    expect(summary!.getCell('A4').value).toBe('Tổng cộng');
    expect(summary!.getCell('H4').value).toMatchObject({ formula: 'SUM(H2:H3)', result: 3 });
    expect(gaps!.name).toBe('Mất kết nối');
    expect(gaps!.rowCount).toBe(1 + 3 + 1);
    const from = gaps!.getCell('C4').value as Date;
    // A date cell holding the Vietnam wall clock of the gap's start.
    expect(from).toBeInstanceOf(Date);
    expect(from.getTime()).toBe(Date.parse(ra.offline[1].from) + 7 * 3600_000);
    expect(gaps!.getCell('C4').numFmt).toBe('dd/mm/yyyy hh:mm:ss');
  });

  it('names the field of a bad parameter', async () => {
    const h = await harness.start({ jobs: false });
    const ask = async (q: string) => (await h.call(h.admin, 'GET', `/reports/availability?${q}`)).body.error;
    expect(await ask('to=2027-01-01')).toMatchObject({ code: 'invalid-input', field: 'from' });
    expect(await ask('from=2027-02-30&to=2027-03-01')).toMatchObject({ field: 'from' });
    expect(await ask('from=2027-03-02&to=2027-03-01')).toMatchObject({
      field: 'to',
      message: 'to: must not be before from',
    });
    expect(await ask('from=2027-01-01&to=2027-06-01')).toMatchObject({ field: 'to' });
    expect(await ask('from=2027-01-01&to=2027-01-02&deviceId=x')).toMatchObject({ field: 'deviceId' });
    const id = '01930000-0000-7000-8000-000000000001';
    expect(await ask(`from=2027-01-01&to=2027-01-02&deviceId=${id}&groupId=${id}`)).toMatchObject({ field: 'groupId' });
  });

  it('a stopped controller ends the sessions of connected players; a crashed one ends them at its next start', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-availability-restart-'));
    try {
      // A controller that died with a player connected: the session is open, last seen a minute ago.
      const crashed = openStore(dataDir);
      const { device, token } = crashed.devices.create({ name: 'LED Núi Thành', kind: 'led', groupId: null });
      const lastSeen = Date.now() - 60_000;
      crashed.connectivity.connected(device.id, lastSeen - 120_000);
      crashed.devices.writeHealth(new Map([[device.id, { lastSeenAt: lastSeen }]]));
      crashed.close();

      const h = await harness.start({ jobs: false, dataDir });
      const s = h.c.store.connectivity.sessions({ deviceIds: [device.id], from: 0, to: Date.now() + 1 });
      expect(s.get(device.id)).toEqual([{ start: lastSeen - 120_000, end: lastSeen }]);

      const p = h.player(token);
      await connected(p);
      await until(
        () =>
          h.c.store.connectivity.sessions({ deviceIds: [device.id], from: 0, to: Date.now() + 1 }).get(device.id)
            ?.length === 2,
        'the new session',
      );
      const stoppedAt = Date.now();
      await h.c.hub.close();
      const after = openStore(dataDir);
      const rows = after.db
        .prepare('SELECT disconnected_at, close_reason FROM device_sessions ORDER BY connected_at')
        .all() as { disconnected_at: number | null; close_reason: string }[];
      after.close();
      // A clean stop says so: the gap that follows is the controller's, not the device's.
      expect(rows.map((r) => r.close_reason)).toEqual(['controller-restart', 'controller-stopped']);
      expect(rows[1]!.disconnected_at).toBeGreaterThanOrEqual(stoppedAt);
    } finally {
      await harness.cleanup();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
