/**
 * LED outputs of the player: `--output` flags, merging with the controller's boards, and an output that
 * drives a simulated board over a real socat pty pair, crediting only plays whose picture arrived.
 */
import { bitmapsEqual, type LedOutputConfig, type PlayPosition, type Proof } from '@bangtin/shared';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createBoardSimulator } from '../led/sim/simulator';
import { createPtyPair } from '../led/testing/pty-pair';
import { vnTime } from '../led/testing/vn-time';
import { checkOutputs, parseOutputFlag, PlayerConfigError, readPlayerConfig } from './config';
import { createLedOutput, LedBoardSet, type LedOutput, mergeOutputConfigs, renderForBoard } from './led-outputs';
import type { CurrentPlay } from './playback';

const TOKEN = 'dev_0123456789abcdef0123';
const base = ['--headless', '--controller', 'http://127.0.0.1:8080', '--token', TOKEN];

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PlayerConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a configuration error');
}

/** A finished play's proof, as Playback would write it (a minute long). */
const proofOf = (p: CurrentPlay): Proof =>
  ({
    id: p.proofId,
    startedAt: p.startedAt,
    endedAt: p.startedAt + 60_000,
    deviceStartedAt: p.deviceStartedAt,
    clockOffsetMs: p.clockOffsetMs,
  }) as Proof;

