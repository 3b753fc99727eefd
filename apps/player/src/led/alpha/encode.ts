/**
 * Pure encoder for the Alpha Sign Communications Protocol: bytes in, bytes out, no I/O.
 *
 * Every packet carries a checksum (the sign drops a corrupted packet instead of showing garbage), and every
 * input is validated so a packet can never contain a byte that the protocol reserves for framing.
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
  RESERVED_BYTES,
  SOH,
  SPECIAL,
  STX,
  TYPE_ALL_SIGNS,
  type AlphaMode,
  type AlphaPosition,
} from './codes';

export class AlphaEncodeError extends Error {
  override name = 'AlphaEncodeError';
  constructor(
    readonly code:
      | 'alpha-invalid-label'
      | 'alpha-invalid-address'
      | 'alpha-invalid-text'
      | 'alpha-invalid-colour'
      | 'alpha-invalid-size'
      | 'alpha-reserved-byte'
      | 'alpha-invalid-argument',
    message: string,
  ) {
    super(message);
  }
}

export interface PacketOptions {
  /** Two upper-case hex digits; `00` is broadcast, `?` is a wildcard nibble. */
  address?: string;
  typeCode?: string;
}

const SYNC_NULS = 5;

function ascii(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
  return out;
}

function hex(n: number, digits: number): string {
  return n.toString(16).toUpperCase().padStart(digits, '0');
}

/** 16-bit sum of every byte from STX through ETX, as four upper-case hex digits. */
export function checksum(bytes: ArrayLike<number>): string {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum = (sum + bytes[i]!) & 0xffff;
  return hex(sum, 4);
}

export function assertLabel(label: string): void {
  const c = label.length === 1 ? label.charCodeAt(0) : -1;
  // The printable range keeps labels clear of framing bytes and of ESC, which starts a TEXT page.
  if (c < 0x20 || c > 0x7e) {
    throw new AlphaEncodeError(
      'alpha-invalid-label',
      `file label must be one printable ASCII character, got ${JSON.stringify(label)}`,
    );
  }
}

function assertAddress(address: string): void {
  if (!/^[0-9A-F?]{2}$/.test(address)) {
    throw new AlphaEncodeError(
      'alpha-invalid-address',
      `sign address must be two upper-case hex digits, got ${JSON.stringify(address)}`,
    );
  }
}

/** Printable ASCII only: the sign's own fonts cover nothing else, and control bytes would corrupt the file. */
export function isPlainAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

function assertPlainAscii(text: string): void {
  if (!isPlainAscii(text)) {
    throw new AlphaEncodeError(
      'alpha-invalid-text',
      `text for the sign's own font must be printable ASCII, got ${JSON.stringify(text)}`,
    );
  }
}

function assertNoReserved(block: ArrayLike<number>): void {
  for (let i = 0; i < block.length; i++) {
    if (RESERVED_BYTES.has(block[i]!)) {
      throw new AlphaEncodeError(
        'alpha-reserved-byte',
        `command data contains reserved byte 0x${hex(block[i]!, 2)} at ${i}`,
      );
    }
  }
}

/**
 * Frames one or more command blocks (each starting with its command letter) into a packet:
 * 5×NUL SOH type address, then per block STX block ETX checksum, then EOT. Several blocks make a
 * "nested" packet.
 */
export function encodePacket(blocks: readonly Uint8Array[], options: PacketOptions = {}): Uint8Array {
  const address = options.address ?? '00';
  const typeCode = options.typeCode ?? TYPE_ALL_SIGNS;
  assertAddress(address);
  if (!/^[!-~]$/.test(typeCode))
    throw new AlphaEncodeError('alpha-invalid-argument', `bad type code ${JSON.stringify(typeCode)}`);
  if (blocks.length === 0) throw new AlphaEncodeError('alpha-invalid-argument', 'a packet needs at least one command');
  const out: number[] = [];
  for (let i = 0; i < SYNC_NULS; i++) out.push(NUL);
  out.push(SOH, ...ascii(typeCode), ...ascii(address));
  for (const block of blocks) {
    if (block.length === 0) throw new AlphaEncodeError('alpha-invalid-argument', 'empty command block');
    assertNoReserved(block);
    const start = out.length;
    out.push(STX);
    for (const b of block) out.push(b);
    out.push(ETX);
    out.push(...ascii(checksum(out.slice(start))));
  }
  out.push(EOT);
  return Uint8Array.from(out);
}

