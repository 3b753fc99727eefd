/**
 * LedDriver for Onbon BX graphic cards (BX-5E/6E/5Q/6Q, protocol 0xF0) over a serial port or TCP.
 *
 * One request at a time, each waiting for the card's ACK. A NACK the card may clear by itself (busy, a
 * damaged packet) or no answer is retried with backoff; a NACK that will not change (the picture is too
 * big for the card's memory, wrong card type, wrong size) stops retrying that programme and is shown as
 * the board's error ("ERR_MEMORYVOLUME: ảnh quá lớn cho bộ nhớ thẻ"). A ping every `pingIntervalMs` tells
 * online from offline; when a card that stopped answering comes back, its areas are sent again (dynamic
 * areas do not survive a power cut). One BX card per serial port: replies carry no request id, so two
 * cards on one RS-485 bus could not be told apart.
 */
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LedColourMode } from '@bangtin/shared';
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
import { TcpTransport, type TcpTarget } from '../tcp-transport';
import {
  acquireTransport,
  type BackoffOptions,
  releaseTransport,
  type SerialTransport,
  type TransportEvents,
  type WireWrite,
} from '../transport';
import { type BxCard, bxCard } from './cards';
import { BxDecoder } from './decoder';
import { AREA_CAPACITY_BYTES, areaBytes, blankArea, compileArea, PLAYLIST_AREA, URGENT_AREA } from './programme';
import {
  brightnessRequest,
  BX_ERR,
  type BxArea,
  decodeReply,
  deleteAreasRequest,
  describeBxError,
  encodePacket,
  isAck,
  pingRequest,
  updateAreaRequest,
} from './protocol';

export interface BxDriverOptions {
  /** `bx-5e1`, `bx-6e2`, `bx-5q1`, … (see cards.ts). */
  card: string;
  colour?: LedColourMode;
  size: BoardSize;
  /** Screen number (1…65534); 0xFFFE reaches any card. Default 1. */
  address?: number;
  /** Exactly one of `port` (serial) and `tcp`. */
  port?: string;
  baudRate?: number;
  tcp?: TcpTarget;
  /** How long to wait for a reply, on top of the request's wire time. Default 2 s. */
  replyTimeoutMs?: number;
  /** Ping while idle. Default 5 s. */
  pingIntervalMs?: number;
  /** Missed replies in a row before the board counts as offline. Default 2. */
  offlineAfter?: number;
  /** First wait before a programme the card refused for good is tried again (doubling to 5 min). Default 5 s. */
  refusedRetryMs?: number;
  /** Backoff between retries of a refused or unanswered request. */
  retry?: Partial<BackoffOptions>;
  transport?: { backoff?: Partial<BackoffOptions>; presenceCheckMs?: number };
  logger?: LedLogger;
}

interface Link {
  readonly path: string;
  readonly isOpen: boolean;
  start(): Promise<void>;
  write(item: WireWrite): Promise<void>;
  stop?(): Promise<void>;
  on<K extends keyof TransportEvents>(event: K, listener: (...args: TransportEvents[K]) => void): unknown;
  off<K extends keyof TransportEvents>(event: K, listener: (...args: TransportEvents[K]) => void): unknown;
}

/** What the driver wants on the card, and what the card acknowledged. */
interface AreaSlot {
  want: { id: string; area: BxArea } | null;
  /** Programme id the card holds in this area (null: empty or unknown). */
  has: string | null;
}

class Closed extends Error {}

export const BX_BRIGHTNESS_LEVELS: readonly number[] = Array.from({ length: 16 }, (_, i) =>
  Math.round(((16 - i) / 16) * 100),
);

