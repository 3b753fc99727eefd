import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startController, type Controller } from '@bangtin/controller';
import { startPlayer, type Player } from '@bangtin/player';
import { Api } from './support/api';
import { tmpDir, waitFor } from './support/processes';

const open: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

describe('per-device proof budget with a real player (issue 14)', () => {
  it('the player keeps the proofs over budget in its outbox, waits, and delivers each one once', async () => {
    // Two proofs per 3-second window, for a player making one a second: it runs over at once.
    const controller: Controller = await startController({
      port: 0,
      host: '127.0.0.1',
      dataDir: tmpDir('budget-c'),
      adminPassword: 'mat-khau-ngan-sach',
      log: pino({ level: 'silent' }),
      jobs: false,
      proofBudget: { perMinute: 2, perDay: 1000, minuteMs: 3000 },
    });
    open.push(controller);
    const api = await new Api(controller.url).login('admin', 'mat-khau-ngan-sach');
    const dev = (await api.post<{ id: string; token: string }>('/devices', { name: 'Bảng LED ngân sách', kind: 'led' }))
      .body;

    const player: Player = startPlayer({
      controllerUrl: controller.url,
      token: dev.token,
      dataDir: tmpDir('budget-p'),
      log: pino({ level: 'silent' }),
      heartbeatMs: 1000,
      uploadBackoff: { baseMs: 100, maxMs: 500 },
    });
    open.push(player);
    const played = new Set<string>();
    player.on('proof', (p) => played.add(p.id));
    const refusals: { reason: string; retryInMs: number }[] = [];
    player.on('upload-failed', (reason, retryInMs) => refusals.push({ reason, retryInMs }));
    await waitFor(() => player.connected(), 'the player to connect');
    const { scheduleId } = await api.scheduleSlogan(dev.id, 'Đóng BHXH đúng hạn', 1000);

    await waitFor(
      () => (refusals.some((r) => r.reason.startsWith('proof-budget-exceeded')) ? true : null),
      'a budget refusal',
      30_000,
    );
    // The player waits as long as the controller says, not its own shorter backoff (at most 500 ms here).
    const refusal = refusals.find((r) => r.reason.startsWith('proof-budget-exceeded'))!;
    expect(refusal.reason).toMatch(/more than 2 a minute/);
    expect(refusal.retryInMs).toBeGreaterThan(500);
    // Stop the plays; the backlog then drains, two per window.
    expect((await api.delete(`/schedules/${scheduleId}`)).status).toBeLessThan(300);
    await new Promise((r) => setTimeout(r, 1500));
    const expected = new Set(played);
    expect(expected.size).toBeGreaterThan(2);
    const stored = await waitFor(
      async () => {
        const r = (await api.get<{ id: string }[]>(`/proofs?deviceId=${dev.id}`)).body;
        return [...expected].every((id) => r.some((p) => p.id === id)) ? r : null;
      },
      'every proof played to arrive after the budget windows',
      30_000,
    );
    expect(new Set(stored.map((p) => p.id)).size).toBe(stored.length);
  }, 60_000);
});