/** Offset, inside a single-block packet, of the first byte after the command block's `n`th data byte. */
export function blockDataOffset(packet: Uint8Array, n: number): number {
  const stx = packet.indexOf(STX);
  if (stx < 0) throw new AlphaEncodeError('alpha-invalid-argument', 'not a packet');
  return stx + 1 + n;
}

// ---------------------------------------------------------------------------------------------------------
// TEXT files

export type TextPart =
  | { text: string }
  /** 1 red, 2 green, 3 amber, 4 dim red, 5 dim green, 6 brown, 7 orange, 8 yellow (the DOTS palette). */
  | { colour: number }
  /** Font code character as the sign documents it, e.g. `1` five-high, `3` seven-high. */
  | { font: string }
  /** 1 slowest … 5 fastest. */
  | { speed: number }
  /** Show the SMALL DOTS picture with this label. */
  | { dots: string }
  /** Insert the STRING file with this label. */
  | { string: string };

export interface TextPage {
  position?: AlphaPosition;
  mode?: AlphaMode;
  parts: readonly TextPart[];
}

function encodeParts(parts: readonly TextPart[]): number[] {
  const out: number[] = [];
  for (const part of parts) {
    if ('text' in part) {
      assertPlainAscii(part.text);
      out.push(...ascii(part.text));
    } else if ('colour' in part) {
      if (!Number.isInteger(part.colour) || part.colour < 1 || part.colour > 8) {
        throw new AlphaEncodeError('alpha-invalid-colour', `text colour must be 1–8, got ${part.colour}`);
      }
      out.push(CTRL.selectColour, 0x30 + part.colour);
    } else if ('font' in part) {
      if (!/^[1-9A-Za-z]$/.test(part.font))
        throw new AlphaEncodeError('alpha-invalid-argument', `bad font code ${JSON.stringify(part.font)}`);
      out.push(CTRL.selectFont, part.font.charCodeAt(0));
    } else if ('speed' in part) {
      if (!Number.isInteger(part.speed) || part.speed < 1 || part.speed > 5) {
        throw new AlphaEncodeError('alpha-invalid-argument', `speed must be 1–5, got ${part.speed}`);
      }
      out.push(CTRL.speed1 + part.speed - 1);
    } else if ('dots' in part) {
      assertLabel(part.dots);
      out.push(CTRL.callDots, part.dots.charCodeAt(0));
    } else {
      assertLabel(part.string);
      out.push(CTRL.callString, part.string.charCodeAt(0));
    }
  }
  return out;
}

/** Body of a TEXT file: each page is `ESC position mode` followed by its content. */
export function encodeTextBody(pages: readonly TextPage[]): Uint8Array {
  if (pages.length === 0) throw new AlphaEncodeError('alpha-invalid-argument', 'a TEXT file needs at least one page');
  const out: number[] = [];
  for (const page of pages) {
    out.push(
      ESC,
      POSITION_CODES[page.position ?? 'middle'].charCodeAt(0),
      MODE_CODES[page.mode ?? 'hold'].charCodeAt(0),
    );
    out.push(...encodeParts(page.parts));
  }
  return Uint8Array.from(out);
}

/** `A` command block: write TEXT file. */
export function writeTextBlock(label: string, pages: readonly TextPage[]): Uint8Array {
  assertLabel(label);
  const body = encodeTextBody(pages);
  return Uint8Array.from([...ascii(COMMAND.writeText + label), ...body]);
}

/** `G` command block: write STRING file (plain ASCII; the sign shows it without blanking the TEXT file). */
export function writeStringBlock(label: string, text: string): Uint8Array {
  assertLabel(label);
  assertPlainAscii(text);
  return Uint8Array.from(ascii(COMMAND.writeString + label + text));
}

// ---------------------------------------------------------------------------------------------------------
// SMALL DOTS pictures

