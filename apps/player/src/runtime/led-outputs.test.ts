/**
 * LED outputs of the player: `--output` flags, merging with the controller's boards, and an output that
 * drives a simulated board over a real socat pty pair, crediting only plays whose picture arrived.
 */
import { bitmapsEqual, type LedOutputConfig, type PlayPosition, type Proof } from '@bangtin/shared';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createBoardSimulator } from '../led/sim/simulator';
import { createPtyPair } from '../led/testing/pty-pair';
import { checkOutputs, parseOutputFlag, PlayerConfigError, readPlayerConfig } from './config';
import { createLedOutput, mergeOutputConfigs, renderForBoard } from './led-outputs';
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

  it('refuses bad boards naming the flag and the key', () => {
    expect(configError(() => parseOutputFlag('led,protocol=alpha,size=96x16'))).toMatch(/^--output #1 .*: port: /);
    expect(configError(() => parseOutputFlag('led,port=/dev/x,size=96by16', 2))).toMatch(
      /^--output #3 \(led,port=\/dev\/x,size=96by16\): size: must look like 96x16/,
    );
    expect(configError(() => parseOutputFlag('led,port=/dev/x,baud=1234'))).toMatch(/: baud: must be one of/);
    expect(configError(() => parseOutputFlag('led,port=/dev/x,address=G0'))).toMatch(/: address: must be two hex/);
    expect(configError(() => parseOutputFlag('led,port=/dev/x,protocol=bx'))).toMatch(/: protocol: /);
    expect(configError(() => parseOutputFlag('led,port=/dev/x,speed=9600'))).toMatch(/: speed: unknown key/);
    expect(configError(() => parseOutputFlag('led,port=/dev/x,port=/dev/y'))).toMatch(/: port: given twice/);
    expect(configError(() => parseOutputFlag('screen,port=/dev/x'))).toMatch(/must start with "led,"/);
    expect(
      configError(() => readPlayerConfig([...base, '--output', 'led,port=/dev/a', '--output', 'led,port=/dev/a'], {})),
    ).toMatch(/^--output #2: name: a is used twice/);
    expect(
      configError(() =>
        checkOutputs([parseOutputFlag('led,port=/dev/a,name=x'), parseOutputFlag('led,port=/dev/a,name=y,baud=19200')]),
      ),
    ).toMatch(/^--output #2: baud: boards on \/dev\/a must share one baud rate/);
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

describe('an LED output on a serial port', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  let n = 0;
  function play(text: string): { pos: PlayPosition; play: CurrentPlay } {
    n++;
    const id = `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`;
    const now = Date.now();
    const pos = { content: { id, type: 'slogan', text, title: null } } as unknown as PlayPosition;
    const cur: CurrentPlay = {
      proofId: `0190a000-0000-7000-9000-${String(n).padStart(12, '0')}`,
      contentId: id,
      playlistId: id,
      scheduleId: id,
      slotStart: now,
      slotEnd: now + 5000,
      startedAt: now,
      deviceStartedAt: now,
      clockOffsetMs: 0,
    };
    return { pos, play: cur };
  }
  const proofOf = (p: CurrentPlay): Proof => ({ id: p.proofId }) as Proof;

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
    expect(out.keepProof!(proofOf(first.play))).toBe(true);

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
