/**
 * Bitmap ⇄ the picture bytes of a BX dynamic-area page (manuals' appendix 2, 点阵编码规则). Pure.
 *
 * - BX-5E: rows top to bottom, pixels left to right, 8 per byte, the leftmost in bit 7; 0 = lit, 1 = dark.
 *   Two-colour boards alternate a red byte and a green byte for each group of 8 pixels (the first green
 *   pixel is "bit 7 of the second byte"); one-colour boards send the red bytes only. A row that is not a
 *   multiple of 8 wide is padded on the right with 1s (dark).
 * - BX-6E: the same bit order in 32-bit words (leftmost pixel in bit 31), sent little-endian; the whole
 *   red plane of the page, then the whole green plane (two-colour only); padding 1s.
 * - BX-5Q: RGB565 per pixel, little-endian. BX-6Q: RGB888, bytes R, G, B.
 *
 * Palette indices (packages/shared LED_PALETTE) map onto the LEDs a board has: on red/green boards an
 * index lights red, green or both (amber, orange, yellow, white); RGB boards take the palette colour.
 */
import { type Bitmap, createBitmap, LED_PALETTE, type LedColourMode } from '@bangtin/shared';
import type { BxPixelFormat } from './cards';

/** Which of the red (bit 0) and green (bit 1) LEDs a palette index lights on a red/green board. */
const RG_OF_INDEX: Readonly<Record<number, number>> = {
  0: 0,
  1: 1,
  2: 2,
  3: 3,
  4: 1,
  5: 2,
  6: 1,
  7: 3,
  8: 3,
  9: 3,
  10: 0,
};

export function redGreenOf(index: number, colour: LedColourMode): number {
  if (index === 0) return 0;
  if (colour === 'mono') return 1;
  return RG_OF_INDEX[index] ?? 1;
}

/** What a red/green board shows for its LED bits, as a palette index (for the simulator and previews). */
export function indexOfRedGreen(rg: number): number {
  return rg === 3 ? 3 : rg === 2 ? 2 : rg === 1 ? 1 : 0;
}

function rgbOf(index: number): [number, number, number] {
  const hex = LED_PALETTE[index] ?? '#000000';
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
}

/** Nearest palette index to an RGB colour (black → 0). */
export function indexOfRgb(r: number, g: number, b: number): number {
  if (r < 24 && g < 24 && b < 24) return 0;
  let best = 1;
  let bestD = Infinity;
  for (const [k, hex] of Object.entries(LED_PALETTE)) {
    const i = Number(k);
    if (i === 0) continue;
    const [pr, pg, pb] = [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
    const d = (pr - r) ** 2 + (pg - g) ** 2 + (pb - b) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

/** Bytes one page of this size takes on the wire. */
export function pageBytes(format: BxPixelFormat, colour: LedColourMode, width: number, height: number): number {
  const planes = colour === 'mono' ? 1 : 2;
  switch (format) {
    case '5e':
      return Math.ceil(width / 8) * height * planes;
    case '6e':
      return Math.ceil(width / 32) * 4 * height * planes;
    case 'rgb565':
      return width * height * 2;
    case 'rgb888':
      return width * height * 3;
    case 'font':
      throw new RangeError('font cards take text, not pictures');
  }
}

export function encodePage(b: Bitmap, format: BxPixelFormat, colour: LedColourMode): Uint8Array {
  const { width, height, data } = b;
  const out = new Uint8Array(pageBytes(format, colour, width, height));
  if (format === 'rgb565' || format === 'rgb888') {
    let o = 0;
    for (let i = 0; i < data.length; i++) {
      const [r, g, bl] = rgbOf(data[i]!);
      if (format === 'rgb565') {
        const v = ((r >> 3) << 11) | ((g >> 2) << 5) | (bl >> 3);
        out[o++] = v & 0xff;
        out[o++] = v >> 8;
      } else {
        out[o++] = r;
        out[o++] = g;
        out[o++] = bl;
      }
    }
    return out;
  }
  out.fill(0xff); // every LED dark, padding included
  const planes = colour === 'mono' ? 1 : 2;
  if (format === '5e') {
    const rowBytes = Math.ceil(width / 8) * planes;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const rg = redGreenOf(data[y * width + x]!, colour);
        const bit = 0x80 >> (x & 7);
        const at = y * rowBytes + (x >> 3) * planes;
        if (rg & 1) out[at] = out[at]! & ~bit;
        if (planes === 2 && rg & 2) out[at + 1] = out[at + 1]! & ~bit;
      }
    return out;
  }
  // 6e: 32-bit words, little-endian on the wire, leftmost pixel in bit 31 (the word's last byte, bit 7).
  const rowWords = Math.ceil(width / 32);
  const planeBytes = rowWords * 4 * height;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const rg = redGreenOf(data[y * width + x]!, colour);
      const bitInWord = 31 - (x & 31);
      const at = (y * rowWords + (x >> 5)) * 4 + (bitInWord >> 3);
      const bit = 1 << (bitInWord & 7);
      if (rg & 1) out[at] = out[at]! & ~bit;
      if (planes === 2 && rg & 2) out[planeBytes + at] = out[planeBytes + at]! & ~bit;
    }
  return out;
}

/** The inverse of `encodePage`, as a card's display would read it; throws on a picture of the wrong size. */
export function decodePage(
  bytes: Uint8Array,
  format: BxPixelFormat,
  colour: LedColourMode,
  width: number,
  height: number,
): Bitmap {
  const want = pageBytes(format, colour, width, height);
  if (bytes.length !== want)
    throw new RangeError(`a ${width}×${height} ${format} ${colour} page is ${want} bytes, got ${bytes.length}`);
  const b = createBitmap(width, height);
  if (format === 'rgb565' || format === 'rgb888') {
    const step = format === 'rgb565' ? 2 : 3;
    for (let i = 0; i < width * height; i++) {
      if (format === 'rgb565') {
        const v = bytes[i * step]! | (bytes[i * step + 1]! << 8);
        b.data[i] = indexOfRgb(((v >> 11) & 0x1f) << 3, ((v >> 5) & 0x3f) << 2, (v & 0x1f) << 3);
      } else b.data[i] = indexOfRgb(bytes[i * step]!, bytes[i * step + 1]!, bytes[i * step + 2]!);
    }
    return b;
  }
  const planes = colour === 'mono' ? 1 : 2;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let red: boolean;
      let green = false;
      if (format === '5e') {
        const at = y * Math.ceil(width / 8) * planes + (x >> 3) * planes;
        const bit = 0x80 >> (x & 7);
        red = (bytes[at]! & bit) === 0;
        if (planes === 2) green = (bytes[at + 1]! & bit) === 0;
      } else {
        const rowWords = Math.ceil(width / 32);
        const bitInWord = 31 - (x & 31);
        const at = (y * rowWords + (x >> 5)) * 4 + (bitInWord >> 3);
        const bit = 1 << (bitInWord & 7);
        red = (bytes[at]! & bit) === 0;
        if (planes === 2) green = (bytes[rowWords * 4 * height + at]! & bit) === 0;
      }
      b.data[y * width + x] = colour === 'mono' ? (red ? 1 : 0) : indexOfRedGreen((red ? 1 : 0) | (green ? 2 : 0));
    }
  return b;
}

/** The picture a board of this colour really shows for a bitmap (what a preview should draw). */
export function asShownBy(b: Bitmap, format: BxPixelFormat, colour: LedColourMode): Bitmap {
  return decodePage(encodePage(b, format, colour), format, colour, b.width, b.height);
}
