/**
 * LedDriver for Alpha protocol signs: compiles programmes with the pure encoder and writes them through a
 * (possibly shared) serial transport with the pauses the signs need.
 */
import { EventEmitter } from 'node:events';
import { TIMEZONE } from '@bangtin/shared';
import {
  type BoardSize,
  type BoardStatus,
  type LedDriver,
  type LedDriverEvents,
  type LedLogger,
  type LedPowerCapabilities,
  type LedProgramme,
  type ShowResult,
  silentLogger,
} from '../driver';
import {
  acquireTransport,
  releaseTransport,
  type SerialTransport,
  TransportError,
  type TransportOptions,
  type WireWrite,
} from '../transport';
import { DIMMING_LEVELS, TYPE_REPLY } from './codes';
import { type AlphaCommand, AlphaDecoder } from './decode';
import { encodePacket, type MemoryEntry, readMemoryConfigBlock } from './encode';
import {
  type AlphaPlan,
  type AlphaStep,
  compileBlank,
  compileBrightness,
  compileClear,
  compileClock,
  compileLiveText,
  compileProgramme,
} from './programme';

export interface AlphaPacing {
  /** Quiet time between packets. */
  interPacketMs: number;
  /** Pause after a DOTS picture's size bytes, while the sign allocates the picture. */
  dotsSizePauseMs: number;
  /** Pause after a memory configuration, while the sign reorganises its memory. */
  memoryConfigPauseMs: number;
}

export const DEFAULT_ALPHA_PACING: AlphaPacing = {
  interPacketMs: 250,
  dotsSizePauseMs: 100,
  memoryConfigPauseMs: 3000,
};

export interface AlphaDriverOptions {
  port: string;
  baudRate?: number;
  /** Two hex digits; `00` reaches every sign on the bus. */
  address?: string;
  size: BoardSize;
  pacing?: Partial<AlphaPacing>;
  textMode?: 'pictures' | 'native-when-ascii';
  /**
   * How long a memory layout the driver wrote is trusted. Within it, a programme with the same layout
   * skips the memory configuration (which blanks the sign for seconds); after it, the configuration is
   * re-sent, so a sign that was power-cycled without the port noticing recovers. Default 5 minutes.
   */
  layoutTrustMs?: number;
  timeZone?: string;
  /** Serial settings and reconnect backoff for the shared port (the first board on a port decides them). */
  transport?: Omit<TransportOptions, 'path' | 'baudRate' | 'interPacketMs' | 'logger'>;
  logger?: LedLogger;
}

/** A cancelled delivery: a newer programme replaced this one. */
class Superseded extends Error {}

export class AlphaDriver extends EventEmitter<LedDriverEvents> implements LedDriver {
  /** The protocol has a dimming register but no power-off: "off" is a blank TEXT file (see README). */
  readonly powerCapabilities: LedPowerCapabilities = { power: 'blank', brightnessLevels: DIMMING_LEVELS };
  private readonly opts: AlphaDriverOptions;
  private readonly pacing: AlphaPacing;
  private readonly address: string;
  private readonly log: LedLogger;
  private transport: SerialTransport | null = null;
  private readonly decoder = new AlphaDecoder();
  /** What the board should show; re-sent in full whenever the port comes back. */
  private plan: AlphaPlan | null = null;
  private liveContent: string | null = null;
  /** Memory layout the sign is known to have; null when unknown (never written, or after a reconnect). */
  private signLayout: string | null = null;
  private signLayoutAt = 0;
  /** Bumped for every new programme; callers of `show` wait on it. */
  private generation = 0;
  /** Bumped for every delivery run (including re-sends after a reconnect); stale runs stop between packets. */
  private attempt = 0;
  private clockSetAt: Date | null = null;
  private waiters: { generation: number; resolve: (r: ShowResult) => void; programmeId: string }[] = [];
  private replyWaiters: ((cmd: AlphaCommand) => void)[] = [];
  private delivering: Promise<void> = Promise.resolve();
  private closed = false;
  /** The power plan's wish; while false the board is kept blank and programmes wait. */
  private powerOn = true;
  /** Brightness (%) to apply, re-sent after every reconnect; null = never set. */
  private brightness: number | null = null;
  private readonly st: BoardStatus;
  private readonly onOpen = (): void => this.handleOpen();
  private readonly onClose = (err: TransportError | null): void => this.handleClose(err);
  private readonly onError = (err: TransportError): void => this.recordError(err.code, err.message);
  private readonly onData = (chunk: Uint8Array): void => this.handleData(chunk);

