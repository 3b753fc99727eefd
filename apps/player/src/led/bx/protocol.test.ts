import fc from 'fast-check';
import { createBitmap } from '@bangtin/shared';
import { describe, expect, it } from 'vitest';
import { bxCard } from './cards';
import { BxDecoder } from './decoder';
import { decodePage, encodePage, pageBytes } from './pixels';
import { compileArea, URGENT_AREA } from './programme';
import {
  ackReply,
  brightnessRequest,
  BX_ADDRESS_WILDCARD,
  BX_DEVICE_WILDCARD,
  decodePacket,
  decodeReply,
  decodeRequest,
  deleteAreasRequest,
  describeBxError,
  encodePacket,
  isAck,
  nackReply,
  pingRequest,
  updateAreaRequest,
} from './protocol';

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

describe('BX 0xF0 packets', () => {
  it('encodes the manual’s ping example byte for byte', () => {
    const frame = encodePacket({ address: BX_ADDRESS_WILDCARD, deviceType: BX_DEVICE_WILDCARD }, pingRequest());
    expect(hex(frame)).toBe(
      'a5 a5 a5 a5 a5 a5 a5 a5 fe ff 00 80 f0 00 fe ff 00 00 00 00 05 00 00 00 01 a2 00 00 00 c6 86 5a',
    );
    const back = decodePacket(frame);
    expect(back.header).toEqual({ dst: 0xfffe, src: 0x8000, protocol: 0xf0, deviceType: 0xfffe, dataLength: 5 });
    expect(decodeRequest(back.data, 5)).toEqual({ kind: 'ping' });
  });

  it('puts the screen number and the card’s device type in the header, little-endian', () => {
    const frame = encodePacket({ address: 1, deviceType: bxCard('bx-5e1').deviceType }, pingRequest());
    expect(hex(frame.subarray(8, 24))).toBe('01 00 00 80 f0 00 54 01 00 00 00 00 05 00 00 00');
  });

  it('rejects a damaged CRC', () => {
    const frame = encodePacket({ address: 1, deviceType: 0x0154 }, pingRequest());
    frame[frame.length - 3] = frame[frame.length - 3]! ^ 0x01;
    expect(() => decodePacket(frame)).toThrow(/CRC/);
  });

  it('encodes brightness (manual mode, 48 half-hours) and delete', () => {
    const b = brightnessRequest(7);
    expect(hex(b.subarray(0, 6))).toBe('01 a2 07 31 00 00');
    expect(b.length).toBe(6 + 48);
    expect(decodeRequest(b, 5)).toEqual({ kind: 'brightness', mode: 0, levels: new Array(48).fill(7) });
    expect(hex(deleteAreasRequest([1]))).toBe('01 a7 01 00 00 01 01');
    expect(hex(deleteAreasRequest('all'))).toBe('01 a7 01 00 00 ff');
    expect(decodeRequest(deleteAreasRequest('all'), 6)).toEqual({ kind: 'delete', areas: 'all' });
    expect(() => brightnessRequest(16)).toThrow(RangeError);
  });

  it('lays out a 5th-generation A7 00 with inline page pictures', () => {
    const bitmap = createBitmap(8, 1);
    bitmap.data[0] = 1;
    const area = compileArea(
      { id: 'p', frames: [{ bitmap, durationMs: 2500 }] },
      { card: bxCard('bx-5e1'), colour: 'mono', size: { width: 8, height: 1 } },
      0,
    );
    const req = updateAreaRequest(5, area);
    expect(hex(req)).toBe(
      [
        '01 a7 00', // RtnReq, group, command
        '00 00', // reserved
        '2a 00 00 00', // AreaDataLen = 42
        '00 00 00 00', // area 0, run mode 0 (loop), timeout 0
        '01 00 00 00', // RelateAllPro 1, no related programmes, ImmePlay 0
        '00 00 00 00', // reserved
        '10 00 00 00 00 08 00 01 00', // type 0x10, x 0, y 0, w 8, h 1
        '00', // no border
        '01 00', // one page
        '0e 00 00 00', // PageDataLen = 13 parameters + 1 picture byte
        '00 01 00 00 fa 00 01 08 00 00 00 00 00', // style, static, clear, speed, stay 250 × 10 ms, repeat 1, valid 8, reserved
        '7f', // leftmost pixel lit (0 = lit)
      ].join(' '),
    );
    const back = decodeRequest(req, 5);
    expect(back.kind).toBe('update');
    if (back.kind === 'update') expect(back.areas[0]!.pages[0]!.stayTime).toBe(250);
  });

  it('lays out a 6th-generation A7 00: parameters, then all pictures', () => {
    const bitmap = createBitmap(32, 1);
    bitmap.data[0] = 1;
    bitmap.data[31] = 1;
    const area = compileArea(
      {
        id: 'u',
        urgent: true,
        frames: [
          { bitmap, durationMs: 1000 },
          { bitmap, durationMs: 1000 },
        ],
      },
      { card: bxCard('bx-6e1'), colour: 'mono', size: { width: 32, height: 1 } },
      URGENT_AREA,
    );
    const req = updateAreaRequest(6, area);
    expect(hex(req.subarray(0, 11))).toBe('01 a7 00 00 00 01 00 5d 00 00 00'); // AreaNum 1, AreaDataLen 93 (parameters only)
    expect(req[11 + 0]).toBe(1); // area id 1
    expect(req[11 + 7]).toBe(1); // ImmePlay 1 for an urgent message
    // The two pictures come last: red words, leftmost pixel in bit 31, little-endian on the wire.
    expect(hex(req.subarray(req.length - 8))).toBe('fe ff ff 7f fe ff ff 7f');
    const back = decodeRequest(req, 6);
    if (back.kind !== 'update') throw new Error('not an update');
    expect(back.areas[0]!.immediate).toBe(true);
    expect(back.areas[0]!.pages.map((p) => hex(p.bitmap))).toEqual(['fe ff ff 7f', 'fe ff ff 7f']);
  });

  it('names the error registers in replies', () => {
    expect(isAck(decodeReply(ackReply()))).toBe(true);
    const n = decodeReply(nackReply(4));
    expect(isAck(n)).toBe(false);
    expect(n.error).toBe(4);
    expect(describeBxError(4)).toBe('ERR_MEMORYVOLUME: ảnh quá lớn cho bộ nhớ thẻ');
    expect(describeBxError(77)).toMatch(/ERR_77/);
  });
});

