import { describe, expect, it } from 'vitest';
import { pngSize } from './png-header';

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  // pngSize does not check CRCs (the decoder in the browser does); zeros keep the fixture short.
  return Buffer.concat([len, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
}

function png(width: number, height: number, opts: { end?: boolean } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([1, 2, 3])),
    ...(opts.end === false ? [] : [chunk('IEND', Buffer.alloc(0))]),
  ]);
}

describe('pngSize', () => {
  it('reads width and height from the IHDR chunk', () => {
    expect(pngSize(png(960, 540))).toEqual({ width: 960, height: 540 });
    expect(pngSize(new Uint8Array(png(384, 192)))).toEqual({ width: 384, height: 192 });
  });

  it('refuses bytes that are not a whole PNG', () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Buffer.alloc(40)]);
    expect(pngSize(jpeg)).toBeNull();
    expect(pngSize(png(960, 540, { end: false }))).toBeNull();
    expect(pngSize(png(0, 540))).toBeNull();
    expect(pngSize(png(100_000, 10))).toBeNull();
    expect(pngSize(png(960, 540).subarray(0, 20))).toBeNull();
  });
});
