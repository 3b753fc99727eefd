import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startController, type Controller } from '@bangtin/controller';
import { startPlayer, type Player } from '@bangtin/player';
import { Api } from './support/api';
import { tmpDir, waitFor } from './support/processes';

/**
 * The player's data folder on a real 16 MiB tmpfs that the test fills and frees. Mounting needs
 * root (CI runs as root); elsewhere the test is skipped and says why.
 */
const mountPoint = tmpDir('disk-full');
const mounted =
  process.getuid?.() === 0 &&
  spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint], { stdio: 'ignore' }).status === 0;
if (!mounted) console.warn(`player-disk-full: SKIPPED, cannot mount a tmpfs at ${mountPoint} (needs root)`);

const open: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
  if (mounted) spawnSync('umount', ['-l', mountPoint]);
});

/** Writes a file until the disk refuses more; returns its path. */
function fill(dir: string): string {
  const file = path.join(dir, 'filler.bin');
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(64 * 1024, 0x5a);
  try {
    for (;;) fs.writeSync(fd, block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

describe.skipIf(!mounted)('a player whose disk fills up (real tmpfs)', () => {
  it('keeps playing and delivering proofs from memory, says so, and records again when space returns', async () => {
    const controller: Controller = await startController({
      port: 0,
      host: '127.0.0.1',
      dataDir: tmpDir('disk-full-c'),
      adminPassword: 'mat-khau-o-day',
      log: pino({ level: 'silent' }),
    });
    open.push(controller);
    const api = await new Api(controller.url).login('admin', 'mat-khau-o-day');
    const dev = (await api.post('/devices', { name: 'Bảng LED ổ đầy', kind: 'led' })).body;
    const player: Player = startPlayer({
      controllerUrl: controller.url,
      token: dev.token,
      dataDir: path.join(mountPoint, 'player'),
      log: pino({ level: 'silent' }),
      heartbeatMs: 300,
    });
    open.push(player);
    let crashed: unknown = null;
    process.once('uncaughtException', (err) => (crashed = err));
    await waitFor(() => player.connected(), 'the player to connect');
    await api.scheduleSlogan(dev.id, 'Ổ đĩa đầy vẫn phát khẩu hiệu', 1000);
    const stored = async () => (await api.get(`/proofs?deviceId=${dev.id}&limit=10000`)).body as { id: string }[];
    await waitFor(async () => (await stored()).length >= 2, 'proofs before the disk fills', 30_000);

    const filler = fill(mountPoint);
    await waitFor(() => player.storage().state === 'full', 'the player to notice the full disk', 30_000);
    const whileFull = (await stored()).length;
    // Plays go on and their proofs still reach the controller, from memory.
    await waitFor(async () => (await stored()).length >= whileFull + 3, 'proofs while the disk is full', 30_000);
    expect(player.storage().state).toBe('full');
    expect(player.connected()).toBe(true);

    fs.rmSync(filler);
    await waitFor(() => player.storage().state === 'ok', 'recording to resume', 30_000);
    const after = (await stored()).length;
    await waitFor(async () => (await stored()).length >= after + 2, 'proofs after space returned', 30_000);
    const ids = (await stored()).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(player.storage().lostPlays).toBe(0);
    expect(crashed).toBeNull();
  });

  it('starts on a full disk: plays the cached bundle, uploads proofs from memory, never exits', async () => {
    const controller: Controller = await startController({
      port: 0,
      host: '127.0.0.1',
      dataDir: tmpDir('disk-full-c2'),
      adminPassword: 'mat-khau-o-day',
      log: pino({ level: 'silent' }),
    });
    open.push(controller);
    const api = await new Api(controller.url).login('admin', 'mat-khau-o-day');
    const dev = (await api.post('/devices', { name: 'Bảng LED khởi động khi ổ đầy', kind: 'led' })).body;
    const dataDir = path.join(mountPoint, 'player-start');
    await api.scheduleSlogan(dev.id, 'Khởi động khi ổ đĩa đầy', 1000);
    const first = startPlayer({
      controllerUrl: controller.url,
      token: dev.token,
      dataDir,
      log: pino({ level: 'silent' }),
      heartbeatMs: 300,
    });
    const stored = async () => (await api.get(`/proofs?deviceId=${dev.id}&limit=10000`)).body as { id: string }[];
    await waitFor(async () => (await stored()).length >= 1, 'a proof from the first run', 30_000);
    await first.close();

    const filler = fill(mountPoint);
    let crashed: unknown = null;
    process.once('uncaughtException', (err) => (crashed = err));
    // The controller is away too: only the cached bundle can make the board show anything.
    const logged: string[] = [];
    const offline = startPlayer({
      controllerUrl: 'http://127.0.0.1:9',
      token: dev.token,
      dataDir,
      log: pino({ level: 'error' }, { write: (line: string) => logged.push(line) }),
      heartbeatMs: 300,
    });
    // It really started the degraded way (the normal open fails on this disk).
    expect(logged.some((l) => l.includes('disk full at start'))).toBe(true);
    const shown: string[] = [];
    offline.on('show', (pos) => pos?.content.type === 'slogan' && shown.push(pos.content.text));
    await waitFor(() => shown.length > 0, 'the cached slogan to play on a full disk', 15_000);
    expect(shown[0]).toBe('Khởi động khi ổ đĩa đầy');
    await offline.close();

    const before = (await stored()).length;
    const player = startPlayer({
      controllerUrl: controller.url,
      token: dev.token,
      dataDir,
      log: pino({ level: 'silent' }),
      heartbeatMs: 300,
    });
    open.push(player);
    await waitFor(() => player.connected(), 'the player to connect from a full disk');
    await waitFor(async () => (await stored()).length >= before + 3, 'proofs uploaded from memory', 30_000);
    await waitFor(() => player.storage().state === 'full', 'the full disk reported', 15_000);
    fs.rmSync(filler);
    await waitFor(() => player.storage().state === 'ok', 'recording to resume once space returns', 30_000);
    expect(crashed).toBeNull();
  });
});
