/**
 * LED boards as player outputs: each board renders the slogan of the current play with `renderSlogan`
 * for its own size (the same pixels as the admin preview), compiles it for its protocol and sends it.
 *
 * Proofs: a play on a board counts as aired only if, at some moment while it was current, the board was
 * online and the last programme fully written to it was this play's picture. The sign keeps its memory
 * when a cable is pulled, so "online and delivered" is the strongest evidence the host can have; a play
 * that spans only an outage gets no proof (counted in `undeliveredPlays` in the board status instead).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import {
  DeviceConfigSchema,
  type LedOutputConfig,
  type OutputStatus,
  type PlayPosition,
  type Proof,
  renderSlogan,
  type RenderOptions,
} from '@bangtin/shared';
import { AlphaDriver, type AlphaPacing } from '../led/alpha/driver';
import { DOTS_LABELS } from '../led/alpha/programme';
import { type BoardSize, type LedProgramme, parseBoardSize, type ShowResult } from '../led/driver';
import type { BackoffOptions } from '../led/transport';
import type { CurrentPlay } from './playback';
import type { OutputSpec } from './player';

/**
 * Options of `renderSlogan` for serial boards. Only `maxFrames` differs from the defaults, so static and
 * paged slogans are pixel for pixel the default preview. A scrolling slogan is sent as one DOTS picture
 * per frame (about 1.6 kB each on a 96×16 board, 1.7 s at 9600 baud) and the sign holds each for its own
 * page time, so fewer, coarser steps are the only way a long slogan reaches the board within one play.
 * A preview of a serial board must pass these options to show the board's exact pixels.
 */
export const LED_RENDER_OPTIONS: RenderOptions = { maxFrames: Math.min(16, DOTS_LABELS.length) };

/** The frames a board of this size shows for a slogan: what the end-to-end test compares with. */
export function renderForBoard(text: string, size: BoardSize): LedProgramme['frames'] {
  return renderSlogan(text, { width: size.width, height: size.height }, LED_RENDER_OPTIONS).frames;
}

/** FNV-1a: a short, stable programme id per text, so an edited slogan is re-sent. */
function textHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

export interface LedOutputOptions {
  log: Logger;
  /** Shorter pauses for tests and benchmarks; the defaults are what real Alpha signs need. */
  pacing?: Partial<AlphaPacing>;
  backoff?: Partial<BackoffOptions>;
  presenceCheckMs?: number;
}

export interface LedOutput extends OutputSpec {
  readonly config: LedOutputConfig;
  readonly driver: AlphaDriver;
  /** Starts using the port; resolves even when it is missing (the board is then offline and retried). */
  open(): Promise<void>;
  close(): Promise<void>;
}

