import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildScreenXml,
  buildSdkAnswer,
  buildSdkRequest,
  decodeFileStart,
  decodeFileStartAnswer,
  decodeSdkPayload,
  encodeErrorAnswer,
  encodeFileContent,
  encodeFileEnd,
  encodeFileEndAnswer,
  encodeFileStart,
  encodeFileStartAnswer,
  encodeFrame,
  encodeHeartbeatAnswer,
  encodeHeartbeatAsk,
  encodeSdk,
  encodeVersionAnswer,
  encodeVersionAsk,
  HuiduCmd,
  HuiduCodecError,
  HuiduDecoder,
  type HuiduFrame,
  parseScreenXml,
  parseSdkMessage,
} from './codec';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const frames = (d: HuiduDecoder, bytes: Uint8Array): HuiduFrame[] =>
  d.push(bytes).flatMap((e) => (e.type === 'frame' ? [e.frame] : []));

describe('Huidu frames: exact bytes', () => {
  it('version ask carries the TCP version 0x01000007 little-endian, length 8 includes itself', () => {
    expect(hex(encodeVersionAsk())).toBe('0800012007000001');
    expect(hex(encodeVersionAnswer(0x1000005))).toBe('0800022005000001');
  });

  it('heartbeat ask/answer and file end are bare 4-byte headers', () => {
    expect(hex(encodeHeartbeatAsk())).toBe('04005f00');
    expect(hex(encodeHeartbeatAnswer())).toBe('04006000');
    expect(hex(encodeFileEnd())).toBe('04000580');
  });

  it('SDK command: u32 xml length, u32 offset 0, then the UTF-8 bytes', () => {
    // "ề" is U+1EC1: three UTF-8 bytes E1 BB 81.
    expect(hex(encodeSdk('ề'))).toBe('0f00032003000000' + '00000000' + 'e1bb81');
    expect(hex(encodeSdk('<a/>', HuiduCmd.sdkAnswer))).toBe('1000042004000000' + '00000000' + '3c612f3e');
  });

  it('file start: md5 text at 4, size at 37, type at 45, NUL-terminated name at 47', () => {
    const md5 = '0123456789abcdef0123456789abcdef';
    const b = encodeFileStart({ md5, size: 0x01020304, type: 0, name: 'a.png' });
    expect(b.length).toBe(47 + 6);
    expect(hex(b.subarray(0, 4))).toBe('35000180');
    expect(Buffer.from(b.subarray(4, 36)).toString('latin1')).toBe(md5);
    expect(b[36]).toBe(0);
    expect(hex(b.subarray(37, 41))).toBe('04030201');
    expect(hex(b.subarray(41, 47))).toBe('000000000000');
    expect(Buffer.from(b.subarray(47)).toString('latin1')).toBe('a.png\0');
    expect(decodeFileStart(b.subarray(4))).toEqual({ md5, size: 0x01020304, type: 0, name: 'a.png' });
  });

  it('file start answer: u16 error then the bytes already held; file end answer: u16 error', () => {
    const a = encodeFileStartAnswer(0, 300);
    expect(hex(a)).toBe('0e000280' + '0000' + '2c01000000000000');
    expect(decodeFileStartAnswer(a.subarray(4))).toEqual({ error: 0, existBytes: 300 });
    expect(hex(encodeFileEndAnswer(14))).toBe('060006800e00');
    expect(hex(encodeErrorAnswer(7))).toBe('060000200700');
  });

  it('refuses a frame longer than the 16-bit length field allows', () => {
    expect(() => encodeFrame(HuiduCmd.fileContentAsk, new Uint8Array(0xffff - 3))).toThrow(HuiduCodecError);
    expect(encodeFrame(HuiduCmd.fileContentAsk, new Uint8Array(0xffff - 4)).length).toBe(0xffff);
    expect(() => encodeFileStart({ md5: 'xyz', size: 1, type: 0, name: 'a' })).toThrow(/md5/);
  });
});

