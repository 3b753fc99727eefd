import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BxFrameError, crc16Arc, escapeBx, frameBx, unescapeBx, unframeBx } from './frame';

const header = new Array<number>(8).fill(0xa5);

describe('BX-5/BX-6 framing (experimental)', () => {
  it('computes CRC-16/ARC with the catalogue check value', () => {
    expect(crc16Arc([...'123456789'].map((c) => c.charCodeAt(0)))).toBe(0xbb3d);
    expect(crc16Arc([])).toBe(0);
  });

  it('escapes the four reserved bytes', () => {
    expect([...escapeBx([0x00, 0xa5, 0xa6, 0x5a, 0x5b, 0xff])]).toEqual([
      0x00, 0xa6, 0x02, 0xa6, 0x01, 0x5b, 0x02, 0x5b, 0x01, 0xff,
    ]);
    expect([...unescapeBx([0xa6, 0x02, 0xa6, 0x01, 0x5b, 0x02, 0x5b, 0x01])]).toEqual([0xa5, 0xa6, 0x5a, 0x5b]);
  });

  it('frames a payload: header, escaped payload, CRC low byte first, tail', () => {
    // CRC-16/ARC of 01 A5 5A 10 is 0xB32A.
    expect([...frameBx([0x01, 0xa5, 0x5a, 0x10])]).toEqual([
      ...header,
      0x01,
      0xa6,
      0x02,
      0x5b,
      0x02,
      0x10,
      0x2a,
      0xb3,
      0x5a,
    ]);
  });

  it('escapes CRC bytes too', () => {
    // CRC-16/ARC of D8 is 0x5A00: its high byte is the tail value and must be escaped.
    expect([...frameBx([0xd8])]).toEqual([...header, 0xd8, 0x00, 0x5b, 0x02, 0x5a]);
    // CRC-16/ARC of 8C is 0xA501.
    expect([...frameBx([0x8c])]).toEqual([...header, 0x8c, 0x01, 0xa6, 0x02, 0x5a]);
  });

  it('never lets a header or tail byte appear inside the frame, and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (payload) => {
        const frame = frameBx(payload);
        const inner = frame.subarray(8, frame.length - 1);
        expect(inner.includes(0xa5) || inner.includes(0x5a)).toBe(false);
        const back = unframeBx(frame);
        expect(back.crcOk).toBe(true);
        expect([...back.payload]).toEqual([...payload]);
      }),
    );
  });

  it('reports a corrupted frame', () => {
    const frame = frameBx([0x01, 0x02, 0x03]);
    frame[9] = 0x07;
    expect(unframeBx(frame).crcOk).toBe(false);
    expect(() => unframeBx([0xa5, 0x01, 0x02])).toThrow(BxFrameError);
    expect(() => unframeBx([0xa5, 0xa6, 0x07, 0x5a])).toThrow(BxFrameError);
  });
});
