/**
 * Editing, retiring and approving content, playlists and schedules on a real controller (port 0,
 * SQLite in a temp folder, real Socket.IO players): every refusal names its field, and bundles carry
 * only approved, unexpired, unarchived content, the old approved version while an edit waits.
 */
import type { Bundle, ContentItem } from '@bangtin/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { compileAll } from '../bundles';
import { createHarness, type Harness } from './test-harness';

const harness = createHarness('content-edit');
afterEach(() => harness.cleanup());

const EDITOR_PASSWORD = 'mat-khau-bien-tap';

/** A controller with a district, an editor there, and one LED device in it. */
async function setup() {
  const h = await harness.start({ jobs: false });
  const district = (await h.call(h.admin, 'POST', '/groups', { name: 'Tam Kỳ', kind: 'district' })).body;
  const u = await h.call(h.admin, 'POST', '/users', {
    username: 'bientap.tamky',
    password: EDITOR_PASSWORD,
    role: 'editor',
    groupId: district.id,
  });
  expect(u.status, JSON.stringify(u.body)).toBe(201);
  const editor = await h.login('bientap.tamky', EDITOR_PASSWORD);
  const device = (await h.call(h.admin, 'POST', '/devices', { name: 'Bảng Tam Kỳ', kind: 'led', groupId: district.id }))
    .body as { id: string; token: string };
  return { h, district, editor, device };
}

/** A slogan by `token`, in a playlist scheduled on `deviceId` by the admin. */
async function airSlogan(h: Harness, token: string, deviceId: string, text: string) {
  const c = await h.call(token, 'POST', '/content', { type: 'slogan', text });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  const p = await h.call(h.admin, 'POST', '/playlists', {
    name: `DS ${text}`,
    items: [{ contentId: c.body.id, durationMs: 5000 }],
  });
  const s = await h.call(h.admin, 'POST', '/schedules', { playlistId: p.body.id, target: { deviceIds: [deviceId] } });
  expect(s.status, JSON.stringify(s.body)).toBe(201);
  return { contentId: c.body.id as string, playlistId: p.body.id as string, scheduleId: s.body.id as string };
}

const contentOf = (h: Harness, deviceId: string): ContentItem[] => compileAll(h.c.store).get(deviceId)?.content ?? [];
const textsOf = (h: Harness, deviceId: string) =>
  contentOf(h, deviceId).map((c) => (c.type === 'slogan' ? c.text : c.type));

