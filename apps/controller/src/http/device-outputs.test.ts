/**
 * Boards of a device on a real controller (port 0, SQLite in a temp folder, a real Socket.IO player
 * client): configuring them, pushing them to the player, and the board status in the device list.
 */
import { type DeviceConfig } from '@bangtin/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, heartbeat } from './test-harness';

const harness = createHarness('outputs');
afterEach(() => harness.cleanup());
const setup = () => harness.start();

const board = { name: 'cong', protocol: 'alpha', port: '/dev/ttyUSB0', baud: 9600, size: '96x16', address: '00' };

describe('device outputs', () => {
  it('stores boards, pushes them to the connected player, and lists the status it reports', async () => {
    const { c, call, admin, player } = await setup();
    const dev = await call(admin, 'POST', '/devices', { name: 'Bảng LED Điện Bàn', kind: 'led' });
    const id = dev.body.id as string;

    const socket = player(dev.body.token);
    const configs: DeviceConfig[] = [];
    socket.on('device:config', (cfg) => configs.push(cfg));
    await expect.poll(() => configs.length).toBe(1);
    expect(configs[0]).toEqual({ outputs: [] });

    const put = await call(admin, 'PUT', `/devices/${id}/outputs`, [{ ...board, address: '0a' }]);
    expect(put.status).toBe(200);
    expect(put.body.config).toEqual([{ ...board, address: '0A' }]);
    await expect.poll(() => configs.length).toBe(2);
    expect(configs[1]).toEqual({ outputs: [{ ...board, address: '0A' }] });
    expect((await call(admin, 'GET', `/devices/${id}/outputs`)).body.config).toEqual([{ ...board, address: '0A' }]);

    const at = Date.UTC(2026, 0, 5, 3, 0, 0);
    socket.emit(
      'heartbeat',
      heartbeat({
        outputs: [
          {
            id: 'led:cong',
            kind: 'led',
            state: 'offline',
            lastWriteAt: at,
            lastError: { code: 'disconnected', message: 'serial port closed', at: at + 1000 },
          },
        ],
      }),
    );
    const expected = {
      id: 'led:cong',
      kind: 'led',
      state: 'offline',
      lastWriteAt: '2026-01-05T03:00:00.000Z',
      lastError: { code: 'disconnected', message: 'serial port closed', at: '2026-01-05T03:00:01.000Z' },
    };
    await expect
      .poll(async () => (await call(admin, 'GET', '/devices')).body.find((d: { id: string }) => d.id === id)?.outputs)
      .toEqual([expected]);
    expect((await call(admin, 'GET', `/devices/${id}`)).body.outputs).toEqual([expected]);

    // Persisted: after the health flush, a fresh read of the database has it too.
    await expect
      .poll(() => c.store.devices.get(id)?.outputs, { timeout: 5000 })
      .toEqual([{ ...expected, lastWriteAt: at, lastError: { ...expected.lastError, at: at + 1000 } }]);
  });

  it('refuses bad boards with the field named, and keeps editors and viewers to their rights', async () => {
    const { c, call, admin, login } = await setup();
    const district = c.store.groups.create({ name: 'Hội An', kind: 'district', parentId: null });
    const other = c.store.groups.create({ name: 'Tam Kỳ', kind: 'district', parentId: null });
    c.store.users.create({ username: 'bientap', password: 'mat-khau-bien-tap', role: 'editor', groupId: district.id });
    c.store.users.create({ username: 'lanhdao', password: 'mat-khau-lanh-dao', role: 'viewer', groupId: null });
    const mine = c.store.devices.create({ name: 'Bảng Hội An', kind: 'led', groupId: district.id }).device.id;
    const theirs = c.store.devices.create({ name: 'Bảng Tam Kỳ', kind: 'led', groupId: other.id }).device.id;
    const editor = await login('bientap', 'mat-khau-bien-tap');
    const viewer = await login('lanhdao', 'mat-khau-lanh-dao');

    const bad = await call(admin, 'PUT', `/devices/${mine}/outputs`, [{ ...board, baud: 1234 }]);
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid-output', field: '0.baud' } } });
    const bus = await call(admin, 'PUT', `/devices/${mine}/outputs`, [board, { ...board, name: 'san', baud: 19200 }]);
    expect(bus).toMatchObject({ status: 400, body: { error: { field: '1.baud' } } });

    expect((await call(editor, 'PUT', `/devices/${mine}/outputs`, [board])).status).toBe(200);
    expect((await call(editor, 'PUT', `/devices/${theirs}/outputs`, [board])).status).toBe(404);
    expect((await call(viewer, 'PUT', `/devices/${mine}/outputs`, [board])).status).toBe(403);
    expect((await call(viewer, 'GET', `/devices/${mine}/outputs`)).body.config).toEqual([board]);
  });
});
