/**
 * LED boards end to end: controller process → headless player process with `--output led,…` → a real
 * serial port (socat pty pair) → the board simulator decoding every packet on the other end.
 */
import { describe, expect, it } from 'vitest';
import { toTextArt } from '@bangtin/shared';
import { renderForBoard } from '../apps/player/src/runtime/led-outputs';
import type { Api } from './support/api';
import { BOARD_SIZE, showsExactly, useLedBench } from './support/led';
import { startPlayerProcess, tmpDir, waitFor } from './support/processes';

const SLOGAN = 'Tham gia BHXH – an sinh tuổi già'.normalize('NFC');

interface OutputView {
  id: string;
  kind: string;
  state: 'online' | 'offline' | 'error';
  lastWriteAt: string | null;
  lastError: { code: string; message: string; at: string } | null;
  port?: string;
  deliveredProgrammeId?: string | null;
}
interface DeviceOut {
  id: string;
  outputs?: OutputView[];
}

const bench = useLedBench();

async function boardIn(api: Api, deviceId: string, outputId: string): Promise<OutputView | undefined> {
  const list = await api.get<DeviceOut[]>('/devices');
  expect(list.status).toBe(200);
  return list.body.find((d) => d.id === deviceId)?.outputs?.find((o) => o.id === outputId);
}

describe('LED boards over serial ports', () => {
  it('shows a scheduled Vietnamese slogan pixel-exact on a board, reports it, and re-sends after the port returns', async () => {
    const { controller, api } = await bench.startController('led-controller');
    const dev = await api.post<{ id: string; token: string }>('/devices', { name: 'Bảng LED Tam Kỳ', kind: 'led' });
    expect(dev.status).toBe(201);

    const pair = await bench.ptyPair();
    let sim = await bench.openSim(pair.b);
    bench.track(
      startPlayerProcess({
        controllerUrl: controller.url,
        token: dev.body.token,
        dataDir: tmpDir('led-player'),
        extraArgs: ['--output', `led,protocol=alpha,port=${pair.a},size=96x16,address=00,name=cong-chinh`],
      }),
    );

    const { contentId } = await api.scheduleSlogan(dev.body.id, SLOGAN, 5000);
    const expected = renderForBoard(SLOGAN, BOARD_SIZE);
    expect(expected.length).toBeGreaterThan(1);

    await waitFor(() => showsExactly(sim, expected), 'the simulated board to show the rendered slogan', 30_000);
    expect(sim.stats.checksumErrors).toBe(0);
    expect(toTextArt(sim.model.pages()[0]!.bitmap)).toBe(toTextArt(expected[0]!.bitmap));

    const online = await waitFor(async () => {
      const o = await boardIn(api, dev.body.id, 'led:cong-chinh');
      return o?.state === 'online' && o.deliveredProgrammeId?.startsWith(contentId) ? o : null;
    }, 'board online with the slogan delivered in the device list');
    expect(online).toMatchObject({ kind: 'led', port: pair.a });
    expect(Date.parse(online.lastWriteAt!)).toBeGreaterThan(0);

    // Proofs name the board; plays that ended before the first picture arrived have none.
    const proofs = await waitFor(
      async () => {
        const r = await api.get<{ output: string; contentId: string }[]>(`/proofs?deviceId=${dev.body.id}`);
        return r.body.length > 0 ? r.body : null;
      },
      'a proof from the board',
      20_000,
    );
    expect(proofs.every((p) => p.output === 'led:cong-chinh' && p.contentId === contentId)).toBe(true);

    // Pull the cable: both pty ends vanish.
    await sim.close();
    await pair.kill();
    const offline = await waitFor(async () => {
      const o = await boardIn(api, dev.body.id, 'led:cong-chinh');
      return o?.state === 'offline' ? o : null;
    }, 'board offline in the device list');
    expect(offline.lastError).not.toBeNull();

    // Plug it back, with a blank sign (as after a power cut): only a re-send can put the picture back.
    await pair.start();
    sim = await bench.openSim(pair.b);
    expect(sim.model.pages()).toHaveLength(0);
    await waitFor(() => showsExactly(sim, expected), 'the picture re-sent after the port returned', 40_000);
    await waitFor(
      async () => (await boardIn(api, dev.body.id, 'led:cong-chinh'))?.state === 'online',
      'board back online in the device list',
    );
    expect(sim.stats.checksumErrors).toBe(0);
  });

  it('drives boards configured on the controller, with the local --output winning by name', async () => {
    const { controller, api } = await bench.startController('led-controller');
    const dev = await api.post<{ id: string; token: string }>('/devices', { name: 'Bảng LED Hội An', kind: 'led' });
    const local = await bench.ptyPair();
    const remote = await bench.ptyPair();
    const localSim = await bench.openSim(local.b);
    const remoteSim = await bench.openSim(remote.b);

    // Refused with the field named: a board name twice, and a size that is not COLSxROWS.
    const board = { name: 'san', protocol: 'alpha', port: remote.a, baud: 9600, size: '96x16', address: '00' };
    const dup = await api.request('PUT', `/devices/${dev.body.id}/outputs`, [board, board]);
    expect(dup.status).toBe(400);
    expect(dup.body).toMatchObject({ error: { code: 'invalid-output', field: '1.name' } });
    const bad = await api.request('PUT', `/devices/${dev.body.id}/outputs`, [{ ...board, size: '96 by 16' }]);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'invalid-output', field: '0.size' } });

    // `cong` is configured both here (on the remote pty) and locally (on the local pty): the local one wins.
    const put = await api.request('PUT', `/devices/${dev.body.id}/outputs`, [board, { ...board, name: 'cong' }]);
    expect(put.status).toBe(200);
    const { contentId } = await api.scheduleSlogan(dev.body.id, 'An sinh xã hội'.normalize('NFC'), 5000);

    bench.track(
      startPlayerProcess({
        controllerUrl: controller.url,
        token: dev.body.token,
        dataDir: tmpDir('led-player'),
        extraArgs: ['--output', `led,port=${local.a},size=96x16,name=cong`],
      }),
    );
    const expected = renderForBoard('An sinh xã hội'.normalize('NFC'), BOARD_SIZE);
    await waitFor(
      () => showsExactly(localSim, expected) && showsExactly(remoteSim, expected),
      'both boards to show the slogan',
      // The player restarts once the controller's config arrives (one restart at a time, the latest board
      // list wins), and each board needs its memory-configuration pause (3 s) and 250 ms between packets.
      30_000,
    );
    const outputs = await waitFor(async () => {
      const r = await api.get<{ config: unknown[]; status: OutputView[] }>(`/devices/${dev.body.id}/outputs`);
      const st = r.body.status;
      return st.length === 2 && st.every((o) => o.deliveredProgrammeId?.startsWith(contentId)) ? st : null;
    }, 'both boards reported');
    expect(Object.fromEntries(outputs.map((o) => [o.id, o.port]))).toEqual({
      'led:cong': local.a,
      'led:san': remote.a,
    });
  });
});
