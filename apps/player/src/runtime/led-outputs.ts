/**
 * LED boards as player outputs: each board renders the slogan of the current play with `renderSlogan`
 * for its own size (the same pixels as the admin preview), compiles it for its protocol and sends it.
 *
 * Proofs: a play on a board counts as aired only if, at some moment while it was current, the board was
 * online and the last programme fully written to it was this play's picture. The sign keeps its memory
 * when a cable is pulled, so "online and delivered" is the strongest evidence the host can have; a play
 * that spans only an outage gets no proof (counted in `undeliveredPlays` in the board status instead).
 * Likewise a play that spans only a time the board's power plan kept it dark.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import {
  boardLink,
  DeviceConfigSchema,
  type LedOutputConfig,
  type OutputStatus,
  type PlayPosition,
  type Proof,
  renderSlogan,
  type RenderOptions,
  TIMEZONE,
} from '@bangtin/shared';
import { AlphaDriver, type AlphaPacing } from '../led/alpha/driver';
import { BxDriver, type BxDriverOptions } from '../led/bx/driver';
import { BxFontDriver } from '../led/bx/font-driver';
import { HuiduDriver } from '../led/huidu/driver';
import { DOTS_LABELS } from '../led/alpha/programme';
import {
  type BoardSize,
  type LedDriver,
  type LedLogger,
  type LedProgramme,
  parseBoardSize,
  type ShowResult,
} from '../led/driver';
import { parseTcpTarget } from '../led/tcp-transport';
import type { BackoffOptions } from '../led/transport';
import type { CurrentPlay } from './playback';
import type { OutputSpec } from './player';
import { boardPowerRules, PowerSchedule, type PowerState } from './power';

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
  /** BX timing (reply timeout, ping interval, retry backoff): shorter in tests. */
  bx?: Pick<BxDriverOptions, 'replyTimeoutMs' | 'pingIntervalMs' | 'retry' | 'offlineAfter'>;
  /** Zone the board's power plan is read in: the device's (the bundle's `timeZone`). */
  timeZone?: string;
}

export interface LedOutput extends OutputSpec {
  /** The board as configured now (its power plan can change without reopening the port). */
  readonly config: LedOutputConfig;
  readonly driver: LedDriver;
  /** Starts using the port and the power plan; resolves even when the port is missing (offline, retried). */
  open(): Promise<void>;
  /** A new power/brightness plan for the same board: applied now, no port reopened. */
  setPlan(plan: Pick<LedOutputConfig, 'power' | 'brightness'>): void;
  /** The device's zone changed (a new bundle): the plan is re-read in it. */
  setTimeZone(timeZone: string): void;
  close(): Promise<void>;
}

/** The driver for a board's protocol and wiring. */
export function createBoardDriver(
  config: LedOutputConfig,
  size: BoardSize,
  log: LedLogger,
  opts: Pick<LedOutputOptions, 'pacing' | 'backoff' | 'presenceCheckMs' | 'bx'>,
): LedDriver {
  const transport =
    opts.backoff || opts.presenceCheckMs !== undefined
      ? {
          ...(opts.backoff ? { backoff: opts.backoff } : {}),
          ...(opts.presenceCheckMs !== undefined ? { presenceCheckMs: opts.presenceCheckMs } : {}),
        }
      : undefined;
  if (config.protocol === 'bx' && /^bx-[56]k/.test(config.card ?? '')) {
    return new BxFontDriver({
      card: config.card!,
      size,
      address: Number(config.address),
      ...(config.tcp ? { tcp: parseTcpTarget(config.tcp) } : { port: config.port!, baudRate: config.baud }),
      logger: log,
      ...(opts.backoff ? { transport: { backoff: opts.backoff } } : {}),
      ...(opts.bx?.replyTimeoutMs ? { replyTimeoutMs: opts.bx.replyTimeoutMs } : {}),
      ...(opts.bx?.pingIntervalMs ? { pingIntervalMs: opts.bx.pingIntervalMs } : {}),
    });
  }
  if (config.protocol === 'bx') {
    return new BxDriver({
      card: config.card!,
      size,
      address: Number(config.address),
      ...(config.colour ? { colour: config.colour } : {}),
      ...(config.tcp ? { tcp: parseTcpTarget(config.tcp) } : { port: config.port!, baudRate: config.baud }),
      logger: log,
      ...(transport ? { transport } : {}),
      ...opts.bx,
    });
  }
  if (config.protocol === 'alpha') {
    return new AlphaDriver({
      port: config.port!,
      baudRate: config.baud,
      address: config.address,
      size,
      logger: log,
      ...(opts.pacing ? { pacing: opts.pacing } : {}),
      ...(transport ? { transport } : {}),
    });
  }
  if (config.protocol === 'huidu') {
    const target = parseTcpTarget(config.tcp!);
    return new HuiduDriver({
      host: target.host,
      port: target.port,
      size,
      logger: log,
      ...(opts.backoff ? { transport: { backoff: opts.backoff } } : {}),
    });
  }
  throw new RangeError(`protocol ${config.protocol} has no driver in this player yet`);
}