  constructor(options: AlphaDriverOptions) {
    super();
    this.opts = options;
    this.pacing = { ...DEFAULT_ALPHA_PACING, ...options.pacing };
    this.address = (options.address ?? '00').toUpperCase();
    if (!/^[0-9A-F]{2}$/.test(this.address))
      throw new RangeError(`Alpha address must be two hex digits, got ${options.address}`);
    this.log = options.logger ?? silentLogger;
    this.st = {
      protocol: 'alpha',
      port: options.port,
      address: this.address,
      state: 'offline',
      lastWriteAt: null,
      lastError: null,
      bytesWritten: 0,
      packetsWritten: 0,
      programmeId: null,
      deliveredProgrammeId: null,
      reconnects: 0,
      lastReplyAt: null,
      power: 'on',
      brightness: null,
    };
  }

  status(): BoardStatus {
    return { ...this.st, lastError: this.st.lastError ? { ...this.st.lastError } : null };
  }

  private changed(): void {
    this.emit('status', this.status());
  }

  private setState(state: BoardStatus['state']): void {
    if (this.st.state === state) return;
    this.st.state = state;
    this.changed();
  }

  private recordError(code: string, message: string): void {
    this.st.lastError = { code, message, at: Date.now() };
    if (code === 'write-timeout') this.st.state = 'error';
    this.log.warn({ port: this.opts.port, address: this.address, code }, message);
    this.changed();
  }

  async open(): Promise<void> {
    if (this.closed) throw new Error('driver is closed');
    if (this.transport) return;
    const t = acquireTransport({
      ...this.opts.transport,
      path: this.opts.port,
      baudRate: this.opts.baudRate ?? 9600,
      interPacketMs: this.pacing.interPacketMs,
      logger: this.log,
    });
    this.transport = t;
    t.on('open', this.onOpen);
    t.on('close', this.onClose);
    t.on('error', this.onError);
    t.on('data', this.onData);
    if (t.isOpen) this.setState('online');
    await t.start();
  }

  private handleOpen(): void {
    if (this.transport && this.transport.opens > 1) this.st.reconnects++;
    this.st.state = 'online';
    this.changed();
    // The sign may have been power-cycled or replaced while we were away: rebuild everything.
    this.signLayout = null;
    if (this.clockSetAt) void this.setClock(new Date()).catch(() => {});
    if (this.brightness !== null) void this.writeDimming(this.brightness).catch(() => {});
    if (!this.powerOn) void this.blank().catch(() => {});
    else if (this.plan) this.deliver(this.plan, this.generation);
  }

  private handleClose(err: TransportError | null): void {
    if (err) this.recordError(err.code, err.message);
    this.setState('offline');
  }

  private handleData(chunk: Uint8Array): void {
    for (const ev of this.decoder.push(chunk)) {
      if (ev.type !== 'packet' || ev.packet.typeCode !== TYPE_REPLY) continue;
      // On a shared bus, only replies from our own sign count.
      if (ev.packet.address !== this.address && this.address !== '00') continue;
      this.st.lastReplyAt = Date.now();
      for (const block of ev.packet.blocks) {
        if (block.checksum === 'bad') continue;
        const waiters = this.replyWaiters;
        this.replyWaiters = [];
        for (const w of waiters) w(block.command);
      }
    }
  }

  private stepToWrite(step: AlphaStep): WireWrite {
    if (step.pauseAt !== undefined) {
      return {
        parts: [step.bytes.subarray(0, step.pauseAt), step.bytes.subarray(step.pauseAt)],
        partGapMs: this.pacing.dotsSizePauseMs,
      };
    }
    return { parts: [step.bytes], settleMs: step.purpose === 'memory-config' ? this.pacing.memoryConfigPauseMs : 0 };
  }