/** Highest palette index used by a bitmap; throws for indices the Alpha DOTS palette does not have. */
export function maxColour(bitmap: Bitmap): number {
  let max = 0;
  for (const v of bitmap.data) {
    if (v > 8) throw new AlphaEncodeError('alpha-invalid-colour', `palette index ${v} has no Alpha DOTS colour (0–8)`);
    if (v > max) max = v;
  }
  return max;
}

export function colourDepthFor(maxIndex: number): DotsColourDepth {
  return maxIndex <= 1 ? 'mono' : maxIndex <= 3 ? 'tri' : 'octo';
}

function assertDotsSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 255 || height > 255) {
    throw new AlphaEncodeError(
      'alpha-invalid-size',
      `a SMALL DOTS picture is 1–255 × 1–255 pixels, got ${width}×${height}`,
    );
  }
}

/**
 * `I` command block: write SMALL DOTS picture. Layout: `I label HH WW` (upper-case hex height then width),
 * then one row of colour characters `0`–`8` per pixel row, each row ending in CR.
 * `sizeEnd` is the offset inside the block just after the size bytes, where the sign needs a pause.
 */
export function writeDotsBlock(label: string, bitmap: Bitmap): { block: Uint8Array; sizeEnd: number } {
  assertLabel(label);
  assertDotsSize(bitmap.width, bitmap.height);
  if (bitmap.data.length !== bitmap.width * bitmap.height) {
    throw new AlphaEncodeError(
      'alpha-invalid-size',
      `bitmap data has ${bitmap.data.length} bytes for ${bitmap.width}×${bitmap.height}`,
    );
  }
  maxColour(bitmap);
  const head = ascii(COMMAND.writeSmallDots + label + hex(bitmap.height, 2) + hex(bitmap.width, 2));
  const block = new Uint8Array(head.length + bitmap.height * (bitmap.width + 1));
  block.set(head, 0);
  let o = head.length;
  for (let y = 0; y < bitmap.height; y++) {
    for (let x = 0; x < bitmap.width; x++) block[o++] = 0x30 + bitmap.data[y * bitmap.width + x]!;
    block[o++] = CR;
  }
  return { block, sizeEnd: head.length };
}

// ---------------------------------------------------------------------------------------------------------
// Special functions

export type MemoryEntry =
  | { type: 'text'; label: string; size: number; locked?: boolean }
  | { type: 'string'; label: string; size: number; locked?: boolean }
  | { type: 'dots'; label: string; width: number; height: number; colours: DotsColourDepth; locked?: boolean };

function assertFileSize(size: number): void {
  if (!Number.isInteger(size) || size < 1 || size > 0xffff) {
    throw new AlphaEncodeError('alpha-invalid-size', `file size must be 1–65535 bytes, got ${size}`);
  }
}

/** One 11-character memory configuration entry: label, type, lock, size (4 hex), then 4 type-specific chars. */
export function memoryEntry(entry: MemoryEntry): string {
  assertLabel(entry.label);
  switch (entry.type) {
    case 'text':
      assertFileSize(entry.size);
      // `FF00`: start time "always", so the file runs all day (run times are bangtin's job, not the sign's).
      return entry.label + FILE_TYPE.text + (entry.locked ? 'L' : 'U') + hex(entry.size, 4) + 'FF00';
    case 'string':
      assertFileSize(entry.size);
      return entry.label + FILE_TYPE.string + (entry.locked === false ? 'U' : 'L') + hex(entry.size, 4) + '0000';
    case 'dots':
      assertDotsSize(entry.width, entry.height);
      return (
        entry.label +
        FILE_TYPE.dots +
        (entry.locked ? 'L' : 'U') +
        hex(entry.height, 2) +
        hex(entry.width, 2) +
        DOTS_COLOUR_STATUS[entry.colours]
      );
  }
}