export function createLedOutput(initial: LedOutputConfig, opts: LedOutputOptions): LedOutput {
  let config = initial;
  const id = `led:${config.name}`;
  const size = parseBoardSize(config.size);
  const log = opts.log.child({ output: id });
  const driver = createBoardDriver(config, size, log, opts);

  const programmes = new Map<string, LedProgramme>();
  /** The play on the board now and the programme it needs. */
  let current: { play: CurrentPlay; programmeId: string } | null = null;
  /** Programme the driver was last told to show; a repeated play of it is not sent again. */
  let requested: string | null = null;
  /** Plays the board showed: proof id → device-clock ms when the board had the picture (last byte, ACK). */
  const credited = new Map<string, number>();
  /** `whenShown` callers of the current play. */
  let shownWaiters: { proofId: string; resolve: (at: number | null) => void }[] = [];
  function settleWaiters(): void {
    shownWaiters = shownWaiters.filter((w) => {
      const at = credited.get(w.proofId);
      if (at !== undefined && current?.play.proofId === w.proofId) {
        w.resolve(at + current.play.clockOffsetMs);
        return false;
      }
      if (current?.play.proofId !== w.proofId) {
        w.resolve(null);
        return false;
      }
      return true;
    });
  }
  let undeliveredPlays = 0;
  let renderError: { code: string; message: string; at: number } | null = null;

  function programmeFor(contentId: string, text: string, urgent: boolean): LedProgramme {
    const key = `${urgent ? 'urgent:' : ''}${contentId}:${textHash(text)}`;
    let p = programmes.get(key);
    if (!p) {
      // An urgent message goes into the Alpha sign's reserved slots (4 pictures): fewer, coarser frames.
      const options =
        urgent && config.protocol === 'alpha' ? { ...LED_RENDER_OPTIONS, maxFrames: 4 } : LED_RENDER_OPTIONS;
      const r = renderSlogan(text, { width: size.width, height: size.height }, options);
      for (const w of r.fit.warnings) log.warn({ contentId, warning: w }, 'slogan does not fit the board well');
      p = {
        id: key,
        frames: r.frames,
        text: { content: text },
        ...(urgent ? { urgent } : {}),
        ...(r.strip ? { strip: r.strip } : {}),
      };
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
    if (
      st.state !== 'offline' &&
      st.power === 'on' &&
      st.deliveredProgrammeId === current.programmeId &&
      !credited.has(current.play.proofId)
    ) {
      // Shown from when the board had it: the delivery, or the play's start if it was already there.
      credited.set(current.play.proofId, Math.max(st.deliveredAt ?? Date.now(), current.play.deviceStartedAt));
      // Bounded: entries leave at keepProof; plays that never finish must not pile up.
      if (credited.size > 1000) credited.delete(credited.keys().next().value!);
    }
    settleWaiters();
  }

  // Power plan (node-cron, in the device's zone): started with the port, re-read when the plan or zone changes.
  let timeZone = opts.timeZone ?? TIMEZONE;
  let schedule: PowerSchedule | null = null;
  let opened = false;
  function applyPower(st: PowerState): void {
    log.info({ ...st, power: config.power ? st.power : 'on' }, 'board power plan');
    // Brightness first: a board coming on shows its programme at the new level, not a flash of the old.
    if (config.brightness && driver.setBrightness)
      void driver
        .setBrightness(st.brightness)
        .catch((err: Error) => log.warn({ err: err.message }, 'brightness not set'));
    void driver
      .setPower?.(config.power ? st.power === 'on' : true)
      .catch((err: Error) => log.warn({ err: err.message }, 'power not set'));
  }
  /** One restart at a time, so two quick plan changes cannot leave two schedules running. */
  let scheduling: Promise<void> = Promise.resolve();
  function restartSchedule(): Promise<void> {
    scheduling = scheduling.then(replaceSchedule, replaceSchedule);
    return scheduling;
  }
  async function replaceSchedule(): Promise<void> {
    const old = schedule;
    schedule = null;
    await old?.stop();
    if (!opened) return;
    const rules = boardPowerRules(config);
    if (rules.length === 0) {
      // A plan taken away: the board is lit again (its brightness stays where it was).
      void driver.setPower?.(true).catch(() => undefined);
      return;
    }
    schedule = new PowerSchedule(rules, applyPower, Date.now, timeZone);
    // Applies the state that holds now at once, then at every rule firing.
    schedule.start();
  }

  let watcher: (() => void) | null = null;
  driver.on('status', () => {
    credit();
    watcher?.();
  });

  const output: LedOutput = {
    id,
    accepts: ['slogan'],
    driver,
    get config() {
      return config;
    },
    open: async () => {
      await driver.open();
      // Alpha signs show the time in some programmes and drift; the driver re-sends it after a reconnect.
      void driver.setClock(new Date()).catch((err: Error) => log.debug({ err: err.message }, 'clock not set'));
      opened = true;
      await restartSchedule();
    },
    setPlan(plan) {
      const same = (c: Pick<LedOutputConfig, 'power' | 'brightness'>) =>
        JSON.stringify([c.power ?? null, c.brightness ?? null]);
      if (same(plan) === same(config)) return;
      const { power: _p, brightness: _b, ...rest } = config;
      config = {
        ...rest,
        ...(plan.power ? { power: plan.power } : {}),
        ...(plan.brightness ? { brightness: plan.brightness } : {}),
      };
      void restartSchedule();
    },
    setTimeZone(tz: string) {
      if (tz === timeZone) return;
      timeZone = tz;
      void restartSchedule();
    },
    show(pos: PlayPosition | null, play: CurrentPlay | null) {
      if (!pos || !play || pos.content.type !== 'slogan') {
        current = null;
        settleWaiters();
        if (requested !== null) {
          requested = null;
          void driver.clear().catch((err: Error) => log.warn({ err: err.message }, 'clearing the board failed'));
        }
        return;
      }
      let programme: LedProgramme;
      try {
        programme = programmeFor(pos.content.id, pos.content.text, !!pos.interrupt);
      } catch (err) {
        renderError = { code: 'render-failed', message: (err as Error).message, at: Date.now() };
        log.error({ err, contentId: pos.content.id }, 'cannot render the slogan for this board');
        current = null;
        settleWaiters();
        return;
      }
      current = { play, programmeId: programme.id };
      settleWaiters();
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
      void sent.then(
        (r) => {
          if (r.delivered) credit();
        },
        // Only a closed driver rejects: a player being replaced showed one last item; nothing to do.
        (err: Error) => log.debug({ err: err.message }, 'programme not sent'),
      );
    },
    whenShown(play: CurrentPlay): Promise<number | null> {
      const at = credited.get(play.proofId);
      if (at !== undefined) return Promise.resolve(at + play.clockOffsetMs);
      if (current?.play.proofId !== play.proofId) return Promise.resolve(null);
      return new Promise((resolve) => shownWaiters.push({ proofId: play.proofId, resolve }));
    },
    keepProof(proof: Proof) {
      const shownDevice = credited.get(proof.id);
      if (shownDevice === undefined) {
        undeliveredPlays++;
        return false;
      }
      credited.delete(proof.id);
      // The proof starts when the board really had the picture, not when the player decided.
      const startedAt = Math.min(proof.endedAt, Math.max(proof.startedAt, shownDevice + proof.clockOffsetMs));
      if (startedAt === proof.startedAt) return true;
      return { ...proof, startedAt, deviceStartedAt: proof.deviceStartedAt + (startedAt - proof.startedAt) };
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
        port: boardLink(config),
        address: config.address,
        programmeId: st.programmeId,
        deliveredProgrammeId: st.deliveredProgrammeId,
        undeliveredPlays,
        power: st.power,
        brightness: st.brightness,
        size: config.size,
        ...(config.colour ? { colour: config.colour } : {}),
      };
    },
    watchStatus(notify: () => void) {
      // One listener at a time: the output outlives a player restarted for a new board list.
      watcher = notify;
    },
    close: async () => {
      opened = false;
      await restartSchedule();
      await driver.close();
    },
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
    const clash = r.port ? outputs.find((o) => o.port === r.port && o.baud !== r.baud) : undefined;
    if (clash) {
      skipped.push({ name: r.name, reason: `${r.port} already runs at ${clash.baud} baud for ${clash.name}` });
      continue;
    }
    outputs.push(r);
  }
  return { outputs, skipped };
}

