/** The daily rollup endpoint on a real in-process controller (port 0, SQLite in a temp folder). */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness } from './test-harness';

const harness = createHarness('rollups');
afterEach(() => harness.cleanup());

describe('GET /api/v1/proofs/daily', () => {
  it('answers the rolled-up plays and airtime per device, campaign and local date, within the caller’s scope', async () => {
    const { c } = await harness.start({ jobs: false });
    const { store } = c;
    const tamKy = store.groups.create({ name: 'Tam Kỳ', kind: 'district', parentId: null });
    const hoiAn = store.groups.create({ name: 'Hội An', kind: 'district', parentId: null });
    const a = store.devices.create({ name: 'LED Tam Kỳ', kind: 'led', groupId: tamKy.id }).device;
    const b = store.devices.create({ name: 'LED Hội An', kind: 'led', groupId: hoiAn.id }).device;
    store.users.create({ username: 'bientap', password: 'mat-khau-1', role: 'editor', groupId: tamKy.id });
    const base = {
      contentId: '01930000-0000-7000-8000-0000000000c1',
      playlistId: '01930000-0000-7000-8000-0000000000a1',
      scheduleId: '01930000-0000-7000-8000-0000000000b1',
      clockOffsetMs: 0,
      endReason: 'completed' as const,
      output: 'main',
    };
    // 2027-02-06 08:00 in Vietnam.
    const t = Date.UTC(2027, 1, 6, 1);
    store.proofs.insertBatch(a.id, [
      { ...base, id: '01930000-0000-7000-8000-000000000001', startedAt: t, endedAt: t + 10_000, deviceStartedAt: t },
      {
        ...base,
        id: '01930000-0000-7000-8000-000000000002',
        startedAt: t + 10_000,
        endedAt: t + 25_000,
        deviceStartedAt: t,
      },
    ]);
    store.proofs.insertBatch(b.id, [
      { ...base, id: '01930000-0000-7000-8000-000000000003', startedAt: t, endedAt: t + 5000, deviceStartedAt: t },
    ]);
    expect(store.rollups.rollupAll()).toBe(3);

    const login = async (username: string, password: string) =>
      (
        (await (
          await fetch(`${c.url}/api/v1/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username, password }),
          })
        ).json()) as { token: string }
      ).token;
    // JSON answers asserted on field by field (tests may use `any`).
    const get = async (token: string, q: string): Promise<any> =>
      (await fetch(`${c.url}/api/v1/proofs/daily${q}`, { headers: { authorization: `Bearer ${token}` } })).json();
    const admin = await login('admin', 'mat-khau-thu-nghiem');
    const editor = await login('bientap', 'mat-khau-1');
    expect(await get(admin, '?from=2027-02-06&to=2027-02-06&campaignId=none')).toEqual(
      [
        {
          deviceId: a.id,
          campaignId: null,
          contentId: base.contentId,
          localDate: '2027-02-06',
          plays: 2,
          airtimeMs: 25_000,
        },
        {
          deviceId: b.id,
          campaignId: null,
          contentId: base.contentId,
          localDate: '2027-02-06',
          plays: 1,
          airtimeMs: 5000,
        },
      ].sort((x, y) => (x.deviceId < y.deviceId ? -1 : 1)),
    );
    expect(await get(admin, '?from=2027-02-07')).toEqual([]);
    expect((await get(editor, '')).map((r: { deviceId: string }) => r.deviceId)).toEqual([a.id]);
    expect((await get(editor, `?deviceId=${b.id}`)).error.code).toBe('not-found');
  });
});
