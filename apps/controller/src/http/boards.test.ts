/**
 * The board sizes in use on a real controller (port 0, SQLite in a temp folder, real Socket.IO player
 * clients): from the controller's board configuration and from the status players report, per scope.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, heartbeat, type Harness } from './test-harness';

const harness = createHarness('boards');
afterEach(() => harness.cleanup());

const board = (name: string, size: string, extra: Record<string, string> = {}) => ({
  name,
  protocol: 'alpha',
  port: `/dev/ttyUSB-${name}`,
  baud: 9600,
  size,
  address: '00',
  ...extra,
});

async function fleet(h: Harness) {
  const post = async (url: string, body: unknown) => {
    const r = await h.call(h.admin, 'POST', url, body);
    expect(r.status).toBe(201);
    return r.body;
  };
  const province = await post('/groups', { name: 'Quảng Nam', kind: 'province' });
  const dienBan = await post('/groups', { name: 'Thị xã Điện Bàn', kind: 'district', parentId: province.id });
  const hoiAn = await post('/groups', { name: 'Thành phố Hội An', kind: 'district', parentId: province.id });
  const ward = await post('/groups', { name: 'Phường Vĩnh Điện', kind: 'office', parentId: dienBan.id });
  const cong = await post('/devices', { name: 'Bảng cổng UBND', kind: 'led', groupId: ward.id });
  const cho = await post('/devices', { name: 'Bảng chợ Hội An', kind: 'led', groupId: hoiAn.id });
  await post('/users', { username: 'bt-dienban', password: 'mat-khau-dien-ban', role: 'editor', groupId: dienBan.id });
  return { cong, cho };
}

describe('GET /boards', () => {
  it('lists the sizes configured by the controller and reported by players, most boards first', async () => {
    const h = await harness.start();
    const { cong, cho } = await fleet(h);
    expect((await h.call(h.admin, 'GET', '/boards')).body).toEqual([]);

    const put = await h.call(h.admin, 'PUT', `/devices/${cong.id}/outputs`, [
      board('cong', '96x16'),
      board('san', '128x32', { colour: 'tri' }),
    ]);
    expect(put.status).toBe(200);
    expect((await h.call(h.admin, 'PUT', `/devices/${cho.id}/outputs`, [board('cho', '96x16')])).status).toBe(200);

    // The market's player also drives a board from its own `--output` flag: only its status tells.
    const socket = h.player(cho.token);
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    const status = (name: string, size: string) => ({
      id: `led:${name}`,
      kind: 'led' as const,
      state: 'online' as const,
      lastWriteAt: null,
      lastError: null,
      size,
    });
    socket.emit(
      'heartbeat',
      heartbeat({
        // `cho` is both configured and reported: one board, not two.
        outputs: [status('cho', '96x16'), status('ben-xe', '80x12')],
      }),
    );

    const expected = [
      {
        size: '96x16',
        width: 96,
        height: 16,
        colour: 'mono',
        boards: 2,
        devices: 2,
        districts: ['Thành phố Hội An', 'Thị xã Điện Bàn'],
      },
      { size: '128x32', width: 128, height: 32, colour: 'tri', boards: 1, devices: 1, districts: ['Thị xã Điện Bàn'] },
      { size: '80x12', width: 80, height: 12, colour: 'mono', boards: 1, devices: 1, districts: ['Thành phố Hội An'] },
    ];
    await expect.poll(async () => (await h.call(h.admin, 'GET', '/boards')).body).toEqual(expected);

    // An editor of Điện Bàn sees the boards of their district only (the ward sits inside it).
    const editor = await h.login('bt-dienban', 'mat-khau-dien-ban');
    const mine = await h.call(editor, 'GET', '/boards');
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual([expected[1], { ...expected[0], boards: 1, devices: 1, districts: ['Thị xã Điện Bàn'] }]);
  });

  it('refuses callers without a session and unknown query parameters', async () => {
    const h = await harness.start();
    const anon = await fetch(`${h.c.url}/api/v1/boards`);
    expect(anon.status).toBe(401);
    const bad = await h.call(h.admin, 'GET', '/boards?colour=red');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid-input');
  });
});

describe('GET /playlists/:id/boards', () => {
  /** Điện Bàn: a gate device (128×32 and 96×16) and an outdoor one (64×16, tagged); Hội An: the market (80×16) and a bus-stop board (32×8, tagged). */
  async function world(h: Harness) {
    const { cong, cho } = await fleet(h);
    const groups = (await h.call(h.admin, 'GET', '/groups')).body as { id: string; name: string }[];
    const group = (name: string) => groups.find((g) => g.name === name)!.id;
    const device = async (name: string, groupId: string, boards: ReturnType<typeof board>[], tags: string[]) => {
      const d = (await h.call(h.admin, 'POST', '/devices', { name, kind: 'led', groupId })).body;
      expect((await h.call(h.admin, 'PUT', `/devices/${d.id}/outputs`, boards)).status).toBe(200);
      if (tags.length) expect((await h.call(h.admin, 'PATCH', `/devices/${d.id}`, { tags })).status).toBe(200);
      return d.id as string;
    };
    expect(
      (await h.call(h.admin, 'PUT', `/devices/${cong.id}/outputs`, [board('cong', '128x32'), board('san', '96x16')]))
        .status,
    ).toBe(200);
    expect((await h.call(h.admin, 'PUT', `/devices/${cho.id}/outputs`, [board('cho', '80x16')])).status).toBe(200);
    await device('Bảng ngoài trời Điện Bàn', group('Phường Vĩnh Điện'), [board('ngoai', '64x16')], ['ngoài trời']);
    await device('Bảng bến xe Hội An', group('Thành phố Hội An'), [board('ben-xe', '32x8')], ['ngoài trời']);
    const slogan = (await h.call(h.admin, 'POST', '/content', { type: 'slogan', text: 'Tham gia BHYT hộ gia đình' }))
      .body;
    const playlist = async (name: string) => {
      const p = await h.call(h.admin, 'POST', '/playlists', {
        name,
        items: [{ contentId: slogan.id, durationMs: 10_000 }],
      });
      expect(p.status).toBe(201);
      return p.body.id as string;
    };
    const editor = await h.login('bt-dienban', 'mat-khau-dien-ban');
    return { cong, cho, group, playlist, editor };
  }
  const sizes = async (h: Harness, token: string, playlistId: string) => {
    const r = await h.call(token, 'GET', `/playlists/${playlistId}/boards`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return (r.body as { size: string; width: number; height: number }[]).map((b) => b.size);
  };

  it('lists the sizes of the boards its schedules and campaigns reach, smallest first; none while unscheduled', async () => {
    const h = await harness.start();
    const w = await world(h);
    const p = await w.playlist('Sảnh Điện Bàn');
    expect(await sizes(h, h.admin, p)).toEqual([]);

    const s = await h.call(h.admin, 'POST', '/schedules', {
      playlistId: p,
      target: { groupIds: [w.group('Thị xã Điện Bàn')] },
    });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    // The district's boards only: not the 32×8 bus stop nor the 80×16 market in Hội An.
    expect(await sizes(h, h.admin, p)).toEqual(['64x16', '96x16', '128x32']);
    expect((await h.call(h.admin, 'GET', `/playlists/${p}/boards`)).body[0]).toEqual({
      size: '64x16',
      width: 64,
      height: 16,
    });

    // A campaign listing the playlist adds its target's boards, a draft included; cancelled, it no longer counts.
    const c = await h.call(h.admin, 'POST', '/campaigns', {
      name: 'Tháng BHYT',
      startsOn: '2026-01-01',
      endsOn: '2030-12-31',
      playlistIds: [p],
      target: { deviceIds: [w.cho.id] },
    });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    expect(await sizes(h, h.admin, p)).toEqual(['64x16', '80x16', '96x16', '128x32']);
    expect((await h.call(h.admin, 'POST', `/campaigns/${c.body.id}/cancel`)).status).toBe(200);
    expect(await sizes(h, h.admin, p)).toEqual(['64x16', '96x16', '128x32']);

    // Another playlist's schedule changes nothing here; deleting this one's schedule empties the list.
    const other = await w.playlist('Bến xe');
    const os = await h.call(h.admin, 'POST', '/schedules', { playlistId: other, target: { tags: ['ngoài trời'] } });
    expect(os.status).toBe(201);
    expect(await sizes(h, h.admin, other)).toEqual(['32x8', '64x16']);
    expect((await h.call(h.admin, 'DELETE', `/schedules/${s.body.id}`)).status).toBe(204);
    expect(await sizes(h, h.admin, p)).toEqual([]);
  });

  it("follows a campaign entry to its campaign's targets, and an editor's tag schedule to their district", async () => {
    const h = await harness.start();
    const w = await world(h);
    const p = await w.playlist('Chiến dịch');
    const c = await h.call(h.admin, 'POST', '/campaigns', {
      name: 'Hội An',
      startsOn: '2026-01-01',
      endsOn: '2030-12-31',
      playlistIds: [p],
      target: { groupIds: [w.group('Thành phố Hội An')] },
    });
    expect(c.status).toBe(201);
    // The entry has no targets of its own: it reaches the campaign's (even once the campaign drops the playlist).
    expect((await h.call(h.admin, 'POST', `/campaigns/${c.body.id}/schedules`, {})).status).toBe(201);
    expect((await h.call(h.admin, 'PATCH', `/campaigns/${c.body.id}`, { playlistIds: [] })).status).toBe(200);
    expect(await sizes(h, h.admin, p)).toEqual(['32x8', '80x16']);

    // The Điện Bàn editor's tag schedule reaches the tag in Điện Bàn only, not Hội An's tagged bus stop.
    const q = await w.playlist('Ngoài trời');
    const mine = await h.call(w.editor, 'POST', '/schedules', { playlistId: q, target: { tags: ['ngoài trời'] } });
    expect(mine.status, JSON.stringify(mine.body)).toBe(201);
    expect(await sizes(h, h.admin, q)).toEqual(['64x16']);
  });

  it("an editor counts their district's boards only; refusals as for the playlists endpoints", async () => {
    const h = await harness.start();
    const w = await world(h);
    const p = await w.playlist('Toàn tỉnh');
    expect(
      (await h.call(h.admin, 'POST', '/schedules', { playlistId: p, target: { deviceIds: [w.cho.id, w.cong.id] } }))
        .status,
    ).toBe(201);
    expect(await sizes(h, h.admin, p)).toEqual(['80x16', '96x16', '128x32']);
    expect(await sizes(h, w.editor, p)).toEqual(['96x16', '128x32']);

    expect((await fetch(`${h.c.url}/api/v1/playlists/${p}/boards`)).status).toBe(401);
    const unknown = await h.call(h.admin, 'GET', '/playlists/00000000-0000-4000-8000-000000000000/boards');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not-found');
    const badId = await h.call(h.admin, 'GET', '/playlists/x/boards');
    expect(badId.status).toBe(400);
    expect(badId.body.error.field).toBe('id');
    const badQuery = await h.call(h.admin, 'GET', `/playlists/${p}/boards?size=96x16`);
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.code).toBe('invalid-input');
  });
});