describe('Vietnamese text in SDK XML (regression: non-ASCII counted as 2 bytes)', () => {
  const slogan = 'Tuyên truyền BHXH – Đóng bảo hiểm';

  it('announces the real UTF-8 byte length so nothing is cut off', () => {
    const xml = buildSdkRequest(
      'g',
      'AddProgram',
      buildScreenXml({ name: slogan, width: 8, height: 8, pictures: [{ file: 'p.png', durationMs: 1000 }], at: 0 }),
    );
    const frame = encodeSdk(xml);
    const v = new DataView(frame.buffer);
    const buggyCount = xml.length + [...xml].filter((c) => c.charCodeAt(0) > 127).length;
    expect(Buffer.byteLength(xml, 'utf8')).not.toBe(buggyCount); // the old count really is wrong here
    expect(v.getUint32(4, true)).toBe(Buffer.byteLength(xml, 'utf8'));
    expect(v.getUint16(0, true)).toBe(12 + Buffer.byteLength(xml, 'utf8'));
    expect(frame.length).toBe(v.getUint16(0, true));
    expect(decodeSdkPayload(frame.subarray(4)).xml).toBe(xml);
    expect(parseScreenXml(parseSdkMessage(decodeSdkPayload(frame.subarray(4)).xml).inner).programName).toBe(slogan);
  });

  it('keeps the program name intact through the program XML round trip (NFC)', () => {
    const decomposed = slogan.normalize('NFD');
    const xml = buildScreenXml({
      name: decomposed,
      width: 96,
      height: 16,
      pictures: [{ file: 'p.png', durationMs: 2500 }],
      at: 1,
    });
    const back = parseScreenXml(xml);
    expect(back.programName).toBe(slogan.normalize('NFC'));
    expect(back.pictures).toEqual([{ file: 'p.png', durationMs: 2500 }]);
    expect(back.area).toEqual({ x: 0, y: 0, width: 96, height: 16 });
  });

  it('rejects an SDK payload whose length field disagrees with the bytes', () => {
    const f = encodeSdk('<ab/>');
    f[4] = 4; // claims 4 bytes of XML, carries 5
    expect(() => decodeSdkPayload(f.subarray(4))).toThrow(/xml length field says 4/);
  });
});

describe('SDK envelope', () => {
  it('parses requests and answers, escaping attributes', () => {
    const req = parseSdkMessage(buildSdkRequest('a"b', 'GetIFVersion', '<version value="1"/>'));
    expect(req).toEqual({
      guid: 'a"b',
      direction: 'in',
      method: 'GetIFVersion',
      result: null,
      inner: '<version value="1"/>',
    });
    const ans = parseSdkMessage(buildSdkAnswer('g1', 'AddProgram', 'kSuccess'));
    expect(ans).toMatchObject({ guid: 'g1', direction: 'out', method: 'AddProgram', result: 'kSuccess', inner: '' });
  });

  it('names what is missing', () => {
    expect(() => parseSdkMessage('<foo/>')).toThrow(/no <sdk> root/);
    expect(() => parseSdkMessage('<sdk><in method="x"></in></sdk>')).toThrow(/no guid/);
    expect(() => parseSdkMessage('<sdk guid="g"><in></in></sdk>')).toThrow(/no method/);
  });
});

const md5Arb = fc.stringMatching(/^[0-9a-f]{32}$/);
const frameArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constant(encodeHeartbeatAsk()),
  fc.constant(encodeHeartbeatAnswer()),
  fc.constant(encodeFileEnd()),
  fc.integer({ min: 0, max: 0xffffffff }).map((n) => encodeVersionAsk(n)),
  fc.string({ maxLength: 60, unit: 'binary' }).map((s) => encodeSdk(buildSdkRequest('g', 'AddProgram', s))),
  fc
    .record({
      md5: md5Arb,
      size: fc.integer({ min: 0, max: 1e6 }),
      type: fc.constant(0),
      name: fc.stringMatching(/^[a-z0-9]{1,12}\.png$/),
    })
    .map((f) => encodeFileStart(f)),
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => encodeFileContent(b)),
  fc.integer({ min: 0, max: 30 }).map((c) => encodeFileEndAnswer(c)),
  fc.integer({ min: 0, max: 30 }).map((c) => encodeFileStartAnswer(c, 0)),
);

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

