import { renderSlogan } from '@bangtin/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { LedProgramme } from '../driver';
import { BxSimulator, createBxSimulator } from '../sim/bx-simulator';
import { createPtyPair, type PtyPair } from '../testing/pty-pair';
import { waitFor } from '../testing/wait';
import { BxDriver } from './driver';
import { PLAYLIST_AREA, URGENT_AREA } from './programme';

const size = { width: 96, height: 16 };
const slogan = (id: string, text: string, urgent = false): LedProgramme => ({
  id,
  frames: renderSlogan(text, size).frames,
  ...(urgent ? { urgent } : {}),
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tcpPair(
  opts: { card?: string; areaCapacityBytes?: number; pingIntervalMs?: number; refusedRetryMs?: number } = {},
) {
  const card = opts.card ?? 'bx-5e1';
  const sim = await createBxSimulator({
    card,
    size,
    tcp: { port: 0 },
    ...(opts.areaCapacityBytes ? { areaCapacityBytes: opts.areaCapacityBytes } : {}),
  });
  cleanups.push(() => sim.close());
  const driver = new BxDriver({
    card,
    size,
    tcp: { host: '127.0.0.1', port: sim.port },
    replyTimeoutMs: 300,
    pingIntervalMs: opts.pingIntervalMs ?? 200,
    retry: { initialMs: 20, maxMs: 100 },
    refusedRetryMs: opts.refusedRetryMs ?? 1000,
    transport: { backoff: { initialMs: 20, maxMs: 100 } },
  });
  cleanups.push(() => driver.close());
  await driver.open();
  return { sim, driver };
}

describe('BxDriver ⇄ simulated BX card over real TCP loopback', () => {
  it('shows a Vietnamese slogan with the preview’s exact pixels and reports when the card acknowledged it', async () => {
    const { sim, driver } = await tcpPair();
    const p = slogan('s1', 'Đóng BHXH đúng hạn');
    const before = Date.now();
    await expect(driver.show(p)).resolves.toEqual({ delivered: true, programmeId: 's1' });
    expect([...sim.snapshot().data]).toEqual([...p.frames[0]!.bitmap.data]);
    const st = driver.status();
    expect(st).toMatchObject({ protocol: 'bx', state: 'online', deliveredProgrammeId: 's1', address: '1' });
    expect(st.deliveredAt).toBeGreaterThanOrEqual(before);
    expect(sim.stats.nacks).toBe(0);
  });

  it('sends an urgent message as one A7 00 with ImmePlay, and its cancel deletes the area', async () => {
    const { sim, driver } = await tcpPair({ pingIntervalMs: 60_000 });
    const normal = slogan('n', 'Tra cứu quá trình tham gia BHXH');
    await driver.show(normal);
    const updates = () => sim.stats.acks;
    const acksBefore = updates();
    const urgent = slogan('u', 'KHẨN: Tạm ngừng tiếp dân 14h', true);
    await expect(driver.show(urgent)).resolves.toMatchObject({ delivered: true });
    expect(updates() - acksBefore).toBe(1);
    expect(sim.area(URGENT_AREA)?.area.immediate).toBe(true);
    expect([...sim.snapshot().data]).toEqual([...urgent.frames[0]!.bitmap.data]);
    // The cancel: the playlist item is still in area 0, so only a delete goes out.
    await expect(driver.show(normal)).resolves.toMatchObject({ delivered: true });
    expect(sim.area(URGENT_AREA)).toBeUndefined();
    expect(updates() - acksBefore).toBe(2);
    expect([...sim.snapshot().data]).toEqual([...normal.frames[0]!.bitmap.data]);
  });

  it('scrolls a long slogan with the card’s own mode: one A7 00 whatever its length', async () => {
    const { sim, driver } = await tcpPair({ pingIntervalMs: 60_000 });
    const r = renderSlogan(
      'Người dân có thể tra cứu quá trình đóng bảo hiểm xã hội trên ứng dụng VssID mọi lúc mọi nơi',
      size,
      { mode: 'scroll' },
    );
    expect(r.strip).toBeDefined();
    const before = sim.stats.acks;
    await driver.show({ id: 'long', frames: r.frames, strip: r.strip! });
    expect(sim.stats.acks - before).toBe(1);
    const area = sim.area(PLAYLIST_AREA)!;
    expect(area.pages.length).toBe(Math.ceil(r.strip!.width / size.width));
    expect(area.area.pages.every((p) => p.displayMode === 0x04)).toBe(true);
  });

  it('shows a NACK’s error register on the board status and retries a programme the card cannot hold only slowly', async () => {
    const { sim, driver } = await tcpPair({ areaCapacityBytes: 100, pingIntervalMs: 60_000 });
    await expect(driver.show(slogan('big', 'Chúc mừng năm mới'))).resolves.toMatchObject({ delivered: false });
    const st = driver.status();
    expect(st.state).toBe('error');
    expect(st.lastError).toMatchObject({
      code: 'ERR_MEMORYVOLUME',
      message: 'ERR_MEMORYVOLUME: ảnh quá lớn cho bộ nhớ thẻ',
    });
    const nacks = sim.stats.nacks;
    await new Promise((r) => setTimeout(r, 300));
    expect(sim.stats.nacks).toBe(nacks);
    // A card with room (swapped, or its memory freed) gets the programme at the next slow retry.
    sim.model.capacity = 300 * 1024;
    await waitFor(() => sim.area(PLAYLIST_AREA) !== undefined && driver.status().state === 'online', 5000);
    expect(driver.status().deliveredProgrammeId).toBe('big');
  });

  it('reports a card that stops answering as offline, and re-sends the programme when it answers again', async () => {
    const { sim, driver } = await tcpPair();
    const p = slogan('s', 'Giờ làm việc: 7h30–17h');
    await driver.show(p);
    sim.muted = true;
    await waitFor(() => driver.status().state === 'offline', 5000);
    expect(driver.status().lastError?.code).toBe('no-reply');
    sim.model.areas.clear(); // the card lost its dynamic areas (power cut)
    sim.muted = false;
    await waitFor(() => driver.status().state === 'online' && sim.area(PLAYLIST_AREA) !== undefined, 5000);
    expect([...sim.snapshot().data]).toEqual([...p.frames[0]!.bitmap.data]);
  });

  it('reconnects after the card drops the connection and sends its areas again', async () => {
    const { sim, driver } = await tcpPair();
    const p = slogan('r', 'Bảo hiểm y tế');
    await driver.show(p);
    sim.reboot();
    expect(sim.area(PLAYLIST_AREA)).toBeUndefined();
    await waitFor(() => sim.area(PLAYLIST_AREA) !== undefined, 5000);
    expect([...sim.snapshot().data]).toEqual([...p.frames[0]!.bitmap.data]);
    expect(driver.status().reconnects).toBeGreaterThanOrEqual(2);
  });

  it('draws two-colour pictures on a BX-6E card (red and green planes)', async () => {
    const tri = await createBxSimulator({ card: 'bx-6e1', colour: 'tri', size, tcp: { port: 0 } });
    cleanups.push(() => tri.close());
    const d = new BxDriver({
      card: 'bx-6e1',
      colour: 'tri',
      size,
      tcp: { host: '127.0.0.1', port: tri.port },
      replyTimeoutMs: 300,
    });
    cleanups.push(() => d.close());
    await d.open();
    const amber = renderSlogan('BHXH', { ...size, colour: 'tri' }, { colour: 3 }).frames;
    await expect(d.show({ id: 'a', frames: amber })).resolves.toMatchObject({ delivered: true });
    expect([...tri.snapshot().data]).toEqual([...amber[0]!.bitmap.data]);
    expect(tri.snapshot().data.includes(3)).toBe(true);
  });

  it('refuses wiring that cannot work', () => {
    expect(() => new BxDriver({ card: 'bx-6q1', size, port: '/dev/ttyUSB0' })).toThrow(/no serial port/);
    expect(() => new BxDriver({ card: 'bx-5e1', size })).toThrow(/exactly one of port and tcp/);
    expect(() => new BxDriver({ card: 'bx-9z', size, tcp: { host: 'x', port: 1 } })).toThrow(/unknown BX card/);
    expect(() => new BxDriver({ card: 'bx-6q1', colour: 'mono', size, tcp: { host: 'x', port: 1 } })).toThrow(/rgb/);
  });
});

describe('BxDriver ⇄ simulated BX card over a real serial pty pair (socat)', () => {
  let pair: PtyPair;
  it('shows a slogan at 57600 baud, urgent and cancel included', async () => {
    pair = await createPtyPair();
    cleanups.push(() => pair.close());
    const sim = new BxSimulator({ card: 'bx-5e2', size, path: pair.b });
    await sim.open();
    cleanups.push(() => sim.close());
    const driver = new BxDriver({
      card: 'bx-5e2',
      size,
      port: pair.a,
      baudRate: 57600,
      replyTimeoutMs: 500,
      pingIntervalMs: 60_000,
    });
    cleanups.push(() => driver.close());
    await driver.open();
    const p = slogan('s', 'Sổ BHXH điện tử');
    await expect(driver.show(p)).resolves.toMatchObject({ delivered: true });
    expect([...sim.snapshot().data]).toEqual([...p.frames[0]!.bitmap.data]);
    const u = slogan('u', 'Mất điện – tạm dừng', true);
    await driver.show(u);
    expect([...sim.snapshot().data]).toEqual([...u.frames[0]!.bitmap.data]);
    await driver.show(p);
    expect([...sim.snapshot().data]).toEqual([...p.frames[0]!.bitmap.data]);
    await driver.clear();
    expect(sim.model.dark()).toBe(true);
  });
});
