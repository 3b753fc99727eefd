import type { PackedFont } from './font-types';
import { PACKED_FONTS } from './fonts/index';

/** What the UI and docs need to know about a shipped font, without decoding its glyphs. */
export interface LedFontInfo {
  id: string;
  name: string;
  licence: string;
  /** Rows one line of text needs (at scale 1). */
  height: number;
  /** Rows of that line box above the baseline. */
  ascent: number;
  /** Advance of 'A' in pixels. */
  advance: number;
}

export const LED_FONTS: readonly LedFontInfo[] = PACKED_FONTS.map(({ id, name, licence, height, ascent, advance }) => ({
  id,
  name,
  licence,
  height,
  ascent,
  advance,
}));

/** A decoded font: one byte per pixel (0/1) per glyph, so drawing is a plain array walk. */
export interface LedFont extends LedFontInfo {
  readonly glyphIndex: ReadonlyMap<number, number>;
  readonly widths: Uint8Array;
  /** Start of each glyph's `width × height` mask in `masks`. */
  readonly offsets: Uint32Array;
  readonly masks: Uint8Array;
  /** Rows (inclusive) the fallback box spans: from cap height to just above the baseline. */
  readonly boxTop: number;
  readonly boxBottom: number;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_LOOKUP[B64.charCodeAt(i)] = i;

/** Own decoder because atob/Buffer differ between Node and browsers and neither is needed here. */
function decodeBase64(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const v = B64_LOOKUP[clean.charCodeAt(i)] ?? -1;
    if (v < 0) throw new Error(`corrupt font data at ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

function decode(p: PackedFont): LedFont {
  const chars = Array.from(p.chars, (c) => c.codePointAt(0)!);
  const bytes = decodeBase64(p.data);
  const widths = new Uint8Array(chars.length);
  const offsets = new Uint32Array(chars.length);
  let total = 0;
  for (let i = 0; i < chars.length; i++) {
    widths[i] = p.widths ? p.widths[i]! : p.advance;
    offsets[i] = total;
    total += widths[i]! * p.height;
  }
  const masks = new Uint8Array(total);
  let src = 0;
  for (let i = 0; i < chars.length; i++) {
    const w = widths[i]!;
    const rowBytes = (w + 7) >> 3;
    let dst = offsets[i]!;
    for (let y = 0; y < p.height; y++) {
      for (let x = 0; x < w; x++) masks[dst + x] = (bytes[src + (x >> 3)]! >> (7 - (x & 7))) & 1;
      src += rowBytes;
      dst += w;
    }
  }
  const glyphIndex = new Map<number, number>();
  chars.forEach((cp, i) => glyphIndex.set(cp, i));

  // The box sits where capitals sit, so a missing letter reads as "something is here" in the line.
  const h = glyphIndex.get(0x48)!;
  let boxTop = 0;
  findTop: for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < widths[h]!; x++) {
      if (masks[offsets[h]! + y * widths[h]! + x]) {
        boxTop = y;
        break findTop;
      }
    }
  }
  const { id, name, licence, height, ascent, advance } = p;
  return {
    id,
    name,
    licence,
    height,
    ascent,
    advance,
    glyphIndex,
    widths,
    offsets,
    masks,
    boxTop,
    boxBottom: ascent - 1,
  };
}

const decoded = new Map<string, LedFont>();

/** Decodes on first use, so a page that never renders pays nothing for fonts it does not use. */
export function getLedFont(id: string): LedFont {
  let f = decoded.get(id);
  if (!f) {
    const p = PACKED_FONTS.find((x) => x.id === id);
    if (!p) throw new RangeError(`unknown LED font "${id}"; known: ${LED_FONTS.map((x) => x.id).join(', ')}`);
    f = decode(p);
    decoded.set(id, f);
  }
  return f;
}

/** Glyph index for a code point, or -1 when the font lacks it (drawn as a box). */
export function glyphFor(font: LedFont, cp: number): number {
  return font.glyphIndex.get(cp) ?? -1;
}
