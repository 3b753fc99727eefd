/**
 * Streaming parser for the Alpha Sign Communications Protocol, used by the board simulator, by the driver
 * to read sign replies, and by tests. Bytes may arrive in any chunking; line noise between packets is
 * skipped and counted; a packet cut short (a new SOH or a NUL inside it) is dropped and reported; every
 * checksum is verified.
 */
import type { Bitmap } from '@bangtin/shared';
import {
  COMMAND,
  CR,
  CTRL,
  DIMMING_LEVELS,
  DOTS_COLOUR_STATUS,
  type DotsColourDepth,
  EOT,
  ESC,
  ETX,
  FILE_TYPE,
  MODE_CODES,
  NUL,
  POSITION_CODES,
  SOH,
  SPECIAL,
  STX,
  type AlphaMode,
  type AlphaPosition,
} from './codes';
import { checksum, type MemoryEntry, type TextPart } from './encode';

export type DecodedTextPart = TextPart | { control: number };

export interface DecodedTextPage {
  position: AlphaPosition | { unknown: string };
  mode: AlphaMode | { unknown: string };
  parts: DecodedTextPart[];
}

export type AlphaCommand =
  | { kind: 'write-text'; label: string; pages: DecodedTextPage[] }
  | { kind: 'write-string'; label: string; text: string }
  | { kind: 'write-dots'; label: string; bitmap: Bitmap }
  | { kind: 'memory-config'; entries: MemoryEntry[] }
  | { kind: 'set-time'; hour: number; minute: number }
  | { kind: 'set-date'; year: number; month: number; day: number }
  | { kind: 'day-of-week'; day: number }
  | { kind: 'time-format'; format: '24h' | '12h' }
  | { kind: 'run-sequence'; order: string; locked: boolean; labels: string[] }
  | { kind: 'soft-reset' }
  | { kind: 'dimming'; mode: number; level: number; percent: number }
  | { kind: 'read-special'; fn: string; data: string }
  | { kind: 'unknown'; code: string; data: Uint8Array }
  | { kind: 'invalid'; code: string; reason: string };

export interface AlphaBlock {
  command: AlphaCommand;
  /** Command letter and data, as between STX and ETX. */
  raw: Uint8Array;
  checksum: 'ok' | 'bad' | 'absent';
}

export interface AlphaPacket {
  typeCode: string;
  address: string;
  blocks: AlphaBlock[];
}

export type DecodeEvent =
  | { type: 'packet'; packet: AlphaPacket }
  | { type: 'checksum-error'; typeCode: string; address: string; expected: string; received: string; raw: Uint8Array }
  | { type: 'garbage'; count: number }
  | { type: 'truncated'; reason: string; count: number };

const MAX_PACKET_BYTES = 1 << 20;
const HEX4 = /^[0-9A-Fa-f]{4}$/;

type State = 'idle' | 'header' | 'await-block' | 'block' | 'checksum';

const byCode = <T extends string>(table: Readonly<Record<T, string>>): Map<string, T> =>
  new Map(Object.entries(table).map(([k, v]) => [v as string, k as T]));
const MODES = byCode<AlphaMode>(MODE_CODES);
const POSITIONS = byCode<AlphaPosition>(POSITION_CODES);
const DEPTHS = byCode<DotsColourDepth>(DOTS_COLOUR_STATUS);

