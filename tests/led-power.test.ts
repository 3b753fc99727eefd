/**
 * Board power and brightness plans end to end: a board configured on the controller with a daily
 * power window and brightness steps → headless player (node-cron in the device's zone) → a real serial
 * port (socat pty pair) → the board simulator, which must go dark and dim, then light up again on time.
 * The plan's times are derived from now (seconds resolution), so the test waits seconds, not hours.
 */
import { describe, expect, it } from 'vitest';
import { vnTime } from '../apps/player/src/led/testing/vn-time';
import { renderForBoard } from '../apps/player/src/runtime/led-outputs';
import { BOARD_SIZE, showsExactly, useLedBench } from './support/led';
import { startPlayerProcess, tmpDir, waitFor } from './support/processes';

const SLOGAN = 'Bảo hiểm y tế – chỗ dựa khi ốm đau'.normalize('NFC');

interface OutputView {
  id: string;
  state: string;
  power?: 'on' | 'off';
  brightness?: number | null;
  deliveredProgrammeId?: string | null;
  undeliveredPlays?: number;
}

const bench = useLedBench();

describe('LED board power plans', () => {
  it('blanks and dims a board while its plan says off, without proofs, and lights it again on time', async () => {
    const { controller, api } = await bench.startController('led-power-controller');
    const dev = await api.post<{ id: string; token: string }>('/devices', { name: 'Bảng LED Điện Bàn', kind: 'led' });
    expect(dev.status).toBe(201);
    const pair = await bench.ptyPair();
    const sim = await bench.openSim(pair.b);
    const expected = renderForBoard(SLOGAN, BOARD_SIZE);
    const showsSlogan = () => showsExactly(sim, expected);

    const board = { name: 'cong', protocol: 'alpha', port: pair.a, baud: 9600, size: '96x16', address: '00' };
    // A plan is validated like the rest of the board, the field named.
    const bad = await api.request('PUT', `/devices/${dev.body.id}/outputs`, [
      { ...board, power: { on: '06:00', off: '24:00' } },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'invalid-output', field: '0.power.off' } });
    const badSteps = await api.request('PUT', `/devices/${dev.body.id}/outputs`, [
      { ...board, brightness: [{ at: '18:00', percent: 140 }] },
    ]);
    expect(badSteps.body).toMatchObject({ error: { code: 'invalid-output', field: '0.brightness.0.percent' } });

    expect((await api.request('PUT', `/devices/${dev.body.id}/outputs`, [board])).status).toBe(200);
    const { contentId } = await api.scheduleSlogan(dev.body.id, SLOGAN, 5000);
    bench.track(
      startPlayerProcess({ controllerUrl: controller.url, token: dev.body.token, dataDir: tmpDir('led-power-player') }),
    );
    await waitFor(showsSlogan, 'the board to show the slogan', 30_000);

    // Off from a second ago until 12 s from now, at 40 % (the sign's nearest level is 44 %), then 100 %.
    const putAt = Date.now();
    const onAt = putAt + 12_000;
    const plan = {
      power: { on: vnTime(onAt), off: vnTime(putAt - 1000) },
      brightness: [
        { at: vnTime(putAt - 1000), percent: 40 },
        { at: vnTime(onAt), percent: 100 },
      ],
    };
    const put = await api.request('PUT', `/devices/${dev.body.id}/outputs`, [{ ...board, ...plan }]);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ config: [plan] });

    await waitFor(() => sim.stats.packets > 0 && sim.model.dark() && sim.model.brightness === 44, 'a dark, dim board');
    const off = await waitFor(async () => {
      const r = await api.get<{ status: OutputView[] }>(`/devices/${dev.body.id}/outputs`);
      const o = r.body.status.find((s) => s.id === 'led:cong');
      return o?.power === 'off' && o.brightness === 44 ? o : null;
    }, 'the board reported off and dimmed');
    expect(off.state).toBe('online');

    await waitFor(showsSlogan, 'the slogan back at the "on" time', 25_000);
    expect(sim.model.brightness).toBe(100);
    expect(Date.now()).toBeGreaterThanOrEqual(Math.floor(onAt / 1000) * 1000);
    const on = await waitFor(async () => {
      const r = await api.get<{ status: OutputView[] }>(`/devices/${dev.body.id}/outputs`);
      const o = r.body.status.find((s) => s.id === 'led:cong');
      return o?.power === 'on' && o.brightness === 100 && o.deliveredProgrammeId?.startsWith(contentId) ? o : null;
    }, 'the board reported on');
    // A 12 s dark window holds at least one whole 5 s play: it aired nowhere, so it has no proof.
    expect(on.undeliveredPlays).toBeGreaterThanOrEqual(1);
    const proofs = await waitFor(
      async () => {
        const r = await api.get<{ startedAt: string; endedAt: string }[]>(`/proofs?deviceId=${dev.body.id}`);
        return r.body.some((p) => Date.parse(p.startedAt) >= onAt - 1000) ? r.body : null;
      },
      'a proof after the board came back',
      20_000,
    );
    const insideDark = proofs.filter(
      (p) => Date.parse(p.startedAt) > putAt + 1000 && Date.parse(p.endedAt) < Math.floor(onAt / 1000) * 1000,
    );
    expect(insideDark).toEqual([]);
    expect(sim.stats.checksumErrors).toBe(0);
  });
});