/** `E$` block: replaces the sign's whole memory layout (all files are erased). No entries clears memory. */
export function memoryConfigBlock(entries: readonly MemoryEntry[]): Uint8Array {
  const labels = new Set<string>();
  for (const e of entries) {
    if (labels.has(e.label))
      throw new AlphaEncodeError('alpha-invalid-label', `label ${JSON.stringify(e.label)} is configured twice`);
    labels.add(e.label);
  }
  return Uint8Array.from(ascii(COMMAND.writeSpecial + SPECIAL.memoryConfig + entries.map(memoryEntry).join('')));
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

function assertRange(name: string, n: number, lo: number, hi: number): void {
  if (!Number.isInteger(n) || n < lo || n > hi)
    throw new AlphaEncodeError('alpha-invalid-argument', `${name} must be ${lo}–${hi}, got ${n}`);
}

/** `E ` block: set the time of day, 24-hour `HHMM`. */
export function setTimeBlock(hour: number, minute: number): Uint8Array {
  assertRange('hour', hour, 0, 23);
  assertRange('minute', minute, 0, 59);
  return Uint8Array.from(ascii(COMMAND.writeSpecial + SPECIAL.setTime + two(hour) + two(minute)));
}

/** `E;` block: set the date, `MMDDYY`. */
export function setDateBlock(year: number, month: number, day: number): Uint8Array {
  assertRange('year', year, 2000, 2099);
  assertRange('month', month, 1, 12);
  assertRange('day', day, 1, 31);
  return Uint8Array.from(ascii(COMMAND.writeSpecial + SPECIAL.setDate + two(month) + two(day) + two(year % 100)));
}

/** `E&` block: day of week, 1 = Sunday … 7 = Saturday. */
export function dayOfWeekBlock(day: number): Uint8Array {
  assertRange('day of week', day, 1, 7);
  return Uint8Array.from(ascii(COMMAND.writeSpecial + SPECIAL.dayOfWeek + String(day)));
}

/** `E'` block: 24-hour clock (`M`) or 12-hour am/pm (`S`). */
export function timeFormatBlock(format: '24h' | '12h'): Uint8Array {
  return Uint8Array.from(ascii(COMMAND.writeSpecial + SPECIAL.timeFormat + (format === '24h' ? 'M' : 'S')));
}

/**
 * `E.` block: run sequence. `S` runs the TEXT files in the given order ignoring their run times;
 * `U`/`L` says whether an IR keyboard may change it.
 */
export function runSequenceBlock(labels: readonly string[], locked = true): Uint8Array {
  if (labels.length === 0)
    throw new AlphaEncodeError('alpha-invalid-argument', 'run sequence needs at least one label');
  labels.forEach(assertLabel);
  return Uint8Array.from(
    ascii(COMMAND.writeSpecial + SPECIAL.runSequence + 'S' + (locked ? 'L' : 'U') + labels.join('')),
  );
}

/** Index of the dimming level nearest to `percent`; below the dimmest level the sign stays at it. */
export function dimmingLevelFor(percent: number): number {
  assertRange('brightness', percent, 0, 100);
  let best = 0;
  for (let i = 1; i < DIMMING_LEVELS.length; i++) {
    if (Math.abs(DIMMING_LEVELS[i]! - percent) < Math.abs(DIMMING_LEVELS[best]! - percent)) best = i;
  }
  return best;
}

/**
 * `E/` block: Set Dimming Register. Data: a two-hex-digit dim mode (`00`, the value both public
 * implementations send) then the level index as two decimal digits (`00` = 100 % … `04` = 44 %).
 */
export function dimmingBlock(level: number): Uint8Array {
  assertRange('dimming level', level, 0, DIMMING_LEVELS.length - 1);
  return Uint8Array.from(ascii(COMMAND.writeSpecial + SPECIAL.dimming + '00' + two(level)));
}

/** `E,` block: soft reset (keeps memory). */
export function softResetBlock(): Uint8Array {
  return Uint8Array.from(ascii(COMMAND.writeSpecial + SPECIAL.softReset));
}

/** `F$` block: ask the sign for its memory configuration (signs answer with type code `0`). */
export function readMemoryConfigBlock(): Uint8Array {
  return Uint8Array.from(ascii(COMMAND.readSpecial + SPECIAL.memoryConfig));
}

/** Convenience for tests and logs: a packet as text with control bytes spelled out. */
export function describeBytes(bytes: ArrayLike<number>): string {
  const names: Record<number, string> = {
    0: '<NUL>',
    1: '<SOH>',
    2: '<STX>',
    3: '<ETX>',
    4: '<EOT>',
    0x0d: '<CR>',
    0x1b: '<ESC>',
  };
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    s += names[b] ?? (b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : `<${hex(b, 2)}>`);
  }
  return s;
}
