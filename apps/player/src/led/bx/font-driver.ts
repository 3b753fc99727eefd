/**
 * LedDriver for Onbon font cards (BX-5K/6K, protocol 0x02) over serial or TCP. These cards draw text in
 * their own GB2312 font, which has no ơ ư đ ạ ả ệ ữ: a slogan with Vietnamese letters is never sent (it
 * would show mangled). The board shows nothing for it and its status says why, in Vietnamese, on the
 * device panel: "thẻ BX-5K không hiển thị được tiếng Việt có dấu; cần thẻ đồ hoạ (BX-5E/6E)". Plain ASCII
 * slogans ("BHXH 2026") go out as one A3 06 dynamic area. Pings tell online from offline.
 */
import { EventEmitter } from 'node:events';
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
import { TcpTransport, type TcpTarget } from '../tcp-transport';
import { acquireTransport, releaseTransport, type SerialTransport, type BackoffOptions } from '../transport';
import { bxCard } from './cards';
import {
  decodeFontFrame,
  decodeFontReply,
  encodeFontFrame,
  FONT_CARD_DEVICE_TYPES,
  fontDeleteAreasRequest,
  fontPingRequest,
  fontTextRequest,
  isPlainAscii,
  VIETNAMESE_NOT_SUPPORTED_MESSAGE,
} from './font-card';
import { BX_HEADER_BYTE, BX_TAIL } from './frame';

export interface BxFontDriverOptions {
  card: string;
  size: BoardSize;
  address?: number;
  port?: string;
  baudRate?: number;
  tcp?: TcpTarget;
  replyTimeoutMs?: number;
  pingIntervalMs?: number;
  transport?: { backoff?: Partial<BackoffOptions> };
  logger?: LedLogger;
}

const DEVICE_TYPE: Record<string, number> = {
  'bx-5k1': FONT_CARD_DEVICE_TYPES['BX-5K1'],
  'bx-5k2': FONT_CARD_DEVICE_TYPES['BX-5K2'],
  'bx-6k1': FONT_CARD_DEVICE_TYPES['BX-6K1'],
};

/** Splits a byte stream into whole frames (0xA5… to 0x5A), for any chunking. */
class FrameSplitter {
  private buf: number[] = [];
  private inFrame = false;
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const b of chunk) {
      if (!this.inFrame) {
        if (b !== BX_HEADER_BYTE) continue;
        this.inFrame = true;
        this.buf = [];
      }
      this.buf.push(b);
      if (b === BX_TAIL) {
        out.push(Uint8Array.from(this.buf));
        this.inFrame = false;
      } else if (this.buf.length > 64 * 1024) this.inFrame = false;
    }
    return out;
  }
}

export class BxFontDriver extends EventEmitter<LedDriverEvents> implements LedDriver {
  private readonly opts: BxFontDriverOptions;
  private readonly log: LedLogger;
  private readonly link: SerialTransport | TcpTransport;
  private readonly serial: SerialTransport | null;
  private readonly splitter = new FrameSplitter();
  private readonly deviceType: number;
  private waiter: ((data: Uint8Array) => void) | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private pingTimer: NodeJS.Timeout | null = null;
  private missed = 0;
  private closed = false;
  private current: LedProgramme | null = null;
  private onCard: string | null = null;
  private st: BoardStatus;

  constructor(opts: BxFontDriverOptions) {
    super();
    const card = bxCard(opts.card);
    if (card.pixels !== 'font') throw new RangeError(`${card.label} is a graphic card; use BxDriver`);
    if (!!opts.port === !!opts.tcp) throw new RangeError('a BX board needs exactly one of port and tcp');
    this.opts = opts;
    this.log = opts.logger ?? silentLogger;
    this.deviceType = DEVICE_TYPE[card.id] ?? FONT_CARD_DEVICE_TYPES.wildcard;
    if (opts.tcp) {
      this.serial = null;
      this.link = new TcpTransport({
        ...opts.tcp,
        logger: this.log,
        ...(opts.transport?.backoff ? { backoff: opts.transport.backoff } : {}),
      });
    } else {
      this.serial = acquireTransport({
        path: opts.port!,
        baudRate: opts.baudRate ?? 57600,
        interPacketMs: 0,
        logger: this.log,
      });
      this.link = this.serial;
    }
    this.st = initialBoardStatus('bx', this.link.path, String(opts.address ?? 1));
    this.link.on('data', (chunk: Uint8Array) => {
      for (const frame of this.splitter.push(chunk)) {
        try {
          const { data, checkOk } = decodeFontFrame(frame);
          if (!checkOk) continue;
          const w = this.waiter;
          this.waiter = null;
          w?.(data);
        } catch {
          // Not a font-card frame: ignored, as a card would.
        }
      }
    });
    this.link.on('open', () => {
      this.st.reconnects++;
      this.onCard = null;
      void this.sync();
      this.schedulePing(0);
    });
    this.link.on('close', () =>
      this.setState('offline', { code: 'disconnected', message: `mất kết nối tới ${this.link.path}` }),
    );
    this.link.on('error', (err: Error & { code?: string }) =>
      this.setState('offline', { code: err.code ?? 'transport', message: err.message }),
    );
  }

