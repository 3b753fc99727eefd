/** The `led-sim` command line, run as its own process on a socat pty pair. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createBitmap } from '@bangtin/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { AlphaDriver } from '../alpha/driver';
import { BxDriver } from '../bx/driver';
import { createPtyPair } from '../testing/pty-pair';
import { pngToBitmap } from './render';

const root = fileURLToPath(new URL('../../../../../', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
const main = fileURLToPath(new URL('./main.ts', import.meta.url));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function run(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(tsx, [main, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

describe('led-sim command', () => {
  it('writes what the board shows as a PNG and as ASCII art', async () => {
    const pair = await createPtyPair();
    cleanups.push(() => pair.close());
    const png = join(pair.dir, 'board.png');
    const sim = run([
      '--port',
      pair.b,
      '--protocol',
      'alpha',
      '--size',
      '32x8',
      '--png',
      png,
      '--scale',
      '3',
      '--hold-ms',
      '200',
      '--address',
      '00',
    ]);
    cleanups.push(async () => {
      sim.child.kill('SIGTERM');
      await sim.exited;
    });

    const picture = createBitmap(32, 8);
    for (let x = 0; x < 32; x++) picture.data[(x % 8) * 32 + x] = 2;
    const driver = new AlphaDriver({
      port: pair.a,
      size: { width: 32, height: 8 },
      pacing: { interPacketMs: 5, dotsSizePauseMs: 5, memoryConfigPauseMs: 20 },
      // The simulator may start listening halfway through a programme: always send it whole.
      layoutTrustMs: 0,
    });
    cleanups.push(() => driver.close());
    await driver.open();
    // The simulator process may still be starting: send until it has drawn the picture.
    const drawn = (): boolean =>
      existsSync(png) && pngToBitmap(readFileSync(png), { scale: 3 }).data.join('') === picture.data.join('');
    for (let i = 0; !drawn(); i++) {
      if (i % 20 === 0) await driver.show({ id: `p${i}`, frames: [{ bitmap: picture, durationMs: 1000 }] });
      if (i > 150) throw new Error(`no matching PNG after ${i} tries; output:\n${sim.output()}`);
      await sleep(50);
    }
    expect(pngToBitmap(readFileSync(png), { scale: 3 })).toEqual(picture);
    expect(sim.output()).toContain('#.......');
  });

  it('acts as a BX card on a TCP port: ACKs the driver and writes the PNG and ASCII art of what is lit', async () => {
    const free = net.createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', () => r()));
    const port = (free.address() as net.AddressInfo).port;
    await new Promise<void>((r) => free.close(() => r()));
    const dir = mkdtempSync(join(tmpdir(), 'bx-sim-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const png = join(dir, 'bx.png');
    const ascii = join(dir, 'bx.txt');
    const sim = run([
      '--protocol',
      'bx',
      '--card',
      'bx-5e1',
      '--tcp',
      `127.0.0.1:${port}`,
      '--size',
      '32x8',
      '--png',
      png,
      '--ascii',
      ascii,
      '--scale',
      '2',
    ]);
    cleanups.push(async () => {
      sim.child.kill('SIGTERM');
      await sim.exited;
    });
    const picture = createBitmap(32, 8);
    for (let x = 0; x < 32; x++) picture.data[(x % 8) * 32 + x] = 1;
    const driver = new BxDriver({
      card: 'bx-5e1',
      size: { width: 32, height: 8 },
      tcp: { host: '127.0.0.1', port },
      replyTimeoutMs: 500,
      transport: { backoff: { initialMs: 50, maxMs: 200 } },
    });
    cleanups.push(() => driver.close());
    await driver.open();
    const result = await driver.show({ id: 'p', frames: [{ bitmap: picture, durationMs: 1000 }] });
    expect(result.delivered).toBe(true);
    for (let i = 0; !existsSync(png); i++) {
      if (i > 100) throw new Error(`no PNG; output:\n${sim.output()}`);
      await sleep(50);
    }
    expect(pngToBitmap(readFileSync(png), { scale: 2 })).toEqual(picture);
    expect(readFileSync(ascii, 'utf8')).toContain('#.......');
  });

  it('refuses bad arguments with exit code 2', async () => {
    const sim = run(['--size', '96x16']);
    expect(await sim.exited).toBe(2);
    expect(sim.output()).toContain('--port is required');
    const bx = run(['--protocol', 'bx', '--tcp', '127.0.0.1:5005']);
    expect(await bx.exited).toBe(2);
    expect(bx.output()).toContain('--card is required');
    const q = run(['--protocol', 'bx', '--card', 'bx-6q1', '--port', '/dev/null']);
    expect(await q.exited).toBe(2);
    expect(q.output()).toContain('has no serial port');
  });
});
