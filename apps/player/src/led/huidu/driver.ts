/**
 * LedDriver for Huidu (HD series) controller cards on the office LAN (TCP port 10001).
 *
 * A programme becomes one PNG per frame (exact preview pixels), uploaded with the file-transfer messages
 * and their MD5, then one AddProgram SDK command that plays them in a full-board area. Every step waits for
 * the card's answer: a refusal or a silence is retried with backoff and reported as status `error`. A card
 * that stops answering heartbeats is reported offline, the connection is dropped and re-made, and the
 * programme is re-sent once the card answers again.
 */
import { EventEmitter } from 'node:events';
import type { Bitmap } from '@bangtin/shared';
import {
  type BoardSize,
  type BoardStatus,
  initialBoardStatus,
  type LedDriver,
  type LedDriverEvents,
  type LedLogger,
  type LedProgramme,
  type ShowResult,
  silentLogger,
} from '../driver';
import { TcpTransport, type TcpTransportOptions } from '../tcp-transport';
import { TransportError } from '../transport';
import {
  buildScreenXml,
  buildSdkRequest,
  DEFAULT_CONTENT_CHUNK,
  decodeFileStartAnswer,
  decodeSdkPayload,
  decodeU16,
  encodeFileContent,
  encodeFileEnd,
  encodeFileStart,
  encodeHeartbeatAsk,
  encodeSdk,
  encodeVersionAsk,
  HUIDU_PORT,
  HuiduCmd,
  HuiduDecoder,
  HuiduFileType,
  type HuiduFrame,
  huiduErrorName,
  parseSdkMessage,
  type SdkMessage,
} from './codec';
import { bitmapToCardPng, md5Hex } from './picture';

export interface HuiduDriverOptions {
  host: string;
  /** Default 10001. */
  port?: number;
  size: BoardSize;
  /** How often a heartbeat is sent; a heartbeat not answered within `replyTimeoutMs` takes the card offline. */
  heartbeatMs?: number;
  /** How long each request waits for the card's answer. */
  replyTimeoutMs?: number;
  /** Backoff between delivery retries after a refusal or a silence. */
  retry?: { initialMs?: number; maxMs?: number };
  /** File bytes per 0x8003 frame (the public clients use 8000; 1400 suits networks that fragment). */
  contentChunkBytes?: number;
  /** Reconnect backoff, connect and write timeouts of the TCP link. */
  transport?: Pick<TcpTransportOptions, 'backoff' | 'connectTimeoutMs' | 'writeTimeoutMs'>;
  logger?: LedLogger;
}

/** A refusal or a silence of the card; `code` is stable, `message` is for people (Vietnamese). */
export class HuiduError extends Error {
  override name = 'HuiduError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

class Superseded extends Error {}

interface Upload {
  name: string;
  png: Buffer;
  md5: string;
}

interface Plan {
  programmeId: string;
  name: string;
  uploads: Upload[];
  xml: (at: number) => string;
  urgent: boolean;
}

interface Waiter {
  accept: (f: HuiduFrame, sdk: SdkMessage | null) => boolean;
  resolve: (v: { frame: HuiduFrame; sdk: SdkMessage | null }) => void;
  reject: (e: Error) => void;
}

function validateBitmap(b: Bitmap, size: BoardSize, i: number): void {
  if (b.width !== size.width || b.height !== size.height)
    throw new RangeError(`frames[${i}].bitmap is ${b.width}×${b.height}, the board is ${size.width}×${size.height}`);
  if (!(b.data instanceof Uint8Array) || b.data.length !== b.width * b.height)
    throw new RangeError(`frames[${i}].bitmap.data must hold width×height bytes`);
}

export class HuiduDriver extends EventEmitter<LedDriverEvents> implements LedDriver {
  private readonly opts: HuiduDriverOptions;
  private readonly log: LedLogger;
  private readonly target: string;
  private readonly heartbeatMs: number;
  private readonly replyTimeoutMs: number;
  private transport: TcpTransport | null = null;
  private decoder = new HuiduDecoder();
  private waiters: Waiter[] = [];
  /** Card session: set after the version exchange and GetIFVersion on each connection. */
  private guid: string | null = null;
  private ready = false;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private plan: Plan | null = null;
  private generation = 0;
  private attempt = 0;
  /** Aborted when the running delivery is superseded. */
  private attemptAbort = new AbortController();
  private delivering: Promise<void> = Promise.resolve();
  private showWaiters: { generation: number; resolve: (r: ShowResult) => void; programmeId: string }[] = [];
  private closed = false;
  /** Set once `setClock` was asked for: the clock is set again on every new connection. */
  private clockWanted = false;
  private readonly st: BoardStatus;