describe('--output flags', () => {
  it('parses a board with defaults and names it after its port', () => {
    expect(parseOutputFlag('led,protocol=alpha,port=/dev/ttyUSB0,baud=9600,size=96x16,address=00')).toEqual({
      name: 'ttyUSB0',
      protocol: 'alpha',
      port: '/dev/ttyUSB0',
      baud: 9600,
      size: '96x16',
      address: '00',
    });
    expect(parseOutputFlag('led,port=/dev/ttyS1,address=1f,size=128x32')).toMatchObject({
      name: 'ttyS1-1F',
      address: '1F',
      baud: 9600,
      size: '128x32',
    });
    const cfg = readPlayerConfig(
      [...base, '--output', 'led,port=/dev/ttyUSB0,name=cong', '--output', 'led,port=/dev/ttyUSB0,address=02'],
      {},
    );
    expect(cfg.outputs.map((o) => o.name)).toEqual(['cong', 'ttyUSB0-02']);
    expect(readPlayerConfig(base, {}).outputs).toEqual([]);
  });

  it('takes BX and Huidu cards over TCP or serial, with their own defaults', () => {
    expect(parseOutputFlag('led,protocol=bx,card=bx-5e1,tcp=192.168.1.50:5005,size=128x32')).toEqual({
      name: '192_168_1_50_5005',
      protocol: 'bx',
      card: 'bx-5e1',
      tcp: '192.168.1.50:5005',
      baud: 57600,
      size: '128x32',
      address: '1',
    });
    expect(
      parseOutputFlag('led,protocol=bx,card=bx-6e2,port=/dev/ttyUSB1,address=3,colour=tri,name=san'),
    ).toMatchObject({
      name: 'san',
      port: '/dev/ttyUSB1',
      address: '3',
      colour: 'tri',
    });
    expect(parseOutputFlag('led,protocol=huidu,tcp=[fd00::5]:10001,name=hd')).toMatchObject({
      protocol: 'huidu',
      tcp: '[fd00::5]:10001',
    });
  });

  it('takes a daily power window and brightness steps', () => {
    expect(parseOutputFlag('led,port=/dev/ttyS0,power=18:00-06:00,brightness=06:00@100+18:00:30@40')).toMatchObject({
      power: { on: '18:00', off: '06:00' },
      brightness: [
        { at: '06:00', percent: 100 },
        { at: '18:00:30', percent: 40 },
      ],
    });
  });

  it('refuses bad boards naming the flag and the key', () => {
    expect(configError(() => parseOutputFlag('led,protocol=alpha,size=96x16'))).toMatch(/^--output #1 .*: port: /);
    expect(configError(() => parseOutputFlag('led,port=/dev/ttyX,size=96by16', 2))).toMatch(
      /^--output #3 \(led,port=\/dev\/ttyX,size=96by16\): size: must look like 96x16/,
    );
    expect(configError(() => parseOutputFlag('led,port=/dev/ttyX,baud=1234'))).toMatch(/: baud: must be one of/);
    expect(configError(() => parseOutputFlag('led,port=/dev/ttyX,address=G0'))).toMatch(/: address: must be two hex/);
    expect(configError(() => parseOutputFlag('led,port=/dev/ttyX,protocol=vga'))).toMatch(/: protocol: /);
    expect(configError(() => parseOutputFlag('led,port=/dev/ttyX,protocol=bx'))).toMatch(/: card: is required for BX/);
    expect(configError(() => parseOutputFlag('led,protocol=bx,card=bx-6q1,port=/dev/ttyX'))).toMatch(
      /: port: bx-6q1 has no serial port/,
    );
    expect(configError(() => parseOutputFlag('led,protocol=bx,card=bx-5e1,tcp=10.0.0.5'))).toMatch(
      /: tcp: must look like HOST:PORT/,
    );
    expect(configError(() => parseOutputFlag('led,protocol=bx,card=bx-5e1,tcp=10.0.0.5:5005,address=0'))).toMatch(
      /: address: must be the BX screen number/,
    );
    expect(configError(() => parseOutputFlag('led,protocol=huidu,port=/dev/ttyX'))).toMatch(/: tcp: is required/);
    expect(configError(() => parseOutputFlag('led,protocol=alpha,tcp=1.2.3.4:5'))).toMatch(/: port: is required/);
    // A path pushed from the controller can only name a serial device, never a file.
    for (const bad of ['/etc/passwd', '/dev/sda', '../../dev/ttyUSB0', '/home/x/bangtin-pty-1/C'])
      expect(configError(() => parseOutputFlag(`led,port=${bad}`))).toMatch(/: port: must be a serial device/);
    for (const good of [
      '/dev/ttyUSB0',
      '/dev/serial/by-id/usb-FTDI_FT232R-if00-port0',
      'COM3',
      '/dev/pts/4',
      '/tmp/bangtin-pty-ab12/A',
    ])
      expect(parseOutputFlag(`led,port=${good}`).port).toBe(good);
    expect(configError(() => parseOutputFlag('led,port=/dev/ttyX,speed=9600'))).toMatch(/: speed: unknown key/);
    expect(configError(() => parseOutputFlag('led,port=/dev/ttyX,port=/dev/ttyY'))).toMatch(/: port: given twice/);
    expect(configError(() => parseOutputFlag('screen,port=/dev/ttyX'))).toMatch(/must start with "led,"/);
    expect(configError(() => parseOutputFlag('led,port=/dev/ttyX,power=06:00'))).toMatch(
      /: power: must look like 06:00-22:00/,
    );
    expect(configError(() => parseOutputFlag('led,port=/dev/ttyX,power=06:00-25:00'))).toMatch(
      /: power\.off: must be a 24-hour time/,
    );
    expect(configError(() => parseOutputFlag('led,port=/dev/ttyX,power=06:00-06:00'))).toMatch(
      /: power\.off: on and off must differ/,
    );
    expect(configError(() => parseOutputFlag('led,port=/dev/ttyX,brightness=06:00@140'))).toMatch(
      /: brightness\.0\.percent: /,
    );
    expect(configError(() => parseOutputFlag('led,port=/dev/ttyX,brightness=06:00'))).toMatch(
      /: brightness\.0: must look like 06:00@100\+18:00@40/,
    );
    expect(
      configError(() =>
        readPlayerConfig([...base, '--output', 'led,port=/dev/ttyA', '--output', 'led,port=/dev/ttyA'], {}),
      ),
    ).toMatch(/^--output #2: name: ttyA is used twice/);
    expect(
      configError(() =>
        checkOutputs([
          parseOutputFlag('led,port=/dev/ttyA,name=x'),
          parseOutputFlag('led,port=/dev/ttyA,name=y,baud=19200'),
        ]),
      ),
    ).toMatch(/^--output #2: baud: boards on \/dev\/ttyA must share one baud rate/);
  });
});

describe('merging local and controller boards', () => {
  const board = (name: string, port: string, baud = 9600): LedOutputConfig => ({
    name,
    protocol: 'alpha',
    port,
    baud,
    size: '96x16',
    address: '00',
  });

  it('keeps every local board and adds controller boards only where the name is free', () => {
    const local = [board('cong', '/dev/ttyUSB0')];
    const remote = [board('cong', '/dev/ttyUSB9'), board('san', '/dev/ttyUSB1')];
    expect(mergeOutputConfigs(local, remote)).toEqual({
      outputs: [board('cong', '/dev/ttyUSB0'), board('san', '/dev/ttyUSB1')],
      skipped: [],
    });
  });

  it('skips a controller board that would run a local bus at another speed', () => {
    const r = mergeOutputConfigs([board('cong', '/dev/ttyUSB0')], [board('san', '/dev/ttyUSB0', 19200)]);
    expect(r.outputs.map((o) => o.name)).toEqual(['cong']);
    expect(r.skipped).toEqual([{ name: 'san', reason: '/dev/ttyUSB0 already runs at 9600 baud for cong' }]);
  });
});

/**
 * A 5 s play of slogan `contentId` starting now, as the playback engine hands it to the outputs;
 * `n` numbers its proof, so each call is a new play.
 */
function sloganPlay(contentId: string, text: string, n: number): { pos: PlayPosition; play: CurrentPlay } {
  const now = Date.now();
  return {
    pos: { content: { id: contentId, type: 'slogan', text, title: null } } as unknown as PlayPosition,
    play: {
      proofId: `0190a000-0000-7000-9000-${String(n).padStart(12, '0')}`,
      contentId,
      playlistId: contentId,
      scheduleId: contentId,
      slotStart: now,
      slotEnd: now + 5000,
      startedAt: now,
      deviceStartedAt: now,
      clockOffsetMs: 0,
    },
  };
}

describe('an LED output on a serial port', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  let n = 0;
  function play(text: string): { pos: PlayPosition; play: CurrentPlay } {
    n++;
    return sloganPlay(`0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`, text, n);
  }

  it('shows the rendered slogan, credits delivered plays only, and reports the board going offline', async () => {
    const pair = await createPtyPair();
    cleanups.push(() => pair.close());
    const size = { width: 96, height: 16 };
    const sim = createBoardSimulator({ path: pair.b, size, pageHoldMs: 100, backoff: { initialMs: 40, maxMs: 200 } });
    cleanups.push(() => sim.close());
    await sim.open();
    const out = createLedOutput(
      { name: 'cong', protocol: 'alpha', port: pair.a, baud: 9600, size: '96x16', address: '00' },
      {
        log: pino({ level: 'silent' }),
        pacing: { interPacketMs: 5, dotsSizePauseMs: 5, memoryConfigPauseMs: 20 },
        backoff: { initialMs: 40, maxMs: 200 },
        presenceCheckMs: 50,
      },
    );
    cleanups.push(() => out.close());
    let notified = 0;
    out.watchStatus!(() => notified++);
    await out.open();
    expect(out.id).toBe('led:cong');
    expect(out.accepts).toEqual(['slogan']);

    const text = 'Đóng BHXH đầy đủ – hưởng quyền lợi trọn vẹn'.normalize('NFC');
    const expected = renderForBoard(text, size);
    const first = play(text);
    out.show!(first.pos, first.play);
    await expect
      .poll(
        () =>
          sim.model.pages().length === expected.length &&
          sim.model.pages().every((p, i) => bitmapsEqual(p.bitmap, expected[i]!.bitmap)),
        { timeout: 8000 },
      )
      .toBe(true);
    await expect.poll(() => out.status!().deliveredProgrammeId?.startsWith(first.pos.content.id)).toBe(true);
    const shownAt = await out.whenShown!(first.play);
    const firstProof = out.keepProof!(proofOf(first.play));
    // The proof starts when the last byte reached the board, not when the player decided to show it.
    expect(firstProof).toMatchObject({ startedAt: shownAt });
    expect(shownAt).toBeGreaterThan(first.play.startedAt);
    expect(shownAt).toBe(out.driver.status().deliveredAt);

    // The same slogan again: already on the board, credited without a re-send.
    const written = out.driver.status().bytesWritten;
    const again = play(text);
    again.pos = { ...again.pos, content: first.pos.content };
    out.show!(again.pos, again.play);
    expect(out.keepProof!(proofOf(again.play))).toBe(true);
    expect(out.driver.status().bytesWritten).toBe(written);

    // Cable pulled: a play of another slogan that starts and ends while offline has no proof.
    await sim.close();
    await pair.kill();
    await expect.poll(() => out.status!().state, { timeout: 5000 }).toBe('offline');
    const lost = play('Cài đặt VssID'.normalize('NFC'));
    out.show!(lost.pos, lost.play);
    expect(out.keepProof!(proofOf(lost.play))).toBe(false);
    const st = out.status!();
    expect(st).toMatchObject({ id: 'led:cong', kind: 'led', state: 'offline', undeliveredPlays: 1, port: pair.a });
    expect(st.lastError).not.toBeNull();
    expect(notified).toBeGreaterThan(0);
  });
});

describe('boards over real ptys', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const size = { width: 96, height: 16 };
  const fastOutput = {
    log: pino({ level: 'silent' }),
    pacing: { interPacketMs: 5, dotsSizePauseMs: 5, memoryConfigPauseMs: 20 },
    backoff: { initialMs: 40, maxMs: 200 },
    presenceCheckMs: 50,
  };
  const slogan = 'An sinh xã hội cho mọi người'.normalize('NFC');
  const expected = renderForBoard(slogan, size);
  const showsSlogan = (sim: ReturnType<typeof createBoardSimulator>) =>
    sim.model.pages().length === expected.length &&
    sim.model.pages().every((p, i) => bitmapsEqual(p.bitmap, expected[i]!.bitmap));

  async function board(name: string) {
    const pair = await createPtyPair();
    cleanups.push(() => pair.close());
    const sim = createBoardSimulator({ path: pair.b, size, pageHoldMs: 100, backoff: { initialMs: 40, maxMs: 200 } });
    cleanups.push(() => sim.close());
    await sim.open();
    const config: LedOutputConfig = { name, protocol: 'alpha', port: pair.a, baud: 9600, size: '96x16', address: '00' };
    return { pair, sim, config };
  }

  let n = 0;
  function slot(): { pos: PlayPosition; play: CurrentPlay } {
    n++;
    return sloganPlay('0190a000-0000-7000-8000-0000000000aa', slogan, n);
  }

  it('applies board lists one at a time, latest wins, and every board in place gets the programme', async () => {
    const local = await board('cong');
    const remote = await board('san');
    const events: string[] = [];
    let inChange = 0;
    let maxInChange = 0;
    const set = new LedBoardSet({
      ...fastOutput,
      hooks: {
        // Stopping a player takes a while (its last upload): configs keep arriving meanwhile.
        beforeChange: async () => {
          maxInChange = Math.max(maxInChange, ++inChange);
          events.push('stop');
          await new Promise((r) => setTimeout(r, 30));
        },
        afterChange: (leds: readonly LedOutput[]) => {
          events.push(`start ${leds.map((l) => l.id).join(',')}`);
          // What a new player does first: show the current item on every output.
          const s = slot();
          for (const l of leds) l.show!(s.pos, s.play);
          inChange--;
        },
      },
    });
    cleanups.push(() => set.close());

    // The controller's list arrives while the local board is still opening, then twice more in a burst:
    // one on the remote port at another speed (never applied), then the final one.
    const first = set.set([local.config]);
    const skipped = set.set([local.config, { ...remote.config, baud: 19200, name: 'san-cu' }]);
    const last = set.set([local.config, remote.config]);
    await Promise.all([first, skipped, last]);
    expect(events).toEqual(['stop', 'start led:cong', 'stop', 'start led:cong,led:san']);
    expect(maxInChange).toBe(1);

    await expect.poll(() => showsSlogan(local.sim) && showsSlogan(remote.sim), { timeout: 10_000 }).toBe(true);
    const [cong, san] = set.current();
    // The local board kept its port through the change: opened once, picture not re-sent.
    expect(cong!.driver.status()).toMatchObject({
      reconnects: 0,
      deliveredProgrammeId: expect.stringContaining('0190'),
    });
    expect(san!.status!()).toMatchObject({ state: 'online', port: remote.config.port });

    // The same list again changes nothing; a board taken away and brought back is reopened and shown.
    await set.set([local.config, remote.config]);
    expect(events).toHaveLength(4);
    await set.set([local.config]);
    expect(san!.driver.status().state).toBe('offline');
    await remote.sim.close();
    const sim2 = createBoardSimulator({ path: remote.pair.b, size, pageHoldMs: 100 });
    cleanups.push(() => sim2.close());
    await sim2.open();
    await set.set([local.config, remote.config]);
    await expect.poll(() => showsSlogan(sim2), { timeout: 10_000 }).toBe(true);
    expect(events.slice(4)).toEqual(['stop', 'start led:cong', 'stop', 'start led:cong,led:san']);
    expect(local.sim.stats.checksumErrors + sim2.stats.checksumErrors).toBe(0);
  });

  it('keeps a board dark and dimmed while its power plan says off, with no proofs, and lights it on time', async () => {
    const { sim, config } = await board('cong');
    const now = Date.now();
    // Off since a second ago, on in three seconds; 40 % until then, 100 % after (times in Vietnam).
    const on = vnTime(now + 3000);
    const out = createLedOutput(
      {
        ...config,
        power: { on, off: vnTime(now - 1000) },
        brightness: [
          { at: vnTime(now - 1000), percent: 40 },
          { at: on, percent: 100 },
        ],
      },
      fastOutput,
    );
    cleanups.push(() => out.close());
    await out.open();
    // The state that holds now is applied at once, not at the next firing.
    // The status names the board's size too: the controller lists the sizes in use from it.
    expect(out.status!()).toMatchObject({ power: 'off', brightness: 44, size: config.size });
    await expect.poll(() => sim.model.brightness).toBe(44);

    const dark = slot();
    out.show!(dark.pos, dark.play);
    await new Promise((r) => setTimeout(r, 300));
    expect(sim.model.dark()).toBe(true);
    expect(out.keepProof!({ id: dark.play.proofId } as Proof)).toBe(false);
    expect(out.status!().undeliveredPlays).toBe(1);

    // At the "on" time node-cron fires: full brightness and the current programme, pixel for pixel.
    await expect.poll(() => showsSlogan(sim), { timeout: 8000 }).toBe(true);
    await expect.poll(() => sim.model.brightness).toBe(100);
    expect(out.status!()).toMatchObject({ power: 'on', brightness: 100, state: 'online' });
    // The sign may draw the picture before the driver has finished writing (and recorded) it.
    await expect.poll(() => out.driver.status().deliveredProgrammeId).not.toBeNull();
    const lit = slot();
    out.show!(lit.pos, lit.play);
    expect(out.keepProof!(proofOf(lit.play))).not.toBe(false);

    // A plan taken away lights the board for good; a new plan is applied without reopening the port.
    out.setPlan({ power: { on: vnTime(Date.now() + 3_600_000), off: vnTime(Date.now() - 1000) } });
    await expect.poll(() => sim.model.dark()).toBe(true);
    expect(out.status!().power).toBe('off');
    out.setPlan({});
    await expect.poll(() => showsSlogan(sim), { timeout: 8000 }).toBe(true);
    expect(out.driver.status()).toMatchObject({ power: 'on', reconnects: 0 });
  });
});
