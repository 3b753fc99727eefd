import { describe, expect, it } from 'vitest';
import { createBitmap, LED_PALETTE, renderSlogan, setPixel } from '@bangtin/shared';
import { bitmapToRgba, ledPitch, litCount } from './draw';

describe('bitmapToRgba', () => {
  it('maps each palette index to its colour, unlit LEDs dark grey', () => {
    const b = createBitmap(3, 1);
    setPixel(b, 0, 0, 1);
    setPixel(b, 2, 0, 8);
    const px = Array.from(bitmapToRgba(b));
    expect(LED_PALETTE[1]).toBe('#ff2000');
    expect(px.slice(0, 4)).toEqual([0xff, 0x20, 0x00, 255]);
    expect(px.slice(4, 8)).toEqual([0x1c, 0x1c, 0x1c, 255]);
    expect(px.slice(8, 12)).toEqual([0xff, 0xff, 0x00, 255]);
  });

  it('shows exactly the pixels the renderer lit for a Vietnamese slogan', () => {
    const r = renderSlogan('Bảo hiểm xã hội', { width: 96, height: 16 });
    const frame = r.frames[0]!.bitmap;
    const rgba = bitmapToRgba(frame);
    let red = 0;
    for (let i = 0; i < rgba.length; i += 4) if (rgba[i] === 0xff && rgba[i + 1] === 0x20) red++;
    expect(red).toBe(litCount(frame));
    expect(red).toBeGreaterThan(50);
  });
});

describe('ledPitch', () => {
  it('fits the board in the space, between 2 and 8 px per LED', () => {
    expect(ledPitch(96, 560)).toBe(5);
    expect(ledPitch(64, 560)).toBe(8);
    expect(ledPitch(512, 560)).toBe(2);
  });
});
