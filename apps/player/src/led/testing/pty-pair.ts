/**
 * A pair of linked pseudo-terminals from socat, so tests and the demo drive real serial ports:
 * bytes written to `a` come out of `b` and back. `kill()` removes both ends (like pulling a USB adapter),
 * `start()` brings them back under the same paths.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PtyPair {
  /** Stable paths (symlinks) of the two ends. */
  readonly a: string;
  readonly b: string;
  readonly dir: string;
  readonly running: boolean;
  /** Starts socat (again) and waits until both links exist. */
  start(): Promise<void>;
  /** Stops socat and makes sure both links are gone. */
  kill(): Promise<void>;
  /** Stops socat and removes the folder. */
  close(): Promise<void>;
}

export interface PtyPairOptions {
  /** Folder for the links; a fresh temporary one by default. */
  dir?: string;
  /** How long to wait for socat to create the links. */
  startTimeoutMs?: number;
}

export async function createPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'bangtin-pty-'));
  const a = join(dir, 'A');
  const b = join(dir, 'B');
  const startTimeoutMs = options.startTimeoutMs ?? 5000;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let stderr = '';

  const removeLinks = (): void => {
    for (const p of [a, b]) {
      try {
        unlinkSync(p);
      } catch {
        // Already gone: socat removes its links when it exits cleanly.
      }
    }
  };

  const pair: PtyPair = {
    a,
    b,
    dir,
    get running() {
      return child !== null;
    },
    async start() {
      if (child) return;
      removeLinks();
      stderr = '';
      const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      child = proc;
      const spawnError = new Promise<Error>((resolve) => proc.once('error', resolve));
      const deadline = Date.now() + startTimeoutMs;
      while (!(existsSync(a) && existsSync(b))) {
        const failed = await Promise.race([spawnError, sleep(20).then(() => null)]);
        if (failed || proc.exitCode !== null || Date.now() > deadline) {
          child = null;
          proc.kill('SIGKILL');
          throw new Error(`socat did not create ${a} and ${b}: ${failed?.message ?? stderr.trim()}`);
        }
      }
    },
    async kill() {
      const proc = child;
      child = null;
      if (proc && proc.exitCode === null) {
        proc.kill('SIGTERM');
        await exited;
      }
      removeLinks();
    },
    async close() {
      await pair.kill();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  await pair.start();
  return pair;
}