  constructor(options: HuiduDriverOptions) {
    super();
    if (!options.host || typeof options.host !== 'string') throw new RangeError('huidu host is required');
    const port = options.port ?? HUIDU_PORT;
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new RangeError(`huidu port must be 1–65535, got ${port}`);
    const { width, height } = options.size;
    if (
      !Number.isInteger(width) ||
      !Number.isInteger(height) ||
      width < 1 ||
      height < 1 ||
      width > 8192 ||
      height > 8192
    )
      throw new RangeError(`huidu size must be 1–8192 × 1–8192, got ${width}×${height}`);
    for (const [k, v] of [
      ['heartbeatMs', options.heartbeatMs],
      ['replyTimeoutMs', options.replyTimeoutMs],
      ['contentChunkBytes', options.contentChunkBytes],
    ] as const) {
      if (v !== undefined && (!Number.isInteger(v) || v < 1))
        throw new RangeError(`huidu ${k} must be a positive integer`);
    }
    if ((options.contentChunkBytes ?? 0) > 0xffff - 4) throw new RangeError('huidu contentChunkBytes must be ≤ 65531');
    this.opts = { ...options, port };
    this.log = options.logger ?? silentLogger;
    this.heartbeatMs = options.heartbeatMs ?? 30_000;
    this.replyTimeoutMs = options.replyTimeoutMs ?? 5_000;
    this.target = options.host.includes(':') ? `[${options.host}]:${port}` : `${options.host}:${port}`;
    this.st = initialBoardStatus('huidu', this.target, '');
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

  private recordError(code: string, message: string, state: BoardStatus['state'] = 'error'): void {
    this.st.lastError = { code, message, at: Date.now() };
    this.st.state = state;
    this.log.warn({ target: this.target, code }, message);
    this.changed();
  }

  async open(): Promise<void> {
    if (this.closed) throw new Error('driver is closed');
    if (this.transport) return;
    const t = new TcpTransport({
      ...this.opts.transport,
      host: this.opts.host,
      port: this.opts.port!,
      logger: this.log,
    });
    this.transport = t;
    t.on('open', () => void this.handleOpen(t));
    t.on('close', (err) => this.handleClose(err));
    t.on('error', (err) => {
      // Reported once per kind of failure, not on every retry of a card that is switched off.
      if (this.st.lastError?.code !== err.code)
        this.recordError(err.code, `Không kết nối được thẻ Huidu ${this.target}: ${err.message}`, 'offline');
    });
    t.on('data', (chunk) => this.handleData(chunk));
    await t.start();
  }

  // ---- connection ------------------------------------------------------------------------------------

  private async handleOpen(t: TcpTransport): Promise<void> {
    if (t.opens > 1) this.st.reconnects++;
    this.decoder = new HuiduDecoder();
    try {
      await this.request(encodeVersionAsk(), (f) => f.cmd === HuiduCmd.serviceAnswer, 'version');
      const { sdk } = await this.request(
        encodeSdk(buildSdkRequest('##GUID', 'GetIFVersion', '<version value="1000000"/>')),
        (_f, s) => s?.method === 'GetIFVersion',
        'GetIFVersion',
      );
      this.guid = sdk!.guid;
    } catch (err) {
      if (this.transport !== t || this.closed) return;
      this.recordError(
        err instanceof HuiduError ? err.code : 'handshake-failed',
        `Thẻ Huidu ${this.target} không trả lời bắt tay kết nối (${(err as Error).message}); sẽ kết nối lại`,
        'offline',
      );
      t.reconnect();
      return;
    }
    if (this.transport !== t || this.closed) return;
    this.ready = true;
    this.st.address = this.guid ?? '';
    this.st.state = 'online';
    this.changed();
    this.startHeartbeat();
    if (this.clockWanted) void this.setClock(new Date()).catch(() => {});
    // The card may have been power-cycled while we were away: send the programme again.
    if (this.plan) this.deliver(this.plan, this.generation);
  }

  private handleClose(err: TransportError | null): void {
    this.ready = false;
    this.guid = null;
    this.stopHeartbeat();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(new TransportError('port-closed', `connection to ${this.target} closed`));
    if (err && this.st.state !== 'offline')
      this.recordError(err.code, `Mất kết nối tới thẻ Huidu ${this.target}: ${err.message}`, 'offline');
    this.setState('offline');
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    const t = this.transport;
    this.heartbeatTimer = setInterval(() => {
      if (!t || this.transport !== t || !this.ready) return;
      this.request(encodeHeartbeatAsk(), (f) => f.cmd === HuiduCmd.heartbeatAnswer, 'heartbeat').catch((err: Error) => {
        if (this.transport !== t || this.closed || !this.ready) return;
        this.ready = false;
        this.recordError(
          'heartbeat-lost',
          `Thẻ Huidu ${this.target} ngừng trả lời nhịp tim (${err.message}); ngắt và kết nối lại`,
          'offline',
        );
        t.reconnect();
      });
    }, this.heartbeatMs);
    this.heartbeatTimer.unref?.();
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private handleData(chunk: Uint8Array): void {
    for (const ev of this.decoder.push(chunk)) {
      if (ev.type === 'garbage') {
        this.log.debug({ target: this.target, bytes: ev.bytes, reason: ev.reason }, 'huidu: skipped bytes');
        continue;
      }
      const frame = ev.frame;
      this.st.lastReplyAt = Date.now();
      if (frame.cmd === HuiduCmd.errorAnswer) {
        // A protocol-level error answers whatever is pending.
        const name = huiduErrorName(decodeU16(frame.payload, 'error answer'));
        const waiters = this.waiters;
        this.waiters = [];
        for (const w of waiters) w.reject(new HuiduError(`card-${name}`, `thẻ báo lỗi ${name}`));
        continue;
      }
      let sdk: SdkMessage | null = null;
      if (frame.cmd === HuiduCmd.sdkAnswer) {
        try {
          sdk = parseSdkMessage(decodeSdkPayload(frame.payload).xml);
        } catch (err) {
          this.log.warn({ target: this.target, err: (err as Error).message }, 'huidu: unreadable sdk answer');
          continue;
        }
      }
      const i = this.waiters.findIndex((w) => w.accept(frame, sdk));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve({ frame, sdk });
    }
  }

  private async write(bytes: Uint8Array): Promise<void> {
    const t = this.transport;
    if (!t) throw new TransportError('stopped', 'driver is not open');
    await t.write({ parts: [bytes] });
    this.st.bytesWritten += bytes.length;
    this.st.packetsWritten++;
    this.st.lastWriteAt = Date.now();
  }

  /** Writes a frame and waits for the answer `accept` recognises; rejects on silence or a closed link. */
  private request(
    bytes: Uint8Array | null,
    accept: Waiter['accept'],
    what: string,
  ): Promise<{ frame: HuiduFrame; sdk: SdkMessage | null }> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((x) => x !== w);
      };
      const w: Waiter = {
        accept,
        resolve: (v) => {
          done();
          resolve(v);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      };
      const timer = setTimeout(
        () => w.reject(new HuiduError('no-reply', `không có trả lời cho ${what} trong ${this.replyTimeoutMs} ms`)),
        this.replyTimeoutMs,
      );
      this.waiters.push(w);
      if (bytes) this.write(bytes).catch((e: Error) => w.reject(e));
    });
  }

