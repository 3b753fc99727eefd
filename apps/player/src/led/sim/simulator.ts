/**
 * A simulated Alpha sign on a serial port: decodes every packet, keeps the sign's memory, cycles the pages
 * and tells listeners what the LEDs show. Used by `led-sim`, the demo and the end-to-end tests.
 */
import { EventEmitter } from 'node:events';
import type { Bitmap } from '@bangtin/shared';
import { TYPE_REPLY } from '../alpha/codes';
import { type AlphaCommand, AlphaDecoder, type AlphaPacket, type DecoderStats } from '../alpha/decode';
import { encodePacket } from '../alpha/encode';
import { type BoardSize, type LedLogger, silentLogger } from '../driver';
import { type BackoffOptions, SerialTransport } from '../transport';
import { AlphaBoardModel, type DisplayPage } from './alpha-board';

export interface BoardSimulatorOptions {
  path: string;
  size: BoardSize;
  /** The sign's own address; it obeys packets for it, for `00` and for matching `?` wildcards. */
  address?: string;
  baudRate?: number;
  /** How long each page stays up before the next (real signs use a fixed hold time). */
  pageHoldMs?: number;
  /** Answer `F$` memory reads, as a sign wired with both TX and RX does. */
  answerReads?: boolean;
  /** Pause reading for this long after every chunk (a slow device). */
  readDelayMs?: number;
  backoff?: Partial<BackoffOptions>;
  presenceCheckMs?: number;
  logger?: LedLogger;
}

export interface CommandEvent {
  command: AlphaCommand;
  accepted: boolean;
  reason?: string;
}

export interface BoardSimulatorEvents {
  packet: [AlphaPacket];
  command: [CommandEvent];
  display: [DisplayPage];
  'checksum-error': [{ address: string; expected: string; received: string }];
  garbage: [number];
  truncated: [string];
  open: [];
  close: [];
}

export interface BoardSimulator extends EventEmitter<BoardSimulatorEvents> {
  readonly model: AlphaBoardModel;
  readonly stats: DecoderStats & { ignored: number; refused: number };
  open(): Promise<void>;
  close(): Promise<void>;
  /** What the LEDs show right now. */
  snapshot(): Bitmap;
  current(): DisplayPage | null;
}

function addressMatches(mine: string, target: string): boolean {
  if (target === '00') return true;
  return [0, 1].every((i) => target[i] === '?' || target[i] === mine[i]);
}

function pageKey(p: DisplayPage): string {
  return `${p.file}:${p.page}:${p.mode}:${p.text}:${p.bitmap.data.join('')}`;
}

class AlphaBoardSimulator extends EventEmitter<BoardSimulatorEvents> implements BoardSimulator {
  readonly model: AlphaBoardModel;
  readonly stats = { packets: 0, checksumErrors: 0, garbageBytes: 0, truncated: 0, ignored: 0, refused: 0 };
  private readonly opts: BoardSimulatorOptions;
  private readonly address: string;
  private readonly log: LedLogger;
  private readonly decoder = new AlphaDecoder();
  private readonly transport: SerialTransport;
  private pages: DisplayPage[] = [];
  private pagesKey = '';
  private index = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(opts: BoardSimulatorOptions) {
    super();
    this.opts = opts;
    this.address = (opts.address ?? '00').toUpperCase();
    this.log = opts.logger ?? silentLogger;
    this.model = new AlphaBoardModel(opts.size);
    // A real sign keeps its memory when the cable is pulled; so does the simulator, reopening its port.
    this.transport = new SerialTransport({
      path: opts.path,
      baudRate: opts.baudRate ?? 9600,
      interPacketMs: 0,
      ...(opts.readDelayMs !== undefined ? { readDelayMs: opts.readDelayMs } : {}),
      backoff: { initialMs: 100, maxMs: 2000, ...opts.backoff },
      presenceCheckMs: opts.presenceCheckMs ?? 250,
      logger: this.log,
    });
    this.transport.on('data', (chunk) => this.onData(chunk));
    this.transport.on('open', () => this.emit('open'));
    this.transport.on('close', () => this.emit('close'));
    this.transport.on('error', (err) => this.log.debug({ err: err.message }, 'simulator port'));
  }