describe('approval before airing', () => {
  it("keeps an editor's slogan off the board until an admin approves it; an admin's airs at once", async () => {
    const { h, editor, device } = await setup();
    const mine = await airSlogan(h, editor, device.id, 'Đóng BHXH đúng hạn');
    const view = (await h.call(h.admin, 'GET', `/content/${mine.contentId}`)).body;
    expect(view).toMatchObject({ status: 'pending', approvedBy: null, approvedAt: null });
    expect(textsOf(h, device.id)).toEqual([]);
    expect((await h.call(h.admin, 'GET', '/content/pending')).body.map((c: { id: string }) => c.id)).toEqual([
      mine.contentId,
    ]);

    // Only an admin approves, and only what is pending.
    const byEditor = await h.call(editor, 'POST', `/content/${mine.contentId}/approve`);
    expect(byEditor.status).toBe(403);
    const ok = await h.call(h.admin, 'POST', `/content/${mine.contentId}/approve`);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ status: 'approved', approvedByName: 'admin' });
    expect(typeof ok.body.approvedBy).toBe('string');
    expect(Date.parse(ok.body.approvedAt)).toBeGreaterThan(0);
    expect(textsOf(h, device.id)).toEqual(['Đóng BHXH đúng hạn']);
    const again = await h.call(h.admin, 'POST', `/content/${mine.contentId}/approve`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'not-pending', field: 'status' });

    const admins = await h.call(h.admin, 'POST', '/content', { type: 'slogan', text: 'Của quản trị' });
    expect(admins.body).toMatchObject({ status: 'approved', approvedByName: 'admin' });
  });

  it('airs the old approved version while an edit waits, through a rejection, until the new one is approved', async () => {
    const { h, editor, device } = await setup();
    const { contentId } = await airSlogan(h, h.admin, device.id, 'Bản cũ đã duyệt');
    const edit = await h.call(editor, 'PATCH', `/content/${contentId}`, { text: 'Bản mới chờ duyệt' });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    expect(edit.body).toMatchObject({ text: 'Bản mới chờ duyệt', status: 'pending' });
    expect(edit.body.airing).toMatchObject({ text: 'Bản cũ đã duyệt' });
    expect(textsOf(h, device.id)).toEqual(['Bản cũ đã duyệt']);

    // A rejection needs its reason, named in the error; the old version goes on airing.
    const noReason = await h.call(h.admin, 'POST', `/content/${contentId}/reject`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.field).toBe('reason');
    const blank = await h.call(h.admin, 'POST', `/content/${contentId}/reject`, { reason: '   ' });
    expect(blank.body.error.field).toBe('reason');
    expect((await h.call(editor, 'POST', `/content/${contentId}/reject`, { reason: 'x' })).status).toBe(403);
    const rejected = await h.call(h.admin, 'POST', `/content/${contentId}/reject`, { reason: 'Sai số điện thoại' });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectionReason: 'Sai số điện thoại' });
    expect(textsOf(h, device.id)).toEqual(['Bản cũ đã duyệt']);
    const twice = await h.call(h.admin, 'POST', `/content/${contentId}/reject`, { reason: 'lại' });
    expect(twice.body.error).toMatchObject({ code: 'not-pending', field: 'status' });

    // The editor fixes it: pending again (the reason cleared), still the old version on air.
    const fixed = await h.call(editor, 'PATCH', `/content/${contentId}`, { text: 'Bản mới đã sửa' });
    expect(fixed.body).toMatchObject({ status: 'pending', rejectionReason: null });
    expect(textsOf(h, device.id)).toEqual(['Bản cũ đã duyệt']);
    await h.call(h.admin, 'POST', `/content/${contentId}/approve`);
    expect(textsOf(h, device.id)).toEqual(['Bản mới đã sửa']);
    expect((await h.call(h.admin, 'GET', `/content/${contentId}`)).body.airing).toBeNull();
  });

  it("re-sends a slogan's new text only to the devices whose bundles hold it", async () => {
    const { h, district, device } = await setup();
    const other = (await h.call(h.admin, 'POST', '/devices', { name: 'Bảng khác', kind: 'led', groupId: district.id }))
      .body as { id: string; token: string };
    const { contentId } = await airSlogan(h, h.admin, device.id, 'Trước khi sửa');
    await airSlogan(h, h.admin, other.id, 'Bảng khác giữ nguyên');
    const got = new Map<string, Bundle[]>([
      [device.id, []],
      [other.id, []],
    ]);
    for (const d of [device, other]) h.player(d.token).on('bundle', (b) => got.get(d.id)!.push(b));
    await expect.poll(() => [got.get(device.id)!.length, got.get(other.id)!.length]).toEqual([1, 1]);
    const r = await h.call(h.admin, 'PATCH', `/content/${contentId}`, { text: 'Sau khi sửa', title: 'Khẩu hiệu' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await expect.poll(() => got.get(device.id)!.length).toBe(2);
    expect(got.get(device.id)![1]!.content).toEqual([
      { id: contentId, type: 'slogan', text: 'Sau khi sửa', title: 'Khẩu hiệu' },
    ]);
    // A later change to the other device proves its socket was live all along; it got nothing in between.
    expect(got.get(other.id)!).toHaveLength(1);
  });
});