export class BxDriver extends EventEmitter<LedDriverEvents> implements LedDriver {
  readonly card: BxCard;
  readonly powerCapabilities: LedPowerCapabilities = { power: 'blank', brightnessLevels: BX_BRIGHTNESS_LEVELS };
  private readonly opts: BxDriverOptions;
  private readonly colour: LedColourMode;
  private readonly address: number;
  private readonly log: LedLogger;
  private readonly link: Link;
  private readonly serial: SerialTransport | null;
  private readonly decoder = new BxDecoder();
  private readonly slots: Record<number, AreaSlot> = {
    [PLAYLIST_AREA]: { want: null, has: null },
    [URGENT_AREA]: { want: null, has: null },
  };
  private powerOn = true;
  /** A delete-all is owed: after `clear()`, or when the card's content is unknown and nothing is wanted. */
  private clearPending = false;
  private blanked = false;
  private brightnessLevel: number | null = null;
  private brightnessSent = false;
  private waiter: { resolve: (data: Uint8Array) => void; reject: (e: Error) => void } | null = null;
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  private pingTimer: NodeJS.Timeout | null = null;
  private missed = 0;
  private closed = false;
  /** A programme the card refused for good (too big, wrong card): retried only slowly, in case the card is swapped. */
  private refused: { programmeId: string; code: string; until: number; times: number } | null = null;
  private refusedTimer: NodeJS.Timeout | null = null;
  private deliveries: { programmeId: string; resolve: (r: ShowResult) => void }[] = [];
  private st: BoardStatus;

  constructor(opts: BxDriverOptions) {
    super();
    this.opts = opts;
    this.card = bxCard(opts.card);
    if (this.card.pixels === 'font') throw new RangeError(`${this.card.label} is a font card; use BxFontDriver`);
    if (!!opts.port === !!opts.tcp) throw new RangeError('a BX board needs exactly one of port and tcp');
    if (opts.port && !this.card.serial)
      throw new RangeError(`${this.card.label} has no serial port: use tcp=HOST:PORT`);
    this.colour = opts.colour ?? this.card.colours[0]!;
    if (!this.card.colours.includes(this.colour))
      throw new RangeError(`${this.card.label} drives ${this.card.colours.join('/')} boards, not ${this.colour}`);
    this.address = opts.address ?? 1;
    this.log = opts.logger ?? silentLogger;
    if (opts.tcp) {
      this.serial = null;
      this.link = new TcpTransport({
        ...opts.tcp,
        interPacketMs: 0,
        logger: this.log,
        ...(opts.transport?.backoff ? { backoff: opts.transport.backoff } : {}),
      });
    } else {
      this.serial = acquireTransport({
        path: opts.port!,
        baudRate: opts.baudRate ?? 57600,
        interPacketMs: 0,
        logger: this.log,
        ...(opts.transport?.backoff ? { backoff: opts.transport.backoff } : {}),
        ...(opts.transport?.presenceCheckMs !== undefined ? { presenceCheckMs: opts.transport.presenceCheckMs } : {}),
      });
      this.link = this.serial;
    }
    this.st = initialBoardStatus('bx', this.link.path, String(this.address));
    this.link.on('data', this.onData);
    this.link.on('open', this.onOpen);
    this.link.on('close', this.onClose);
    this.link.on('error', this.onError);
  }

  private readonly onData = (chunk: Uint8Array): void => {
    for (const d of this.decoder.push(chunk)) {
      if (!d.ok) {
        this.log.debug({ reason: d.reason }, 'damaged reply from the BX card');
        continue;
      }
      const w = this.waiter;
      this.waiter = null;
      w?.resolve(d.packet.data);
    }
  };

  private readonly onOpen = (): void => {
    if (this.st.reconnects > 0 || this.st.lastWriteAt !== null) this.forgetCard();
    this.st.reconnects++;
    this.kick();
    this.schedulePing(0);
  };

  private readonly onClose = (): void => {
    this.waiter?.reject(new Error('link closed'));
    this.waiter = null;
    this.setState('offline', { code: 'disconnected', message: `mất kết nối tới ${this.link.path}` });
  };

  private readonly onError = (err: Error & { code?: string }): void => {
    this.setState('offline', { code: err.code ?? 'transport', message: err.message });
  };

  /** The card may have lost its areas (power cut, reboot): everything is sent again. */
  private forgetCard(): void {
    for (const s of Object.values(this.slots)) s.has = null;
    if (!this.slots[PLAYLIST_AREA]!.want && this.st.programmeId === 'clear') this.clearPending = true;
    this.blanked = false;
    this.brightnessSent = false;
  }

