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