  // ---- programmes ------------------------------------------------------------------------------------

  private compile(programme: LedProgramme): Plan {
    if (typeof programme.id !== 'string' || programme.id.length === 0 || programme.id.length > 200)
      throw new RangeError('programme.id must be a non-empty string (≤ 200 chars)');
    if (!Array.isArray(programme.frames) || programme.frames.length === 0)
      throw new RangeError('programme.frames must hold at least one frame');
    if (programme.frames.length > 100) throw new RangeError('programme.frames: at most 100 frames');
    const uploads: Upload[] = [];
    const pictures: { file: string; durationMs: number }[] = [];
    programme.frames.forEach((f, i) => {
      validateBitmap(f.bitmap, this.opts.size, i);
      if (!Number.isFinite(f.durationMs) || f.durationMs < 100 || f.durationMs > 86_400_000)
        throw new RangeError(`frames[${i}].durationMs must be 100 ms – 24 h, got ${f.durationMs}`);
      const png = bitmapToCardPng(f.bitmap);
      const md5 = md5Hex(png);
      // Named by content: the same picture is the same file, and the card can say it already has it.
      const name = `bt-${md5.slice(0, 16)}.png`;
      if (!uploads.some((u) => u.name === name)) uploads.push({ name, png, md5 });
      pictures.push({ file: name, durationMs: f.durationMs });
    });
    const name = programme.id.normalize('NFC');
    const { width, height } = this.opts.size;
    return {
      programmeId: programme.id,
      name,
      uploads,
      urgent: programme.urgent === true,
      xml: (at) => buildScreenXml({ name, width, height, pictures, at }),
    };
  }

