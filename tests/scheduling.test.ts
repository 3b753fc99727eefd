import { afterEach, describe, expect, it } from 'vitest';
import { formatLocalDay, isoWeekdayOfDay, localDayOf, TIMEZONE, utcToLocal } from '@bangtin/shared';
import { Api } from './support/api';
import { type Proc, startControllerProcess, startPlayerProcess, tmpDir, waitFor } from './support/processes';

interface ProofOut {
  id: string;
  contentId: string;
  scheduleId: string;
  startedAt: string;
  endedAt: string;
  endReason: string;
}
interface Segment {
  start: string;
  end: string;
  scheduleId: string;
  playlistId: string;
  campaignId: string | null;
  reason: string;
}

const procs: Proc[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.kill9()));
});

const PASSWORD = 'mat-khau-thu-nghiem';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

async function setup() {
  const controller = await startControllerProcess({ dataDir: tmpDir('sched-controller'), adminPassword: PASSWORD });
  procs.push(controller);
  const api = await new Api(controller.url).login('admin', PASSWORD);
  const province = (await api.post('/groups', { name: 'Quảng Nam', kind: 'province' })).body;
  const tamKy = (await api.post('/groups', { name: 'Tam Kỳ', kind: 'district', parentId: province.id })).body;
  const hoiAn = (await api.post('/groups', { name: 'Hội An', kind: 'district', parentId: province.id })).body;
  return { controller, api, province, tamKy, hoiAn };
}

async function playlist(api: Api, text: string, durationMs = 1000) {
  const c = await api.post('/content', { type: 'slogan', text });
  expect(c.status).toBe(201);
  const p = await api.post('/playlists', { name: text.slice(0, 40), items: [{ contentId: c.body.id, durationMs }] });
  expect(p.status).toBe(201);
  return { contentId: c.body.id as string, playlistId: p.body.id as string };
}

async function schedule(api: Api, body: Record<string, unknown>): Promise<string> {
  const r = await api.post('/schedules', body);
  expect(r.status, r.text).toBe(201);
  return r.body.id;
}