  private async writeStep(step: AlphaStep, attempt: number | null): Promise<void> {
    if (attempt !== null && attempt !== this.attempt) throw new Superseded();
    const t = this.transport;
    if (!t) throw new TransportError('stopped', 'driver is not open');
    await t.write(this.stepToWrite(step));
    this.st.bytesWritten += step.bytes.length;
    this.st.packetsWritten++;
    this.st.lastWriteAt = Date.now();
    if (this.st.state === 'error') this.st.state = 'online';
  }

  /** Writes a plan; deliveries run one after another so a superseded one stops between packets. */
  private deliver(plan: AlphaPlan, generation: number): void {
    const attempt = ++this.attempt;
    this.delivering = this.delivering.then(async () => {
      if (attempt !== this.attempt || this.closed) return;
      try {
        const trusted =
          plan.layout === this.signLayout && Date.now() - this.signLayoutAt < (this.opts.layoutTrustMs ?? 300_000);
        const steps = trusted ? plan.files : [plan.memory, ...plan.files];
        for (const step of steps) {
          await this.writeStep(step, attempt);
          if (step.purpose === 'memory-config') {
            this.signLayout = plan.layout;
            this.signLayoutAt = Date.now();
          }
        }
        if (plan.live && this.liveContent !== null)
          await this.writeStep(compileLiveText(plan, this.liveContent, { address: this.address }), attempt);
        this.st.deliveredProgrammeId = plan.programmeId;
        this.st.deliveredAt = Date.now();
        this.log.info(
          { port: this.opts.port, address: this.address, programme: plan.programmeId },
          'programme delivered',
        );
        this.changed();
        this.settle(generation, true);
      } catch (err) {
        if (err instanceof Superseded) return;
        // A half-written memory layout is unknown; the next delivery starts with a fresh configuration.
        this.signLayout = null;
        if (err instanceof TransportError && (err.code === 'port-closed' || err.code === 'stopped')) {
          this.log.info(
            { port: this.opts.port, programme: plan.programmeId },
            'delivery interrupted; will re-send when the port returns',
          );
          return;
        }
        this.recordError(err instanceof TransportError ? err.code : 'delivery-failed', (err as Error).message);
      }
    });
  }