function str(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function parseTextBody(body: Uint8Array): DecodedTextPage[] {
  const pages: DecodedTextPage[] = [];
  let page: DecodedTextPage | null = null;
  let text = '';
  const flush = (): void => {
    if (text && page) page.parts.push({ text });
    text = '';
  };
  const current = (): DecodedTextPage => {
    // A body that does not open with a mode field still shows; the sign picks the mode itself.
    page ??= pages[pages.push({ position: 'middle', mode: 'automode', parts: [] }) - 1]!;
    return page;
  };
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    if (b === ESC && i + 2 < body.length) {
      flush();
      const pos = String.fromCharCode(body[i + 1]!);
      const mode = String.fromCharCode(body[i + 2]!);
      page = {
        position: POSITIONS.get(pos) ?? { unknown: pos },
        mode: MODES.get(mode) ?? { unknown: mode },
        parts: [],
      };
      pages.push(page);
      i += 2;
      // Special modes (`n`) carry one more specifier byte.
      if (mode === 'n' && i + 1 < body.length) {
        page.mode = { unknown: 'n' + String.fromCharCode(body[i + 1]!) };
        i += 1;
      }
      continue;
    }
    const p = current();
    if (b >= 0x20 && b <= 0x7e) {
      text += String.fromCharCode(b);
      continue;
    }
    flush();
    const next = body[i + 1];
    if (b === CTRL.selectColour && next !== undefined && next >= 0x31 && next <= 0x38) {
      p.parts.push({ colour: next - 0x30 });
      i++;
    } else if (b === CTRL.selectFont && next !== undefined) {
      p.parts.push({ font: String.fromCharCode(next) });
      i++;
    } else if (b >= CTRL.speed1 && b <= CTRL.speed1 + 4) {
      p.parts.push({ speed: b - CTRL.speed1 + 1 });
    } else if (b === CTRL.callDots && next !== undefined) {
      p.parts.push({ dots: String.fromCharCode(next) });
      i++;
    } else if (b === CTRL.callString && next !== undefined) {
      p.parts.push({ string: String.fromCharCode(next) });
      i++;
    } else {
      p.parts.push({ control: b });
    }
  }
  flush();
  return pages;
}

function parseDots(raw: Uint8Array): AlphaCommand {
  const label = str(raw, 1, 2);
  const size = str(raw, 2, 6);
  if (raw.length < 6 || !HEX4.test(size))
    return { kind: 'invalid', code: COMMAND.writeSmallDots, reason: 'bad DOTS size field' };
  const height = parseInt(size.slice(0, 2), 16);
  const width = parseInt(size.slice(2, 4), 16);
  if (width < 1 || height < 1)
    return { kind: 'invalid', code: COMMAND.writeSmallDots, reason: `DOTS size ${width}×${height}` };
  const data = new Uint8Array(width * height);
  let x = 0;
  let y = 0;
  for (let i = 6; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === CR) {
      // Real signs accept short rows (the rest stays off); we do the same.
      y++;
      x = 0;
      continue;
    }
    if (b < 0x30 || b > 0x38)
      return { kind: 'invalid', code: COMMAND.writeSmallDots, reason: `bad DOTS colour byte 0x${b.toString(16)}` };
    if (y >= height || x >= width)
      return { kind: 'invalid', code: COMMAND.writeSmallDots, reason: `DOTS data overflows ${width}×${height}` };
    data[y * width + x] = b - 0x30;
    x++;
  }
  return { kind: 'write-dots', label, bitmap: { width, height, data } };
}

function parseMemoryTable(table: string): MemoryEntry[] | string {
  if (table.length % 11 !== 0) return `memory table length ${table.length} is not a multiple of 11`;
  const entries: MemoryEntry[] = [];
  for (let i = 0; i < table.length; i += 11) {
    const e = table.slice(i, i + 11);
    const [label, type, lock] = [e[0]!, e[1], e[2]];
    const size = e.slice(3, 7);
    const q = e.slice(7, 11);
    if (!HEX4.test(size) || (lock !== 'U' && lock !== 'L')) return `bad memory entry ${JSON.stringify(e)}`;
    const locked = lock === 'L';
    if (type === FILE_TYPE.text) entries.push({ type: 'text', label, size: parseInt(size, 16), locked });
    else if (type === FILE_TYPE.string) entries.push({ type: 'string', label, size: parseInt(size, 16), locked });
    else if (type === FILE_TYPE.dots) {
      const colours = DEPTHS.get(q);
      if (!colours) return `unknown DOTS colour status ${q}`;
      entries.push({
        type: 'dots',
        label,
        height: parseInt(size.slice(0, 2), 16),
        width: parseInt(size.slice(2), 16),
        colours,
        locked,
      });
    } else return `unknown file type ${JSON.stringify(type)}`;
  }
  return entries;
}

