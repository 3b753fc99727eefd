/**
 * Editors targeting tags on a real controller (port 0, SQLite in a temp folder): a tag spans every
 * district, so what an editor sends to a tag is bound to their district and reaches that tag there only.
 * Urgent messages are the admin's to send; one an editor sent before that rule keeps its district.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './test-harness';

const harness = createHarness('targets');
afterEach(() => harness.cleanup());

const TAG = 'ngoài trời';
const PASSWORD = 'mat-khau-12345';

async function setup() {
  const h = await harness.start();
  const post = async (url: string, body: unknown, token = h.admin) => {
    const r = await h.call(token, 'POST', url, body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  const province = await post('/groups', { name: 'Quảng Nam', kind: 'province' });
  const tamKy = await post('/groups', { name: 'Tam Kỳ', kind: 'district', parentId: province.id });
  const hoiAn = await post('/groups', { name: 'Hội An', kind: 'district', parentId: province.id });
  const device = async (name: string, groupId: string, tags: string[]) => {
    const d = await post('/devices', { name, kind: 'led', groupId });
    if (tags.length) expect((await h.call(h.admin, 'PATCH', `/devices/${d.id}`, { tags })).status).toBe(200);
    return d.id as string;
  };
  const tamKyOutdoor = await device('Bảng ngoài trời Tam Kỳ', tamKy.id, [TAG]);
  const tamKyLobby = await device('Bảng sảnh Tam Kỳ', tamKy.id, []);
  const hoiAnOutdoor = await device('Bảng ngoài trời Hội An', hoiAn.id, [TAG]);
  await post('/users', { username: 'bt-tamky', password: PASSWORD, role: 'editor', groupId: tamKy.id });
  await post('/users', { username: 'bt-hoian', password: PASSWORD, role: 'editor', groupId: hoiAn.id });
  const content = await post('/content', { type: 'slogan', text: 'Tham gia BHXH tự nguyện – an tâm tuổi già' });
  const playlist = await post('/playlists', {
    name: 'Ngoài trời',
    items: [{ contentId: content.id, durationMs: 10_000 }],
  });
  return {
    h,
    post,
    tamKy,
    hoiAn,
    tamKyOutdoor,
    tamKyLobby,
    hoiAnOutdoor,
    playlistId: playlist.id as string,
    contentId: content.id as string,
    tamKyEditor: await h.login('bt-tamky', PASSWORD),
    hoiAnEditor: await h.login('bt-hoian', PASSWORD),
  };
}

/** The schedule ids in the device's timeline for the next hour. */
async function scheduledOn(h: Harness, deviceId: string): Promise<string[]> {
  const r = await h.call(h.admin, 'GET', `/devices/${deviceId}/timeline?from=${new Date().toISOString()}`);
  expect(r.status).toBe(200);
  return [...new Set((r.body.segments as { scheduleId: string }[]).map((s) => s.scheduleId))].sort();
}

