import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FONT_CARD_DEVICE_TYPES,
  FONT_CARD_ERRORS,
  FontCardError,
  VIETNAMESE_NOT_SUPPORTED_MESSAGE,
  decodeFontFrame,
  decodeFontHeader,
  decodeFontPacket,
  decodeFontReply,
  decodeFontRequest,
  decodeFontStatusReply,
  encodeFontFrame,
  encodeFontHeader,
  encodeFontPacket,
  encodeFontReply,
  encodeFontStatusReply,
  fontClearRequest,
  fontClockRequest,
  fontDeleteAreasRequest,
  fontPingRequest,
  fontReplyAddress,
  fontStatusRequest,
  fontTextAreasRequest,
  fontTextRequest,
  isPlainAscii,
  type FontStatus,
  type FontTextArea,
} from './font-card';
import { crc16Arc, escapeBx, frameBx } from './frame';

const hex = (s: string) =>
  s
    .trim()
    .split(/\s+/)
    .map((b) => parseInt(b, 16));
const A5x8 = new Array<number>(8).fill(0xa5);

// Captured frames quoted in a public C header (led.h, see font-card.ts source [D]): the Onbon default header
// 01 00 00 80 00 00 00 00 00 00 FE 02 <len> with screen address 1, source 0x8000, wildcard device type.
const CAPTURED_PING = [...A5x8, ...hex('01 00 00 80 00 00 00 00 00 00 FE 02 05 00 A2 00 01 00 00 68 F8'), 0x5a];
const CAPTURED_TEXT_DATA = hex(
  'A3 06 01 2D 00 00 01 29 00' + // command head, delete count 0, one area of 0x29 bytes
    ' 00 00 00 00 00 18 00 20 00 00 00 00 02 00 00 00 00 02 02 03 00 04 05 0E 00 00 00' +
    ' 30 31 32 33 34 35 51 52 53 54 54 56 27 42',
);
const CAPTURED_TEXT = [
  ...A5x8,
  ...hex('01 00 00 80 00 00 00 00 00 00 FE 02 32 00'),
  ...CAPTURED_TEXT_DATA,
  0xa8,
  0x7d,
  0x5a,
];

const area = (over: Partial<FontTextArea> = {}): FontTextArea => ({
  areaId: 0,
  x: 0,
  y: 0,
  width: 64,
  height: 16,
  text: 'BHXH 2026',
  displayMode: 'static',
  speed: 0,
  stayTime: 1,
  ...over,
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof FontCardError) return `${e.code}:${e.field}`;
    throw e;
  }
  return undefined;
}

