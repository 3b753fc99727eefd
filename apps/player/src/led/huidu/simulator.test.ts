import net from 'node:net';
import { createBitmap, setPixel } from '@bangtin/shared';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildScreenXml,
  buildSdkRequest,
  decodeFileStartAnswer,
  decodeSdkPayload,
  decodeU16,
  encodeFileContent,
  encodeFileEnd,
  encodeFileStart,
  encodeHeartbeatAsk,
  encodeSdk,
  encodeVersionAsk,
  HuiduCmd,
  HuiduDecoder,
  type HuiduFrame,
  huiduErrorName,
  parseSdkMessage,
} from './codec';
import { bitmapToCardPng, cardPngToBitmap, md5Hex } from './picture';
import { createHuiduSimulator, type HuiduSimulator } from './simulator';

const SIZE = { width: 8, height: 4 };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A raw client: writes bytes, reads answers one at a time. */
async function client(sim: HuiduSimulator): Promise<{ send(b: Uint8Array): void; next(): Promise<HuiduFrame> }> {
  const s = net.connect({ host: '127.0.0.1', port: sim.port });
  await new Promise<void>((r) => s.once('connect', () => r()));
  cleanups.push(() => {
    s.destroy();
  });
  const dec = new HuiduDecoder();
  const queue: HuiduFrame[] = [];
  let wake: (() => void) | null = null;
  s.on('data', (c) => {
    for (const ev of dec.push(c)) if (ev.type === 'frame') queue.push(ev.frame);
    wake?.();
  });
  return {
    send: (b) => s.write(b),
    async next() {
      while (queue.length === 0) await new Promise<void>((r) => (wake = r));
      return queue.shift()!;
    },
  };
}

async function sim(): Promise<HuiduSimulator> {
  const s = await createHuiduSimulator({ port: 0, size: SIZE, guid: 'card-1' });
  cleanups.push(() => s.close());
  return s;
}

const sdkResult = (f: HuiduFrame): string | null => {
  expect(f.cmd).toBe(HuiduCmd.sdkAnswer);
  return parseSdkMessage(decodeSdkPayload(f.payload).xml).result;
};

describe('card PNG', () => {
  it('round-trips every palette colour; a foreign colour is named', () => {
    const b = createBitmap(11, 1);
    for (let i = 0; i <= 10; i++) setPixel(b, i, 0, i);
    expect(cardPngToBitmap(bitmapToCardPng(b))).toEqual(b);
    const bad = { width: 1, height: 1, data: Uint8Array.from([200]) };
    expect(() => bitmapToCardPng(bad)).toThrow(/index 200/);
  });
});

describe('Huidu simulator (raw TCP client)', () => {
  it('skips line noise, answers the version exchange, heartbeats and GetIFVersion', async () => {
    const s = await sim();
    const c = await client(s);
    c.send(Buffer.concat([Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x01]), encodeVersionAsk()]));
    expect((await c.next()).cmd).toBe(HuiduCmd.serviceAnswer);
    expect(s.stats.garbageBytes).toBe(5);
    c.send(encodeHeartbeatAsk());
    expect((await c.next()).cmd).toBe(HuiduCmd.heartbeatAnswer);
    c.send(encodeSdk(buildSdkRequest('##GUID', 'GetIFVersion')));
    const f = await c.next();
    expect(parseSdkMessage(decodeSdkPayload(f.payload).xml)).toMatchObject({ guid: 'card-1', result: 'kSuccess' });
  });

  it('refuses a wrong guid, an unknown method, and a program naming a file never uploaded', async () => {
    const s = await sim();
    const c = await client(s);
    c.send(encodeSdk(buildSdkRequest('other', 'AddProgram')));
    expect(sdkResult(await c.next())).toBe('kInvalidGUID');
    c.send(encodeSdk(buildSdkRequest('card-1', 'FormatDisk')));
    expect(sdkResult(await c.next())).toBe('kInvalidMethod');
    const xml = buildScreenXml({ ...SIZE, name: 'p', pictures: [{ file: 'missing.png', durationMs: 1000 }], at: 0 });
    c.send(encodeSdk(buildSdkRequest('card-1', 'AddProgram', xml)));
    expect(sdkResult(await c.next())).toBe('kFileNotFound');
    expect(s.current).toBeNull();
  });

  it('checks uploads: content without a start, a short file, then a good one that plays', async () => {
    const s = await sim();
    const c = await client(s);
    c.send(encodeFileContent(Uint8Array.from([1, 2, 3])));
    const err = await c.next();
    expect(err.cmd).toBe(HuiduCmd.errorAnswer);
    expect(huiduErrorName(decodeU16(err.payload, 'e'))).toBe('kProcessError');

    const b = createBitmap(SIZE.width, SIZE.height);
    setPixel(b, 2, 1, 3);
    const png = bitmapToCardPng(b);
    const start = encodeFileStart({ md5: md5Hex(png), size: png.length, type: 0, name: 'a.png' });
    c.send(start);
    expect(decodeFileStartAnswer((await c.next()).payload)).toEqual({ error: 0, existBytes: 0 });
    c.send(encodeFileContent(png.subarray(0, 10)));
    c.send(encodeFileEnd());
    expect(huiduErrorName(decodeU16((await c.next()).payload, 'end'))).toBe('kFileNotFinish');

    c.send(start);
    await c.next();
    c.send(encodeFileContent(png.subarray(0, 10)));
    c.send(encodeFileContent(png.subarray(10)));
    c.send(encodeFileEnd());
    const end = await c.next();
    expect(end.cmd).toBe(HuiduCmd.fileEndAnswer);
    expect(decodeU16(end.payload, 'end')).toBe(0);
    // The same file again: the card says it already holds all of it.
    c.send(start);
    expect(decodeFileStartAnswer((await c.next()).payload).existBytes).toBe(png.length);
    c.send(encodeFileEnd());
    await c.next();

    const xml = buildScreenXml({ ...SIZE, name: 'Chào', pictures: [{ file: 'a.png', durationMs: 1500 }], at: 0 });
    c.send(encodeSdk(buildSdkRequest('card-1', 'AddProgram', xml)));
    expect(sdkResult(await c.next())).toBe('kSuccess');
    expect(s.current?.name).toBe('Chào');
    expect(s.current?.pages[0]).toMatchObject({ file: 'a.png', durationMs: 1500, bitmap: b });
  });
});
