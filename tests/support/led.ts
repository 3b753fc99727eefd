import { afterEach } from 'vitest';
import { bitmapsEqual } from '@bangtin/shared';
import { type BoardSimulator, createBoardSimulator } from '../../apps/player/src/led';
import { createPtyPair, type PtyPair } from '../../apps/player/src/led/testing/pty-pair';
import type { renderForBoard } from '../../apps/player/src/runtime/led-outputs';
import { Api } from './api';
import { type ControllerProc, type Proc, startControllerProcess, tmpDir } from './processes';

/** The boards these tests simulate: one 96×16 sign, the common roadside size. */
export const BOARD_SIZE = { width: 96, height: 16 };

/** True when the sign's pages are exactly the frames, in order. */
export function showsExactly(sim: BoardSimulator, frames: ReturnType<typeof renderForBoard>): boolean {
  const pages = sim.model.pages();
  return pages.length === frames.length && pages.every((p, i) => bitmapsEqual(p.bitmap, frames[i]!.bitmap));
}

/**
 * What an LED test sets up, torn down after each test: processes (SIGKILL), then the board
 * simulators, then the socat pty pairs between them. Call at the top of a test file.
 */
export function useLedBench() {
  const procs: Proc[] = [];
  const pairs: PtyPair[] = [];
  const sims: BoardSimulator[] = [];
  afterEach(async () => {
    await Promise.all(procs.splice(0).map((p) => p.kill9()));
    await Promise.all(sims.splice(0).map((s) => s.close()));
    await Promise.all(pairs.splice(0).map((p) => p.close()));
  });
  return {
    track<P extends Proc>(proc: P): P {
      procs.push(proc);
      return proc;
    },
    /** A real controller on a fresh data folder (`<prefix>-…`), and its API signed in as admin. */
    async startController(prefix: string): Promise<{ controller: ControllerProc; api: Api }> {
      const controller = await startControllerProcess({ dataDir: tmpDir(prefix) });
      procs.push(controller);
      return { controller, api: await new Api(controller.url).login('admin', 'mat-khau-thu-nghiem') };
    },
    /** A serial cable: the player opens `a`, a board simulator `b`. */
    async ptyPair(): Promise<PtyPair> {
      const pair = await createPtyPair();
      pairs.push(pair);
      return pair;
    },
    /** A 96×16 board simulator listening on `path`, quick to notice the port coming and going. */
    async openSim(path: string): Promise<BoardSimulator> {
      const sim = createBoardSimulator({ path, size: BOARD_SIZE, pageHoldMs: 500, presenceCheckMs: 100 });
      sims.push(sim);
      await sim.open();
      return sim;
    },
  };
}
