/**
 * The device timeline on a real controller (port 0, SQLite in a temp folder, real Socket.IO players):
 * the device's time zone and the `granularity=schedule` view.
 */
import crypto from 'node:crypto';
import { type Bundle, BundleSchema, bundleHashInput, itemAt } from '@bangtin/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './test-harness';

const harness = createHarness('timeline');
afterEach(() => harness.cleanup());

// Monday 2027-02-08 seen from 19:00 Sunday to 19:00 Monday in Vietnam: covers the local morning in
// every zone from UTC+7 to UTC+9.
const FROM = '2027-02-07T12:00:00.000Z';
const TO = '2027-02-08T12:00:00.000Z';

async function playlist(h: Harness, text: string, durationMs = 10_000): Promise<string> {
  const c = await h.call(h.admin, 'POST', '/content', { type: 'slogan', text });
  expect(c.status).toBe(201);
  const p = await h.call(h.admin, 'POST', '/playlists', { name: text, items: [{ contentId: c.body.id, durationMs }] });
  expect(p.status).toBe(201);
  return p.body.id;
}

async function timeline(h: Harness, deviceId: string, query = '') {
  const r = await h.call(h.admin, 'GET', `/devices/${deviceId}/timeline?from=${FROM}&to=${TO}${query}`);
  expect(r.status).toBe(200);
  return r.body as {
    bundleVersion: number;
    timeZone: string;
    granularity: string;
    segments: { start: string; end: string; scheduleId: string; reason: string; shares?: unknown[] }[];
  };
}

