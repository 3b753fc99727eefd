/**
 * A picture for an LED board: one byte per pixel, row-major, holding a palette index.
 * Index 0 is "off". Indices 1–8 are the Alpha protocol's DOTS colours, so a bitmap maps to the wire
 * without a lookup; RGB boards use the same palette (and may add indices above 8).
 */
export interface Bitmap {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Palette index → CSS colour, used by previews and the simulator's PNG so both show the same pixels. */
export const LED_PALETTE: Readonly<Record<number, string>> = {
  0: '#000000', // off
  1: '#ff2000', // red
  2: '#20ff20', // green
  3: '#ffb000', // amber
  4: '#901000', // dim red
  5: '#109010', // dim green
  6: '#8b4513', // brown
  7: '#ff8000', // orange
  8: '#ffff00', // yellow
  9: '#ffffff', // white (RGB boards)
  10: '#2060ff', // blue (RGB boards)
};

export function createBitmap(width: number, height: number): Bitmap {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width * height > 4_000_000) {
    throw new RangeError(`bitmap size must be positive integers, got ${width}×${height}`);
  }
  return { width, height, data: new Uint8Array(width * height) };
}

export function getPixel(b: Bitmap, x: number, y: number): number {
  if (x < 0 || y < 0 || x >= b.width || y >= b.height) return 0;
  return b.data[y * b.width + x]!;
}

export function setPixel(b: Bitmap, x: number, y: number, colour: number): void {
  if (x < 0 || y < 0 || x >= b.width || y >= b.height) return;
  b.data[y * b.width + x] = colour;
}
