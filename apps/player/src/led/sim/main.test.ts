/** The `led-sim` command line, run as its own process on a socat pty pair. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createBitmap } from '@bangtin/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { AlphaDriver } from '../alpha/driver';
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

  it('refuses bad arguments with exit code 2', async () => {
    const sim = run(['--size', '96x16']);
    expect(await sim.exited).toBe(2);
    expect(sim.output()).toContain('--port is required');
  });
});
