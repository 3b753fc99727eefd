/**
 * Onbon BX cards end to end: controller process → headless player process → a real TCP loopback socket
 * or a real serial port (socat pty pair) → the BX card simulator decoding every frame on the other end.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { bitmapsEqual } from '@bangtin/shared';
import { renderForBoard } from '../apps/player/src/runtime/led-outputs';
import { BxSimulator, createBxSimulator } from '../apps/player/src/led/sim/bx-simulator';
import { FontCardSimulator } from '../apps/player/src/led/sim/bx-font-simulator';
import { createHuiduSimulator } from '../apps/player/src/led/huidu/simulator';
import { PLAYLIST_AREA, URGENT_AREA } from '../apps/player/src/led/bx/programme';
import type { Api } from './support/api';
import { BOARD_SIZE, useLedBench } from './support/led';
import { startPlayerProcess, tmpDir, waitFor } from './support/processes';

const SLOGAN = 'Đóng BHXH đúng hạn – quyền lợi trọn vẹn'.normalize('NFC');
const URGENT = 'KHẨN: Tạm dừng tiếp dân do mất điện'.normalize('NFC');

interface OutputView {
  id: string;
  state: 'online' | 'offline' | 'error';
  protocol?: string;
  port?: string;
  lastError: { code: string; message: string } | null;
  deliveredProgrammeId?: string | null;
}

const bench = useLedBench();
const sims: BxSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function board(api: Api, deviceId: string, outputId: string): Promise<OutputView | undefined> {
  const r = await api.get<{ id: string; outputs?: OutputView[] }>(`/devices/${deviceId}`);
  return r.body.outputs?.find((o) => o.id === outputId);
}

const shows = (sim: BxSimulator, frames: ReturnType<typeof renderForBoard>, area = PLAYLIST_AREA): boolean => {
  const a = sim.area(area);
  return !!a && a.pages.length === frames.length && a.pages.every((p, i) => bitmapsEqual(p, frames[i]!.bitmap));
};

describe('BX-5E card over TCP (configured on the controller)', () => {
  it('shows the Vietnamese slogan pixel-exact, an urgent message at once with an honest "shown" time, and its cancel', async () => {
    const { controller, api } = await bench.startController('bx-controller');
    const dev = await api.post<{ id: string; token: string }>('/devices', { name: 'Bảng LED Núi Thành', kind: 'led' });
    const sim = await createBxSimulator({ card: 'bx-5e1', size: BOARD_SIZE, tcp: { port: 0 } });
    sims.push(sim);

    const bad = await api.request('PUT', `/devices/${dev.body.id}/outputs`, [
      { name: 'cong', protocol: 'bx', tcp: `127.0.0.1:${sim.port}`, size: '96x16' },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'invalid-output', field: '0.card' } });
    const put = await api.request('PUT', `/devices/${dev.body.id}/outputs`, [
      { name: 'cong', protocol: 'bx', card: 'bx-5e1', tcp: `127.0.0.1:${sim.port}`, size: '96x16' },
    ]);
    expect(put.status).toBe(200);
    expect(put.body.config[0]).toMatchObject({ protocol: 'bx', card: 'bx-5e1', address: '1', baud: 57600 });

    const { contentId } = await api.scheduleSlogan(dev.body.id, SLOGAN, 60_000);
    bench.track(
      startPlayerProcess({ controllerUrl: controller.url, token: dev.body.token, dataDir: tmpDir('bx-player') }),
    );
    const expected = renderForBoard(SLOGAN, BOARD_SIZE);
    await waitFor(() => shows(sim, expected), 'the BX card to hold the rendered slogan', 30_000);
    expect(sim.stats.nacks).toBe(0);
    const online = await waitFor(async () => {
      const o = await board(api, dev.body.id, 'led:cong');
      return o?.state === 'online' && o.deliveredProgrammeId?.includes(contentId) ? o : null;
    }, 'the board online with the slogan in the device list');
    expect(online).toMatchObject({ protocol: 'bx', port: `tcp://127.0.0.1:${sim.port}` });

    // Urgent: one A7 00 into the ImmePlay area; "shown" is when the card acknowledged it.
    let urgentAckedAt = 0;
    sim.on('handled', (h) => {
      if (h.request?.kind === 'update' && h.request.areas[0]?.id === URGENT_AREA) urgentAckedAt = Date.now();
    });
    const sentAt = Date.now();
    const urgent = await api.post<{ id: string }>('/interrupts', {
      text: URGENT,
      target: { deviceIds: [dev.body.id] },
    });
    expect(urgent.status).toBe(201);
    const urgentFrames = renderForBoard(URGENT, BOARD_SIZE);
    await waitFor(() => shows(sim, urgentFrames, URGENT_AREA), 'the urgent message on the card', 15_000);
    expect(sim.area(URGENT_AREA)!.area.immediate).toBe(true);
    expect(bitmapsEqual(sim.snapshot(), urgentFrames[0]!.bitmap)).toBe(true);
    const acked = await waitFor(async () => {
      const m = (await api.get<{ deliveries: { shownAt: string | null }[] }>(`/interrupts/${urgent.body.id}`)).body;
      return m.deliveries[0]?.shownAt ? m.deliveries[0] : null;
    }, 'the urgent message acknowledged as shown');
    const shownAt = Date.parse(acked.shownAt!);
    expect(urgentAckedAt).toBeGreaterThan(0);
    // Same machine: shown no earlier than the card's ACK, within the measured clock offset's error (a few ms).
    expect(shownAt).toBeGreaterThanOrEqual(urgentAckedAt - 1000);
    expect(shownAt).toBeGreaterThan(sentAt);
    expect(shownAt - sentAt).toBeLessThan(5000);

    const cancel = await api.post(`/interrupts/${urgent.body.id}/cancel`);
    expect(cancel.status).toBe(200);
    await waitFor(() => sim.area(URGENT_AREA) === undefined, 'the urgent area deleted on cancel', 15_000);
    expect(bitmapsEqual(sim.snapshot(), expected[0]!.bitmap)).toBe(true);
  });
});

describe('BX cards over a real serial port (socat pty)', () => {
  it('shows a NACK on the device panel, then a card that stops answering and comes back gets its programme again', async () => {
    const { controller, api } = await bench.startController('bx-controller');
    const dev = await api.post<{ id: string; token: string }>('/devices', { name: 'Bảng LED Tiên Phước', kind: 'led' });
    const pair = await bench.ptyPair();
    // A card whose memory cannot hold even one 96×16 picture: it NACKs with ERR_MEMORYVOLUME.
    const sim = new BxSimulator({ card: 'bx-5e2', size: BOARD_SIZE, path: pair.b, areaCapacityBytes: 64 });
    sims.push(sim);
    await sim.open();
    await api.scheduleSlogan(dev.body.id, SLOGAN, 60_000);
    bench.track(
      startPlayerProcess({
        controllerUrl: controller.url,
        token: dev.body.token,
        dataDir: tmpDir('bx-player'),
        extraArgs: ['--output', `led,protocol=bx,card=bx-5e2,port=${pair.a},baud=57600,size=96x16,name=san`],
      }),
    );
    const refused = await waitFor(
      async () => {
        const o = await board(api, dev.body.id, 'led:san');
        return o?.state === 'error' ? o : null;
      },
      'the NACK on the device panel',
      30_000,
    );
    expect(refused.lastError).toMatchObject({
      code: 'ERR_MEMORYVOLUME',
      message: 'ERR_MEMORYVOLUME: ảnh quá lớn cho bộ nhớ thẻ',
    });

    // The installer swaps in a card with enough memory on the same cable: the board comes good on its own.
    sim.model.capacity = 300 * 1024;
    const expected = renderForBoard(SLOGAN, BOARD_SIZE);
    await waitFor(() => shows(sim, expected), 'the slogan on the new card', 40_000);
    await waitFor(async () => (await board(api, dev.body.id, 'led:san'))?.state === 'online', 'board online');

    // It stops answering (hung card): offline on the panel; it answers again after a power cut: re-sent.
    sim.muted = true;
    const silent = await waitFor(
      async () => {
        const o = await board(api, dev.body.id, 'led:san');
        return o?.state === 'offline' ? o : null;
      },
      'board offline when the card stops answering',
      40_000,
    );
    expect(silent.lastError?.code).toBe('no-reply');
    sim.model.areas.clear();
    sim.muted = false;
    await waitFor(() => shows(sim, expected), 'the programme re-sent to the card that came back', 40_000);
    await waitFor(async () => (await board(api, dev.body.id, 'led:san'))?.state === 'online', 'board back online');
  });
});

describe('BX-5K font card (TCP)', () => {
  it('refuses a Vietnamese slogan with a visible status on the device panel, and never sends mangled text', async () => {
    const { controller, api } = await bench.startController('bx-controller');
    const dev = await api.post<{ id: string; token: string }>('/devices', { name: 'Bảng chữ BX-5K', kind: 'led' });
    const card = new FontCardSimulator();
    await card.listen();
    const texts: string[] = [];
    card.on('request', (r) => {
      if (r.kind === 'dynamic-area') for (const a of r.areas) texts.push(a.text);
    });
    try {
      const put = await api.request('PUT', `/devices/${dev.body.id}/outputs`, [
        { name: 'chu', protocol: 'bx', card: 'bx-5k1', tcp: `127.0.0.1:${card.port}`, size: '96x16' },
      ]);
      expect(put.status).toBe(200);
      await api.scheduleSlogan(dev.body.id, SLOGAN, 60_000);
      bench.track(
        startPlayerProcess({ controllerUrl: controller.url, token: dev.body.token, dataDir: tmpDir('bx5k-player') }),
      );
      const refused = await waitFor(
        async () => {
          const o = await board(api, dev.body.id, 'led:chu');
          return o?.state === 'error' ? o : null;
        },
        'the font card refusal on the device panel',
        30_000,
      );
      expect(refused.lastError).toMatchObject({
        code: 'vietnamese-not-supported',
        message: 'thẻ BX-5K không hiển thị được tiếng Việt có dấu; cần thẻ đồ hoạ (BX-5E/6E)',
      });
      expect(texts).toEqual([]);
      expect(card.areas.size).toBe(0);
    } finally {
      await card.close();
    }
  });
});

describe('Huidu card over TCP (configured on the controller)', () => {
  it('shows the Vietnamese slogan pixel-exact and reports the board online', async () => {
    const { controller, api } = await bench.startController('huidu-controller');
    const dev = await api.post<{ id: string; token: string }>('/devices', {
      name: 'Bảng LED Huidu Duy Xuyên',
      kind: 'led',
    });
    const card = await createHuiduSimulator({ port: 0, size: BOARD_SIZE });
    try {
      const put = await api.request('PUT', `/devices/${dev.body.id}/outputs`, [
        { name: 'hd', protocol: 'huidu', tcp: `127.0.0.1:${card.port}`, size: '96x16' },
      ]);
      expect(put.status).toBe(200);
      const { contentId } = await api.scheduleSlogan(dev.body.id, SLOGAN, 60_000);
      bench.track(
        startPlayerProcess({ controllerUrl: controller.url, token: dev.body.token, dataDir: tmpDir('huidu-player') }),
      );
      const expected = renderForBoard(SLOGAN, BOARD_SIZE);
      await waitFor(
        () =>
          card.current !== null &&
          card.current.pages.length === expected.length &&
          card.current.pages.every((p, i) => bitmapsEqual(p.bitmap, expected[i]!.bitmap)),
        'the Huidu card to play the rendered slogan',
        30_000,
      );
      await waitFor(async () => {
        const o = await board(api, dev.body.id, 'led:hd');
        return o?.state === 'online' && o.deliveredProgrammeId?.includes(contentId) ? o : null;
      }, 'the Huidu board online with the slogan');
    } finally {
      await card.close();
    }
  });
});
