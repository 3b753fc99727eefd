/**
 * Campaign changes reaching their schedule entries on a real controller (port 0, SQLite in a temp
 * folder): priority, dates and targets, and only the devices concerned get a new bundle.
 */
import { dayStartUtc, formatLocalDay, localDayOf, TIMEZONE } from '@bangtin/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './test-harness';

const harness = createHarness('campaigns');
afterEach(() => harness.cleanup());

interface Timeline {
  bundleVersion: number;
  segments: { start: string; end: string; scheduleId: string; campaignId: string | null; reason: string }[];
}

describe('changing a campaign', () => {
  it('moves the entries that follow its priority, dates and targets, and re-sends only the devices concerned', async () => {
    const h: Harness = await harness.start();
    const post = async (url: string, body: unknown) => {
      const r = await h.call(h.admin, 'POST', url, body);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body;
    };
    const province = await post('/groups', { name: 'Quảng Nam', kind: 'province' });
    const district = async (name: string) =>
      (await post('/groups', { name, kind: 'district', parentId: province.id })).id;
    const [tamKy, hoiAn, dienBan] = [await district('Tam Kỳ'), await district('Hội An'), await district('Điện Bàn')];
    const device = async (name: string, groupId: string) => (await post('/devices', { name, kind: 'led', groupId })).id;
    const devices = {
      tamKy: await device('Bảng LED Tam Kỳ', tamKy),
      hoiAn: await device('Bảng LED Hội An', hoiAn),
      dienBan: await device('Bảng LED Điện Bàn', dienBan),
    };
    const playlist = async (text: string) => {
      const c = await post('/content', { type: 'slogan', text });
      return (await post('/playlists', { name: text, items: [{ contentId: c.id, durationMs: 10_000 }] })).id;
    };
    const routine = await post('/schedules', {
      playlistId: await playlist('Thường xuyên: BHXH là trụ cột an sinh'),
      target: { groupIds: [province.id] },
      priority: 40,
    });

    const now = Date.now();
    const today = localDayOf(TIMEZONE, now);
    const campaign = await post('/campaigns', {
      name: 'Tháng vận động BHXH tự nguyện',
      startsOn: formatLocalDay(today - 1),
      endsOn: formatLocalDay(today + 10),
      priority: 30,
      target: { groupIds: [tamKy] },
      playlistIds: [await playlist('Chiến dịch: tham gia BHXH tự nguyện')],
      status: 'scheduled',
    });
    expect(campaign.status).toBe('running');
    const [follows] = await post(`/campaigns/${campaign.id}/schedules`, {});
    const [own] = await post(`/campaigns/${campaign.id}/schedules`, { priority: 5 });
    expect(follows).toMatchObject({ priority: 30, priorityFromCampaign: true });
    expect(own).toMatchObject({ priority: 5, priorityFromCampaign: false });

    const from = new Date(now).toISOString();
    const to = new Date(now + 2 * 86_400_000).toISOString();
    const timeline = async (id: string): Promise<Timeline> => {
      const r = await h.call(h.admin, 'GET', `/devices/${id}/timeline?from=${from}&to=${to}`);
      expect(r.status).toBe(200);
      return r.body;
    };
    const owners = async (id: string) => (await timeline(id)).segments.map((s) => s.scheduleId);
    const versions = async () => ({
      tamKy: (await timeline(devices.tamKy)).bundleVersion,
      hoiAn: (await timeline(devices.hoiAn)).bundleVersion,
      dienBan: (await timeline(devices.dienBan)).bundleVersion,
    });
    const patch = async (body: unknown) => {
      const r = await h.call(h.admin, 'PATCH', `/campaigns/${campaign.id}`, body);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body;
    };

    // The routine (40) outranks the campaign (30) everywhere.
    await expect.poll(() => owners(devices.tamKy)).toEqual([routine.id]);
    const v0 = await versions();

    // Priority: raised above the routine, the entry that follows it wins at once; the other keeps 5.
    await patch({ priority: 60 });
    expect((await h.call(h.admin, 'GET', `/schedules/${follows.id}`)).body.priority).toBe(60);
    expect((await h.call(h.admin, 'GET', `/schedules/${own.id}`)).body.priority).toBe(5);
    await expect.poll(() => owners(devices.tamKy)).toEqual([follows.id]);
    const v1 = await versions();
    expect(v1.tamKy).toBeGreaterThan(v0.tamKy);
    expect(v1.hoiAn).toBe(v0.hoiAn);
    expect(v1.dienBan).toBe(v0.dienBan);

    // Targets: from Tam Kỳ to Hội An; Điện Bàn is untouched.
    await patch({ target: { groupIds: [hoiAn] } });
    await expect.poll(() => owners(devices.hoiAn)).toEqual([follows.id]);
    expect(await owners(devices.tamKy)).toEqual([routine.id]);
    const v2 = await versions();
    expect(v2.tamKy).toBeGreaterThan(v1.tamKy);
    expect(v2.hoiAn).toBeGreaterThan(v1.hoiAn);
    expect(v2.dienBan).toBe(v1.dienBan);

    // Dates: starting tomorrow, the campaign takes over at tomorrow's local midnight.
    const moved = await patch({ startsOn: formatLocalDay(today + 1) });
    expect(moved.status).toBe('scheduled');
    const midnight = new Date(dayStartUtc(TIMEZONE, today + 1)).toISOString();
    await expect
      .poll(async () => (await timeline(devices.hoiAn)).segments.map((s) => [s.scheduleId, s.start]))
      .toEqual([
        [routine.id, from],
        [follows.id, midnight],
      ]);
    const v3 = await versions();
    expect(v3.hoiAn).toBeGreaterThan(v2.hoiAn);
    expect(v3.tamKy).toBe(v2.tamKy);
    expect(v3.dienBan).toBe(v2.dienBan);
  });
});