describe('BX-5K/6K font card codec (experimental)', () => {
  it('produces the captured ping frame byte for byte', () => {
    expect([...encodeFontFrame(fontPingRequest())]).toEqual(CAPTURED_PING);
    const { header, data, checkOk } = decodeFontFrame(CAPTURED_PING);
    expect(checkOk).toBe(true);
    expect(header).toEqual({
      dst: 1,
      src: 0x8000,
      option: 0,
      checkMode: 0,
      displayMode: 0,
      deviceType: FONT_CARD_DEVICE_TYPES.wildcard,
      protocolVersion: 2,
      dataLength: 5,
    });
    expect(decodeFontRequest(data)).toEqual({ kind: 'ping', reply: true });
  });

  it('decodes the captured A3 06 text frame and re-encodes its area byte for byte', () => {
    const { data, checkOk } = decodeFontFrame(CAPTURED_TEXT);
    expect(checkOk).toBe(true);
    const request = decodeFontRequest(data);
    expect(request).toMatchObject({ kind: 'dynamic-area', reply: true, deleteAreaIds: [] });
    if (request.kind !== 'dynamic-area') throw new Error('unreachable');
    expect(request.areas).toHaveLength(1);
    expect(request.areas[0]).toMatchObject({
      areaType: 0,
      areaId: 0,
      x: 0,
      y: 0,
      width: 192,
      height: 32,
      xUnit: 'bytes',
      runMode: 0,
      timeoutSeconds: 2,
      soundMode: 0,
      alignment: 0,
      singleLine: false,
      autoWrap: true,
      displayMode: 3,
      exitMode: 0,
      speed: 4,
      stayTime: 2.5,
      text: "012345QRSTTV'B",
    });
    const ours = fontTextRequest({
      areaId: 0,
      x: 0,
      y: 0,
      width: 192,
      height: 32,
      text: "012345QRSTTV'B",
      displayMode: 'move-left',
      speed: 4,
      stayTime: 2.5,
      timeoutSeconds: 2,
    });
    // The capture has 0x2D in the first reserved byte (process mode per Onbon's Java SDK); we send 0.
    expect([...ours]).toEqual(CAPTURED_TEXT_DATA.map((b, i) => (i === 3 ? 0x00 : b)));
  });

  it('round-trips every request through frame, packet and request decoding', () => {
    const requests = [
      [fontPingRequest(), { kind: 'ping', reply: true }],
      [fontPingRequest({ reply: false }), { kind: 'ping', reply: false }],
      [fontStatusRequest(), { kind: 'status', reply: true }],
      [fontClearRequest(), { kind: 'clear-screen', reply: true }],
      [fontDeleteAreasRequest('all'), { kind: 'dynamic-area', deleteAreaIds: 'all', areas: [] }],
      [fontDeleteAreasRequest([3, 1]), { kind: 'dynamic-area', deleteAreaIds: [3, 1], areas: [] }],
    ] as const;
    for (const [data, expected] of requests) {
      const decoded = decodeFontFrame(encodeFontFrame(data, { dst: 7, deviceType: FONT_CARD_DEVICE_TYPES['BX-5K1'] }));
      expect(decoded.checkOk).toBe(true);
      expect(decoded.header).toMatchObject({ dst: 7, deviceType: 0x51, dataLength: data.length });
      expect(decodeFontRequest(decoded.data)).toMatchObject(expected);
    }
    expect([...fontClearRequest()]).toEqual([0xa3, 0x10, 0x01, 0x00, 0x00]);
    expect([...fontDeleteAreasRequest('all')]).toEqual([0xa3, 0x06, 0x01, 0x00, 0x00, 0xff, 0x00]);
  });

  it('round-trips text areas with colour, pixel units, alignment and deletions', () => {
    const data = fontTextAreasRequest(
      [
        area({ areaId: 2, x: 16, width: 96, colour: 'green', horizontalAlign: 'center', verticalAlign: 'middle' }),
        area({ areaId: 5, x: 3, y: 16, width: 61, xUnit: 'pixels', singleLine: true, autoWrap: false, speed: 24 }),
      ],
      { deleteAreaIds: [9], processMode: 1, reply: false },
    );
    const request = decodeFontRequest(data);
    if (request.kind !== 'dynamic-area') throw new Error(`unexpected ${request.kind}`);
    expect(request).toMatchObject({ reply: false, processMode: 1, deleteAreaIds: [9] });
    expect(request.areas[0]).toMatchObject({ areaId: 2, x: 16, width: 96, colour: 'green', alignment: 0x0a });
    expect([...request.areas[0]!.textBytes.subarray(0, 3)]).toEqual([0x5c, 0x43, 0x32]); // "\C2"
    expect(request.areas[0]!.text).toBe('BHXH 2026');
    expect(request.areas[1]).toMatchObject({
      areaId: 5,
      x: 3,
      y: 16,
      width: 61,
      xUnit: 'pixels',
      singleLine: true,
      autoWrap: false,
      speed: 24,
    });
    expect(request.areas[1]!.colour).toBeUndefined();
  });

  it('round-trips any printable ASCII text and geometry', () => {
    const text = fc
      .string({ minLength: 1, maxLength: 120 })
      .map((s) => s.replace(/[^\x20-\x7e]|\\/g, 'x'))
      .filter((s) => s.length > 0);
    fc.assert(
      fc.property(
        text,
        fc.integer({ min: 0, max: 254 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 255 }),
        (t, areaId, x8, w8, speed, halfSeconds) => {
          const frame = encodeFontFrame(
            fontTextRequest(area({ text: t, areaId, x: x8 * 8, width: w8 * 8, speed, stayTime: halfSeconds / 2 })),
          );
          const { data, checkOk } = decodeFontFrame(frame);
          expect(checkOk).toBe(true);
          const request = decodeFontRequest(data);
          if (request.kind !== 'dynamic-area') throw new Error('unreachable');
          expect(request.areas[0]).toMatchObject({ text: t, areaId, x: x8 * 8, width: w8 * 8, speed });
          expect(request.areas[0]!.stayTime).toBe(halfSeconds / 2);
        },
      ),
    );
  });

  it('refuses Vietnamese text with a typed error and a Vietnamese message, and accepts plain ASCII', () => {
    for (const text of ['Đóng BHXH đúng hạn', 'Đóng BHXH đúng hạn'.normalize('NFD'), 'Giờ làm việc', '社保']) {
      let error: unknown;
      try {
        fontTextRequest(area({ text }));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FontCardError);
      expect((error as FontCardError).code).toBe('vietnamese-not-supported');
      expect((error as FontCardError).message).toBe(
        'thẻ BX-5K không hiển thị được tiếng Việt có dấu; cần thẻ đồ hoạ (BX-5E/6E)',
      );
    }
    expect(VIETNAMESE_NOT_SUPPORTED_MESSAGE).toBe(VIETNAMESE_NOT_SUPPORTED_MESSAGE.normalize('NFC'));
    const data = fontTextRequest(area({ text: 'BHXH 2026' }));
    expect([...data.subarray(data.length - 13)]).toEqual([9, 0, 0, 0, ...Buffer.from('BHXH 2026', 'ascii')]);
  });

  it('isPlainAscii accepts only printable ASCII', () => {
    expect(isPlainAscii('BHXH 2026 ~!')).toBe(true);
    expect(isPlainAscii('')).toBe(true);
    expect(isPlainAscii('Đóng')).toBe(false);
    expect(isPlainAscii('a\nb')).toBe(false);
    expect(isPlainAscii('tab\t')).toBe(false);
    expect(isPlainAscii('\x7f')).toBe(false);
  });

  it('names the bad field for invalid input', () => {
    expect(codeOf(() => fontTextRequest(area({ x: 4 })))).toBe('invalid-field:area.x');
    expect(codeOf(() => fontTextRequest(area({ width: 60 })))).toBe('invalid-field:area.width');
    expect(codeOf(() => fontTextRequest(area({ speed: 25 })))).toBe('invalid-field:area.speed');
    expect(codeOf(() => fontTextRequest(area({ stayTime: 0.3 })))).toBe('invalid-field:area.stayTime');
    expect(codeOf(() => fontTextRequest(area({ areaId: 255 })))).toBe('invalid-field:area.areaId');
    expect(codeOf(() => fontTextRequest(area({ height: 0 })))).toBe('invalid-field:area.height');
    expect(codeOf(() => fontTextRequest(area({ text: '' })))).toBe('invalid-field:area.text');
    expect(codeOf(() => fontTextRequest(area({ text: 'a\\C1b' })))).toBe('backslash-not-supported:area.text');
    expect(codeOf(() => fontTextRequest(area({ displayMode: 'spin' as never })))).toBe(
      'invalid-field:area.displayMode',
    );
    expect(codeOf(() => fontTextRequest(area({ colour: 'blue' as never })))).toBe('invalid-field:area.colour');
    expect(codeOf(() => fontTextAreasRequest([area(), area()]))).toBe('invalid-field:areas[1].areaId');
    expect(codeOf(() => fontDeleteAreasRequest([]))).toBe('invalid-field:areaIds');
    expect(codeOf(() => fontTextAreasRequest([null as never]))).toBe('invalid-field:area');
    expect(codeOf(() => fontTextAreasRequest([area(), area({ text: 'Hà Nội' })]))).toBe(
      'vietnamese-not-supported:areas[1].text',
    );
    expect(codeOf(() => fontDeleteAreasRequest([1, 1]))).toBe('invalid-field:areaIds[1]');
    expect(codeOf(() => encodeFontHeader(0, { dst: 0x10000 }))).toBe('invalid-field:dst');
  });

  it('rejects malformed or foreign packets', () => {
    const packet = encodeFontPacket(fontPingRequest());
    expect(codeOf(() => decodeFontPacket(packet.subarray(0, 10)))).toBe('malformed-packet:header');
    expect(codeOf(() => decodeFontPacket([...packet, 0]))).toBe('malformed-packet:dataLength');
    const v1 = Uint8Array.from(packet);
    v1[11] = 0x01;
    expect(codeOf(() => decodeFontPacket(v1))).toBe('unsupported:protocolVersion');
    expect(codeOf(() => decodeFontRequest([0xa2, 0x00, 0x03, 0, 0]))).toBe('malformed-packet:reply');
    expect(codeOf(() => decodeFontRequest([0xa2, 0x00, 0x01, 0, 0, 9]))).toBe('malformed-packet:length');
    const text = fontTextRequest(area());
    expect(codeOf(() => decodeFontRequest(text.subarray(0, text.length - 1)))).toBe('malformed-packet:areas[0]');
    expect(decodeFontRequest([0xa3, 0x00, 0x01, 0, 0, 1])).toMatchObject({ kind: 'other', group: 0xa3, code: 0 });
  });

  it('carries a barcode when the option bit is set', () => {
    const barcode = Uint8Array.from({ length: 16 }, (_, i) => 0x41 + i);
    const packet = encodeFontPacket(fontPingRequest(), { barcode });
    expect(packet.length).toBe(14 + 16 + 5);
    const { header, length } = decodeFontHeader(packet);
    expect(length).toBe(30);
    expect(header.option).toBe(1);
    expect([...header.barcode!]).toEqual([...barcode]);
  });

  it('escapes reserved bytes, checks the CRC, and honours the sum and no-check modes', () => {
    const frame = encodeFontFrame(fontClearRequest(), { dst: 0x5aa5, src: 0xa65b });
    const inner = frame.subarray(8, frame.length - 1);
    expect(inner.includes(0xa5) || inner.includes(0x5a)).toBe(false);
    expect([...inner.subarray(0, 8)]).toEqual([0xa6, 0x02, 0x5b, 0x02, 0x5b, 0x01, 0xa6, 0x01]);
    const decoded = decodeFontFrame(frame);
    expect(decoded).toMatchObject({ checkOk: true, header: { dst: 0x5aa5, src: 0xa65b } });
    const payload = encodeFontPacket(fontClearRequest(), { dst: 0x5aa5, src: 0xa65b });
    const crc = crc16Arc(payload);
    const tail = [...escapeBx([crc & 0xff, crc >>> 8]), 0x5a];
    expect([...frame.subarray(frame.length - tail.length)]).toEqual(tail);
    expect([...frame]).toEqual([...frameBx(payload)]);

    // 8 × A5, 18 escaped header bytes, then A3 10 <reply flag>: flip the flag from 0x01 to 0x03.
    const corrupted = Uint8Array.from(frame);
    expect([corrupted[26], corrupted[27], corrupted[28]]).toEqual([0xa3, 0x10, 0x01]);
    corrupted[28] = 0x03;
    expect(decodeFontFrame(corrupted).checkOk).toBe(false);

    const withMode = (mode: number, check: number) => {
      const p = encodeFontPacket(fontPingRequest());
      p[8] = mode;
      return Uint8Array.from([...A5x8, ...escapeBx([...p, check & 0xff, check >>> 8]), 0x5a]);
    };
    const sumPacket = encodeFontPacket(fontPingRequest());
    sumPacket[8] = 1;
    const sum = sumPacket.reduce((a, b) => (a + b) & 0xffff, 0);
    expect(decodeFontFrame(withMode(1, sum)).checkOk).toBe(true);
    expect(decodeFontFrame(withMode(1, sum + 1)).checkOk).toBe(false);
    expect(decodeFontFrame(withMode(2, 0x1234)).checkOk).toBe(true);
    expect(codeOf(() => decodeFontFrame(withMode(3, 0)))).toBe('malformed-packet:checkMode');
  });

  it('encodes and decodes ACK/NACK replies with the shared error numbers', () => {
    expect([...encodeFontReply()]).toEqual([0xa0, 0x00, 0x00, 0x00, 0x00]);
    expect([...encodeFontReply(5)]).toEqual([0xa0, 0x01, 0x05, 0x00, 0x00]);
    expect(decodeFontReply(encodeFontReply())).toEqual({ kind: 'ack', error: 0, errorName: 'ERR_NO' });
    expect(decodeFontReply(encodeFontReply(3))).toEqual({ kind: 'nack', error: 3, errorName: 'ERR_BUSY' });
    expect(decodeFontReply(encodeFontReply(19))).toMatchObject({ errorName: 'ERR_CONTROLLER_ID' });
    expect(decodeFontReply(encodeFontReply(200))).toMatchObject({ kind: 'nack', errorName: undefined });
    expect(FONT_CARD_ERRORS.slice(0, 6)).toEqual([
      'ERR_NO',
      'ERR_OUTOFGROUP',
      'ERR_NOCMD',
      'ERR_BUSY',
      'ERR_MEMORYVOLUME',
      'ERR_CHECKSUM',
    ]);
    expect(decodeFontReply([0xa1, 0x02, 0x00, 0, 0, 1, 2])).toMatchObject({ kind: 'data', group: 0xa1, code: 2 });

    const request = decodeFontFrame(encodeFontFrame(fontPingRequest(), { dst: 3 }));
    const reply = decodeFontFrame(encodeFontFrame(encodeFontReply(), fontReplyAddress(request.header)));
    expect(reply.header).toMatchObject({ dst: 0x8000, src: 3 });
    expect(decodeFontReply(reply.data).kind).toBe('ack');
  });

  it('encodes the clock as BCD, year low byte first, and round-trips it', () => {
    const clock = { year: 2026, month: 12, day: 3, hour: 19, minute: 5, second: 59, weekday: 4 };
    const data = fontClockRequest(clock);
    expect([...data]).toEqual([0xa2, 0x03, 0x01, 0x00, 0x00, 0x26, 0x20, 0x12, 0x03, 0x19, 0x05, 0x59, 0x04]);
    expect(decodeFontRequest(data)).toEqual({ kind: 'set-clock', reply: true, clock });
    expect(codeOf(() => fontClockRequest({ ...clock, month: 13 }))).toBe('invalid-field:clock.month');
    expect(codeOf(() => decodeFontRequest([0xa2, 0x03, 0x01, 0, 0, 0x26, 0x20, 0x1a, 1, 1, 1, 1, 1]))).toBe(
      'malformed-packet:clock.month',
    );
  });

  it('round-trips the status reply a simulated card sends', () => {
    const status: FontStatus = {
      powerOn: true,
      brightness: 15,
      clock: { year: 2026, month: 1, day: 2, hour: 8, minute: 30, second: 0, weekday: 5 },
      programmeCount: 1,
      currentProgramme: 'P000',
      specialAreaFlag: 0,
      specialAreaPages: 0,
      dynamicAreaIds: [0, 3],
      barcode: Uint8Array.from({ length: 16 }, (_, i) => 0x30 + (i % 10)),
      networkId: new Uint8Array(12),
    };
    const data = encodeFontStatusReply(status);
    expect([...data.subarray(0, 7)]).toEqual([0xa1, 0x02, 0x00, 0x00, 0x00, 0x01, 0x0f]);
    expect(data.length).toBe(5 + 2 + 8 + 1 + 4 + 2 + 1 + 2 + 16 + 12);
    expect(decodeFontStatusReply(data)).toEqual({ ...status, error: 0 });
    expect(decodeFontReply(data)).toMatchObject({ kind: 'data', group: 0xa1, code: 0x02, errorName: 'ERR_NO' });
    expect(codeOf(() => decodeFontStatusReply(data.subarray(0, data.length - 1)))).toBe('malformed-packet:networkId');
    expect(codeOf(() => encodeFontStatusReply({ ...status, brightness: 16 }))).toBe('invalid-field:brightness');
  });
});