function digits(s: string, n: number): number[] | null {
  if (s.length !== n * 2 || !/^\d+$/.test(s)) return null;
  const out: number[] = [];
  for (let i = 0; i < s.length; i += 2) out.push(Number(s.slice(i, i + 2)));
  return out;
}

export function parseCommand(raw: Uint8Array): AlphaCommand {
  const code = str(raw, 0, 1);
  switch (code) {
    case COMMAND.writeText:
      if (raw.length < 2) return { kind: 'invalid', code, reason: 'TEXT without label' };
      return { kind: 'write-text', label: str(raw, 1, 2), pages: parseTextBody(raw.subarray(2)) };
    case COMMAND.writeString:
      if (raw.length < 2) return { kind: 'invalid', code, reason: 'STRING without label' };
      return { kind: 'write-string', label: str(raw, 1, 2), text: str(raw, 2) };
    case COMMAND.writeSmallDots:
      return parseDots(raw);
    case COMMAND.readSpecial:
      return { kind: 'read-special', fn: str(raw, 1, 2), data: str(raw, 2) };
    case COMMAND.writeSpecial: {
      const fn = str(raw, 1, 2);
      const data = str(raw, 2);
      const bad = (reason: string): AlphaCommand => ({ kind: 'invalid', code: code + fn, reason });
      switch (fn) {
        case SPECIAL.memoryConfig: {
          const entries = parseMemoryTable(data);
          return typeof entries === 'string' ? bad(entries) : { kind: 'memory-config', entries };
        }
        case SPECIAL.setTime: {
          const d = digits(data, 2);
          return d && d[0]! < 24 && d[1]! < 60
            ? { kind: 'set-time', hour: d[0]!, minute: d[1]! }
            : bad(`bad time ${JSON.stringify(data)}`);
        }
        case SPECIAL.setDate: {
          const d = digits(data, 3);
          return d
            ? { kind: 'set-date', month: d[0]!, day: d[1]!, year: 2000 + d[2]! }
            : bad(`bad date ${JSON.stringify(data)}`);
        }
        case SPECIAL.dayOfWeek:
          return /^[1-7]$/.test(data)
            ? { kind: 'day-of-week', day: Number(data) }
            : bad(`bad day ${JSON.stringify(data)}`);
        case SPECIAL.timeFormat:
          return data === 'M' || data === 'S'
            ? { kind: 'time-format', format: data === 'M' ? '24h' : '12h' }
            : bad('bad time format');
        case SPECIAL.runSequence:
          if (data.length < 3 || !/^[TSD][UL]$/.test(data.slice(0, 2)))
            return bad(`bad run sequence ${JSON.stringify(data)}`);
          return { kind: 'run-sequence', order: data[0]!, locked: data[1] === 'L', labels: [...data.slice(2)] };
        case SPECIAL.softReset:
          return { kind: 'soft-reset' };
        case SPECIAL.dimming: {
          const m = /^([0-9A-F]{2})(0[0-4])$/.exec(data);
          if (!m) return bad(`bad dimming register ${JSON.stringify(data)}`);
          const level = Number(m[2]);
          return { kind: 'dimming', mode: parseInt(m[1]!, 16), level, percent: DIMMING_LEVELS[level]! };
        }
        default:
          return { kind: 'unknown', code: code + fn, data: raw.slice(2) };
      }
    }
    default:
      return { kind: 'unknown', code, data: raw.slice(1) };
  }
}

export interface DecoderStats {
  packets: number;
  checksumErrors: number;
  garbageBytes: number;
  truncated: number;
}

/** Push chunks in, get events out. Holds at most one partial packet. */
export class AlphaDecoder {
  private state: State = 'idle';
  private header: number[] = [];
  private block: number[] = [];
  private sum: number[] = [];
  private blocks: AlphaBlock[] = [];
  private packetBytes = 0;
  private garbage = 0;
  readonly stats: DecoderStats = { packets: 0, checksumErrors: 0, garbageBytes: 0, truncated: 0 };