  async open(): Promise<void> {
    await this.transport.start();
    this.timer = setInterval(() => this.advance(), this.opts.pageHoldMs ?? 2000);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.transport.stop();
  }

  snapshot(): Bitmap {
    const p = this.current();
    if (p) return { width: p.bitmap.width, height: p.bitmap.height, data: p.bitmap.data.slice() };
    return {
      width: this.opts.size.width,
      height: this.opts.size.height,
      data: new Uint8Array(this.opts.size.width * this.opts.size.height),
    };
  }

  current(): DisplayPage | null {
    return this.pages[this.index] ?? null;
  }

  private onData(chunk: Uint8Array): void {
    for (const ev of this.decoder.push(chunk)) {
      switch (ev.type) {
        case 'garbage':
          this.stats.garbageBytes += ev.count;
          this.emit('garbage', ev.count);
          break;
        case 'truncated':
          this.stats.truncated++;
          this.emit('truncated', ev.reason);
          break;
        case 'checksum-error':
          this.stats.checksumErrors++;
          this.log.warn({ expected: ev.expected, received: ev.received }, 'checksum error; packet ignored');
          this.emit('checksum-error', { address: ev.address, expected: ev.expected, received: ev.received });
          break;
        case 'packet':
          this.onPacket(ev.packet);
          break;
      }
    }
  }

  private onPacket(packet: AlphaPacket): void {
    this.stats.packets++;
    this.emit('packet', packet);
    if (packet.typeCode === TYPE_REPLY || !addressMatches(this.address, packet.address)) {
      this.stats.ignored++;
      return;
    }
    for (const block of packet.blocks) {
      // A sign drops a command whose checksum is wrong rather than show corrupted data.
      if (block.checksum === 'bad') continue;
      const result = this.model.apply(block.command, block.raw.length);
      if (!result.accepted) {
        this.stats.refused++;
        this.log.warn({ reason: result.reason }, 'command refused');
      }
      this.emit('command', {
        command: block.command,
        accepted: result.accepted,
        ...(result.reason ? { reason: result.reason } : {}),
      });
      if (
        block.command.kind === 'read-special' &&
        block.command.fn === '$' &&
        (this.opts.answerReads ?? true) &&
        packet.address !== '00'
      ) {
        this.reply(`E$${this.model.memoryTable()}`);
      }
    }
    this.refresh();
  }

  private reply(body: string): void {
    const block = Uint8Array.from([...body].map((c) => c.charCodeAt(0)));
    const bytes = encodePacket([block], { typeCode: TYPE_REPLY, address: this.address });
    this.transport
      .write({ parts: [bytes] })
      .catch((err: Error) => this.log.debug({ err: err.message }, 'reply not sent'));
  }

  /** Recomputes the pages; when they changed, the sign starts again from the first page. */
  private refresh(): void {
    const pages = this.model.pages();
    const key = pages.map(pageKey).join('|');
    if (key === this.pagesKey) return;
    this.pages = pages;
    this.pagesKey = key;
    this.index = 0;
    this.restartTimer();
    const p = this.current();
    if (p) this.emit('display', p);
  }

  private restartTimer(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = setInterval(() => this.advance(), this.opts.pageHoldMs ?? 2000);
  }

  private advance(): void {
    if (this.pages.length < 2) return;
    this.index = (this.index + 1) % this.pages.length;
    this.emit('display', this.pages[this.index]!);
  }
}

export function createBoardSimulator(options: BoardSimulatorOptions): BoardSimulator {
  return new AlphaBoardSimulator(options);
}