  private setState(state: BoardStatus['state'], error?: { code: string; message: string }): void {
    const changed = this.st.state !== state || (error && this.st.lastError?.message !== error.message);
    this.st.state = state;
    if (error) this.st.lastError = { ...error, at: Date.now() };
    if (changed) this.emit('status', this.status());
  }

  async open(): Promise<void> {
    await this.link.start();
  }

  status(): BoardStatus {
    return { ...this.st, lastError: this.st.lastError ? { ...this.st.lastError } : null };
  }

  show(programme: LedProgramme): Promise<ShowResult> {
    if (this.closed) return Promise.reject(new Error('driver closed'));
    // Compile now so a programme the card can never take is refused to the caller at once.
    const slot = programme.urgent ? URGENT_AREA : PLAYLIST_AREA;
    const area = compileArea(programme, { card: this.card, colour: this.colour, size: this.opts.size }, slot);
    if (areaBytes(area) > AREA_CAPACITY_BYTES)
      throw new RangeError(
        `${describeBxError(BX_ERR.MEMORYVOLUME)} (${areaBytes(area)} byte, tối đa ${AREA_CAPACITY_BYTES})`,
      );
    this.slots[slot]!.want = { id: programme.id, area };
    // An ordinary programme after an urgent one is the cancel: area 1 goes away once area 0 is right.
    if (!programme.urgent) this.slots[URGENT_AREA]!.want = null;
    this.st.programmeId = programme.id;
    if (this.refused?.programmeId !== programme.id) this.refused = null;
    return this.deliver(programme.id);
  }

  clear(): Promise<ShowResult> {
    if (this.closed) return Promise.reject(new Error('driver closed'));
    this.slots[PLAYLIST_AREA]!.want = null;
    this.slots[URGENT_AREA]!.want = null;
    this.clearPending = true;
    this.st.programmeId = 'clear';
    return this.deliver('clear');
  }

  private deliver(programmeId: string): Promise<ShowResult> {
    // Anyone still waiting for an older programme was superseded.
    for (const d of this.deliveries.splice(0)) d.resolve({ delivered: false, programmeId: d.programmeId });
    const p = new Promise<ShowResult>((resolve) => this.deliveries.push({ programmeId, resolve }));
    this.kick();
    return p;
  }

  async setClock(): Promise<void> {
    // The graphic dynamic-area protocol has no clock command; bangtin draws every pixel itself.
  }

  async setPower(on: boolean): Promise<void> {
    this.powerOn = on;
    this.st.power = on ? 'on' : 'off';
    this.emit('status', this.status());
    this.kick();
    await this.syncing;
  }

  async setBrightness(percent: number): Promise<number> {
    const level = Math.max(0, Math.min(15, Math.round((percent / 100) * 16) - 1));
    this.brightnessLevel = level;
    this.brightnessSent = false;
    this.kick();
    await this.syncing;
    return BX_BRIGHTNESS_LEVELS[15 - level]!;
  }

  private kick(): void {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = this.sync().finally(() => {
      this.syncing = null;
      if (this.syncAgain && !this.closed) {
        this.syncAgain = false;
        this.kick();
      }
    });
  }

