/**
 * Pure model of an Onbon BX graphic card's dynamic areas: obeys A2 00 / A2 07 / A7 00 / A7 01 for its
 * screen number (or the 0xFFFE wildcard), answers ACK or NACK with the error number a card would use,
 * and tells what the LEDs show. No I/O: `bx-simulator.ts` puts it on a serial port or a TCP socket.
 */
import { type Bitmap, createBitmap, type LedColourMode } from '@bangtin/shared';
import type { BoardSize } from '../driver';
import { type BxCard, bxCard } from '../bx/cards';
import type { BxDecoded } from '../bx/decoder';
import { decodePage } from '../bx/pixels';
import { AREA_CAPACITY_BYTES } from '../bx/programme';
import {
  ackReply,
  BX_ADDRESS_WILDCARD,
  BX_DEVICE_WILDCARD,
  BX_ERR,
  BX_PROTOCOL_GRAPHIC,
  type BxArea,
  BxProtocolError,
  type BxRequest,
  decodeRequest,
  encodePacket,
  nackReply,
} from '../bx/protocol';

export interface BxBoardOptions {
  card: string;
  colour?: LedColourMode;
  size: BoardSize;
  /** Screen number. Default 1. */
  address?: number;
  /** Bytes one dynamic area can hold. Default the manuals' 300 K. */
  areaCapacityBytes?: number;
}

export interface BxAreaState {
  area: BxArea;
  pages: Bitmap[];
  /** Order the areas arrived in (the latest immediate one is on top). */
  seq: number;
}

export interface BxHandled {
  /** Frame to send back, or null when the packet was not for this card. */
  reply: Uint8Array | null;
  request: BxRequest | null;
  /** Error number of a NACK (0 for an ACK). */
  error: number;
  reason?: string;
}

export class BxBoardModel {
  readonly card: BxCard;
  readonly colour: LedColourMode;
  readonly size: BoardSize;
  readonly address: number;
  readonly areas = new Map<number, BxAreaState>();
  brightness: number | null = null;
  private seq = 0;
  /** Bytes one dynamic area can hold (a test may change it, as swapping the card would). */
  capacity: number;

  constructor(opts: BxBoardOptions) {
    this.card = bxCard(opts.card);
    this.colour = opts.colour ?? this.card.colours[0]!;
    this.size = opts.size;
    this.address = opts.address ?? 1;
    this.capacity = opts.areaCapacityBytes ?? AREA_CAPACITY_BYTES;
  }

  private reply(data: Uint8Array): Uint8Array {
    // Replies go back to the PC (0x8000) from this screen.
    return encodePacket({ address: 0x8000, deviceType: this.card.deviceType }, data, this.address);
  }

  /** One decoded frame (good or damaged) → what the card does about it. */
  handle(d: BxDecoded): BxHandled {
    if (!d.ok) {
      if (!d.header || !this.forMe(d.header.dst)) return { reply: null, request: null, error: -1, reason: d.message };
      const error = d.reason === 'crc' ? BX_ERR.CHECKSUM : BX_ERR.SCREEN_PARA;
      return { reply: this.reply(nackReply(error)), request: null, error, reason: d.message };
    }
    const { header, data } = d.packet;
    if (!this.forMe(header.dst)) return { reply: null, request: null, error: -1, reason: `for screen ${header.dst}` };
    const nack = (error: number, reason: string): BxHandled => ({
      reply: this.reply(nackReply(error)),
      request: null,
      error,
      reason,
    });
    if (header.protocol !== BX_PROTOCOL_GRAPHIC)
      return nack(BX_ERR.OUTOFGROUP, `protocol 0x${header.protocol.toString(16)}`);
    if (header.deviceType !== this.card.deviceType && header.deviceType !== BX_DEVICE_WILDCARD)
      return nack(BX_ERR.CONTROLLER_TYPE, `device type 0x${header.deviceType.toString(16)} is not ${this.card.label}`);
    let request: BxRequest;
    try {
      request = decodeRequest(data, this.card.generation);
    } catch (err) {
      return nack(err instanceof BxProtocolError ? err.errorNumber : BX_ERR.SCREEN_PARA, (err as Error).message);
    }
    try {
      this.apply(request);
    } catch (err) {
      return nack(err instanceof BxProtocolError ? err.errorNumber : BX_ERR.SCREEN_PARA, (err as Error).message);
    }
    return { reply: this.reply(ackReply()), request, error: 0 };
  }

  private forMe(dst: number): boolean {
    return dst === this.address || dst === BX_ADDRESS_WILDCARD;
  }

  private apply(r: BxRequest): void {
    switch (r.kind) {
      case 'ping':
        return;
      case 'brightness':
        if (r.levels.length !== 48 || r.levels.some((l) => l > 15))
          throw new BxProtocolError(BX_ERR.SCREEN_PARA, 'brightness needs 48 levels 0–15');
        this.brightness = r.levels[0]!;
        return;
      case 'delete':
        if (r.areas === 'all') this.areas.clear();
        else for (const id of r.areas) this.areas.delete(id);
        return;
      case 'update': {
        const decoded = r.areas.map((a) => this.check(a));
        for (const d of decoded) this.areas.set(d.area.id, d);
        return;
      }
    }
  }

  private check(a: BxArea): BxAreaState {
    if (a.id > 31) throw new BxProtocolError(BX_ERR.SCREEN_PARA, `area ${a.id}: the card has 32 dynamic areas`);
    if (a.width < 1 || a.height < 1 || a.x + a.width > this.size.width || a.y + a.height > this.size.height)
      throw new BxProtocolError(
        BX_ERR.SCREEN_PARA,
        `area ${a.width}×${a.height} at ${a.x},${a.y} is outside the ${this.size.width}×${this.size.height} screen`,
      );
    const bytes = a.pages.reduce((n, p) => n + p.bitmap.length, 0);
    if (bytes > this.capacity) throw new BxProtocolError(BX_ERR.MEMORYVOLUME, `${bytes} bytes > ${this.capacity}`);
    let pages: Bitmap[];
    try {
      pages = a.pages.map((p) => decodePage(p.bitmap, this.card.pixels, this.colour, a.width, a.height));
    } catch (err) {
      throw new BxProtocolError(BX_ERR.SCREEN_PARA, (err as Error).message);
    }
    return {
      area: { ...a, pages: a.pages.map((p) => ({ ...p, bitmap: Uint8Array.from(p.bitmap) })) },
      pages,
      seq: ++this.seq,
    };
  }

  /**
   * What the LEDs show, each area at page `page` (0 = the first): an immediate area hides everything
   * else (the latest on top); otherwise every area is drawn in arrival order.
   */
  display(page = 0): Bitmap {
    const out = createBitmap(this.size.width, this.size.height);
    const all = [...this.areas.values()].sort((a, b) => a.seq - b.seq);
    const immediate = all.filter((a) => a.area.immediate);
    const shown = immediate.length > 0 ? [immediate[immediate.length - 1]!] : all;
    for (const s of shown) {
      const p = s.pages[Math.min(page, s.pages.length - 1)]!;
      for (let y = 0; y < p.height; y++)
        for (let x = 0; x < p.width; x++)
          out.data[(s.area.y + y) * out.width + s.area.x + x] = p.data[y * p.width + x]!;
    }
    return out;
  }

  /** True when nothing is lit. */
  dark(): boolean {
    return this.display().data.every((v) => v === 0);
  }
}
