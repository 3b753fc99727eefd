/**
 * A simulated Onbon font card (BX-5K, protocol 0x02) on a TCP port: answers ping and A3 06, keeps the
 * text of each dynamic area as the card would draw it in its own font. Used by the tests of the font-card
 * driver: what matters there is which text reached the card (never Vietnamese), not its pixels.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import {
  decodeFontFrame,
  decodeFontRequest,
  encodeFontFrame,
  encodeFontReply,
  fontReplyAddress,
} from '../bx/font-card';
import { BX_HEADER_BYTE, BX_TAIL } from '../bx/frame';

export interface FontCardSimulatorEvents {
  request: [ReturnType<typeof decodeFontRequest>];
}

export class FontCardSimulator extends EventEmitter<FontCardSimulatorEvents> {
  /** Area id → the text the card shows there. */
  readonly areas = new Map<number, string>();
  muted = false;
  port = 0;
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();

  async listen(host = '127.0.0.1', port = 0): Promise<void> {
    this.server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      let buf: number[] = [];
      let inFrame = false;
      socket.on('data', (chunk: Buffer) => {
        if (this.muted) return;
        for (const b of chunk) {
          if (!inFrame) {
            if (b !== BX_HEADER_BYTE) continue;
            inFrame = true;
            buf = [];
          }
          buf.push(b);
          if (b === BX_TAIL) {
            inFrame = false;
            this.handle(Uint8Array.from(buf), socket);
          }
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, () => resolve()));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  private handle(frame: Uint8Array, socket: net.Socket): void {
    let decoded;
    try {
      decoded = decodeFontFrame(frame);
    } catch {
      return;
    }
    const reply = (error: number) =>
      socket.write(encodeFontFrame(encodeFontReply(error), fontReplyAddress(decoded.header)));
    if (!decoded.checkOk) return void reply(5); // ERR_CHECKSUM
    let req;
    try {
      req = decodeFontRequest(decoded.data);
    } catch {
      return void reply(2);
    }
    this.emit('request', req);
    if (req.kind === 'dynamic-area') {
      if (req.deleteAreaIds === 'all') this.areas.clear();
      else for (const id of req.deleteAreaIds) this.areas.delete(id);
      for (const a of req.areas) this.areas.set(a.areaId, a.text);
    } else if (req.kind === 'clear-screen') this.areas.clear();
    if (req.reply) reply(0);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