  push(chunk: Uint8Array): DecodeEvent[] {
    const events: DecodeEvent[] = [];
    for (const b of chunk) this.step(b, events);
    this.flushGarbage(events);
    return events;
  }

  private flushGarbage(events: DecodeEvent[]): void {
    if (this.garbage > 0) {
      events.push({ type: 'garbage', count: this.garbage });
      this.stats.garbageBytes += this.garbage;
      this.garbage = 0;
    }
  }

  private truncate(reason: string, events: DecodeEvent[]): void {
    this.stats.truncated++;
    events.push({ type: 'truncated', reason, count: this.packetBytes });
    this.reset();
  }

  private reset(): void {
    this.state = 'idle';
    this.header = [];
    this.block = [];
    this.sum = [];
    this.blocks = [];
    this.packetBytes = 0;
  }

  private startPacket(events: DecodeEvent[]): void {
    this.flushGarbage(events);
    this.reset();
    this.state = 'header';
    this.packetBytes = 1;
  }

  private endBlock(status: 'ok' | 'bad' | 'absent'): void {
    const raw = Uint8Array.from(this.block);
    this.blocks.push({ raw, checksum: status, command: parseCommand(raw) });
    this.block = [];
    this.sum = [];
  }

  private endPacket(events: DecodeEvent[]): void {
    const packet: AlphaPacket = {
      typeCode: String.fromCharCode(this.header[0]!),
      address: String.fromCharCode(this.header[1]!, this.header[2]!),
      blocks: this.blocks,
    };
    this.stats.packets++;
    events.push({ type: 'packet', packet });
    this.reset();
  }

  private step(b: number, events: DecodeEvent[]): void {
    if (this.state !== 'idle') {
      this.packetBytes++;
      if (this.packetBytes > MAX_PACKET_BYTES) return this.truncate('packet too long', events);
      // SOH and NUL never occur inside a packet: the sender gave up and started over.
      if (b === SOH) {
        this.truncate('new packet started inside a packet', events);
        return this.startPacket(events);
      }
      if (b === NUL) return this.truncate('NUL inside a packet', events);
    }
    switch (this.state) {
      case 'idle':
        if (b === SOH) this.startPacket(events);
        else if (b !== NUL) this.garbage++;
        return;
      case 'header':
        if (this.header.length < 3) {
          if (b < 0x20 || b > 0x7e) return this.truncate('bad header', events);
          this.header.push(b);
          if (this.header.length === 3) this.state = 'await-block';
        }
        return;
      case 'await-block':
        if (b === STX) this.state = 'block';
        else if (b === EOT && this.blocks.length > 0) this.endPacket(events);
        else this.truncate(`unexpected byte 0x${b.toString(16)} between commands`, events);
        return;
      case 'block':
        if (b === ETX) {
          this.state = 'checksum';
        } else if (b === EOT) {
          this.endBlock('absent');
          this.endPacket(events);
        } else if (b === STX) {
          this.endBlock('absent');
        } else {
          this.block.push(b);
        }
        return;
      case 'checksum':
        if (this.sum.length === 0 && (b === EOT || b === STX)) {
          this.endBlock('absent');
          if (b === EOT) this.endPacket(events);
          else this.state = 'block';
          return;
        }
        this.sum.push(b);
        if (this.sum.length === 4) {
          const received = String.fromCharCode(...this.sum).toUpperCase();
          const expected = checksum([STX, ...this.block, ETX]);
          if (received === expected) {
            this.endBlock('ok');
          } else {
            this.stats.checksumErrors++;
            events.push({
              type: 'checksum-error',
              typeCode: String.fromCharCode(this.header[0]!),
              address: String.fromCharCode(this.header[1]!, this.header[2]!),
              expected,
              received,
              raw: Uint8Array.from(this.block),
            });
            this.endBlock('bad');
          }
          this.state = 'await-block';
        }
        return;
    }
  }
}

/** Decodes a complete byte string at once (tests, logs). */
export function decodeAll(bytes: Uint8Array): DecodeEvent[] {
  return new AlphaDecoder().push(bytes);
}