  show(programme: LedProgramme): Promise<ShowResult> {
    return this.start(this.compile(programme));
  }

  /** An empty screen: the card plays nothing and the board is dark. */
  clear(): Promise<ShowResult> {
    const { width, height } = this.opts.size;
    return this.start({
      programmeId: 'clear',
      name: 'clear',
      uploads: [],
      urgent: true,
      xml: (at) => buildScreenXml({ name: 'clear', width, height, pictures: [], at }),
    });
  }

  private start(plan: Plan): Promise<ShowResult> {
    if (this.closed) return Promise.reject(new Error('driver is closed'));
    const generation = ++this.generation;
    this.settle(generation - 1, false);
    this.plan = plan;
    this.st.programmeId = plan.programmeId;
    this.changed();
    const result = new Promise<ShowResult>((resolve) =>
      this.showWaiters.push({ generation, resolve, programmeId: plan.programmeId }),
    );
    if (this.ready) this.deliver(plan, generation);
    return result;
  }

  private settle(generation: number, delivered: boolean): void {
    const keep: typeof this.showWaiters = [];
    for (const w of this.showWaiters) {
      if (w.generation < generation || (w.generation === generation && !delivered))
        w.resolve({ delivered: false, programmeId: w.programmeId });
      else if (w.generation === generation) w.resolve({ delivered: true, programmeId: w.programmeId });
      else keep.push(w);
    }
    this.showWaiters = keep;
  }