/**
 * A stable key of a board list's wiring (name, protocol, port, speed, size, address): boards with the
 * same key keep their port and picture. Power plans are not part of it; see `planKey`.
 */
export function outputsKey(outputs: readonly LedOutputConfig[]): string {
  return JSON.stringify(
    outputs.map((o) => [o.name, o.protocol, boardLink(o), o.card ?? null, o.colour ?? null, o.baud, o.size, o.address]),
  );
}

/** The power and brightness plans of a board list, to tell a plan-only change. */
function planKey(outputs: readonly LedOutputConfig[]): string {
  return JSON.stringify(outputs.map((o) => [o.power ?? null, o.brightness ?? null]));
}

export interface LedBoardSetHooks {
  /** Stops what uses the boards (the player) before any port is closed or opened. */
  beforeChange(): Promise<void>;
  /** Starts it again with the boards now in place; every board gets the current programme from it. */
  afterChange(boards: readonly LedOutput[]): Promise<void> | void;
}

/**
 * The boards a player drives, changed one list at a time. A list asked for while another is being put
 * in place waits, and only the latest waiting list is applied (a burst of controller configs costs one
 * restart). Within a change the user of the boards is stopped first, then boards that left are closed,
 * then new ones opened, then the user is started again: no port is ever opened while the same port is
 * still being closed, and no board is shown anything while it is being swapped.
 */
