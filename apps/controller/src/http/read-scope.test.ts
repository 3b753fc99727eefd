/**
 * Issue 14, item 7: an editor reads only their own district, on a real controller (port 0, SQLite in
 * a temp folder). A district's default playlist and a campaign's entries (JSON and .ics) of another
 * district stay hidden from them; province staff see everything.
 */
import { formatLocalDay, localDayOf, TIMEZONE } from '@bangtin/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './test-harness';

const harness = createHarness('read-scope');
afterAll(() => harness.cleanup());

const PASSWORD = 'mat-khau-bien-tap';
let h: Harness;
let editor: string;
let ids: { tamKy: string; hoiAn: string; campaign: string; entryTamKy: string; entryHoiAn: string; mine: string };

async function post(token: string, url: string, body: unknown) {
  const r = await h.call(token, 'POST', url, body);
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body;
}

async function ics(token: string, campaignId: string): Promise<{ status: number; text: string }> {
  const r = await fetch(`${h.c.url}/api/v1/campaigns/${campaignId}/calendar.ics`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: r.status, text: await r.text() };
}

beforeAll(async () => {
  h = await harness.start();
  const province = await post(h.admin, '/groups', { name: 'Quảng Nam', kind: 'province' });
  const tamKy = (await post(h.admin, '/groups', { name: 'Tam Kỳ', kind: 'district', parentId: province.id })).id;
  const hoiAn = (await post(h.admin, '/groups', { name: 'Hội An', kind: 'district', parentId: province.id })).id;
  await post(h.admin, '/users', { username: 'bt-tamky', password: PASSWORD, role: 'editor', groupId: tamKy });
  editor = await h.login('bt-tamky', PASSWORD);

  const slogan = await post(h.admin, '/content', { type: 'slogan', text: 'BHXH – chỗ dựa vững chắc' });
  const playlist = await post(h.admin, '/playlists', {
    name: 'Mặc định Hội An',
    items: [{ contentId: slogan.id, durationMs: 10_000 }],
  });
  expect((await h.call(h.admin, 'PUT', `/groups/${hoiAn}/fallback`, { playlistId: playlist.id })).status).toBe(200);

  const today = localDayOf(TIMEZONE, Date.now());
  const campaign = await post(h.admin, '/campaigns', {
    name: 'Tháng vận động BHYT học sinh',
    startsOn: formatLocalDay(today),
    endsOn: formatLocalDay(today + 14),
    priority: 30,
    target: { groupIds: [province.id] },
    playlistIds: [playlist.id],
    status: 'scheduled',
  });
  const entry = async (token: string, groupId: string) =>
    (
      (await post(token, `/campaigns/${campaign.id}/schedules`, { target: { groupIds: [groupId] } })) as {
        id: string;
      }[]
    )[0]!.id;
  ids = {
    tamKy,
    hoiAn,
    campaign: campaign.id,
    entryTamKy: await entry(h.admin, tamKy),
    entryHoiAn: await entry(h.admin, hoiAn),
    mine: await entry(editor, tamKy),
  };
});

describe("an editor reading another district's default playlist", () => {
  it('gets 404 (as for the group itself), while their own district and an admin are answered', async () => {
    expect(await h.call(editor, 'GET', `/groups/${ids.hoiAn}/fallback`)).toMatchObject({
      status: 404,
      body: { error: { code: 'not-found' } },
    });
    expect((await h.call(editor, 'GET', `/groups/${ids.hoiAn}`)).status).toBe(404);
    expect((await h.call(h.admin, 'GET', `/groups/${ids.hoiAn}/fallback`)).status).toBe(200);
    // Their own district has no default playlist yet: "not found" names the playlist, not the group.
    expect(await h.call(editor, 'GET', `/groups/${ids.tamKy}/fallback`)).toMatchObject({
      status: 404,
      body: { error: { message: expect.stringContaining('fallback') } },
    });
  });
});

describe("a campaign's entries", () => {
  it('an editor sees only those reaching their district (and their own); an admin sees all', async () => {
    const asEditor = await h.call(editor, 'GET', `/campaigns/${ids.campaign}`);
    expect(asEditor.status).toBe(200);
    expect([...asEditor.body.scheduleIds].sort()).toEqual([ids.entryTamKy, ids.mine].sort());
    const listed = (await h.call(editor, 'GET', '/campaigns')).body as { id: string; scheduleIds: string[] }[];
    expect(listed.find((c) => c.id === ids.campaign)!.scheduleIds).not.toContain(ids.entryHoiAn);

    const asAdmin = await h.call(h.admin, 'GET', `/campaigns/${ids.campaign}`);
    expect([...asAdmin.body.scheduleIds].sort()).toEqual([ids.entryTamKy, ids.entryHoiAn, ids.mine].sort());
  });

  it("the .ics an editor downloads holds no other district's entry; the admin's holds all", async () => {
    const mine = await ics(editor, ids.campaign);
    expect(mine.status).toBe(200);
    expect(mine.text).toContain(`UID:${ids.entryTamKy}-`);
    expect(mine.text).toContain(`UID:${ids.mine}-`);
    expect(mine.text).not.toContain(ids.entryHoiAn);

    const all = await ics(h.admin, ids.campaign);
    for (const id of [ids.entryTamKy, ids.entryHoiAn, ids.mine]) expect(all.text).toContain(`UID:${id}-`);
  });
});