  /**
   * Runs deliveries one after another. A newer programme (urgent or not: AddProgram replaces everything the
   * card plays either way) stops the running one before its next frame and cuts a retry wait short, so an
   * urgent message waits at most for one answer of the old delivery. Answers are never abandoned mid-way,
   * so a late answer cannot be mistaken for one to the new delivery.
   */
  private deliver(plan: Plan, generation: number): void {
    const attempt = ++this.attempt;
    this.attemptAbort.abort();
    const abort = new AbortController();
    this.attemptAbort = abort;
    const run = async (): Promise<void> => {
      let failures = 0;
      for (;;) {
        if (attempt !== this.attempt || this.closed) return;
        try {
          await this.deliverOnce(plan, attempt, abort.signal);
          this.st.deliveredProgrammeId = plan.programmeId;
          this.st.deliveredAt = Date.now();
          if (this.st.state === 'error') this.st.state = 'online';
          this.log.info({ target: this.target, programme: plan.programmeId }, 'programme delivered');
          this.changed();
          this.settle(generation, true);
          return;
        } catch (err) {
          if (err instanceof Superseded) return;
          if (err instanceof TransportError) {
            // The link dropped; `handleOpen` re-sends when it is back.
            this.log.info({ target: this.target, programme: plan.programmeId }, 'delivery interrupted by the link');
            return;
          }
          const e = err instanceof HuiduError ? err : new HuiduError('delivery-failed', (err as Error).message);
          this.recordError(
            e.code,
            `Không gửi được chương trình "${plan.name}" tới thẻ Huidu ${this.target}: ${e.message}`,
          );
          const initial = this.opts.retry?.initialMs ?? 1000;
          const max = this.opts.retry?.maxMs ?? 30_000;
          const delay = Math.min(max, initial * 2 ** failures++);
          const superseded = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), delay);
            abort.signal.addEventListener('abort', () => {
              clearTimeout(timer);
              resolve(true);
            });
          });
          if (superseded) return;
        }
      }
    };
    this.delivering = this.delivering.then(run, run);
  }

  private check(attempt: number, signal: AbortSignal): void {
    if (attempt !== this.attempt || signal.aborted) throw new Superseded();
  }

  private async deliverOnce(plan: Plan, attempt: number, signal: AbortSignal): Promise<void> {
    if (!this.ready || !this.guid) throw new TransportError('port-closed', 'card not connected');
    const chunkBytes = this.opts.contentChunkBytes ?? DEFAULT_CONTENT_CHUNK;
    for (const u of plan.uploads) {
      this.check(attempt, signal);
      const { frame } = await this.request(
        encodeFileStart({ md5: u.md5, size: u.png.length, type: HuiduFileType.image, name: u.name }),
        (f) => f.cmd === HuiduCmd.fileStartAnswer,
        `bắt đầu tệp ${u.name}`,
      );
      const start = decodeFileStartAnswer(frame.payload);
      if (start.error !== 0)
        throw new HuiduError('file-start-refused', `thẻ từ chối tệp ${u.name}: ${huiduErrorName(start.error)}`);
      // A card that already holds part of the file asks us to resume from there.
      for (let o = Math.min(start.existBytes, u.png.length); o < u.png.length; o += chunkBytes) {
        this.check(attempt, signal);
        await this.write(encodeFileContent(u.png.subarray(o, o + chunkBytes)));
      }
      const end = await this.request(
        encodeFileEnd(),
        (f) => f.cmd === HuiduCmd.fileEndAnswer,
        `kết thúc tệp ${u.name}`,
      );
      const code = decodeU16(end.frame.payload, 'file end answer');
      if (code !== 0 && code !== 1)
        throw new HuiduError(
          'file-end-refused',
          `thẻ không nhận tệp ${u.name}: ${huiduErrorName(code)}${code === 14 ? ' (MD5 không khớp)' : ''}`,
        );
    }
    this.check(attempt, signal);
    const { sdk } = await this.request(
      encodeSdk(buildSdkRequest(this.guid, 'AddProgram', plan.xml(Date.now()))),
      (_f, s) => s?.method === 'AddProgram',
      'AddProgram',
    );
    if (sdk!.result !== 'kSuccess')
      throw new HuiduError('program-refused', `thẻ từ chối chương trình: ${sdk!.result ?? 'không rõ'}`);
  }

  /** Sets the card clock (SetTimeInfo, Vietnam time, no sync). Resolves once the card accepted it. */
  async setClock(date: Date): Promise<void> {
    this.clockWanted = true;
    if (!this.ready || !this.guid) return;
    const vn = new Date(date.getTime() + 7 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
    const inner =
      '<timezone value="(UTC+07:00)Bangkok,Hanoi,Jakarta"/><summer value="false"/><sync value="none"/>' +
      `<time value="${vn}"/>`;
    const { sdk } = await this.request(
      encodeSdk(buildSdkRequest(this.guid, 'SetTimeInfo', inner)),
      (_f, s) => s?.method === 'SetTimeInfo',
      'SetTimeInfo',
    );
    if (sdk!.result !== 'kSuccess') {
      this.recordError('clock-refused', `Thẻ Huidu ${this.target} từ chối đặt giờ: ${sdk!.result ?? 'không rõ'}`);
      throw new HuiduError('clock-refused', `SetTimeInfo: ${sdk!.result}`);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.generation++;
    this.attempt++;
    this.attemptAbort.abort();
    this.settle(this.generation, false);
    this.stopHeartbeat();
    const t = this.transport;
    this.transport = null;
    this.ready = false;
    if (t) await t.stop();
    for (const w of this.waiters.splice(0)) w.reject(new TransportError('stopped', 'driver closed'));
    this.setState('offline');
  }
}
