/** Turns a board bitmap into something people can look at: a PNG that looks like an LED board, or ASCII art. */
import { type Bitmap, LED_PALETTE } from '@bangtin/shared';
import { PNG } from 'pngjs';

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** An unlit LED is still visible on a real board: dark grey, not black. */
const UNLIT: [number, number, number] = [0x24, 0x24, 0x24];
const BACKGROUND: [number, number, number] = [0, 0, 0];

export interface PngOptions {
  /** Pixels per LED, gap included. */
  scale?: number;
  /** Dark pixels between LEDs. */
  gap?: number;
}

export function bitmapToPng(bitmap: Bitmap, options: PngOptions = {}): Buffer {
  const scale = options.scale ?? 4;
  const gap = Math.min(options.gap ?? 1, scale - 1);
  if (!Number.isInteger(scale) || scale < 1 || scale > 64) throw new RangeError(`scale must be 1–64, got ${scale}`);
  const png = new PNG({ width: bitmap.width * scale, height: bitmap.height * scale });
  const colours = new Map<number, [number, number, number]>();
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const lx = Math.floor(x / scale);
      const ly = Math.floor(y / scale);
      const inGap = x % scale >= scale - gap || y % scale >= scale - gap;
      const v = bitmap.data[ly * bitmap.width + lx]!;
      let c = BACKGROUND;
      if (!inGap) {
        if (v === 0) c = UNLIT;
        else {
          let cached = colours.get(v);
          if (!cached) {
            cached = rgb(LED_PALETTE[v] ?? '#ffffff');
            colours.set(v, cached);
          }
          c = cached;
        }
      }
      const o = (y * png.width + x) * 4;
      png.data[o] = c[0];
      png.data[o + 1] = c[1];
      png.data[o + 2] = c[2];
      png.data[o + 3] = 0xff;
    }
  }
  return PNG.sync.write(png);
}

/** Reads a PNG written by `bitmapToPng` back into palette indices (tests, and checking a demo's output). */
export function pngToBitmap(png: Buffer, options: PngOptions = {}): Bitmap {
  const scale = options.scale ?? 4;
  const img = PNG.sync.read(png);
  const width = img.width / scale;
  const height = img.height / scale;
  const byColour = new Map<string, number>();
  for (const [k, v] of Object.entries(LED_PALETTE)) byColour.set(rgb(v).join(','), Number(k));
  byColour.set(UNLIT.join(','), 0);
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * scale * img.width + x * scale) * 4;
      const key = `${img.data[o]},${img.data[o + 1]},${img.data[o + 2]}`;
      const v = byColour.get(key);
      if (v === undefined) throw new RangeError(`pixel ${x},${y} has colour ${key}, not in the LED palette`);
      data[y * width + x] = v;
    }
  }
  return { width, height, data };
}

const ANSI: Readonly<Record<number, number>> = {
  1: 196,
  2: 46,
  3: 214,
  4: 88,
  5: 28,
  6: 94,
  7: 208,
  8: 226,
  9: 231,
  10: 27,
};

/** One character per LED: `.` unlit, `#` lit (coloured with ANSI 256-colour codes when `colour`). */
export function bitmapToAscii(bitmap: Bitmap, colour = false): string {
  const lines: string[] = [];
  for (let y = 0; y < bitmap.height; y++) {
    let line = '';
    for (let x = 0; x < bitmap.width; x++) {
      const v = bitmap.data[y * bitmap.width + x]!;
      if (v === 0) line += colour ? '\x1b[38;5;236m.\x1b[0m' : '.';
      else line += colour ? `\x1b[38;5;${ANSI[v] ?? 231}m#\x1b[0m` : '#';
    }
    lines.push(line);
  }
  return lines.join('\n');
}
