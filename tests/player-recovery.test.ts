import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startController } from '@bangtin/controller';
import { startPlayer } from '@bangtin/player';
import { Api } from './support/api';
import { tmpDir, waitFor } from './support/processes';

const open: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

describe('a player whose database was damaged', () => {
  it('rebuilds it, keeps playing, and the controller raises it on the device list and the dashboard', async () => {
    const controller = await startController({
      port: 0,
      host: '127.0.0.1',
      dataDir: tmpDir('recovery-c'),
      adminPassword: 'mat-khau-o-day',
      log: pino({ level: 'silent' }),
    });
    open.push(controller);
    const api = await new Api(controller.url).login('admin', 'mat-khau-o-day');
    const dev = (await api.post('/devices', { name: 'Bảng LED tệp hỏng', kind: 'led' })).body as {
      id: string;
      token: string;
    };
    await api.scheduleSlogan(dev.id, 'Tệp dữ liệu hỏng vẫn phát', 1000);
    const dataDir = tmpDir('recovery-p');
    const first = startPlayer({
      controllerUrl: controller.url,
      token: dev.token,
      dataDir,
      log: pino({ level: 'silent' }),
    });
    await waitFor(() => first.connected(), 'the first run to connect');
    await first.close();
    // A random header: the file is no database any more.
    const file = path.join(dataDir, 'player.sqlite');
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from('this is not a sqlite header!!!!!'), 0, 32, 0);
    fs.closeSync(fd);

    const player = startPlayer({
      controllerUrl: controller.url,
      token: dev.token,
      dataDir,
      log: pino({ level: 'silent' }),
      heartbeatMs: 300,
    });
    open.push(player);
    await waitFor(() => player.connected(), 'the rebuilt player to connect');
    type Row = { id: string; recovery: { at: string; salvagedProofs: number } | null; alerts: string[] };
    const row = await waitFor(async () => {
      const list = (await api.get<Row[]>('/devices')).body;
      const d = list.find((x) => x.id === dev.id);
      return d?.recovery ? d : null;
    }, 'the rebuild on the device list');
    expect(Date.parse(row.recovery!.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(fs.readdirSync(dataDir).some((f) => f.startsWith('player.sqlite.corrupt-'))).toBe(true);
    const summary = await waitFor(async () => {
      const s = (
        await api.get<{ alertCounts: Record<string, number>; alertItems: { kind: string; deviceId: string }[] }>(
          '/devices/summary',
        )
      ).body;
      return s.alertCounts?.storage === 1 ? s : null;
    }, 'the storage alert on the dashboard summary');
    expect(summary.alertItems.some((a) => a.kind === 'storage' && a.deviceId === dev.id)).toBe(true);
  });
});
