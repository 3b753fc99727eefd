/**
 * AlphaDriver against the board simulator over real serial ports (a socat pty pair). Pauses are shortened
 * through the pacing options so each test runs in a second or two.
 */
import { type Bitmap, createBitmap } from '@bangtin/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { BoardStatus, LedProgramme } from '../driver';
import type { DisplayPage } from '../sim/alpha-board';
import { type BoardSimulator, createBoardSimulator } from '../sim/simulator';
import { createPtyPair } from '../testing/pty-pair';
import { waitForEvent } from '../testing/wait';
import { acquireTransport, releaseTransport } from '../transport';
import { encodePacket, writeStringBlock } from './encode';
import { AlphaDriver, type AlphaDriverOptions } from './driver';
import { DOTS_LABELS } from './programme';

const size = { width: 96, height: 16 };
const fast = { interPacketMs: 5, dotsSizePauseMs: 5, memoryConfigPauseMs: 20 };
const backoff = { initialMs: 40, maxMs: 400, factor: 2 };

/** A recognisable picture: a diagonal stripe in `colour`, offset by `seed`. */
function picture(seed: number, colour: number): Bitmap {
  const b = createBitmap(size.width, size.height);
  for (let x = 0; x < size.width; x++) {
    const y = (x + seed) % size.height;
    b.data[y * size.width + x] = colour;
    b.data[((y + 5) % size.height) * size.width + x] = 1 + ((x + seed) % 3);
  }
  return b;
}

