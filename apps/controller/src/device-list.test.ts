/**
 * The dashboard's device list at fleet size: 10,000 devices written straight into a real controller's
 * SQLite (one transaction), then paged, filtered, sorted and summarised over HTTP, with an editor
 * limited to their district and a real Socket.IO player raising the board and disk alerts.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@bangtin/shared';
import { createHarness, heartbeat, type Harness } from './http/test-harness';
import { foldName } from './device-list';

const harness = createHarness('device-list');
let h: Harness;
let editor: string;
const g = { province: '', daiLoc: '', duyXuyen: '', office: '' };
let liveId = '';
let liveSocket: ReturnType<Harness['player']>;

const NOW = Date.now();
const MIN = 60_000;
/** What was written, to check the answers against. */
const expected = { daiLoc: 0, duyXuyen: 0, none: 0, stale: 0, offline: 0, match12: 0 };

beforeAll(async () => {
  h = await harness.start({ jobs: false });
  const group = async (name: string, kind: string, parentId?: string) =>
    (await h.call(h.admin, 'POST', '/groups', { name, kind, parentId })).body.id as string;
  g.province = await group('Tỉnh Quảng Nam', 'province');
  g.daiLoc = await group('Huyện Đại Lộc', 'district', g.province);
  g.duyXuyen = await group('Huyện Duy Xuyên', 'district', g.province);
  g.office = await group('Văn phòng Ái Nghĩa', 'office', g.daiLoc);
  await h.call(h.admin, 'POST', '/users', {
    username: 'bientap.dailoc',
    password: 'mat-khau-bien-tap',
    role: 'editor',
    groupId: g.daiLoc,
  });
  editor = await h.login('bientap.dailoc', 'mat-khau-bien-tap');

  // 10,000 devices in one transaction: 4,000 in Đại Lộc (1,000 of them in an office below it),
  // 5,000 in Duy Xuyên, 1,000 outside any group. Every third was seen 2 minutes ago (stale), the
  // rest 20 minutes ago or never (offline, and alerting: enrolled a day ago).
  const insert = h.c.store.db.prepare(
    'INSERT INTO devices (id, name, kind, group_id, token_hash, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  h.c.store.db.transaction(() => {
    for (let i = 0; i < 10_000; i++) {
      const [groupId, place] =
        i < 3000
          ? [g.daiLoc, 'Đại Lộc']
          : i < 4000
            ? [g.office, 'Ái Nghĩa']
            : i < 9000
              ? [g.duyXuyen, 'Duy Xuyên']
              : [null, 'Kho'];
      if (groupId === g.daiLoc || groupId === g.office) expected.daiLoc++;
      else if (groupId === g.duyXuyen) expected.duyXuyen++;
      else expected.none++;
      const name = `Bảng tin ${place} ${i}`;
      if (foldName(name).includes('dai loc 12')) expected.match12++;
      const lastSeen = i % 3 === 0 ? NOW - 2 * MIN : i % 3 === 1 ? NOW - 20 * MIN : null;
      if (lastSeen !== null && i % 3 === 0) expected.stale++;
      else expected.offline++;
      insert.run(newId(), name, i % 2 ? 'led' : 'screen', groupId, crypto.randomUUID(), NOW - 86_400_000, lastSeen);
    }
  })();

  // One real device, connected: the only one online.
  const dev = await h.call(h.admin, 'POST', '/devices', {
    name: 'Bảng LED Cổng chính',
    kind: 'led',
    groupId: g.office,
  });
  liveId = dev.body.id;
  expected.daiLoc++;
  liveSocket = h.player(dev.body.token);
  await new Promise<void>((resolve) => liveSocket.once('connect', () => resolve()));
}, 60_000);

afterAll(() => harness.cleanup());

interface Page {
  items: { id: string; name: string; status: string; district: { name: string } | null; alerts: string[] }[];
  total: number;
  offset: number;
  nextCursor: string | null;
}

