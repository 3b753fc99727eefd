import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { startController, type Controller } from '@bangtin/controller';
import { startPlayer, type Player } from '@bangtin/player';
import { Api } from './support/api';
import { tmpDir, waitFor } from './support/processes';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

/** A pino logger whose JSON lines are kept, to count what the player logged. */
function capturingLog(): { log: pino.Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as (typeof lines)[0]);
      cb();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

describe('proof uploads while the controller cannot store them (fault injected: insertBatch throws, as on a full disk)', () => {
  it('back off instead of retrying on every play, log the failure once, and deliver every proof once afterwards', async () => {
    const controller: Controller = await startController({
      port: 0,
      host: '127.0.0.1',
      dataDir: tmpDir('backoff-c'),
      adminPassword: 'mat-khau-thu-lai',
      log: pino({ level: 'silent' }),
    });
    open.push(controller);
    const api = await new Api(controller.url).login('admin', 'mat-khau-thu-lai');
    const dev = (await api.post('/devices', { name: 'Bảng LED thử lại', kind: 'led' })).body;

    // The controller's store refuses every batch (the hub answers `store-failed`) until healed.
    const proofs = controller.store.proofs;
    const insertBatch = proofs.insertBatch.bind(proofs);
    let failing = true;
    let attempts = 0;
    proofs.insertBatch = (deviceId, batch) => {
      attempts++;
      if (failing) throw new Error('SQLITE_FULL: database or disk is full');
      return insertBatch(deviceId, batch);
    };

    const { log, lines } = capturingLog();
    const player: Player = startPlayer({
      controllerUrl: controller.url,
      token: dev.token,
      dataDir: tmpDir('backoff-p'),
      log,
      heartbeatMs: 1000,
    });
    open.push(player);
    const played = new Set<string>();
    player.on('proof', (p) => played.add(p.id));
    await waitFor(() => player.connected(), 'the player to connect');
    await api.scheduleSlogan(dev.id, 'Tham gia BHXH tự nguyện', 1000);

    // Ten plays (one a second) while every upload fails.
    await waitFor(() => played.size >= 10, 'ten plays', 60_000);
    const attemptsDuringOutage = attempts;
    // Before the backoff every play re-armed an upload 100 ms later: at least one attempt per play.
    // With 1 s doubling backoff, ten plays allow only a handful of attempts.
    expect(attemptsDuringOutage).toBeGreaterThanOrEqual(2);
    expect(attemptsDuringOutage).toBeLessThanOrEqual(6);
    const failureLines = lines.filter((l) => l.msg.startsWith('proof upload failed'));
    expect(failureLines).toHaveLength(1);

    // Space is back: the next retry delivers everything, each proof once.
    failing = false;
    const stored = await waitFor(
      async () => {
        const r = (await api.get(`/proofs?deviceId=${dev.id}&limit=10000`)).body as { id: string }[];
        return r.length >= 10 && r.every((p) => played.has(p.id)) ? r : null;
      },
      'the backlog to arrive',
      90_000,
    );
    expect(new Set(stored.map((p) => p.id)).size).toBe(stored.length);
    expect(lines.some((l) => l.msg === 'proof upload works again')).toBe(true);
  });
});