function programme(id: string, ...bitmaps: Bitmap[]): LedProgramme {
  return { id, frames: bitmaps.map((bitmap) => ({ bitmap, durationMs: 1000 })) };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig(
  opts: {
    sim?: Partial<Parameters<typeof createBoardSimulator>[0]>;
    driver?: Partial<AlphaDriverOptions>;
    openSim?: boolean;
  } = {},
) {
  const pair = await createPtyPair();
  cleanups.push(() => pair.close());
  const sim = createBoardSimulator({ path: pair.b, size, pageHoldMs: 100, backoff, ...opts.sim });
  cleanups.push(() => sim.close());
  if (opts.openSim !== false) await sim.open();
  const driver = new AlphaDriver({ port: pair.a, size, pacing: fast, transport: { backoff }, ...opts.driver });
  cleanups.push(() => driver.close());
  await driver.open();
  return { pair, sim, driver };
}

/** Waits until the simulator has shown every one of `bitmaps` (pages cycle every `pageHoldMs`). */
async function seenAll(sim: BoardSimulator, bitmaps: Bitmap[], timeoutMs = 8000): Promise<DisplayPage[]> {
  const want = new Set(bitmaps.map((b) => b.data.join('')));
  const seen: DisplayPage[] = [];
  const current = sim.current();
  if (current && want.delete(current.bitmap.data.join(''))) seen.push(current);
  if (want.size === 0) return seen;
  await waitForEvent<[DisplayPage]>(
    sim,
    'display',
    (page) => {
      if (want.delete(page.bitmap.data.join(''))) seen.push(page);
      return want.size === 0;
    },
    timeoutMs,
  );
  return seen;
}

describe('AlphaDriver over a socat pty pair', () => {
  it('puts a programme of two pictures on the simulated board, pixel for pixel', async () => {
    const { sim, driver } = await rig();
    const one = picture(0, 1);
    const two = picture(7, 2);
    const result = await driver.show(programme('slogan-1', one, two));
    expect(result).toEqual({ delivered: true, programmeId: 'slogan-1' });

    const pages = await seenAll(sim, [one, two]);
    expect(pages.map((p) => p.pictures)).toEqual([['1'], ['2']]);
    expect(sim.snapshot().width).toBe(96);
    const files = sim.model.files;
    expect(files.get('1')).toMatchObject({ type: 'dots', width: 96, height: 16, colours: 'tri', bitmap: one });
    expect(files.get('2')).toMatchObject({ type: 'dots', bitmap: two });
    expect(sim.stats).toMatchObject({ checksumErrors: 0, refused: 0, truncated: 0, garbageBytes: 0 });

    const st = driver.status();
    expect(st).toMatchObject({ state: 'online', deliveredProgrammeId: 'slogan-1', lastError: null, packetsWritten: 5 });
    expect(st.bytesWritten).toBeGreaterThan(2 * 16 * 97); // two pictures of 16 rows of 96 colours + CR
  });

  it('skips the slow memory configuration when the next programme has the same layout', async () => {
    const { sim, driver } = await rig();
    const a = picture(0, 1);
    await driver.show(programme('a', a));
    // show() resolves once the bytes are written; wait until the sign has read them too.
    await seenAll(sim, [a]);
    const configs: string[] = [];
    sim.on('command', (c) => configs.push(c.command.kind));
    const b = picture(3, 3);
    await driver.show(programme('b', b));
    await seenAll(sim, [b]);
    await expect.poll(() => configs).toEqual(['write-dots', 'write-text', 'run-sequence']);
  });

  it('clears the board without a memory configuration, keeping the pictures loaded', async () => {
    const { sim, driver } = await rig();
    const x = picture(0, 1);
    await driver.show(programme('x', x));
    await seenAll(sim, [x]);
    const commands: string[] = [];
    sim.on('command', (c) => commands.push(c.command.kind));
    const blank = waitForEvent<[DisplayPage]>(sim, 'display', (p) => p.pictures.length === 0);
    expect(await driver.clear()).toEqual({ delivered: true, programmeId: 'clear' });
    const [page] = await blank;
    await expect.poll(() => commands.length).toBe(2);
    expect(page.bitmap.data.every((v) => v === 0)).toBe(true);
    expect(sim.model.dark()).toBe(true);
    expect(commands).toEqual(['write-text', 'run-sequence']);
    expect(sim.model.files.get('1')).toMatchObject({ type: 'dots', bitmap: x });
    // Showing it again needs no picture: only the TEXT file and the run sequence.
    commands.length = 0;
    await driver.show(programme('x-again', x));
    await seenAll(sim, [x]);
    await expect.poll(() => commands).toEqual(['write-text', 'run-sequence']);
  });

  it('blanks the board for power off, keeps programmes waiting, and shows the latest on power on', async () => {
    const { pair, sim, driver } = await rig();
    expect(driver.powerCapabilities).toEqual({ power: 'blank', brightnessLevels: [100, 86, 72, 58, 44] });
    const one = picture(0, 1);
    await driver.show(programme('one', one));
    await seenAll(sim, [one]);

    await driver.setPower(false);
    await expect.poll(() => sim.model.dark()).toBe(true);
    expect(driver.status()).toMatchObject({ power: 'off', deliveredProgrammeId: null, deliveredAt: null });
    // The pictures stay allocated: no memory configuration was sent to blank it.
    expect(sim.model.files.get('1')).toMatchObject({ type: 'dots', bitmap: one });

    // A programme while off waits; the board stays dark.
    const two = picture(5, 3);
    const shown = driver.show(programme('two', two));
    await new Promise((r) => setTimeout(r, 100));
    expect(sim.model.dark()).toBe(true);

    // Brightness is applied while off too (the register is independent of what is shown).
    expect(await driver.setBrightness(60)).toBe(58);
    await expect.poll(() => sim.model.brightness).toBe(58);
    expect(driver.status().brightness).toBe(58);

    await driver.setPower(true);
    expect(await shown).toEqual({ delivered: true, programmeId: 'two' });
    await seenAll(sim, [two]);
    expect(driver.status()).toMatchObject({ power: 'on', deliveredProgrammeId: 'two' });

    // Off survives a reconnect: a sign that comes back (blank after a power cut) is blanked, and dimmed.
    await driver.setPower(false);
    await expect.poll(() => sim.model.dark()).toBe(true);
    await sim.close();
    await pair.kill();
    await expect.poll(() => driver.status().state, { timeout: 5000 }).toBe('offline');
    await pair.start();
    const fresh = createBoardSimulator({ path: pair.b, size, pageHoldMs: 100, backoff });
    cleanups.push(() => fresh.close());
    await fresh.open();
    await expect.poll(() => fresh.model.brightness, { timeout: 8000 }).toBe(58);
    // Blanked by a write, not just empty: TEXT A holds one empty page and runs.
    await expect
      .poll(() => fresh.model.files.get('A'), { timeout: 8000 })
      .toMatchObject({ type: 'text', pages: [{ parts: [] }] });
    expect(fresh.model.runSequence).toEqual(['A']);
    expect(fresh.model.dark()).toBe(true);
    await driver.setPower(true);
    await seenAll(fresh, [two]);
    expect(fresh.stats).toMatchObject({ checksumErrors: 0, refused: 0 });
  });

  it('tells a caller whose programme was replaced before it reached the board', async () => {
    const { driver } = await rig({ driver: { pacing: { ...fast, memoryConfigPauseMs: 200 } } });
    const first = driver.show(programme('first', picture(0, 1)));
    const second = driver.show(programme('second', picture(1, 2)));
    expect(await first).toEqual({ delivered: false, programmeId: 'first' });
    expect(await second).toEqual({ delivered: true, programmeId: 'second' });
    expect(driver.status().deliveredProgrammeId).toBe('second');
  });

  it('updates live text through a STRING file without rewriting the programme', async () => {
    const { sim, driver } = await rig();
    const q = picture(1, 1);
    await driver.show({ ...programme('q', q), liveText: { content: 'So 1', capacity: 8 } });
    await seenAll(sim, [q]);
    const commands: string[] = [];
    sim.on('command', (c) => commands.push(c.command.kind));
    const shown = waitForEvent<[DisplayPage]>(sim, 'display', (p) => p.text === 'So 2');
    await driver.updateLiveText('So 2');
    await shown;
    await expect.poll(() => commands).toEqual(['write-string']);
  });

  it('sets the sign clock to Vietnam time', async () => {
    const { sim, driver } = await rig();
    const done = waitForEvent(sim, 'command', (c: { command: { kind: string } }) => c.command.kind === 'day-of-week');
    await driver.setClock(new Date('2026-11-29T17:30:00Z'));
    await done;
    expect(sim.model.clock).toEqual({ format: '24h', hour: 0, minute: 30, year: 2026, month: 11, day: 30, weekday: 2 });
  });

  it('reads the memory configuration back from a sign that answers, and reports one that does not', async () => {
    const { sim, driver } = await rig({ driver: { address: '07' }, sim: { address: '07' } });
    await driver.show(programme('m', picture(0, 1)));
    const entries = await driver.readMemoryConfig(3000);
    // The fixed layout, as the driver planned it (STRING files are written locked, the rest unlocked).
    expect(entries).toEqual(driver.memoryLayout().entries.map((e) => ({ ...e, locked: e.type === 'string' })));
    expect(entries?.slice(0, 4)).toEqual([
      { type: 'text', label: 'A', size: 256, locked: false },
      { type: 'text', label: 'z', size: 256, locked: false },
      { type: 'string', label: 'B', size: 64, locked: true },
      { type: 'dots', label: '1', width: 96, height: 16, colours: 'tri', locked: false },
    ]);
    expect(entries).toHaveLength(3 + 16 + 4);
    expect(driver.status().lastReplyAt).not.toBeNull();

    await sim.close();
    expect(await driver.readMemoryConfig(300)).toBeNull();
    expect(driver.status()).toMatchObject({ state: 'online', lastError: { code: 'no-reply' } });
  });

  it('drives two boards with different addresses on one shared port', async () => {
    const { pair, sim, driver: board1 } = await rig({ sim: { address: '02' }, driver: { address: '01' } });
    const board2 = new AlphaDriver({ port: pair.a, size, address: '02', pacing: fast });
    cleanups.push(() => board2.close());
    await board2.open();
    const mine = picture(2, 2);
    const [r1, r2] = await Promise.all([
      board1.show(programme('for-01', picture(9, 1))),
      board2.show(programme('for-02', mine)),
    ]);
    expect([r1.delivered, r2.delivered]).toEqual([true, true]);
    await seenAll(sim, [mine]);
    // The simulator is board 02: every packet addressed to board 01 was seen and ignored.
    // (Both shows resolved, so board 01's count is final; the simulator may still be reading its last packet.)
    await expect.poll(() => sim.stats.ignored).toBe(board1.status().packetsWritten);
    expect(sim.model.files.get('1')).toMatchObject({ bitmap: mine });
  });
});

/** Every command the simulator obeys, with whether the board was dark right after it. */
function record(sim: BoardSimulator): { kinds: string[]; dark: boolean[]; refused: string[] } {
  const log = { kinds: [] as string[], dark: [] as boolean[], refused: [] as string[] };
  sim.on('command', (c) => {
    log.kinds.push(c.command.kind + ('label' in c.command ? `:${c.command.label}` : ''));
    log.dark.push(sim.model.dark());
    if (!c.accepted) log.refused.push(c.reason ?? '');
  });
  return log;
}

/** Waits until the simulator has received every packet the driver wrote since `since` packets. */
async function caughtUp(sim: BoardSimulator, driver: AlphaDriver, since = 0): Promise<void> {
  // Both sides are read inside the poll: the driver counts a packet only once its write has drained.
  await expect.poll(() => sim.stats.packets - (driver.status().packetsWritten - since)).toBe(0);
}

const dotsWrites = (kinds: string[]): number => kinds.filter((k) => k.startsWith('write-dots')).length;

describe('AlphaDriver fixed layout and urgent messages', () => {
  it('shows an urgent message and returns to the playlist without ever blanking the board or reconfiguring memory', async () => {
    const { sim, driver } = await rig();
    const one = picture(0, 1);
    const two = picture(6, 2);
    expect(await driver.show(programme('item', one, two))).toEqual({ delivered: true, programmeId: 'item' });
    await seenAll(sim, [one, two]);
    await caughtUp(sim, driver);
    const firstAt = driver.status().deliveredAt;
    expect(firstAt).toBeTypeOf('number');

    const log = record(sim);
    const alert = picture(3, 1);
    const alert2 = picture(9, 3);
    const urgent = { ...programme('urgent', alert, alert2), urgent: true };
    expect(await driver.show(urgent)).toEqual({ delivered: true, programmeId: 'urgent' });
    const urgentStatus = driver.status();
    expect(urgentStatus).toMatchObject({ deliveredProgrammeId: 'urgent' });
    expect(urgentStatus.deliveredAt).toBeGreaterThanOrEqual(firstAt!);
    await seenAll(sim, [alert, alert2]);
    await caughtUp(sim, driver);
    // Only the urgent slots, the urgent TEXT file and a run sequence of it alone; the first page goes up
    // as soon as its picture is there, the second follows.
    const [u1, u2] = driver.memoryLayout().urgentLabels;
    expect(log.kinds).toEqual([
      `write-dots:${u1}`,
      'write-text:z',
      'run-sequence',
      `write-dots:${u2}`,
      'write-text:z',
      'run-sequence',
    ]);
    expect(sim.model.runSequence).toEqual(['z']);
    // The playlist's pictures are still loaded underneath.
    expect(sim.model.files.get('1')).toMatchObject({ bitmap: one });

    // Cancel: the playlist item again. Its pictures and TEXT are on the sign, so only a run sequence.
    log.kinds.length = 0;
    expect(await driver.show(programme('item', one, two))).toEqual({ delivered: true, programmeId: 'item' });
    await seenAll(sim, [one, two]);
    await caughtUp(sim, driver);
    expect(log.kinds).toEqual(['run-sequence']);
    expect(sim.model.runSequence).toEqual(['A']);

    // Urgent again, then the next playlist item (new pictures): still no blank moment.
    await driver.show({ ...programme('urgent-2', alert), urgent: true });
    const three = picture(12, 3);
    await driver.show(programme('next', three));
    await seenAll(sim, [three]);
    await caughtUp(sim, driver);
    expect(log.dark.length).toBeGreaterThan(4);
    expect(log.dark.every((d) => !d)).toBe(true);
    expect(log.kinds.filter((k) => k === 'memory-config')).toEqual([]);
    expect(log.refused).toEqual([]);
  });

  it('switches between playlist items already loaded without re-sending their pictures (LRU pool)', async () => {
    const { sim, driver } = await rig({ driver: { picturePool: 4 } });
    const a = [picture(0, 1), picture(1, 1)];
    const b = [picture(2, 2), picture(3, 2)];
    const c = [picture(4, 3), picture(5, 3)];
    const log = record(sim);
    const show = async (id: string, pics: Bitmap[]): Promise<void> => {
      expect((await driver.show(programme(id, ...pics))).delivered).toBe(true);
      await seenAll(sim, pics);
      await caughtUp(sim, driver);
    };
    await show('a', a);
    // The first programme writes the layout (the board is blank then); never again after it.
    const afterFirst = log.dark.length;
    await show('b', b);
    expect(dotsWrites(log.kinds)).toBe(4);
    log.kinds.length = 0;
    await show('a', a);
    await show('b', b);
    await show('a', a);
    // Only the TEXT file and the run sequence each time.
    expect(dotsWrites(log.kinds)).toBe(0);
    expect(log.kinds).toEqual(Array.from({ length: 3 }, () => ['write-text:A', 'run-sequence']).flat());
    // `c` evicts the least recently used item (`b`), not the one on the board.
    log.kinds.length = 0;
    await show('c', c);
    expect(dotsWrites(log.kinds)).toBe(2);
    log.kinds.length = 0;
    await show('a', a);
    expect(dotsWrites(log.kinds)).toBe(0);
    await show('b', b);
    expect(dotsWrites(log.kinds)).toBe(2);
    expect(log.kinds.filter((k) => k === 'memory-config')).toEqual([]);
    expect(log.dark.slice(afterFirst).every((d) => !d)).toBe(true);
    expect(log.refused).toEqual([]);
  });

  it('writes the layout once: an urgent message skips the periodic re-send, the next ordinary programme pays it', async () => {
    const { sim, driver } = await rig({ driver: { layoutTrustMs: 0 } });
    const p = picture(0, 1);
    await driver.show(programme('p', p));
    await seenAll(sim, [p]);
    await caughtUp(sim, driver);
    const log = record(sim);
    const alert = picture(4, 2);
    await driver.show({ ...programme('alert', alert), urgent: true });
    await seenAll(sim, [alert]);
    await caughtUp(sim, driver);
    expect(log.kinds).not.toContain('memory-config');
    log.kinds.length = 0;
    await driver.show(programme('p', p));
    await seenAll(sim, [p]);
    await caughtUp(sim, driver);
    // Trust expired (0 ms): layout again, and with it the picture (a memory configuration erases files).
    expect(log.kinds).toEqual(['memory-config', 'write-dots:1', 'write-text:A', 'run-sequence']);
  });

  it("raises the slots' colour depth once, with one new layout, when a programme needs 8 colours", async () => {
    const { sim, driver } = await rig();
    const mono = picture(0, 1);
    await driver.show(programme('mono', mono));
    await seenAll(sim, [mono]);
    await caughtUp(sim, driver);
    expect(driver.memoryLayout().colourDepth).toBe('tri');
    const log = record(sim);
    const octo = picture(2, 8);
    await driver.show(programme('octo', octo));
    await seenAll(sim, [octo]);
    await caughtUp(sim, driver);
    expect(log.kinds).toEqual(['memory-config', 'write-dots:1', 'write-text:A', 'run-sequence']);
    expect(driver.memoryLayout().colourDepth).toBe('octo');
    expect(sim.model.files.get('J')).toMatchObject({ type: 'dots', colours: 'octo' });
    log.kinds.length = 0;
    await driver.show(programme('mono-again', mono));
    await seenAll(sim, [mono]);
    await caughtUp(sim, driver);
    expect(log.kinds).toEqual(['write-dots:2', 'write-text:A', 'run-sequence']);
    expect(log.refused).toEqual([]);
  });

  it('after a reconnect, writes the layout then the current programme (an urgent one), then restores the playlist', async () => {
    const { pair, sim, driver } = await rig({
      sim: { backoff: { initialMs: 10, maxMs: 30 } },
      // The sign's end reopens within 30 ms, the driver's only after 300 ms: its first packet must not go
      // into a pty nobody reads yet (a real sign that is off misses it the same way, but that is another test).
      driver: { transport: { backoff: { initialMs: 300, maxMs: 600 } } },
    });
    const item = picture(0, 1);
    await driver.show(programme('item', item));
    await seenAll(sim, [item]);
    const alert = picture(7, 3);
    await driver.show({ ...programme('alert', alert), urgent: true });
    await seenAll(sim, [alert]);

    // Pull the cable, and power-cycle the sign meanwhile: factory memory, nothing of ours.
    await pair.kill();
    await expect.poll(() => driver.status().state, { timeout: 5000 }).toBe('offline');
    sim.model.powerCycle();
    const log = record(sim);
    const since = driver.status().packetsWritten;
    const packetsBefore = sim.stats.packets;
    await pair.start();
    // (The simulator's display still holds the old page until a write changes it: watch the commands.)
    await expect.poll(() => log.kinds.length, { timeout: 15_000 }).toBe(4);
    await expect.poll(() => sim.stats.packets - packetsBefore - (driver.status().packetsWritten - since)).toBe(0);
    expect(sim.model.pages().map((p) => p.bitmap)).toEqual([alert]);
    const [u1] = driver.memoryLayout().urgentLabels;
    expect(log.kinds).toEqual(['memory-config', `write-dots:${u1}`, 'write-text:z', 'run-sequence']);
    expect(driver.status()).toMatchObject({ state: 'online', reconnects: 1, deliveredProgrammeId: 'alert' });

    // Cancel: this sign never had the playlist picture, so it is written (no second memory configuration).
    log.kinds.length = 0;
    await driver.show(programme('item', item));
    await expect.poll(() => log.kinds.length).toBe(3);
    expect(sim.model.pages().map((p) => p.bitmap)).toEqual([item]);
    expect(log.kinds).toEqual(['write-dots:1', 'write-text:A', 'run-sequence']);
    expect(log.refused).toEqual([]);
  });
});

describe('AlphaDriver faults', () => {
  it('goes offline when the port disappears mid-programme, retries with growing delays, and re-sends on return', async () => {
    // The sign's end reopens quickly, so it is listening before the driver's (slower) retry re-sends.
    const { pair, sim, driver } = await rig({
      driver: { pacing: { ...fast, memoryConfigPauseMs: 400 } },
      sim: { backoff: { initialMs: 10, maxMs: 30 } },
    });
    const statuses: BoardStatus[] = [];
    driver.on('status', (s) => statuses.push(s));
    const one = picture(4, 1);
    const two = picture(11, 8);
    const configured = waitForEvent(
      sim,
      'command',
      (c: { command: { kind: string } }) => c.command.kind === 'memory-config',
    );
    const shown = driver.show(programme('during-outage', one, two));
    await configured;
    // The driver is inside the 400 ms pause after the memory configuration: pull the cable now.
    const offline = waitForEvent<[BoardStatus]>(driver, 'status', (s) => s.state === 'offline');
    await pair.kill();
    await offline;
    const failures = waitForEvent<[BoardStatus]>(
      driver,
      'status',
      () => statuses.filter((s) => s.lastError?.code === 'open-failed').length >= 4,
    );
    await failures;
    await pair.start();

    expect(await shown).toEqual({ delivered: true, programmeId: 'during-outage' });
    await seenAll(sim, [one, two]);
    expect(driver.status()).toMatchObject({ state: 'online', reconnects: 1, deliveredProgrammeId: 'during-outage' });

    // Backoff: each failed reopen waited longer than the one before.
    const at = [...new Set(statuses.filter((s) => s.lastError?.code === 'open-failed').map((s) => s.lastError!.at))];
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThan(gaps[i - 1]!);
  });

  it('keeps decoding after garbage and a corrupted packet on the line', async () => {
    const { pair, sim, driver } = await rig();
    const one = picture(0, 3);
    await driver.show(programme('before', one));
    await seenAll(sim, [one]);

    // Inject through the same (shared) port, so the noise lands between the driver's packets.
    const line = acquireTransport({ path: pair.a });
    const corrupted = encodePacket([writeStringBlock('B', 'AB')]);
    corrupted[corrupted.length - 7]! ^= 0x01;
    const noise = Uint8Array.of(0x55, 0xaa, 0x01, 0x5a, 0x30, 0x30, 0x02, 0x49, 0x31, 0x03, 0xff, 0x7e);
    const checksumError = waitForEvent(sim, 'checksum-error');
    await line.write({ parts: [noise, corrupted, noise] });
    await checksumError;
    await releaseTransport(line);

    const two = picture(5, 2);
    await driver.show(programme('after', two));
    await seenAll(sim, [two]);
    expect(sim.stats.garbageBytes).toBeGreaterThan(0);
    expect(sim.stats.truncated).toBeGreaterThan(0);
    expect(sim.stats.checksumErrors).toBe(1);
    // The first picture stays loaded in slot 1; the new one takes the next free slot.
    expect(sim.model.files.get('1')).toMatchObject({ bitmap: one });
    expect(sim.model.files.get('2')).toMatchObject({ bitmap: two });
  });

  it('delivers a long programme to a slow reader by waiting on drain', async () => {
    const { sim, driver } = await rig({ sim: { readDelayMs: 15 } });
    const pictures = Array.from({ length: 12 }, (_, i) => picture(i, 1 + (i % 8)));
    const ran = waitForEvent(sim, 'command', (c: { command: { kind: string } }) => c.command.kind === 'run-sequence');
    const result = await driver.show(programme('long', ...pictures));
    expect(result.delivered).toBe(true);
    await ran;
    for (const [i, b] of pictures.entries()) expect(sim.model.files.get(DOTS_LABELS[i]!)).toMatchObject({ bitmap: b });
    expect(sim.stats.checksumErrors).toBe(0);
  });

  it('reports a write that never drains as a write timeout', async () => {
    // Nobody reads the other end: socat's and the kernel's buffers fill, then the writes stall.
    const { driver } = await rig({
      openSim: false,
      driver: { baudRate: 115200, picturePool: 40, transport: { backoff, writeTimeoutMs: 300 } },
    });
    const pictures = Array.from({ length: 40 }, (_, i) => picture(i, 1 + (i % 8)));
    const timedOut = waitForEvent<[BoardStatus]>(
      driver,
      'status',
      (s) => s.lastError?.code === 'write-timeout',
      15_000,
    );
    void driver.show(programme('stalls', ...pictures));
    const [st] = await timedOut;
    expect(st.state).toBe('error');
  });

  it('reports a missing port as offline without throwing, and comes online when it appears', async () => {
    const pair = await createPtyPair();
    cleanups.push(() => pair.close());
    await pair.kill();
    const driver = new AlphaDriver({ port: pair.a, size, pacing: fast, transport: { backoff } });
    cleanups.push(() => driver.close());
    await driver.open();
    expect(driver.status()).toMatchObject({ state: 'offline', lastError: { code: 'open-failed' } });
    const online = waitForEvent<[BoardStatus]>(driver, 'status', (s) => s.state === 'online');
    await pair.start();
    await online;
  });
});