describe('GET /devices paged, 10,000 devices', () => {
  it('keeps the plain array when no paging parameter is given', async () => {
    const all = await h.call(h.admin, 'GET', '/devices');
    expect(Array.isArray(all.body)).toBe(true);
    expect(all.body).toHaveLength(10_001);
  });

  it('walks every device once with the cursor, districts in Vietnamese order', async () => {
    const seen = new Set<string>();
    const districtOrder: (string | null)[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const r: { status: number; body: Page } = await h.call(
        h.admin,
        'GET',
        `/devices?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(r.status).toBe(200);
      expect(r.body.total).toBe(10_001);
      for (const d of r.body.items) {
        seen.add(d.id);
        const name = d.district?.name ?? null;
        if (districtOrder.at(-1) !== name) districtOrder.push(name);
      }
      cursor = r.body.nextCursor;
      pages++;
    }
    expect(pages).toBe(21);
    expect(seen.size).toBe(10_001);
    // Duy Xuyên before Đại Lộc (Đ sorts after D), each district in one run, ungrouped last.
    expect(districtOrder).toEqual(['Huyện Duy Xuyên', 'Huyện Đại Lộc', null]);
  });

  it('filters by district (with its offices), status, kind and a name without diacritics', async () => {
    const get = async (q: string) => (await h.call(h.admin, 'GET', `/devices?${q}`)).body as Page;
    expect((await get(`groupId=${g.daiLoc}&limit=1`)).total).toBe(expected.daiLoc);
    expect((await get(`groupId=${g.duyXuyen}&limit=1`)).total).toBe(expected.duyXuyen);
    expect((await get('groupId=none&limit=1')).total).toBe(expected.none);
    expect((await get(`groupId=${g.office}&limit=1`)).total).toBe(1001);

    const online = await get('status=online');
    expect(online.items.map((d) => d.id)).toEqual([liveId]);
    expect((await get('status=stale&limit=1')).total).toBe(expected.stale);
    expect((await get('status=stale,offline&limit=1')).total).toBe(expected.stale + expected.offline);
    expect((await get('kind=led&limit=1')).total).toBe(5001);

    const found = await get('q=DAI%20LOC%2012&limit=500');
    expect(found.total).toBe(expected.match12);
    expect(found.items.every((d) => d.name.includes('Đại Lộc 12'))).toBe(true);

    const byName = await get(`groupId=${g.duyXuyen}&sort=-name&limit=3`);
    const collator = new Intl.Collator('vi');
    const names = byName.items.map((d) => d.name);
    expect([...names].sort((a, b) => collator.compare(b, a))).toEqual(names);

    const offset = await get(`groupId=${g.duyXuyen}&sort=-name&offset=1&limit=2`);
    expect(offset.items.map((d) => d.name)).toEqual(names.slice(1));
  });

  it('names the parameter at fault', async () => {
    const err = async (q: string) => (await h.call(h.admin, 'GET', `/devices?${q}`)).body.error;
    expect(await err('limit=0')).toMatchObject({ code: 'invalid-query', field: 'limit' });
    expect(await err('limit=501')).toMatchObject({ field: 'limit' });
    expect(await err('status=online,broken')).toMatchObject({ field: 'status' });
    expect(await err('sort=age')).toMatchObject({ field: 'sort' });
    expect(await err('groupId=abc')).toMatchObject({ field: 'groupId' });
    expect(await err('cursor=xyz')).toMatchObject({ field: 'cursor' });
    expect(await err('cursor=o10&offset=5')).toMatchObject({ field: 'cursor' });
    expect(await err('limit=5&colour=red')).toMatchObject({ code: 'invalid-query', field: 'colour' });
    expect(await err(`groupId=${newId()}`)).toMatchObject({ code: 'not-found', field: 'groupId' });
  });

  it('shows an editor only their district, in pages and in the summary', async () => {
    const page = (await h.call(editor, 'GET', '/devices?limit=500')).body as Page;
    expect(page.total).toBe(expected.daiLoc);
    expect(page.items.every((d) => d.district?.name === 'Huyện Đại Lộc')).toBe(true);
    expect((await h.call(editor, 'GET', '/devices?q=duy%20xuyen')).body.total).toBe(0);
    expect((await h.call(editor, 'GET', `/devices?groupId=${g.duyXuyen}`)).body.error).toMatchObject({
      code: 'not-found',
      field: 'groupId',
    });
    expect((await h.call(editor, 'GET', '/devices')).body).toHaveLength(expected.daiLoc);

    const summary = (await h.call(editor, 'GET', '/devices/summary')).body;
    expect(summary.total).toBe(expected.daiLoc);
    expect(summary.districts.map((d: { name: string }) => d.name)).toEqual(['Huyện Đại Lộc']);
    expect(summary.alertItems.every((a: { districtId: string }) => a.districtId === g.daiLoc)).toBe(true);
  });

  it('counts by district and status, with offline alerts', async () => {
    const s = (await h.call(h.admin, 'GET', '/devices/summary')).body;
    expect(s).toMatchObject({ total: 10_001, online: 1, stale: expected.stale, offline: expected.offline, revoked: 0 });
    expect(s.districts.map((d: { name: string | null }) => d.name)).toEqual(['Huyện Duy Xuyên', 'Huyện Đại Lộc', null]);
    const daiLoc = s.districts.find((d: { id: string }) => d.id === g.daiLoc);
    expect(daiLoc.total).toBe(expected.daiLoc);
    expect(daiLoc.online).toBe(1);
    // Offline more than 10 minutes, or never seen since enrolment a day ago: every offline device.
    expect(s.alertCounts).toEqual({ offline: expected.offline, board: 0, disk: 0, storage: 0 });
    expect(s.alertItems).toHaveLength(100);
    expect(s.alertItems[0]).toMatchObject({ kind: 'offline', since: null });
  });

  it('raises "board port lost" and "disk almost full" from the player heartbeat', async () => {
    const beat = (over: Parameters<typeof heartbeat>[0]) => liveSocket.emit('heartbeat', heartbeat(over));
    beat({
      disk: { freeBytes: 600 * 1024 ** 2, totalBytes: 64 * 1024 ** 3 },
      outputs: [
        {
          id: 'led:cong-chinh',
          kind: 'led',
          state: 'offline',
          lastWriteAt: null,
          lastError: { code: 'port-closed', message: 'cổng nối tiếp đã đóng', at: Date.now() },
          port: '/dev/ttyUSB0',
        },
      ],
    });
    await expect
      .poll(async () => (await h.call(h.admin, 'GET', '/devices/summary')).body.alertCounts)
      .toEqual({ offline: expected.offline, board: 1, disk: 1, storage: 0 });
    const page = (await h.call(h.admin, 'GET', '/devices?alert=board')).body as Page;
    expect(page.items.map((d) => [d.id, d.alerts])).toEqual([[liveId, ['board', 'disk']]]);
    const summary = (await h.call(editor, 'GET', '/devices/summary')).body;
    expect(summary.alertItems.filter((a: { kind: string }) => a.kind !== 'offline')).toMatchObject([
      { kind: 'board', deviceId: liveId, detail: 'led:cong-chinh (/dev/ttyUSB0)' },
      { kind: 'disk', deviceId: liveId, detail: `${600 * 1024 ** 2}/${64 * 1024 ** 3}` },
    ]);

    // Plenty of space and the board back: both alerts clear.
    beat({
      disk: { freeBytes: 20 * 1024 ** 3, totalBytes: 64 * 1024 ** 3 },
      outputs: [{ id: 'led:cong-chinh', kind: 'led', state: 'online', lastWriteAt: Date.now(), lastError: null }],
    });
    await expect
      .poll(async () => (await h.call(h.admin, 'GET', '/devices/summary')).body.alertCounts)
      .toEqual({ offline: expected.offline, board: 0, disk: 0, storage: 0 });
  });
});

describe('foldName', () => {
  it('drops case and Vietnamese diacritics, đ included', () => {
    expect(foldName('Huyện  ĐẠI Lộc')).toBe('huyen dai loc');
    expect(foldName('Bảng tin Ái Nghĩa'.normalize('NFD'))).toBe('bang tin ai nghia');
  });
});
