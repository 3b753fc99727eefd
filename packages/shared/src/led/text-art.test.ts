import { describe, expect, it } from 'vitest';
import { createBitmap, setPixel } from './bitmap';
import { bitmapsEqual, fromTextArt, toTextArt } from './text-art';

describe('text art', () => {
  it('writes one line per row with # for colour 1 and digits for other colours', () => {
    const b = createBitmap(4, 2);
    setPixel(b, 0, 0, 1);
    setPixel(b, 3, 1, 3);
    expect(toTextArt(b)).toBe('#...\n...3');
  });

  it('round-trips through fromTextArt, including a trailing newline', () => {
    const art = '.#.\n#2#\n.a.';
    const b = fromTextArt(art + '\n');
    expect(b.width).toBe(3);
    expect(b.height).toBe(3);
    expect(b.data[4]).toBe(2);
    expect(b.data[7]).toBe(10);
    expect(toTextArt(b)).toBe(art);
  });

  it('rejects ragged rows and unknown characters', () => {
    expect(() => fromTextArt('##\n#')).toThrow(RangeError);
    expect(() => fromTextArt('#@')).toThrow(/unknown pixel/);
    expect(() => fromTextArt('')).toThrow(RangeError);
  });

  it('compares bitmaps by size and every pixel', () => {
    const a = fromTextArt('#.\n.#');
    expect(bitmapsEqual(a, fromTextArt('#.\n.#'))).toBe(true);
    expect(bitmapsEqual(a, fromTextArt('#.\n##'))).toBe(false);
    expect(bitmapsEqual(a, fromTextArt('#.#.'))).toBe(false);
  });
});