  /** The next request that brings the card closer to what is wanted, or null when it is there. */
  private nextStep(): { what: string; data: Uint8Array; done: () => void } | null {
    if (this.brightnessLevel !== null && !this.brightnessSent) {
      const level = this.brightnessLevel;
      return {
        what: 'brightness',
        data: brightnessRequest(level),
        done: () => {
          this.brightnessSent = true;
          this.st.brightness = BX_BRIGHTNESS_LEVELS[15 - level]!;
        },
      };
    }
    if (!this.powerOn) {
      if (this.blanked) return null;
      return {
        what: 'blank',
        data: updateAreaRequest(
          this.card.generation,
          blankArea({ card: this.card, colour: this.colour, size: this.opts.size }),
        ),
        done: () => {
          this.blanked = true;
          for (const s of Object.values(this.slots)) s.has = null;
          // Area 1 may still hold an urgent message over the blank page.
          this.slots[URGENT_AREA]!.has = 'unknown';
        },
      };
    }
    this.blanked = false;
    const playlist = this.slots[PLAYLIST_AREA]!;
    const urgent = this.slots[URGENT_AREA]!;
    if (
      this.refused &&
      Date.now() < this.refused.until &&
      (playlist.want?.id === this.refused.programmeId || urgent.want?.id === this.refused.programmeId)
    )
      return null;
    if (urgent.want && urgent.has !== urgent.want.id) {
      const w = urgent.want;
      return {
        what: `urgent ${w.id}`,
        data: updateAreaRequest(this.card.generation, w.area),
        done: () => (urgent.has = w.id),
      };
    }
    if (playlist.want && playlist.has !== playlist.want.id) {
      const w = playlist.want;
      return {
        what: `programme ${w.id}`,
        data: updateAreaRequest(this.card.generation, w.area),
        done: () => (playlist.has = w.id),
      };
    }
    if (!urgent.want && urgent.has !== null) {
      return { what: 'cancel urgent', data: deleteAreasRequest([URGENT_AREA]), done: () => (urgent.has = null) };
    }
    if (this.clearPending) {
      return {
        what: 'clear',
        data: deleteAreasRequest('all'),
        done: () => {
          this.clearPending = false;
          playlist.has = null;
          urgent.has = null;
        },
      };
    }
    return null;
  }

  private wantedId(): string | null {
    if (!this.powerOn || this.st.programmeId === null) return null;
    return this.slots[URGENT_AREA]!.want?.id ?? this.slots[PLAYLIST_AREA]!.want?.id ?? 'clear';
  }

  private async sync(): Promise<void> {
    let failures = 0;
    while (!this.closed && this.link.isOpen) {
      const step = this.nextStep();
      if (!step) break;
      let reply: Uint8Array;
      try {
        reply = await this.request(step.data);
      } catch (err) {
        if (err instanceof Closed || !this.link.isOpen) return;
        this.missed++;
        if (this.missed >= (this.opts.offlineAfter ?? 2))
          this.setState('offline', { code: 'no-reply', message: 'thẻ BX không trả lời' });
        await this.backoff(failures++);
        continue;
      }
      this.markAnswered();
      let r;
      try {
        r = decodeReply(reply);
      } catch {
        await this.backoff(failures++);
        continue;
      }
      if (isAck(r)) {
        failures = 0;
        step.done();
        if (this.refused) {
          this.refused = null;
          this.setState('online');
        }
        this.log.debug({ step: step.what }, 'BX card acknowledged');
        if (
          step.what.startsWith('programme') ||
          step.what.startsWith('urgent') ||
          step.what.startsWith('cancel') ||
          step.what === 'clear'
        )
          this.settleDeliveries();
        continue;
      }
      const message = describeBxError(r.error);
      this.log.warn({ step: step.what, error: r.error }, `BX card refused: ${message}`);
      if (r.error === BX_ERR.BUSY || r.error === BX_ERR.CHECKSUM) {
        this.setState('error', { code: BX_ERRORS_NAME(r.error), message });
        await this.backoff(failures++);
        continue;
      }
      // It will likely refuse this programme again: show why, and try again only slowly (5 s, 10 s, … 5 min),
      // in case the installer swaps the card or frees its memory.
      const id = this.wantedId() ?? '';
      const times = this.refused?.programmeId === id ? this.refused.times + 1 : 1;
      const wait = Math.min(300_000, (this.opts.refusedRetryMs ?? 5000) * 2 ** (times - 1));
      this.refused = { programmeId: id, code: BX_ERRORS_NAME(r.error), until: Date.now() + wait, times };
      if (this.refusedTimer) clearTimeout(this.refusedTimer);
      this.refusedTimer = setTimeout(() => this.kick(), wait + 10);
      this.refusedTimer.unref?.();
      this.setState('error', { code: BX_ERRORS_NAME(r.error), message });
      for (const d of this.deliveries.splice(0)) d.resolve({ delivered: false, programmeId: d.programmeId });
      break;
    }
    this.settleDeliveries();
  }