  private settle(generation: number, delivered: boolean): void {
    const keep: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.generation < generation || (w.generation === generation && !delivered))
        w.resolve({ delivered: false, programmeId: w.programmeId });
      else if (w.generation === generation) w.resolve({ delivered: true, programmeId: w.programmeId });
      else keep.push(w);
    }
    this.waiters = keep;
  }

  private start(plan: AlphaPlan): Promise<ShowResult> {
    if (this.closed) return Promise.reject(new Error('driver is closed'));
    const generation = ++this.generation;
    // Anyone still waiting for an older programme learns it was replaced.
    this.settle(generation - 1, false);
    this.plan = plan;
    this.liveContent = null;
    this.st.programmeId = plan.programmeId;
    this.changed();
    const result = new Promise<ShowResult>((resolve) =>
      this.waiters.push({ generation, resolve, programmeId: plan.programmeId }),
    );
    // While the power plan keeps the board dark, the programme waits for `setPower(true)`.
    if (this.transport?.isOpen && this.powerOn) this.deliver(plan, generation);
    return result;
  }

  /** Compiles first, so an invalid programme throws here and leaves the board as it was. */
  show(programme: LedProgramme): Promise<ShowResult> {
    const plan = compileProgramme(programme, {
      board: this.opts.size,
      address: this.address,
      ...(this.opts.textMode ? { textMode: this.opts.textMode } : {}),
    });
    const result = this.start(plan);
    if (programme.liveText) this.liveContent = programme.liveText.content;
    return result;
  }

  clear(): Promise<ShowResult> {
    return this.start(compileClear({ address: this.address }));
  }

  /** Changes the programme's STRING file alone: the board keeps showing without blanking. */
  async updateLiveText(content: string): Promise<void> {
    const plan = this.plan;
    if (!plan) throw new Error('no programme is showing');
    const step = compileLiveText(plan, content, { address: this.address });
    this.liveContent = content;
    if (!this.transport?.isOpen) return;
    const attempt = this.attempt;
    // Behind any delivery in progress, so the STRING file exists before it is written.
    const run = this.delivering.then(() => this.writeStep(step, attempt));
    this.delivering = run.catch(() => {});
    await run;
  }

  /**
   * Alpha signs have no display power-off command, so "off" blanks the board: an empty TEXT file run
   * alone (any delivery in progress stops between packets). "On" re-sends the current programme.
   */
  async setPower(on: boolean): Promise<void> {
    if (this.closed) throw new Error('driver is closed');
    if (on === this.powerOn) return;
    this.powerOn = on;
    this.st.power = on ? 'on' : 'off';
    this.changed();
    if (!this.transport?.isOpen) return;
    if (on) {
      if (this.plan) this.deliver(this.plan, this.generation);
      return;
    }
    await this.blank();
  }

  private blank(): Promise<void> {
    const attempt = ++this.attempt;
    const steps = compileBlank({ address: this.address });
    const run = this.delivering.then(async () => {
      for (const step of steps) await this.writeStep(step, attempt);
      // The sign no longer shows the programme: plays are not credited until it is re-sent.
      this.st.deliveredProgrammeId = null;
      this.changed();
    });
    this.delivering = run.catch(() => {});
    return run.catch((err: unknown) => {
      if (!(err instanceof Superseded)) throw err;
    });
  }

  /** Sets the dimming register to the level nearest `percent` (100, 86, 72, 58 or 44 %). */
  async setBrightness(percent: number): Promise<number> {
    if (this.closed) throw new Error('driver is closed');
    const applied = compileBrightness(percent).percent;
    this.brightness = percent;
    this.st.brightness = applied;
    this.changed();
    if (this.transport?.isOpen) await this.writeDimming(percent);
    return applied;
  }

  private writeDimming(percent: number): Promise<void> {
    const { step } = compileBrightness(percent, { address: this.address });
    // Queued behind any delivery so packets never interleave; not superseded by a new programme.
    const run = this.delivering.then(() => this.writeStep(step, null));
    this.delivering = run.catch(() => {});
    return run;
  }

  async setClock(date: Date): Promise<void> {
    this.clockSetAt = date;
    if (!this.transport?.isOpen) return;
    for (const step of compileClock(date, { address: this.address, timeZone: this.opts.timeZone ?? TIMEZONE })) {
      await this.transport.write(this.stepToWrite(step));
      this.st.bytesWritten += step.bytes.length;
      this.st.packetsWritten++;
      this.st.lastWriteAt = Date.now();
    }
  }

  /**
   * Asks the sign for its memory configuration. Many installations wire only TX, so silence is reported
   * (`no-reply`) without taking the board offline.
   */
  async readMemoryConfig(timeoutMs = 2000): Promise<MemoryEntry[] | null> {
    const t = this.transport;
    if (!t?.isOpen) return null;
    const reply = new Promise<AlphaCommand | null>((resolve) => {
      const timer = setTimeout(() => {
        this.replyWaiters = this.replyWaiters.filter((w) => w !== waiter);
        resolve(null);
      }, timeoutMs);
      const waiter = (cmd: AlphaCommand): void => {
        clearTimeout(timer);
        resolve(cmd);
      };
      this.replyWaiters.push(waiter);
    });
    await t.write({ parts: [encodePacket([readMemoryConfigBlock()], { address: this.address })] });
    const cmd = await reply;
    if (!cmd || cmd.kind !== 'memory-config') {
      this.recordError(
        'no-reply',
        `sign ${this.address} on ${this.opts.port} did not answer a memory read within ${timeoutMs} ms`,
      );
      return null;
    }
    return cmd.entries;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.generation++;
    this.attempt++;
    this.settle(this.generation, false);
    const t = this.transport;
    this.transport = null;
    if (t) {
      t.off('open', this.onOpen);
      t.off('close', this.onClose);
      t.off('error', this.onError);
      t.off('data', this.onData);
      await releaseTransport(t);
    }
    this.setState('offline');
  }
}