describe('BX pictures', () => {
  it('encodes 5E two-colour as a red byte then a green byte per 8 pixels, 0 = lit, padded with 1s', () => {
    const b = createBitmap(10, 1);
    b.data[0] = 1; // red
    b.data[1] = 2; // green
    b.data[2] = 3; // amber = red + green
    b.data[9] = 1; // red, in the second (padded) group
    expect(hex(encodePage(b, '5e', 'tri'))).toBe('5f 9f bf ff');
    expect(hex(encodePage(b, '5e', 'mono'))).toBe('1f bf');
    expect(pageBytes('5e', 'tri', 10, 1)).toBe(4);
  });

  it('round-trips every format through the card’s reading', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(
          ['5e', 'mono'],
          ['5e', 'tri'],
          ['6e', 'mono'],
          ['6e', 'tri'],
          ['rgb565', 'rgb'],
          ['rgb888', 'rgb'],
        ),
        fc.infiniteStream(fc.constantFrom(0, 1, 2, 3)),
        (w, h, [format, colour], colours) => {
          const b = createBitmap(w, h);
          const it = colours[Symbol.iterator]();
          for (let i = 0; i < b.data.length; i++) b.data[i] = it.next().value as number;
          const want = colour === 'mono' ? b.data.map((v) => (v ? 1 : 0)) : b.data;
          const bytes = encodePage(b, format as '5e', colour as 'mono');
          expect([...decodePage(bytes, format as '5e', colour as 'mono', w, h).data]).toEqual([...want]);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('BX stream decoder', () => {
  it('finds every frame through random chunking and noise between frames', () => {
    const frames = [
      encodePacket({ address: 1, deviceType: 0x0154 }, pingRequest()),
      encodePacket({ address: 1, deviceType: 0x0154 }, brightnessRequest(15)),
      encodePacket({ address: 1, deviceType: 0x0154 }, deleteAreasRequest([0xa5, 0x5a, 0xa6, 0x5b])),
    ];
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 8 }),
        fc.array(
          fc.uint8Array({ maxLength: 6 }).map((n) => n.filter((x) => x !== 0xa5)),
          { minLength: 8, maxLength: 8 },
        ),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 20 }),
        (order, noise, cuts) => {
          const bytes: number[] = [];
          order.forEach((k, i) => bytes.push(...noise[i]!, ...frames[k]!));
          const d = new BxDecoder();
          const out = [];
          let at = 0;
          let c = 0;
          while (at < bytes.length) {
            const n = cuts[c++ % cuts.length]!;
            out.push(...d.push(bytes.slice(at, at + n)));
            at += n;
          }
          expect(out.every((o) => o.ok)).toBe(true);
          expect(out.map((o) => (o.ok ? hex(o.packet.data) : ''))).toEqual(
            order.map((k) => hex(decodePacket(frames[k]!).data)),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reports a bad CRC and a bad escape, then carries on', () => {
    const good = encodePacket({ address: 1, deviceType: 0x0154 }, pingRequest());
    const badCrc = Uint8Array.from(good);
    badCrc[badCrc.length - 2] = badCrc[badCrc.length - 2]! ^ 0x10;
    const badEscape = Uint8Array.from([0xa5, 0x01, 0xa6, 0x07, 0x02, 0x5a]);
    const out = new BxDecoder().push([...badCrc, ...badEscape, ...good]);
    expect(out.map((o) => (o.ok ? 'ok' : o.reason))).toEqual(['crc', 'escape', 'ok']);
    const first = out[0]!;
    if (!first.ok) expect(first.header?.dst).toBe(1);
  });
});
