import { LED_PALETTE, type Bitmap } from '@bangtin/shared';

/** An unlit LED is drawn dark grey, not black, so staff see the board's grid and its real size. */
export const UNLIT = '#1c1c1c';

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * One RGBA pixel per LED, straight from the palette indices the drivers send: the preview is the
 * same bitmap the board gets, only coloured. Index 0 is an unlit LED.
 */
export function bitmapToRgba(b: Bitmap, palette: Readonly<Record<number, string>> = LED_PALETTE): Uint8ClampedArray {
  const out = new Uint8ClampedArray(b.width * b.height * 4);
  const cache = new Map<number, [number, number, number]>();
  for (let i = 0; i < b.data.length; i++) {
    const idx = b.data[i]!;
    let c = cache.get(idx);
    if (!c) cache.set(idx, (c = rgb(idx === 0 ? UNLIT : (palette[idx] ?? palette[1]!))));
    out[i * 4] = c[0];
    out[i * 4 + 1] = c[1];
    out[i * 4 + 2] = c[2];
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** Count of lit LEDs: lets tests and screen readers tell an empty board from a drawn one. */
export function litCount(b: Bitmap): number {
  let n = 0;
  for (const v of b.data) if (v !== 0) n++;
  return n;
}

/** Size of one LED on screen so the board fits `maxWidthPx`, between 2 and 8 CSS pixels. */
export function ledPitch(boardWidth: number, maxWidthPx: number): number {
  return Math.max(2, Math.min(8, Math.floor(maxWidthPx / boardWidth)));
}

/** Draws one frame: each LED a square with a one-pixel gap when there is room for it. */
export function drawBitmap(ctx: CanvasRenderingContext2D, b: Bitmap, pitch: number): void {
  const rgba = bitmapToRgba(b);
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, b.width * pitch, b.height * pitch);
  const gap = pitch >= 4 ? 1 : 0;
  for (let y = 0; y < b.height; y++) {
    for (let x = 0; x < b.width; x++) {
      const i = (y * b.width + x) * 4;
      ctx.fillStyle = `rgb(${rgba[i]},${rgba[i + 1]},${rgba[i + 2]})`;
      ctx.fillRect(x * pitch, y * pitch, pitch - gap, pitch - gap);
    }
  }
}
