/**
 * LedDriver for Alpha protocol signs: compiles programmes with the pure encoder and writes them through a
 * (possibly shared) serial transport with the pauses the signs need.
 */
import { EventEmitter } from 'node:events';
import { TIMEZONE } from '@bangtin/shared';
import {
  type BoardSize,
  type BoardStatus,
  initialBoardStatus,
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
import { DIMMING_LEVELS, type DotsColourDepth, TYPE_REPLY } from './codes';
import { type AlphaCommand, AlphaDecoder } from './decode';
import {
  AlphaEncodeError,
  encodePacket,
  type MemoryEntry,
  readMemoryConfigBlock,
  writeStringBlock,
  writeTextBlock,
} from './encode';
import {
  type AlphaContent,
  type AlphaLayout,
  compileContent,
  compileDelivery,
  deeper,
  type DeliveryStep,
  PicturePool,
  planLayout,
  URGENT_TEXT_LABEL,
} from './layout';
import {
  type AlphaStep,
  compileBlank,
  compileBrightness,
  compileClock,
  LIVE_STRING_LABEL,
  TEXT_LABEL,
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
   * How long the memory layout the driver wrote is trusted. The layout is fixed (see `layout.ts`), so it is
   * written once per connection; after this long, the next ordinary programme writes it again (and every
   * picture with it), so a sign that was power-cycled without the port noticing recovers. Urgent messages
   * never wait for that re-send. Default 5 minutes.
   */
  layoutTrustMs?: number;
  /** Board-size picture slots for playlist programmes, reused least recently used first. Default 16. */
  picturePool?: number;
  /** Board-size picture slots reserved for an urgent message (its distinct frames at most). Default 4. */
  urgentFrames?: number;
  /** Colour depth the slots are allocated with; raised once if a programme needs more. Default `tri`. */
  colourDepth?: DotsColourDepth;
  /** Characters allocated to the live-text STRING file. Default 64. */
  liveCapacity?: number;
  timeZone?: string;
  /** Serial settings and reconnect backoff for the shared port (the first board on a port decides them). */
  transport?: Omit<TransportOptions, 'path' | 'baudRate' | 'interPacketMs' | 'logger'>;
  logger?: LedLogger;
}

/** TEXT `A` after a blank, so the next programme knows it must rewrite it. */
const BLANK_TEXT_KEY = new TextDecoder().decode(writeTextBlock(TEXT_LABEL, [{ mode: 'hold', parts: [] }]));

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
  /** What the board should show (null: nothing yet; `clear`: blank); re-sent whenever the port comes back. */
  private current: AlphaContent | 'clear' | null = null;
  private liveContent: string | null = null;
  /** The fixed layout; re-planned only to raise its colour depth. */
  private layout: AlphaLayout;
  private readonly pool: PicturePool;
  /** Picture key held by each urgent slot, null when unknown. */
  private urgentOnSign: (string | null)[];
  /** TEXT block (as text) each TEXT file holds, when known. */
  private readonly textOnSign = new Map<string, string>();
  /** Layout key the sign is known to have; null when unknown (never written, or after a reconnect). */
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
    this.layout = this.planLayout(options.colourDepth ?? 'tri');
    this.pool = new PicturePool(this.layout.poolLabels);
    this.urgentOnSign = this.layout.urgentLabels.map(() => null);
    this.st = initialBoardStatus('alpha', options.port, this.address);
  }

  private planLayout(colourDepth: DotsColourDepth): AlphaLayout {
    const o = this.opts;
    return planLayout(
      {
        board: o.size,
        colourDepth,
        ...(o.picturePool !== undefined ? { picturePool: o.picturePool } : {}),
        ...(o.urgentFrames !== undefined ? { urgentFrames: o.urgentFrames } : {}),
        ...(o.liveCapacity !== undefined ? { liveCapacity: o.liveCapacity } : {}),
      },
      { address: this.address },
    );
  }

  /** The layout the driver allocates on the sign (for tests, tools and the benchmark). */
  memoryLayout(): AlphaLayout {
    return this.layout;
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
    else if (this.current) this.deliver(this.current, this.generation);
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

  /**
   * Writes what the board should show; deliveries run one after another so a superseded one stops between
   * packets. The memory layout is written only when the sign is not known to have it.
   */
  private deliver(target: AlphaContent | 'clear', generation: number): void {
    const attempt = ++this.attempt;
    this.delivering = this.delivering.then(async () => {
      if (attempt !== this.attempt || this.closed) return;
      const id = target === 'clear' ? 'clear' : target.programmeId;
      try {
        if (target === 'clear') await this.writeBlank(attempt);
        else await this.writeContent(target, attempt);
        this.st.deliveredProgrammeId = id;
        this.st.deliveredAt = Date.now();
        this.log.info({ port: this.opts.port, address: this.address, programme: id }, 'programme delivered');
        this.changed();
        this.settle(generation, true);
      } catch (err) {
        if (err instanceof Superseded) return;
        if (err instanceof TransportError && (err.code === 'port-closed' || err.code === 'stopped')) {
          this.log.info(
            { port: this.opts.port, programme: id },
            'delivery interrupted; will re-send when the port returns',
          );
          return;
        }
        this.recordError(err instanceof TransportError ? err.code : 'delivery-failed', (err as Error).message);
      }
    });
  }

  /** The fixed layout, when the sign may not have it; everything the driver knew about the sign is forgotten. */
  private async ensureLayout(content: AlphaContent, attempt: number): Promise<void> {
    const depth = deeper(this.layout.colourDepth, content.colourDepth);
    if (depth !== this.layout.colourDepth) {
      this.log.info({ port: this.opts.port, address: this.address, depth }, 'picture slots need more colours');
      this.layout = this.planLayout(depth);
      this.signLayout = null;
    }
    const trustMs = this.opts.layoutTrustMs ?? 300_000;
    const known = this.signLayout === this.layout.key;
    // An urgent message never pays for the periodic re-send: the next ordinary programme does.
    if (known && (content.urgent || Date.now() - this.signLayoutAt < trustMs)) return;
    // The sign erases every file on a memory configuration, even one that does not finish.
    this.signLayout = null;
    this.pool.reset();
    this.urgentOnSign = this.layout.urgentLabels.map(() => null);
    this.textOnSign.clear();
    await this.writeStep(this.layout.memory, attempt);
    this.signLayout = this.layout.key;
    this.signLayoutAt = Date.now();
  }

  private async writeContent(target: AlphaContent, attempt: number): Promise<void> {
    await this.ensureLayout(target, attempt);
    const content: AlphaContent =
      target.live && this.liveContent !== null
        ? { ...target, live: { ...target.live, content: this.liveContent } }
        : target;
    const keys = content.pictures.map((p) => p.key);
    let placement: { labels: string[]; write: number[] };
    if (content.urgent) {
      const labels = this.layout.urgentLabels.slice(0, keys.length);
      placement = { labels, write: keys.flatMap((k, i) => (this.urgentOnSign[i] === k ? [] : [i])) };
    } else {
      placement = this.pool.assign(keys);
    }
    const label = content.urgent ? URGENT_TEXT_LABEL : TEXT_LABEL;
    const plan = compileDelivery(
      content,
      this.layout,
      { ...placement, textOnSign: this.textOnSign.get(label) ?? null, firstPageEarly: content.urgent },
      { address: this.address },
    );
    for (const step of plan.steps) await this.writeTracked(step, attempt);
  }

  /** Writes one step and records what the sign holds afterwards (unknown while it is being written). */
  private async writeTracked(step: DeliveryStep, attempt: number): Promise<void> {
    const label = step.label ?? '';
    const urgentSlot = this.layout.urgentLabels.indexOf(label);
    if (step.purpose === 'text') this.textOnSign.delete(label);
    if (step.purpose === 'dots' && urgentSlot >= 0) this.urgentOnSign[urgentSlot] = null;
    await this.writeStep(step, attempt);
    if (step.purpose === 'text' && step.textKey !== undefined) this.textOnSign.set(label, step.textKey);
    if (step.purpose === 'dots' && step.pictureKey !== undefined) {
      if (urgentSlot >= 0) this.urgentOnSign[urgentSlot] = step.pictureKey;
      else this.pool.landed(label, step.pictureKey);
    }
  }

  /** TEXT `A` as one empty page, run alone: no memory configuration, the pictures stay loaded. */
  private async writeBlank(attempt: number): Promise<void> {
    const [text, run] = compileBlank({ address: this.address });
    this.textOnSign.delete(TEXT_LABEL);
    await this.writeStep(text!, attempt);
    this.textOnSign.set(TEXT_LABEL, BLANK_TEXT_KEY);
    await this.writeStep(run!, attempt);
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

  private start(target: AlphaContent | 'clear'): Promise<ShowResult> {
    if (this.closed) return Promise.reject(new Error('driver is closed'));
    const programmeId = target === 'clear' ? 'clear' : target.programmeId;
    const generation = ++this.generation;
    // Anyone still waiting for an older programme learns it was replaced.
    this.settle(generation - 1, false);
    this.current = target;
    this.liveContent = target !== 'clear' && target.live ? target.live.content : null;
    this.st.programmeId = programmeId;
    this.changed();
    const result = new Promise<ShowResult>((resolve) => this.waiters.push({ generation, resolve, programmeId }));
    // While the power plan keeps the board dark, the programme waits for `setPower(true)`.
    if (this.transport?.isOpen && this.powerOn) this.deliver(target, generation);
    return result;
  }

  /**
   * Compiles first, so an invalid programme throws here and leaves the board as it was. An urgent programme
   * (`programme.urgent`) goes to the reserved urgent slots; the next ordinary programme replaces it.
   */
  show(programme: LedProgramme): Promise<ShowResult> {
    const content = compileContent(programme, this.layout, this.opts.textMode ? { textMode: this.opts.textMode } : {});
    return this.start(content);
  }

  /** Blanks the board (TEXT `A` empty, run alone); the pictures stay loaded for the next programme. */
  clear(): Promise<ShowResult> {
    return this.start('clear');
  }

  /** Changes the programme's STRING file alone: the board keeps showing without blanking. */
  async updateLiveText(content: string): Promise<void> {
    const current = this.current;
    if (!current || current === 'clear') throw new Error('no programme is showing');
    if (!current.live)
      throw new AlphaEncodeError('alpha-invalid-argument', `programme ${current.programmeId} has no live text`);
    if (content.length > current.live.capacity) {
      throw new AlphaEncodeError(
        'alpha-invalid-size',
        `live text is ${content.length} characters, capacity ${current.live.capacity}`,
      );
    }
    const step: AlphaStep = {
      purpose: 'string',
      label: LIVE_STRING_LABEL,
      bytes: encodePacket([writeStringBlock(LIVE_STRING_LABEL, content)], { address: this.address }),
    };
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
      if (this.current) this.deliver(this.current, this.generation);
      return;
    }
    await this.blank();
  }

  private blank(): Promise<void> {
    const attempt = ++this.attempt;
    const run = this.delivering.then(async () => {
      await this.writeBlank(attempt);
      // The sign no longer shows the programme: plays are not credited until it is re-sent.
      this.st.deliveredProgrammeId = null;
      this.st.deliveredAt = null;
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