describe("a device's time zone", () => {
  it('moves its recurring schedules to its local clock, pushes a new bundle to it only, and the player resolves the same', async () => {
    const h = await harness.start();
    const district = (await h.call(h.admin, 'POST', '/groups', { name: 'Tam Kỳ', kind: 'district' })).body;
    const other = (await h.call(h.admin, 'POST', '/groups', { name: 'Hội An', kind: 'district' })).body;
    const mk = async (name: string) =>
      (await h.call(h.admin, 'POST', '/devices', { name, kind: 'led', groupId: district.id })).body as {
        id: string;
        token: string;
      };
    const tokyo = await mk('Bảng LED đặt giờ Tokyo');
    const stay = await mk('Bảng LED giờ Việt Nam');
    const morning = await h.call(h.admin, 'POST', '/schedules', {
      playlistId: await playlist(h, 'Buổi sáng: đóng BHXH đúng hạn'),
      target: { groupIds: [district.id] },
      priority: 20,
      recurrence: { kind: 'weekly', days: [1], dayparts: [{ start: '07:00', end: '11:30' }] },
    });
    expect(morning.status).toBe(201);
    expect(morning.body.timeZoneFromDevice).toBe(true);
    const pinned = await h.call(h.admin, 'POST', '/schedules', {
      playlistId: await playlist(h, 'Giờ Việt Nam: giải đáp chính sách'),
      target: { groupIds: [district.id] },
      priority: 30,
      timeZone: 'Asia/Ho_Chi_Minh',
      recurrence: { kind: 'weekly', days: [1], dayparts: [{ start: '12:00', end: '12:30' }] },
    });
    expect(pinned.status).toBe(201);
    const windows = (t: Awaited<ReturnType<typeof timeline>>) => t.segments.map((s) => [s.start, s.end, s.scheduleId]);
    const vietnam = [
      ['2027-02-08T00:00:00.000Z', '2027-02-08T04:30:00.000Z', morning.body.id],
      ['2027-02-08T05:00:00.000Z', '2027-02-08T05:30:00.000Z', pinned.body.id],
    ];
    await expect.poll(async () => windows(await timeline(h, tokyo.id))).toEqual(vietnam);
    const before = { tokyo: await timeline(h, tokyo.id), stay: await timeline(h, stay.id) };
    expect(before.tokyo.timeZone).toBe('Asia/Ho_Chi_Minh');

    const socket = h.player(tokyo.token);
    const received: Bundle[] = [];
    socket.on('bundle', (b) => received.push(b));
    await expect.poll(() => received.length).toBe(1);

    // Not a zone: refused, naming the field.
    const bad = await h.call(h.admin, 'PATCH', `/devices/${tokyo.id}`, { timeZone: 'Asia/Ha_Noi' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('timeZone');

    // An editor of the district may set it; an editor of another district does not see the device.
    await h.call(h.admin, 'POST', '/users', {
      username: 'bt-tamky',
      password: 'mat-khau-12345',
      role: 'editor',
      groupId: district.id,
    });
    await h.call(h.admin, 'POST', '/users', {
      username: 'bt-hoian',
      password: 'mat-khau-12345',
      role: 'editor',
      groupId: other.id,
    });
    const outsider = await h.login('bt-hoian', 'mat-khau-12345');
    expect((await h.call(outsider, 'PATCH', `/devices/${tokyo.id}`, { timeZone: 'Asia/Tokyo' })).status).toBe(404);
    const editor = await h.login('bt-tamky', 'mat-khau-12345');
    const set = await h.call(editor, 'PATCH', `/devices/${tokyo.id}`, { timeZone: 'Asia/Tokyo' });
    expect(set.status).toBe(200);
    expect(set.body.timeZone).toBe('Asia/Tokyo');
    expect((await h.call(h.admin, 'GET', `/devices/${tokyo.id}`)).body.timeZone).toBe('Asia/Tokyo');
    expect((await h.call(h.admin, 'GET', `/devices/${stay.id}`)).body.timeZone).toBe('Asia/Ho_Chi_Minh');

    // 07:00 in Tokyo is 22:00Z the day before; the schedule that names Vietnam's zone keeps its time.
    const tokyoWindows = [
      ['2027-02-07T22:00:00.000Z', '2027-02-08T02:30:00.000Z', morning.body.id],
      ['2027-02-08T05:00:00.000Z', '2027-02-08T05:30:00.000Z', pinned.body.id],
    ];
    await expect.poll(async () => windows(await timeline(h, tokyo.id))).toEqual(tokyoWindows);
    const after = { tokyo: await timeline(h, tokyo.id), stay: await timeline(h, stay.id) };
    expect(after.tokyo.timeZone).toBe('Asia/Tokyo');
    expect(after.tokyo.bundleVersion).toBeGreaterThan(before.tokyo.bundleVersion);
    // The other device of the same district got nothing new.
    expect(after.stay.bundleVersion).toBe(before.stay.bundleVersion);
    expect(windows(after.stay)).toEqual(vietnam);

    // The player got the zone in its bundle, the hash checks out, and offline it resolves the same.
    await expect.poll(() => received.length).toBe(2);
    const b = BundleSchema.parse(received[1]);
    expect(b.timeZone).toBe('Asia/Tokyo');
    expect(crypto.createHash('sha256').update(bundleHashInput(b)).digest('hex')).toBe(b.hash);
    expect(itemAt(b, Date.parse('2027-02-07T21:59:59.999Z'))).toBeNull();
    expect(itemAt(b, Date.parse('2027-02-07T22:00:00.000Z'))!.schedule.id).toBe(morning.body.id);
    expect(itemAt(b, Date.parse('2027-02-08T05:00:00.000Z'))!.schedule.id).toBe(pinned.body.id);

    // Back to the default.
    expect((await h.call(h.admin, 'PATCH', `/devices/${tokyo.id}`, { timeZone: null })).body.timeZone).toBe(
      'Asia/Ho_Chi_Minh',
    );
    await expect.poll(async () => windows(await timeline(h, tokyo.id))).toEqual(vietnam);
  });
});

describe('timeline granularity', () => {
  it('merges the item slots of sharing schedules into one segment per stretch with granularity=schedule', async () => {
    const h = await harness.start();
    const dev = (await h.call(h.admin, 'POST', '/devices', { name: 'Màn hình sảnh', kind: 'screen' })).body;
    const mk = async (body: Record<string, unknown>) => {
      const r = await h.call(h.admin, 'POST', '/schedules', { target: { deviceIds: [dev.id] }, ...body });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    const a = await mk({ playlistId: await playlist(h, 'Thẻ BHYT điện tử trên VssID'), priority: 10, weight: 2 });
    const b = await mk({ playlistId: await playlist(h, 'BHXH tự nguyện: an sinh cho mọi người'), priority: 10 });
    const noon = await mk({
      playlistId: await playlist(h, 'Giờ nghỉ trưa'),
      priority: 50,
      recurrence: { kind: 'weekly', days: [1], dayparts: [{ start: '11:30', end: '13:30' }] },
    });

    await expect.poll(async () => (await timeline(h, dev.id)).segments.length).toBeGreaterThan(1000);
    const slots = await timeline(h, dev.id);
    // The default is the slot view, and asking for it by name gives the same answer.
    expect(slots.granularity).toBe('slot');
    expect((await timeline(h, dev.id, '&granularity=slot')).segments).toEqual(slots.segments);
    expect(new Set(slots.segments.map((s) => s.scheduleId))).toEqual(new Set([a, b, noon]));
    expect(slots.segments.every((s) => s.shares === undefined)).toBe(true);

    const grouped = await timeline(h, dev.id, '&granularity=schedule');
    expect(grouped.granularity).toBe('schedule');
    // In rank order: the newer schedule first.
    const shares = [
      { scheduleId: b, weight: 1 },
      { scheduleId: a, weight: 2 },
    ];
    expect(
      grouped.segments.map((s) => ({
        start: s.start,
        end: s.end,
        reason: s.reason,
        shares: s.shares?.map((x) => ({
          scheduleId: (x as { scheduleId: string }).scheduleId,
          weight: (x as { weight: number }).weight,
        })),
      })),
    ).toEqual([
      { start: FROM, end: '2027-02-08T04:30:00.000Z', reason: 'share', shares },
      { start: '2027-02-08T04:30:00.000Z', end: '2027-02-08T06:30:00.000Z', reason: 'priority', shares: undefined },
      { start: '2027-02-08T06:30:00.000Z', end: TO, reason: 'share', shares },
    ]);
    expect(grouped.segments[1]!.scheduleId).toBe(noon);
    // The slot view's segments each lie inside a grouped one that names their schedule.
    for (const s of slots.segments) {
      const g = grouped.segments.find((x) => x.start <= s.start && s.end <= x.end)!;
      const names = g.shares ? g.shares.map((x) => (x as { scheduleId: string }).scheduleId) : [g.scheduleId];
      expect(names).toContain(s.scheduleId);
    }

    const wrong = await h.call(h.admin, 'GET', `/devices/${dev.id}/timeline?granularity=day`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.field).toBe('granularity');
  });
});