describe('editors targeting tags', () => {
  it("reach the tag inside their own district only, and other districts' editors never see it", async () => {
    const s = await setup();
    const { h } = s;
    const mine = await h.call(s.tamKyEditor, 'POST', '/schedules', {
      playlistId: s.playlistId,
      target: { tags: [TAG] },
      priority: 30,
    });
    expect(mine.status, JSON.stringify(mine.body)).toBe(201);
    expect(mine.body.scopeGroupId).toBe(s.tamKy.id);
    // Province staff's tag schedule reaches the tag everywhere, as before.
    const province = await s.post('/schedules', { playlistId: s.playlistId, target: { tags: [TAG] }, priority: 10 });

    await expect.poll(() => scheduledOn(h, s.tamKyOutdoor)).toEqual([mine.body.id].sort());
    expect(await scheduledOn(h, s.hoiAnOutdoor)).toEqual([province.id]);
    expect(await scheduledOn(h, s.tamKyLobby)).toEqual([]);

    // The other district's editor cannot see, change or delete it.
    const other = s.hoiAnEditor;
    const listed = (await h.call(other, 'GET', '/schedules')).body as { id: string }[];
    expect(listed.map((x) => x.id)).not.toContain(mine.body.id);
    expect((await h.call(other, 'GET', `/schedules/${mine.body.id}`)).status).toBe(404);
    expect((await h.call(other, 'PATCH', `/schedules/${mine.body.id}`, { priority: 90 })).status).toBe(404);
    expect((await h.call(other, 'DELETE', `/schedules/${mine.body.id}`)).status).toBe(404);
    // Nor can the author see or change the province's tag schedule, which reaches other districts.
    expect((await h.call(s.tamKyEditor, 'GET', `/schedules/${province.id}`)).status).toBe(404);
    expect((await h.call(s.tamKyEditor, 'PATCH', `/schedules/${province.id}`, { priority: 1 })).status).toBe(404);
    // The author can, and what they change stays in their district.
    const patched = await h.call(s.tamKyEditor, 'PATCH', `/schedules/${mine.body.id}`, { priority: 40 });
    expect(patched.status).toBe(200);
    expect(patched.body.scopeGroupId).toBe(s.tamKy.id);

    // Naming another district's group is still refused.
    const outside = await h.call(s.tamKyEditor, 'POST', '/schedules', {
      playlistId: s.playlistId,
      target: { groupIds: [s.hoiAn.id], tags: [TAG] },
    });
    expect(outside.status).toBe(403);
  });

  it("urgent messages: the admin's reach a tag everywhere; one an editor sent before they became admin-only stays in the district", async () => {
    const s = await setup();
    const { h } = s;
    // Editors no longer send urgent messages (issue 10): refused on the role, whatever the target.
    expect((await h.call(s.tamKyEditor, 'POST', '/interrupts', { text: 'Khẩn', target: { tags: [TAG] } })).status).toBe(
      403,
    );
    const m = await h.call(h.admin, 'POST', '/interrupts', { text: 'Bão số 9', target: { tags: [TAG] } });
    expect(m.status, JSON.stringify(m.body)).toBe(201);
    expect([...m.body.pendingDeviceIds].sort()).toEqual([s.tamKyOutdoor, s.hoiAnOutdoor].sort());
    // A tag message reaches other districts too, so it is beyond either editor's reading reach.
    for (const editor of [s.tamKyEditor, s.hoiAnEditor]) {
      expect((await h.call(editor, 'GET', `/interrupts/${m.body.id}`)).status).toBe(404);
      const seen = (await h.call(editor, 'GET', '/interrupts')).body as { id: string }[];
      expect(seen.map((x) => x.id)).not.toContain(m.body.id);
    }
    expect((await h.call(h.admin, 'POST', `/interrupts/${m.body.id}/cancel`)).status).toBe(200);

    // A message a Tam Kỳ editor sent to the tag under the old rule, as the database holds it: it still
    // reaches, and waits for acks from, Tam Kỳ only, and only Tam Kỳ's editor reads it.
    const old = h.c.store.interrupts.create(
      {
        contentId: null,
        text: 'Mất điện lúc 14:00',
        startsAt: Date.now(),
        endsAt: null,
        itemDurationMs: 10_000,
        campaignId: null,
        target: { deviceIds: [], groupIds: [], tags: [TAG] },
        createdBy: h.c.store.users.credentials('bt-tamky')!.user.id,
        scopeGroupId: s.tamKy.id,
      },
      [s.tamKyOutdoor],
    );
    h.c.hub.refresh();
    expect((await h.call(h.admin, 'GET', `/interrupts/${old.id}`)).body.pendingDeviceIds).toEqual([s.tamKyOutdoor]);
    await expect.poll(() => scheduledOn(h, s.tamKyOutdoor)).toEqual([old.id]);
    expect(await scheduledOn(h, s.hoiAnOutdoor)).toEqual([]);
    expect((await h.call(s.hoiAnEditor, 'GET', `/interrupts/${old.id}`)).status).toBe(404);
    expect((await h.call(s.tamKyEditor, 'GET', `/interrupts/${old.id}`)).status).toBe(200);
    // Reading is all an editor may do: stopping even their own old message is the admin's.
    expect((await h.call(s.tamKyEditor, 'POST', `/interrupts/${old.id}/cancel`)).status).toBe(403);
    expect((await h.call(h.admin, 'GET', `/interrupts/${old.id}`)).body.cancelledAt).toBeNull();
  });
});