describe('streaming decoder', () => {
  it('property: any frames, any chunking → the same frames, nothing skipped', () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (fs, cuts) => {
          const all = Buffer.concat(fs);
          const d = new HuiduDecoder();
          const events = split(all, cuts).flatMap((c) => d.push(c));
          expect(events.every((e) => e.type === 'frame')).toBe(true);
          const got = events.map((e) => (e.type === 'frame' ? hex(encodeFrame(e.frame.cmd, e.frame.payload)) : ''));
          expect(got).toEqual(fs.map(hex));
          expect(d.pending).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: noise between frames is skipped and reported; every frame still arrives', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), frameArb), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (items, cuts) => {
          const noise = (n: number): Buffer => Buffer.alloc(n, 0xee);
          const all = Buffer.concat(items.flatMap(([n, f]) => [noise(n), f]));
          const d = new HuiduDecoder();
          const events = split(all, cuts).flatMap((c) => d.push(c));
          const got = events.flatMap((e) =>
            e.type === 'frame' ? [hex(encodeFrame(e.frame.cmd, e.frame.payload))] : [],
          );
          expect(got).toEqual(items.map(([, f]) => hex(f)));
          const skipped = events.reduce((n, e) => n + (e.type === 'garbage' ? e.bytes : 0), 0);
          expect(skipped).toBe(items.reduce((n, [k]) => n + k, 0));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('holds a truncated frame until the rest arrives; reset() drops it', () => {
    const d = new HuiduDecoder();
    const f = encodeSdk('<x/>');
    expect(frames(d, f.subarray(0, 7))).toEqual([]);
    expect(d.pending).toBe(7);
    expect(frames(d, f.subarray(7)).map((x) => x.cmd)).toEqual([HuiduCmd.sdkAsk]);
    frames(d, f.subarray(0, 5));
    expect(d.reset()).toBe(5);
    expect(frames(d, encodeHeartbeatAsk()).map((x) => x.cmd)).toEqual([HuiduCmd.heartbeatAsk]);
  });

  it('resyncs after a header cut short by a new frame', () => {
    const d = new HuiduDecoder();
    const bytes = Buffer.concat([encodeVersionAsk().subarray(0, 3), encodeHeartbeatAnswer()]);
    const events = d.push(bytes);
    expect(events.filter((e) => e.type === 'frame').map((e) => (e.type === 'frame' ? e.frame.cmd : 0))).toEqual([
      HuiduCmd.heartbeatAnswer,
    ]);
    expect(events.find((e) => e.type === 'garbage')).toMatchObject({ bytes: 3 });
  });

  it('refuses frames longer than maxFrameBytes and finds the next frame', () => {
    const d = new HuiduDecoder({ maxFrameBytes: 64 });
    const big = encodeFileContent(new Uint8Array(100));
    const events = d.push(Buffer.concat([big, encodeHeartbeatAsk()]));
    expect(events[0]).toMatchObject({ type: 'garbage', reason: 'oversize' });
    expect(events.filter((e) => e.type === 'frame')).toHaveLength(1);
    expect(d.pending).toBe(0);
  });

  it('skips a heartbeat header whose length field is not 4 (impossible payload)', () => {
    const d = new HuiduDecoder();
    const bad = Uint8Array.from([0x06, 0x00, 0x5f, 0x00, 0x01, 0x02]);
    const events = d.push(Buffer.concat([bad, encodeHeartbeatAnswer()]));
    expect(events.filter((e) => e.type === 'frame').map((e) => (e.type === 'frame' ? e.frame.cmd : 0))).toEqual([
      HuiduCmd.heartbeatAnswer,
    ]);
  });
});