describe('content validity and retiring', () => {
  it('checks the window with the field named and leaves expired content out, future content in with its start', async () => {
    const { h, device } = await setup();
    const { contentId } = await airSlogan(h, h.admin, device.id, 'Có hạn');
    const bad = await h.call(h.admin, 'PATCH', `/content/${contentId}`, { validFrom: '2026-12-01' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('validFrom');
    const huge = await h.call(h.admin, 'PATCH', `/content/${contentId}`, { validUntil: 9e15 });
    expect(huge.body.error.field).toBe('validUntil');
    const now = Date.now();
    const backwards = await h.call(h.admin, 'PATCH', `/content/${contentId}`, {
      validFrom: now + 10_000,
      validUntil: now,
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.field).toBe('validUntil');
    // The merged window counts: a start after the stored end is refused too.
    await h.call(h.admin, 'PATCH', `/content/${contentId}`, { validUntil: now + 86_400_000 });
    const late = await h.call(h.admin, 'PATCH', `/content/${contentId}`, { validFrom: now + 2 * 86_400_000 });
    expect(late.body.error.field).toBe('validFrom');
    const unknown = await h.call(h.admin, 'PATCH', `/content/${contentId}`, { colour: 'red' });
    expect(unknown.body.error.field).toBe('colour');

    const future = await h.call(h.admin, 'PATCH', `/content/${contentId}`, { validFrom: now + 3_600_000 });
    expect(future.status, JSON.stringify(future.body)).toBe(200);
    expect(future.body).toMatchObject({ validFrom: now + 3_600_000, validUntil: now + 86_400_000 });
    // Not yet valid: in the bundle with its window, so the player starts it on time offline.
    expect(contentOf(h, device.id)).toEqual([
      expect.objectContaining({ id: contentId, validFrom: now + 3_600_000, validUntil: now + 86_400_000 }),
    ]);
    await h.call(h.admin, 'PATCH', `/content/${contentId}`, { validFrom: now - 7_200_000, validUntil: now - 1000 });
    expect(contentOf(h, device.id)).toEqual([]);
    const cleared = await h.call(h.admin, 'PATCH', `/content/${contentId}`, { validFrom: null, validUntil: null });
    expect(cleared.body).toMatchObject({ validFrom: null, validUntil: null });
    expect(contentOf(h, device.id)).toEqual([{ id: contentId, type: 'slogan', text: 'Có hạn', title: null }]);
  });

  it('refuses to retire an item in a playlist (naming the playlists), else archives it', async () => {
    const { h, device } = await setup();
    const { contentId, playlistId, scheduleId } = await airSlogan(h, h.admin, device.id, 'Sắp nghỉ');
    const busy = await h.call(h.admin, 'DELETE', `/content/${contentId}`);
    expect(busy.status).toBe(409);
    expect(busy.body.error).toMatchObject({
      code: 'in-use',
      field: 'id',
      playlists: [{ id: playlistId, name: 'DS Sắp nghỉ' }],
    });
    expect(busy.body.error.message).toContain('DS Sắp nghỉ');

    const filler = (await h.call(h.admin, 'POST', '/content', { type: 'slogan', text: 'Thay thế' })).body;
    const swapped = await h.call(h.admin, 'PATCH', `/playlists/${playlistId}`, {
      items: [{ contentId: filler.id, durationMs: 4000 }],
    });
    expect(swapped.status, JSON.stringify(swapped.body)).toBe(200);
    expect((await h.call(h.admin, 'DELETE', `/content/${contentId}`)).status).toBe(204);
    expect((await h.call(h.admin, 'GET', '/content')).body.map((c: { id: string }) => c.id)).not.toContain(contentId);
    // Kept for proofs and reports.
    const kept = await h.call(h.admin, 'GET', `/content/${contentId}`);
    expect(kept.status).toBe(200);
    expect(kept.body.archivedAt).not.toBeNull();
    expect(textsOf(h, device.id)).toEqual(['Thay thế']);
    // Gone for new use: no playlist, no second archive, no edit.
    const reuse = await h.call(h.admin, 'PATCH', `/playlists/${playlistId}`, {
      items: [{ contentId, durationMs: 4000 }],
    });
    expect(reuse.status).toBe(404);
    expect(reuse.body.error.field).toBe('items.0.contentId');
    expect((await h.call(h.admin, 'DELETE', `/content/${contentId}`)).status).toBe(404);
    expect((await h.call(h.admin, 'PATCH', `/content/${contentId}`, { text: 'x' })).status).toBe(404);
    expect(scheduleId).toBeTruthy();
  });
});

describe('playlists, schedules and campaigns', () => {
  it('edits, duplicates and archives playlists, refusing while a schedule or campaign uses one', async () => {
    const { h, device } = await setup();
    const { contentId, playlistId, scheduleId } = await airSlogan(h, h.admin, device.id, 'Danh sách');
    const renamed = await h.call(h.admin, 'PATCH', `/playlists/${playlistId}`, { name: 'Giờ hành chính' });
    expect(renamed.body).toMatchObject({ id: playlistId, name: 'Giờ hành chính' });
    expect((await h.call(h.admin, 'PATCH', `/playlists/${playlistId}`, { items: [] })).body.error.field).toBe('items');
    expect((await h.call(h.admin, 'PATCH', `/playlists/${playlistId}`, { name: '' })).body.error.field).toBe('name');
    const shortItem = await h.call(h.admin, 'PATCH', `/playlists/${playlistId}`, {
      items: [{ contentId, durationMs: 10 }],
    });
    expect(shortItem.body.error.field).toBe('items.0.durationMs');

    const copy = await h.call(h.admin, 'POST', `/playlists/${playlistId}/duplicate`);
    expect(copy.status, JSON.stringify(copy.body)).toBe(201);
    expect(copy.body.id).not.toBe(playlistId);
    expect(copy.body).toMatchObject({ name: 'Giờ hành chính (bản sao)', items: [{ contentId, durationMs: 5000 }] });

    const used = await h.call(h.admin, 'DELETE', `/playlists/${playlistId}`);
    expect(used.status).toBe(409);
    expect(used.body.error).toMatchObject({ code: 'in-use', field: 'id', schedules: [{ id: scheduleId }] });

    const campaign = await h.call(h.admin, 'POST', '/campaigns', {
      name: 'Tháng BHYT',
      startsOn: '2026-12-01',
      endsOn: '2026-12-31',
      playlistIds: [copy.body.id],
    });
    expect(campaign.status, JSON.stringify(campaign.body)).toBe(201);
    const inCampaign = await h.call(h.admin, 'DELETE', `/playlists/${copy.body.id}`);
    expect(inCampaign.status).toBe(409);
    expect(inCampaign.body.error.campaigns).toEqual([{ id: campaign.body.id, name: 'Tháng BHYT' }]);
    expect(inCampaign.body.error.message).toContain('Tháng BHYT');

    await h.call(h.admin, 'DELETE', `/schedules/${scheduleId}`);
    expect((await h.call(h.admin, 'DELETE', `/playlists/${playlistId}`)).status).toBe(204);
    expect((await h.call(h.admin, 'GET', '/playlists')).body.map((p: { id: string }) => p.id)).toEqual([copy.body.id]);
    const onArchived = await h.call(h.admin, 'POST', '/schedules', {
      playlistId,
      target: { deviceIds: [device.id] },
    });
    expect(onArchived.status).toBe(404);
    expect(onArchived.body.error.field).toBe('playlistId');
  });

  it('duplicates a schedule with its fields', async () => {
    const { h, device } = await setup();
    const { scheduleId, playlistId } = await airSlogan(h, h.admin, device.id, 'Lịch gốc');
    const weekly = { kind: 'weekly', days: [1, 2, 3, 4, 5], dayparts: [{ start: '07:00', end: '17:00' }] };
    await h.call(h.admin, 'PATCH', `/schedules/${scheduleId}`, { recurrence: weekly, priority: 30 });
    const copy = await h.call(h.admin, 'POST', `/schedules/${scheduleId}/duplicate`);
    expect(copy.status, JSON.stringify(copy.body)).toBe(201);
    expect(copy.body.id).not.toBe(scheduleId);
    expect(copy.body).toMatchObject({
      playlistId,
      priority: 30,
      recurrence: weekly,
      target: { deviceIds: [device.id] },
    });
    const missing = await h.call(h.admin, 'POST', `/schedules/00000000-0000-4000-8000-000000000000/duplicate`);
    expect(missing.status).toBe(404);
  });

  it("gives a campaign's entries its recurrence unless they set their own", async () => {
    const { h, district, device } = await setup();
    const { playlistId } = await airSlogan(h, h.admin, device.id, 'Chiến dịch');
    const weekdays = { kind: 'weekly', days: [1, 2, 3, 4, 5], dayparts: [{ start: '07:00', end: '17:00' }] };
    const badRec = await h.call(h.admin, 'POST', '/campaigns', {
      name: 'Sai',
      startsOn: '2026-01-01',
      endsOn: '2030-12-31',
      recurrence: { kind: 'weekly', days: [], dayparts: [] },
    });
    expect(badRec.status).toBe(400);
    expect(badRec.body.error.field).toMatch(/^recurrence\./);
    const c = await h.call(h.admin, 'POST', '/campaigns', {
      name: 'Giờ hành chính',
      startsOn: '2026-01-01',
      endsOn: '2030-12-31',
      status: 'scheduled',
      recurrence: weekdays,
      target: { groupIds: [district.id] },
      playlistIds: [playlistId],
    });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    expect(c.body.recurrence).toEqual(weekdays);
    const follows = await h.call(h.admin, 'POST', '/schedules', { playlistId, campaignId: c.body.id });
    const own = await h.call(h.admin, 'POST', '/schedules', {
      playlistId,
      campaignId: c.body.id,
      recurrence: { kind: 'cron', expression: '0 12 * * *', durationMs: 1_800_000 },
    });
    expect(follows.status, JSON.stringify(follows.body)).toBe(201);
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    const bs = (id: string) =>
      compileAll(h.c.store)
        .get(device.id)!
        .schedules.find((s) => s.id === id)!;
    expect(bs(follows.body.id).recurrence).toEqual(weekdays);
    expect(bs(own.body.id).recurrence).toMatchObject({ kind: 'cron' });

    const evenings = { kind: 'weekly', days: [6, 7], dayparts: [{ start: '18:00', end: '21:00' }] };
    const patched = await h.call(h.admin, 'PATCH', `/campaigns/${c.body.id}`, { recurrence: evenings });
    expect(patched.body.recurrence).toEqual(evenings);
    expect(bs(follows.body.id).recurrence).toEqual(evenings);
    await h.call(h.admin, 'PATCH', `/campaigns/${c.body.id}`, { recurrence: null });
    expect(bs(follows.body.id).recurrence).toBeUndefined();
  });
});