export function createLedOutput(config: LedOutputConfig, opts: LedOutputOptions): LedOutput {
  const id = `led:${config.name}`;
  const size = parseBoardSize(config.size);
  const log = opts.log.child({ output: id });
  const driver = new AlphaDriver({
    port: config.port,
    baudRate: config.baud,
    address: config.address,
    size,
    logger: log,
    ...(opts.pacing ? { pacing: opts.pacing } : {}),
    ...(opts.backoff || opts.presenceCheckMs !== undefined
      ? {
          transport: {
            ...(opts.backoff ? { backoff: opts.backoff } : {}),
            ...(opts.presenceCheckMs !== undefined ? { presenceCheckMs: opts.presenceCheckMs } : {}),
          },
        }
      : {}),
  });

  const programmes = new Map<string, LedProgramme>();
  /** The play on the board now and the programme it needs. */
  let current: { play: CurrentPlay; programmeId: string } | null = null;
  /** Programme the driver was last told to show; a repeated play of it is not sent again. */
  let requested: string | null = null;
  const credited = new Set<string>();
  let undeliveredPlays = 0;
  let renderError: { code: string; message: string; at: number } | null = null;

  function programmeFor(contentId: string, text: string): LedProgramme {
    const key = `${contentId}:${textHash(text)}`;
    let p = programmes.get(key);
    if (!p) {
      const r = renderSlogan(text, { width: size.width, height: size.height }, LED_RENDER_OPTIONS);
      for (const w of r.fit.warnings) log.warn({ contentId, warning: w }, 'slogan does not fit the board well');
      p = { id: key, frames: r.frames, text: { content: text } };
      // Bounded: a bundle has a few hundred slogans at most; a long-running player must not grow forever.
      if (programmes.size >= 500) programmes.delete(programmes.keys().next().value!);
      programmes.set(key, p);
    }
    return p;
  }

  /** Credits the current play when the board is online and holds its picture. */
  function credit(): void {
    if (!current) return;
    const st = driver.status();
    if (st.state !== 'offline' && st.deliveredProgrammeId === current.programmeId) credited.add(current.play.proofId);
  }

  let watcher: (() => void) | null = null;
  driver.on('status', () => {
    credit();
    watcher?.();
  });

  const output: LedOutput = {
    id,
    accepts: ['slogan'],
    config,
    driver,
    open: async () => {
      await driver.open();
      // Alpha signs show the time in some programmes and drift; the driver re-sends it after a reconnect.
      void driver.setClock(new Date()).catch((err: Error) => log.debug({ err: err.message }, 'clock not set'));
    },
    show(pos: PlayPosition | null, play: CurrentPlay | null) {
      if (!pos || !play || pos.content.type !== 'slogan') {
        current = null;
        if (requested !== null) {
          requested = null;
          void driver.clear().catch((err: Error) => log.warn({ err: err.message }, 'clearing the board failed'));
        }
        return;
      }
      let programme: LedProgramme;
      try {
        programme = programmeFor(pos.content.id, pos.content.text);
      } catch (err) {
        renderError = { code: 'render-failed', message: (err as Error).message, at: Date.now() };
        log.error({ err, contentId: pos.content.id }, 'cannot render the slogan for this board');
        current = null;
        return;
      }
      current = { play, programmeId: programme.id };
      if (requested === programme.id) {
        credit();
        return;
      }
      let sent: Promise<ShowResult>;
      try {
        sent = driver.show(programme);
      } catch (err) {
        // Compiling refused it (too many pictures, a colour the protocol lacks): the board keeps its old picture.
        renderError = { code: 'compile-failed', message: (err as Error).message, at: Date.now() };
        log.error({ err, contentId: pos.content.id }, 'cannot compile the slogan for this board');
        requested = null;
        return;
      }
      requested = programme.id;
      renderError = null;
      void sent.then((r) => {
        if (r.delivered) credit();
      });
    },
    keepProof(proof: Proof) {
      if (credited.delete(proof.id)) return true;
      undeliveredPlays++;
      return false;
    },
    status(): OutputStatus {
      const st = driver.status();
      const lastError =
        renderError && (!st.lastError || renderError.at >= st.lastError.at) ? renderError : st.lastError;
      return {
        id,
        kind: 'led',
        state: renderError && st.state === 'online' ? 'error' : st.state,
        lastWriteAt: st.lastWriteAt,
        lastError,
        protocol: config.protocol,
        port: config.port,
        address: config.address,
        programmeId: st.programmeId,
        deliveredProgrammeId: st.deliveredProgrammeId,
        undeliveredPlays,
      };
    },
    watchStatus(notify: () => void) {
      // One listener at a time: the output outlives a player restarted for a new board list.
      watcher = notify;
    },
    close: () => driver.close(),
  };
  return output;
}

/**
 * The boards a player drives: its own `--output` flags, plus the controller's boards whose names the
 * flags do not use ("the controller's config wins only where the local one is absent"). A controller
 * board on a port a local board uses at another baud rate is skipped: one bus has one speed.
 */
export function mergeOutputConfigs(
  local: readonly LedOutputConfig[],
  remote: readonly LedOutputConfig[],
): { outputs: LedOutputConfig[]; skipped: { name: string; reason: string }[] } {
  const outputs = [...local];
  const skipped: { name: string; reason: string }[] = [];
  for (const r of remote) {
    if (outputs.some((o) => o.name === r.name)) {
      if (!local.some((o) => o.name === r.name)) skipped.push({ name: r.name, reason: 'name given twice' });
      continue;
    }
    const clash = outputs.find((o) => o.port === r.port && o.baud !== r.baud);
    if (clash) {
      skipped.push({ name: r.name, reason: `${r.port} already runs at ${clash.baud} baud for ${clash.name}` });
      continue;
    }
    outputs.push(r);
  }
  return { outputs, skipped };
}

/** A stable key of a board list, to tell whether a new controller config changes anything. */
export function outputsKey(outputs: readonly LedOutputConfig[]): string {
  return JSON.stringify(outputs.map((o) => [o.name, o.protocol, o.port, o.baud, o.size, o.address]));
}

const CONFIG_FILE = 'device-config.json';

/** The controller's boards as last received, so a player starting offline drives them too. */
export function readCachedDeviceConfig(dataDir: string): LedOutputConfig[] {
  try {
    const raw: unknown = JSON.parse(fs.readFileSync(path.join(dataDir, CONFIG_FILE), 'utf8'));
    const parsed = DeviceConfigSchema.safeParse(raw);
    return parsed.success ? parsed.data.outputs : [];
  } catch {
    return [];
  }
}

export function writeCachedDeviceConfig(dataDir: string, outputs: readonly LedOutputConfig[]): void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, CONFIG_FILE);
  // Written aside and renamed: a power cut mid-write must not leave a half file.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify({ outputs }, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}