export class LedBoardSet {
  private boards = new Map<string, LedOutput>();
  private appliedWiring: string | null = null;
  private appliedPlans: string | null = null;
  private wanted: LedOutputConfig[] | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  private timeZone: string;

  constructor(private readonly opts: LedOutputOptions & { hooks: LedBoardSetHooks }) {
    this.timeZone = opts.timeZone ?? TIMEZONE;
  }

  /** Boards in place now, in the order of the list that put them there. */
  current(): LedOutput[] {
    return [...this.boards.values()];
  }

  /** Asks for this board list; resolves once the latest list asked for is in place. */
  set(configs: readonly LedOutputConfig[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.wanted = [...configs];
    this.running ??= this.drain();
    return this.running;
  }

  /** The device's zone (from its bundle): every board's power plan is re-read in it. */
  setTimeZone(timeZone: string): void {
    this.timeZone = timeZone;
    for (const b of this.boards.values()) b.setTimeZone(timeZone);
  }

  private async drain(): Promise<void> {
    try {
      while (this.wanted && !this.closed) {
        const next = this.wanted;
        this.wanted = null;
        await this.apply(next);
      }
    } finally {
      // Cleared in the same step the loop ends, so a `set` right after starts a new loop.
      this.running = null;
    }
  }

  private async apply(configs: LedOutputConfig[]): Promise<void> {
    const wiring = outputsKey(configs);
    const plans = planKey(configs);
    if (wiring === this.appliedWiring) {
      if (plans !== this.appliedPlans) {
        // Only power/brightness plans changed: no restart, no port touched.
        for (const c of configs) this.boards.get(outputsKey([c]))?.setPlan(c);
        this.appliedPlans = plans;
      }
      return;
    }
    const { log } = this.opts;
    await this.opts.hooks.beforeChange();
    const keys = new Set(configs.map((c) => outputsKey([c])));
    for (const [key, led] of this.boards) {
      if (keys.has(key)) continue;
      log.info({ output: led.id }, 'LED board removed');
      await led.close();
      this.boards.delete(key);
    }
    const next = new Map<string, LedOutput>();
    for (const c of configs) {
      const key = outputsKey([c]);
      let led = this.boards.get(key);
      if (led) led.setPlan(c);
      else {
        led = createLedOutput(c, { ...this.opts, timeZone: this.timeZone });
        log.info({ output: led.id, port: boardLink(c), size: c.size, address: c.address }, 'LED board');
        await led.open();
      }
      next.set(key, led);
    }
    this.boards = next;
    this.appliedWiring = wiring;
    this.appliedPlans = plans;
    await this.opts.hooks.afterChange(this.current());
  }

  /** Waits for a change in progress, then closes every board. */
  async close(): Promise<void> {
    this.closed = true;
    this.wanted = null;
    await this.running?.catch(() => undefined);
    for (const led of this.boards.values()) await led.close();
    this.boards.clear();
  }
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
