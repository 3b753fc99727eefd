/**
 * Streaming decoder for Onbon frames, for bytes in any chunking: skips noise before a frame, treats any
 * run of 0xA5 as the frame header (the manual: one 0xA5 is enough), collects up to the 0x5A tail,
 * unescapes and checks the CRC. A damaged frame is reported and the decoder resynchronises on the next
 * 0xA5, as a card does. Pure (no I/O), used by the driver for replies and by the simulator for requests.
 */
import { BX_HEADER_BYTE, BX_TAIL, type BxFrameError, crc16Arc, unescapeBx } from './frame';
import { BX_HEADER_SIZE, type BxPacket, type BxProtocolError, splitPacket } from './protocol';

export type BxDecoded =
  | { ok: true; packet: BxPacket }
  | {
      ok: false;
      /** `crc`: checksum mismatch; `escape`: a byte that may not appear; `short`/`length`: not a whole packet; `oversize`: too long. */
      reason: 'crc' | 'escape' | 'short' | 'length' | 'oversize';
      message: string;
      /** Header of the damaged packet when it could be read (so a card can still NACK the sender). */
      header?: BxPacket['header'];
    };

export class BxDecoder {
  private buf: number[] = [];
  private inFrame = false;
  private sawBody = false;
  noiseBytes = 0;

  constructor(private readonly maxFrameBytes = 2 * 1024 * 1024) {}

  push(chunk: ArrayLike<number>): BxDecoded[] {
    const out: BxDecoded[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (!this.inFrame) {
        if (b === BX_HEADER_BYTE) {
          this.inFrame = true;
          this.sawBody = false;
          this.buf = [];
        } else this.noiseBytes++;
        continue;
      }
      if (!this.sawBody && b === BX_HEADER_BYTE) continue; // more header bytes
      if (b === BX_HEADER_BYTE) {
        // A new header inside a frame: the frame before it was cut off.
        out.push({ ok: false, reason: 'short', message: 'frame cut off by a new header' });
        this.buf = [];
        this.sawBody = false;
        continue;
      }
      this.sawBody = true;
      if (b === BX_TAIL) {
        out.push(this.finish());
        this.inFrame = false;
        this.buf = [];
        continue;
      }
      if (this.buf.length >= this.maxFrameBytes) {
        out.push({ ok: false, reason: 'oversize', message: `frame longer than ${this.maxFrameBytes} bytes` });
        this.inFrame = false;
        this.buf = [];
        continue;
      }
      this.buf.push(b);
    }
    return out;
  }

  private finish(): BxDecoded {
    let body: Uint8Array;
    try {
      body = unescapeBx(this.buf);
    } catch (err) {
      return { ok: false, reason: 'escape', message: (err as BxFrameError).message };
    }
    if (body.length < BX_HEADER_SIZE + 2)
      return { ok: false, reason: 'short', message: `frame of ${body.length} bytes has no header and CRC` };
    const payload = body.subarray(0, body.length - 2);
    const crc = body[body.length - 2]! | (body[body.length - 1]! << 8);
    let header: BxPacket['header'] | undefined;
    try {
      header = splitPacket(payload).header;
    } catch {
      header = undefined;
    }
    if (crc !== crc16Arc(payload))
      return { ok: false, reason: 'crc', message: 'CRC does not match', ...(header ? { header } : {}) };
    try {
      return { ok: true, packet: splitPacket(payload) };
    } catch (err) {
      return { ok: false, reason: 'length', message: (err as BxProtocolError).message, ...(header ? { header } : {}) };
    }
  }
}