  private markAnswered(): void {
    this.missed = 0;
    const wasOffline = this.st.state === 'offline' && this.st.lastError?.code === 'no-reply';
    this.st.lastReplyAt = Date.now();
    if (this.st.state !== 'online' && !this.refused) this.setState('online');
    if (wasOffline) {
      // A card that stopped answering and came back may have been power-cycled: send everything again.
      this.forgetCard();
      this.syncAgain = true;
    }
  }

  private settleDeliveries(): void {
    const want = this.wantedId();
    if (want === null) return;
    const urgent = this.slots[URGENT_AREA]!;
    const playlist = this.slots[PLAYLIST_AREA]!;
    const onCard = urgent.want
      ? urgent.has === urgent.want.id
      : playlist.want
        ? playlist.has === playlist.want.id && urgent.has === null
        : !this.clearPending;
    if (!onCard) return;
    if (this.st.deliveredProgrammeId !== want) {
      this.st.deliveredProgrammeId = want;
      this.st.deliveredAt = Date.now();
      if (this.st.state === 'error' && !this.refused) this.st.state = 'online';
      this.emit('status', this.status());
    }
    for (const d of this.deliveries.splice(0))
      d.resolve({ delivered: d.programmeId === want, programmeId: d.programmeId });
  }

  private async backoff(n: number): Promise<void> {
    const r = { initialMs: 200, maxMs: 10_000, factor: 2, ...this.opts.retry };
    const ms = Math.min(r.maxMs, r.initialMs * r.factor ** n) * (0.8 + Math.random() * 0.4);
    await sleep(ms);
  }

  /** Writes one request and resolves with the reply's data field (whatever it says). */
  private async request(data: Uint8Array): Promise<Uint8Array> {
    const frame = encodePacket({ address: this.address, deviceType: this.card.deviceType }, data);
    const baud = this.opts.baudRate ?? 57600;
    const wireMs = this.opts.tcp ? 0 : (frame.length * 10 * 1000) / baud;
    const timeoutMs = (this.opts.replyTimeoutMs ?? 2000) + wireMs * 1.5;
    const answered = new Promise<Uint8Array>((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
    answered.catch(() => undefined);
    await this.link.write({ parts: [frame] });
    this.st.bytesWritten += frame.length;
    this.st.packetsWritten++;
    this.st.lastWriteAt = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no reply')), timeoutMs);
    });
    try {
      return await Promise.race([answered, timeout]);
    } finally {
      clearTimeout(timer);
      this.waiter = null;
    }
  }

  private schedulePing(delay = this.opts.pingIntervalMs ?? 5000): void {
    if (this.pingTimer) clearTimeout(this.pingTimer);
    if (this.closed) return;
    this.pingTimer = setTimeout(() => void this.ping(), delay);
    this.pingTimer.unref?.();
  }

  private async ping(): Promise<void> {
    try {
      if (!this.link.isOpen || this.syncing) return;
      this.syncing = (async () => {
        try {
          const reply = decodeReply(await this.request(pingRequest()));
          this.markAnswered();
          if (!isAck(reply)) this.log.warn({ error: reply.error }, 'BX card NACKed a ping');
        } catch {
          if (this.closed || !this.link.isOpen) return;
          this.missed++;
          if (this.missed >= (this.opts.offlineAfter ?? 2))
            this.setState('offline', { code: 'no-reply', message: 'thẻ BX không trả lời' });
        }
      })().finally(() => {
        this.syncing = null;
        if (this.syncAgain && !this.closed) {
          this.syncAgain = false;
          this.kick();
        }
      });
      await this.syncing;
    } finally {
      this.schedulePing();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.pingTimer) clearTimeout(this.pingTimer);
    if (this.refusedTimer) clearTimeout(this.refusedTimer);
    this.waiter?.reject(new Closed());
    this.waiter = null;
    for (const d of this.deliveries.splice(0)) d.resolve({ delivered: false, programmeId: d.programmeId });
    this.link.off('data', this.onData);
    this.link.off('open', this.onOpen);
    this.link.off('close', this.onClose);
    this.link.off('error', this.onError);
    if (this.serial) await releaseTransport(this.serial);
    else await this.link.stop?.();
  }
}

function BX_ERRORS_NAME(n: number): string {
  return describeBxError(n).split(':')[0]!;
}