describe('scheduling end to end: real controller, headless player, timeline and proofs agree', () => {
  it('priorities, a daypart boundary, a holiday exception and an urgent message', async () => {
    const { controller, api, tamKy } = await setup();
    const dev = (await api.post('/devices', { name: 'Bảng LED Tam Kỳ', kind: 'led', groupId: tamKy.id })).body;

    // The daypart ends at the next minute boundary in Vietnam, at least 12 s away so the urgent
    // message below is over before it.
    let now = Date.now();
    let boundary = Math.ceil((now + 1) / 60_000) * 60_000;
    if (boundary - now < 12_000) boundary += 60_000;
    const localMinuteOfBoundary = Math.round((utcToLocal(TIMEZONE, boundary) % 86_400_000) / 60_000);
    const dayOfPart = localDayOf(TIMEZONE, boundary - 1);
    const end = localMinuteOfBoundary === 0 ? 1440 : localMinuteOfBoundary;
    const today = formatLocalDay(localDayOf(TIMEZONE, now));
    const tomorrow = formatLocalDay(localDayOf(TIMEZONE, now) + 1);

    const routine = await playlist(api, 'Tham gia BHXH tự nguyện – an tâm tuổi già');
    const daypart = await playlist(api, 'Giờ hành chính: đóng BHXH, BHYT đầy đủ');
    const holiday = await playlist(api, 'Không được phát vào ngày lễ');
    const holiday2 = await playlist(api, 'Danh sách nghỉ lễ: không phát');

    const low = await schedule(api, { playlistId: routine.playlistId, target: { groupIds: [tamKy.id] }, priority: 10 });
    const high = await schedule(api, {
      playlistId: daypart.playlistId,
      target: { deviceIds: [dev.id] },
      priority: 50,
      recurrence: {
        kind: 'weekly',
        days: [isoWeekdayOfDay(dayOfPart)],
        // Just after midnight the daypart starts at 00:00 (a daypart never spans two days).
        dayparts: [{ start: hhmm(Math.max(0, end - 10)), end: hhmm(end) }],
      },
    });
    // Highest priority, but today (and tomorrow, should the test cross midnight) is an exception.
    const exception = await schedule(api, {
      playlistId: holiday.playlistId,
      target: { deviceIds: [dev.id] },
      priority: 90,
      exceptions: [today, tomorrow],
    });
    const list = await api.post('/holiday-lists', { name: 'Nghỉ lễ 2027', dates: [today, tomorrow, '2027-02-06'] });
    expect(list.status).toBe(201);
    const listed = await schedule(api, {
      playlistId: holiday2.playlistId,
      target: { groupIds: [tamKy.id] },
      priority: 80,
      holidayListIds: [list.body.id],
    });

    // The timeline the player will follow, before the player even starts.
    now = Date.now();
    const tl = await api.get(
      `/devices/${dev.id}/timeline?from=${new Date(now).toISOString()}&to=${new Date(boundary + 60_000).toISOString()}`,
    );
    expect(tl.status).toBe(200);
    const segments: Segment[] = tl.body.segments;
    expect(segments.map((s) => [s.scheduleId, s.reason])).toEqual([
      [high, 'priority'],
      [low, 'priority'],
    ]);
    expect(Date.parse(segments[0]!.end)).toBe(boundary);
    expect(Date.parse(segments[1]!.start)).toBe(boundary);
    expect(JSON.stringify(segments)).not.toContain(exception);
    expect(JSON.stringify(segments)).not.toContain(listed);

    const playerDir = tmpDir('sched-player');
    procs.push(startPlayerProcess({ controllerUrl: controller.url, token: dev.token, dataDir: playerDir }));
    await waitFor(
      async () => (await api.get(`/devices/${dev.id}`)).body.nowPlaying?.contentId === daypart.contentId,
      'daypart slogan on the board',
    );

    // Urgent message: on screen within a second, acked, and cancelling returns to the schedule.
    const sentAt = Date.now();
    const urgent = await api.post('/interrupts', {
      text: 'KHẨN: Tạm dừng tiếp dân do mất điện',
      target: { groupIds: [tamKy.id] },
    });
    expect(urgent.status).toBe(201);
    const urgentId: string = urgent.body.id;
    expect(urgent.body.pendingDeviceIds).toEqual([dev.id]);
    const shown = await waitFor(async () => {
      const d = (await api.get(`/devices/${dev.id}`)).body;
      return d.nowPlaying?.contentId === urgentId ? d : null;
    }, 'urgent message on the board');
    expect(Date.parse(shown.nowPlaying.startedAt) - sentAt).toBeLessThan(1000);
    const acked = await waitFor(async () => {
      const m = (await api.get(`/interrupts/${urgentId}`)).body;
      return m.deliveries[0]?.shownAt ? m : null;
    }, 'the ack of the urgent message');
    expect(acked.ackedDeviceIds).toEqual([dev.id]);
    expect(acked.pendingDeviceIds).toEqual([]);
    const during = (await api.get(`/devices/${dev.id}/timeline`)).body.segments as Segment[];
    expect(during[0]).toMatchObject({ scheduleId: urgentId, reason: 'interrupt' });
    await sleep(1200);
    const cancel = await api.post(`/interrupts/${urgentId}/cancel`);
    expect(cancel.status).toBe(200);
    expect(cancel.body.active).toBe(false);
    await waitFor(
      async () => (await api.get(`/devices/${dev.id}`)).body.nowPlaying?.contentId === daypart.contentId,
      'back to the daypart schedule',
    );
    const after = (await api.get(`/devices/${dev.id}/timeline`)).body.segments as Segment[];
    expect(after[0]).toMatchObject({ scheduleId: high, reason: 'priority' });

    // Past the boundary: the low-priority routine takes over at the exact second.
    await waitFor(() => Date.now() > boundary + 2500, 'the daypart boundary to pass', 90_000, 200);
    const proofs = await waitFor(async () => {
      const ps = (await api.get(`/proofs?deviceId=${dev.id}`)).body as ProofOut[];
      return ps.some((p) => p.scheduleId === low && Date.parse(p.startedAt) >= boundary + 1000) ? ps : null;
    }, 'proofs after the boundary');
    const byId = (id: string) => proofs.filter((p) => p.scheduleId === id);
    expect(byId(exception)).toEqual([]);
    expect(byId(listed)).toEqual([]);
    // Each play matches the timeline resolved before the player started (outside the urgent message).
    const urgentProofs = byId(urgentId);
    expect(urgentProofs.length).toBeGreaterThanOrEqual(1);
    expect(urgentProofs.every((p) => p.contentId === urgentId)).toBe(true);
    const uStart = Date.parse(urgentProofs[0]!.startedAt);
    const uEnd = Date.parse(urgentProofs.at(-1)!.endedAt);
    for (const p of proofs) {
      const mid = (Date.parse(p.startedAt) + Date.parse(p.endedAt)) / 2;
      if (p.scheduleId === urgentId) continue;
      expect(mid < uStart || mid > uEnd).toBe(true);
      const seg = segments.find((s) => Date.parse(s.start) <= mid && mid < Date.parse(s.end));
      expect(seg?.scheduleId, `proof ${p.startedAt}`).toBe(p.scheduleId);
    }
    // The daypart's last play is cut at the boundary; the routine starts right there.
    const lastHigh = byId(high).at(-1)!;
    const firstLow = byId(low)[0]!;
    expect(Math.abs(Date.parse(lastHigh.endedAt) - boundary)).toBeLessThan(250);
    expect(Math.abs(Date.parse(firstLow.startedAt) - boundary)).toBeLessThan(250);
    // The play the urgent message interrupted is recorded as preempted.
    expect(proofs.some((p) => p.scheduleId === high && p.endReason === 'preempted')).toBe(true);
  });

  it('only affected devices get a new bundle; tags, campaigns and fallbacks reach the right ones', async () => {
    const { api, province, tamKy, hoiAn } = await setup();
    const a = (await api.post('/devices', { name: 'LED Tam Kỳ', kind: 'led', groupId: tamKy.id })).body;
    const b = (await api.post('/devices', { name: 'Kiosk Hội An', kind: 'kiosk', groupId: hoiAn.id })).body;
    const versions = async () => {
      const ds = (await api.get('/devices')).body as { id: string; bundleVersion: number }[];
      return { a: ds.find((d) => d.id === a.id)!.bundleVersion, b: ds.find((d) => d.id === b.id)!.bundleVersion };
    };
    const settle = () => sleep(150);
    const pl = await playlist(api, 'Chính sách BHXH một lần');
    await settle();
    const v0 = await versions();

    await schedule(api, { playlistId: pl.playlistId, target: { groupIds: [tamKy.id] } });
    await settle();
    const v1 = await versions();
    expect(v1.a).toBeGreaterThan(v0.a);
    expect(v1.b).toBe(v0.b);

    expect((await api.request('PATCH', `/devices/${b.id}`, { tags: ['ngoài trời'] })).status).toBe(200);
    await schedule(api, { playlistId: pl.playlistId, target: { tags: ['ngoài trời'] }, weight: 2 });
    await settle();
    const v2 = await versions();
    expect(v2.a).toBe(v1.a);
    expect(v2.b).toBeGreaterThan(v1.b);

    // A fallback on the province reaches both; a timeline with only it says so.
    expect((await api.request('PUT', `/groups/${province.id}/fallback`, { playlistId: pl.playlistId })).status).toBe(
      200,
    );
    await settle();
    const v3 = await versions();
    expect(v3.a).toBeGreaterThan(v2.a);
    expect(v3.b).toBeGreaterThan(v2.b);

    // A campaign (published, running today) scheduled on Hội An only; cancelling it takes it away again.
    const today = formatLocalDay(localDayOf(TIMEZONE, Date.now()));
    const camp = await api.post('/campaigns', {
      name: 'Tháng vận động BHXH toàn dân',
      startsOn: today,
      endsOn: today,
      priority: 70,
      target: { groupIds: [hoiAn.id] },
      playlistIds: [pl.playlistId],
      status: 'scheduled',
    });
    expect(camp.status).toBe(201);
    expect(camp.body.status).toBe('running');
    const entries = await api.post(`/campaigns/${camp.body.id}/schedules`, {});
    expect(entries.status).toBe(201);
    await settle();
    const v4 = await versions();
    expect(v4.a).toBe(v3.a);
    expect(v4.b).toBeGreaterThan(v3.b);
    const tl = (await api.get(`/devices/${b.id}/timeline`)).body.segments as Segment[];
    expect(tl[0]).toMatchObject({ scheduleId: entries.body[0].id, campaignId: camp.body.id, reason: 'priority' });
    expect((await api.post(`/campaigns/${camp.body.id}/cancel`)).body.status).toBe('cancelled');
    await settle();
    const tl2 = (await api.get(`/devices/${b.id}/timeline`)).body.segments as Segment[];
    expect(tl2.some((s) => s.campaignId === camp.body.id)).toBe(false);

    // Calendars: iCalendar with CRLF, folded lines, a weekly RRULE for a daypart.
    await schedule(api, {
      playlistId: pl.playlistId,
      campaignId: camp.body.id,
      recurrence: { kind: 'weekly', days: [1, 2, 3, 4, 5], dayparts: [{ start: '07:00', end: '11:30' }] },
      exceptions: ['2027-02-08'],
    });
    const ics = await api.get(`/campaigns/${camp.body.id}/calendar.ics`);
    expect(ics.status).toBe(200);
    expect(ics.headers.get('content-type')).toMatch(/text\/calendar/);
    expect(ics.text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.text).toContain('RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR');
    expect(ics.text).toContain('DTSTART;TZID=Asia/Ho_Chi_Minh:');
    for (const line of ics.text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const devIcs = await api.get(`/devices/${a.id}/calendar.ics`);
    expect(devIcs.text).toContain('BEGIN:VEVENT');
    expect((await new Api(api.baseUrl).get(`/devices/${a.id}/calendar.ics`)).status).toBe(401);
  });

  it('validation names the field; roles keep editors in their district and viewers read-only', async () => {
    const { api, province, tamKy, hoiAn } = await setup();
    const a = (await api.post('/devices', { name: 'LED Tam Kỳ', kind: 'led', groupId: tamKy.id })).body;
    const b = (await api.post('/devices', { name: 'LED Hội An', kind: 'led', groupId: hoiAn.id })).body;
    const pl = await playlist(api, 'Khẩu hiệu kiểm thử');
    const bad = async (body: Record<string, unknown>) => (await api.post('/schedules', body)).body.error;
    const base = { playlistId: pl.playlistId, target: { deviceIds: [a.id] } };
    expect(
      (await bad({ ...base, recurrence: { kind: 'cron', expression: '61 * * * *', durationMs: 60_000 } })).field,
    ).toBe('recurrence.expression');
    expect(
      (await bad({ ...base, startsAt: '2027-01-02T00:00:00+07:00', endsAt: '2027-01-01T00:00:00+07:00' })).field,
    ).toBe('endsAt');
    expect(
      (await bad({ ...base, recurrence: { kind: 'weekly', days: [1], dayparts: [{ start: '24:00', end: '06:00' }] } }))
        .field,
    ).toBe('recurrence.dayparts.0.start');
    expect(
      (
        await bad({
          ...base,
          recurrence: {
            kind: 'weekly',
            days: [1],
            dayparts: [
              { start: '07:00', end: '12:00' },
              { start: '11:00', end: '13:00' },
            ],
          },
        })
      ).field,
    ).toBe('recurrence.dayparts.1');
    const unknown = await api.post('/schedules', { ...base, target: { groupIds: [tamKy.id, a.id] } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.field).toBe('target.groupIds.1');
    expect((await bad({ ...base, exceptions: ['2027-02-30'] })).field).toBe('exceptions.0');
    expect((await bad({ ...base, recurrence: { kind: 'once' } })).field).toBe('startsAt');
    const wide = await api.get(`/devices/${a.id}/timeline?from=2027-01-01T00:00:00Z&to=2027-03-01T00:00:00Z`);
    expect(wide.status).toBe(400);
    expect(wide.body.error.field).toBe('to');
    expect(
      (await api.post('/campaigns', { name: 'X', startsOn: '2027-02-10', endsOn: '2027-02-01' })).body.error.field,
    ).toBe('endsOn');

    // Group tree: no cycles, no deleting a group that holds something.
    expect((await api.request('PATCH', `/groups/${province.id}`, { parentId: tamKy.id })).status).toBe(409);
    expect((await api.delete(`/groups/${tamKy.id}`)).body.error.code).toBe('group-not-empty');
    const empty = (await api.post('/groups', { name: 'Văn phòng cũ', kind: 'office', parentId: hoiAn.id })).body;
    expect(
      (await api.request('PATCH', `/groups/${empty.id}`, { name: 'Văn phòng mới', parentId: tamKy.id })).body,
    ).toMatchObject({
      name: 'Văn phòng mới',
      parentId: tamKy.id,
    });
    expect((await api.delete(`/groups/${empty.id}`)).status).toBe(204);

    await api.post('/users', { username: 'bientap.tamky', password: 'mat-khau-1', role: 'editor', groupId: tamKy.id });
    await api.post('/users', { username: 'kiemtoan', password: 'mat-khau-2', role: 'viewer' });
    const editor = await new Api(api.baseUrl).login('bientap.tamky', 'mat-khau-1');
    const viewer = await new Api(api.baseUrl).login('kiemtoan', 'mat-khau-2');

    // Urgent messages are the admin's to send and stop (issue 10): an editor is refused on the role, even
    // inside Tam Kỳ, and reads only those within the district.
    expect((await editor.post('/interrupts', { text: 'Khẩn Tam Kỳ', target: { deviceIds: [a.id] } })).status).toBe(403);
    const tamKyMsg = await api.post('/interrupts', { text: 'Khẩn Tam Kỳ', target: { deviceIds: [a.id] } });
    expect(tamKyMsg.status).toBe(201);
    const adminMsg = await api.post('/interrupts', {
      text: 'Toàn tỉnh',
      target: { groupIds: [province.id] },
      durationMs: 60_000,
    });
    expect(adminMsg.body.pendingDeviceIds.sort()).toEqual([a.id, b.id].sort());
    // The province-wide message is beyond the editor's reach: invisible to them.
    expect((await editor.get(`/interrupts/${adminMsg.body.id}`)).status).toBe(404);
    expect((await editor.get('/interrupts')).body.map((m: { id: string }) => m.id)).toEqual([tamKyMsg.body.id]);
    expect((await editor.post(`/interrupts/${tamKyMsg.body.id}/cancel`)).status).toBe(403);
    expect((await api.get(`/interrupts/${tamKyMsg.body.id}`)).body.cancelledAt).toBeNull();
    expect((await editor.get(`/devices/${b.id}/timeline`)).status).toBe(404);
    expect((await editor.post('/campaigns', { name: 'X', startsOn: '2027-02-01', endsOn: '2027-02-10' })).status).toBe(
      403,
    );
    expect((await editor.request('PATCH', `/devices/${a.id}`, { groupId: hoiAn.id })).status).toBe(403);

    expect((await viewer.get('/interrupts')).body).toHaveLength(2);
    expect((await viewer.get(`/devices/${a.id}/timeline`)).status).toBe(200);
    expect((await viewer.post('/interrupts', { text: 'Không', target: { deviceIds: [a.id] } })).status).toBe(403);
    expect((await viewer.post(`/interrupts/${adminMsg.body.id}/cancel`)).status).toBe(403);
    expect((await viewer.post('/holiday-lists', { name: 'Tết', dates: ['2027-02-06'] })).status).toBe(403);
    expect(
      (await viewer.request('PATCH', `/schedules/${(await api.get('/schedules')).body[0]?.id ?? a.id}`, {})).status,
    ).toBe(403);
    const devices = (await viewer.get('/devices')).body as { status: string; online: boolean }[];
    expect(devices.every((d) => d.status === 'offline' && d.online === false)).toBe(true);
  });
});