  private setState(state: BoardStatus['state'], error?: { code: string; message: string }): void {
    const changed = state !== this.st.state || (error && error.message !== this.st.lastError?.message);
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

  /** One request at a time: writes it and resolves with the card's reply data (rejects without one). */
  private request(data: Uint8Array): Promise<Uint8Array> {
    const run = async (): Promise<Uint8Array> => {
      const frame = encodeFontFrame(data, { dst: this.opts.address ?? 1, deviceType: this.deviceType });
      const reply = new Promise<Uint8Array>((resolve, reject) => {
        this.waiter = resolve;
        setTimeout(() => reject(new Error('no reply')), this.opts.replyTimeoutMs ?? 2000).unref?.();
      });
      reply.catch(() => undefined);
      await this.link.write({ parts: [frame] });
      this.st.bytesWritten += frame.length;
      this.st.packetsWritten++;
      this.st.lastWriteAt = Date.now();
      try {
        const r = await reply;
        this.missed = 0;
        this.st.lastReplyAt = Date.now();
        return r;
      } catch (err) {
        this.waiter = null;
        if (++this.missed >= 2) this.setState('offline', { code: 'no-reply', message: 'thẻ BX không trả lời' });
        throw err;
      }
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** What the card should hold for the current programme: its text, or nothing. */
  private wanted(): { id: string; text: string | null } {
    if (!this.current) return { id: 'clear', text: null };
    const text = this.current.text?.content ?? null;
    return { id: this.current.id, text: text !== null && isPlainAscii(text) && !text.includes('\\') ? text : null };
  }

  private async sync(): Promise<ShowResult> {
    const want = this.wanted();
    const programmeId = want.id;
    if (!this.link.isOpen) return { delivered: false, programmeId };
    const key = `${want.id}:${want.text ?? ''}`;
    if (this.onCard === key) return { delivered: this.refusal() === null, programmeId };
    const data =
      want.text === null
        ? fontDeleteAreasRequest('all')
        : fontTextRequest({
            areaId: 0,
            x: 0,
            y: 0,
            width: this.opts.size.width - (this.opts.size.width % 8),
            height: this.opts.size.height,
            text: want.text,
            displayMode: want.text.length * 8 > this.opts.size.width ? 'move-left' : 'static',
            speed: 4,
            stayTime: 3,
            horizontalAlign: 'center',
            verticalAlign: 'middle',
          });
    try {
      const reply = decodeFontReply(await this.request(data));
      if (reply.kind !== 'ack') {
        this.setState('error', {
          code: reply.errorName ?? `ERR_${reply.error}`,
          message: `thẻ BX từ chối lệnh (${reply.errorName ?? reply.error})`,
        });
        return { delivered: false, programmeId };
      }
    } catch {
      return { delivered: false, programmeId };
    }
    this.onCard = key;
    const refusal = this.refusal();
    if (refusal) {
      this.setState('error', refusal);
      return { delivered: false, programmeId };
    }
    this.st.deliveredProgrammeId = programmeId;
    this.st.deliveredAt = Date.now();
    this.setState('online');
    this.emit('status', this.status());
    return { delivered: true, programmeId };
  }

  /** Why the current programme is not on the board although the card took our request. */
  private refusal(): { code: string; message: string } | null {
    const text = this.current?.text?.content;
    if (this.current && (text === undefined || !isPlainAscii(text)))
      return { code: 'vietnamese-not-supported', message: VIETNAMESE_NOT_SUPPORTED_MESSAGE };
    if (text?.includes('\\'))
      return { code: 'backslash-not-supported', message: 'thẻ BX-5K hiểu dấu "\\" là mã điều khiển' };
    return null;
  }

  show(programme: LedProgramme): Promise<ShowResult> {
    if (this.closed) return Promise.reject(new Error('driver closed'));
    this.current = programme;
    this.st.programmeId = programme.id;
    // Told at once, even before the card answers: staff must see why the board stays dark.
    const refusal = this.refusal();
    if (refusal) this.setState('error', refusal);
    return this.sync();
  }

  clear(): Promise<ShowResult> {
    this.current = null;
    this.st.programmeId = 'clear';
    return this.sync();
  }

  async setClock(): Promise<void> {
    // Not needed: bangtin never asks the card to draw the time.
  }

  private schedulePing(delay = this.opts.pingIntervalMs ?? 5000): void {
    if (this.pingTimer) clearTimeout(this.pingTimer);
    if (this.closed) return;
    this.pingTimer = setTimeout(() => {
      void (async () => {
        if (this.link.isOpen) {
          try {
            await this.request(fontPingRequest());
            if (this.st.state === 'offline') {
              // Back: the card may have lost its area.
              this.onCard = null;
              this.st.state = this.refusal() ? 'error' : 'online';
              this.emit('status', this.status());
              void this.sync();
            }
          } catch {
            // counted in request()
          }
        }
        this.schedulePing();
      })();
    }, delay);
    this.pingTimer.unref?.();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.pingTimer) clearTimeout(this.pingTimer);
    this.link.removeAllListeners();
    if (this.serial) await releaseTransport(this.serial);
    else await (this.link as TcpTransport).stop();
  }
}
