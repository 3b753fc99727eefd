/**
 * A simulated Onbon BX card on a serial port (the far end of a socat pty pair) or on a TCP port, as
 * `led-sim --protocol bx` and the end-to-end tests use it: every frame is decoded (CRC and escaping
 * checked), answered with ACK or NACK as a card would, and what is lit is written as PNG and ASCII art.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import type { Bitmap, LedColourMode } from '@bangtin/shared';
import { BxDecoder } from '../bx/decoder';
import { type BoardSize, type LedLogger, silentLogger } from '../driver';
import { SerialTransport } from '../transport';
import { type BxAreaState, BxBoardModel, type BxHandled } from './bx-board';
import { bitmapToAscii, bitmapToPng } from './render';

export interface BxSimulatorOptions {
  card: string;
  colour?: LedColourMode;
  size: BoardSize;
  address?: number;
  /** Serial: the pty (or port) to listen on. */
  path?: string;
  baudRate?: number;
  /** TCP: listen here (port 0 = any free port). */
  tcp?: { host?: string; port: number };
  areaCapacityBytes?: number;
  /** Keep these files showing what is lit. */
  png?: string;
  ascii?: string;
  scale?: number;
  logger?: LedLogger;
}

export interface BxSimulatorEvents {
  handled: [BxHandled];
  display: [Bitmap];
  listening: [{ port: number }];
}

export class BxSimulator extends EventEmitter<BxSimulatorEvents> {
  readonly model: BxBoardModel;
  readonly stats = { frames: 0, acks: 0, nacks: 0, ignored: 0, noiseBytes: 0 };
  /** While muted the card hears nothing and answers nothing (a card that hung or lost power). */
  muted = false;
  private readonly opts: BxSimulatorOptions;
  private readonly log: LedLogger;
  private serial: SerialTransport | null = null;
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private lastShown = '';
  port = 0;

  constructor(opts: BxSimulatorOptions) {
    super();
    if (!!opts.path === !!opts.tcp) throw new RangeError('a BX simulator needs exactly one of path and tcp');
    this.opts = opts;
    this.log = opts.logger ?? silentLogger;
    this.model = new BxBoardModel({
      card: opts.card,
      size: opts.size,
      ...(opts.colour ? { colour: opts.colour } : {}),
      ...(opts.address !== undefined ? { address: opts.address } : {}),
      ...(opts.areaCapacityBytes !== undefined ? { areaCapacityBytes: opts.areaCapacityBytes } : {}),
    });
  }

  async open(): Promise<void> {
    if (this.opts.path) {
      const decoder = new BxDecoder();
      this.serial = new SerialTransport({
        path: this.opts.path,
        baudRate: this.opts.baudRate ?? 57600,
        interPacketMs: 0,
        presenceCheckMs: 0,
      });
      this.serial.on('error', () => undefined);
      this.serial.on('data', (chunk) =>
        this.onBytes(decoder, chunk, (b) => this.serial?.write({ parts: [b] }).catch(() => undefined)),
      );
      await this.serial.start();
      return;
    }
    const tcp = this.opts.tcp!;
    this.server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      const decoder = new BxDecoder();
      socket.on('data', (chunk) => this.onBytes(decoder, chunk, (b) => socket.writable && socket.write(b)));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(tcp.port, tcp.host ?? '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    this.emit('listening', { port: this.port });
  }

  private onBytes(decoder: BxDecoder, chunk: Uint8Array, send: (b: Uint8Array) => unknown): void {
    if (this.muted) return;
    const before = decoder.noiseBytes;
    for (const d of decoder.push(chunk)) {
      this.stats.frames++;
      const h = this.model.handle(d);
      if (!h.reply) this.stats.ignored++;
      else if (h.error === 0) this.stats.acks++;
      else {
        this.stats.nacks++;
        this.log.warn({ error: h.error, reason: h.reason }, 'BX simulator NACK');
      }
      this.emit('handled', h);
      if (h.reply) send(h.reply);
      if (h.error === 0 && h.request && h.request.kind !== 'ping') this.showChanged();
    }
    this.stats.noiseBytes += decoder.noiseBytes - before;
  }

  private showChanged(): void {
    const b = this.snapshot();
    const key = b.data.join(',');
    if (key === this.lastShown) return;
    this.lastShown = key;
    this.writeFiles(b);
    this.emit('display', b);
  }

  private writeFiles(b: Bitmap): void {
    try {
      if (this.opts.png) {
        const tmp = `${this.opts.png}.tmp`;
        fs.writeFileSync(tmp, bitmapToPng(b, { scale: this.opts.scale ?? 4 }));
        fs.renameSync(tmp, this.opts.png);
      }
      if (this.opts.ascii) fs.writeFileSync(this.opts.ascii, bitmapToAscii(b) + '\n');
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'cannot write the board picture');
    }
  }

  snapshot(page = 0): Bitmap {
    return this.model.display(page);
  }

  area(id: number): BxAreaState | undefined {
    return this.model.areas.get(id);
  }

  /** Drops every TCP client (as a card rebooting would) and forgets the dynamic areas. */
  reboot(): void {
    for (const s of this.sockets) s.destroy();
    this.model.areas.clear();
    this.showChanged();
  }

  async close(): Promise<void> {
    await this.serial?.stop();
    for (const s of this.sockets) s.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

export async function createBxSimulator(opts: BxSimulatorOptions): Promise<BxSimulator> {
  const sim = new BxSimulator(opts);
  await sim.open();
  return sim;
}
