/**
 * Board bitmap ⇄ the PNG uploaded to a Huidu card: one PNG pixel per LED, palette index → its RGB colour
 * from `LED_PALETTE` (index 0 is black: an unlit LED), so the card shows exactly the preview's pixels.
 */
import { createHash } from 'node:crypto';
import { type Bitmap, LED_PALETTE } from '@bangtin/shared';
import { PNG } from 'pngjs';

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

export function bitmapToCardPng(bitmap: Bitmap): Buffer {
  const png = new PNG({ width: bitmap.width, height: bitmap.height });
  for (let i = 0; i < bitmap.width * bitmap.height; i++) {
    const v = bitmap.data[i]!;
    const hex = LED_PALETTE[v];
    if (hex === undefined)
      throw new RangeError(
        `pixel ${i % bitmap.width},${Math.floor(i / bitmap.width)}: colour index ${v} is not in the LED palette`,
      );
    const [r, g, b] = rgb(hex);
    png.data[i * 4] = r;
    png.data[i * 4 + 1] = g;
    png.data[i * 4 + 2] = b;
    png.data[i * 4 + 3] = 0xff;
  }
  return PNG.sync.write(png);
}

/** The inverse; throws naming the pixel when a colour is not in the palette (a lossy or foreign picture). */
export function cardPngToBitmap(file: Uint8Array): Bitmap {
  const img = PNG.sync.read(Buffer.from(file.buffer, file.byteOffset, file.byteLength));
  const byColour = new Map<number, number>();
  for (const [k, v] of Object.entries(LED_PALETTE)) {
    const [r, g, b] = rgb(v);
    byColour.set((r << 16) | (g << 8) | b, Number(k));
  }
  const data = new Uint8Array(img.width * img.height);
  for (let i = 0; i < data.length; i++) {
    const key = (img.data[i * 4]! << 16) | (img.data[i * 4 + 1]! << 8) | img.data[i * 4 + 2]!;
    const v = byColour.get(key);
    if (v === undefined)
      throw new RangeError(
        `pixel ${i % img.width},${Math.floor(i / img.width)} has colour #${key.toString(16).padStart(6, '0')}, not in the LED palette`,
      );
    data[i] = v;
  }
  return { width: img.width, height: img.height, data };
}

export function md5Hex(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}
