/**
 * Socket.IO message limits before and after the device token is checked (issue #14 item 5): a raw
 * WebSocket declaring an 8 MiB CONNECT packet is cut off at the frame header, while an authenticated
 * player still sends its largest real messages (a near-limit screenshot, a full proof batch).
 */
import crypto from 'node:crypto';
import net from 'node:net';
import { PNG } from 'pngjs';
import { PROTOCOL_VERSION, SCREENSHOT_MAX_BYTES } from '@bangtin/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../http/test-harness';
import { PLAYER_MESSAGE_BYTES, PREAUTH_MESSAGE_BYTES } from './message-limits';

const { start, cleanup } = createHarness('preauth');
let h: Harness;
const raw: net.Socket[] = [];

beforeAll(async () => {
  h = await start({ jobs: false });
});
afterAll(async () => {
  for (const s of raw) s.destroy();
  await cleanup();
});

/** A WebSocket to the engine.io endpoint by hand, so the test controls every byte it sends. */
async function rawEngineSocket(): Promise<{ socket: net.Socket; received: () => Buffer; closed: Promise<void> }> {
  const { port } = new URL(h.c.url);
  const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
  raw.push(socket);
  socket.on('error', () => undefined);
  let data = Buffer.alloc(0);
  socket.on('data', (c: Buffer) => (data = Buffer.concat([data, c])));
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  await new Promise<void>((r) => socket.once('connect', () => r()));
  socket.write(
    'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  // The 101 answer and engine.io's open packet ("0{...}") arrive before anything is sent.
  await expect.poll(() => data.includes('"sid"')).toBe(true);
  expect(data.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
  data = Buffer.alloc(0);
  return { socket, received: () => data, closed };
}

/** A masked client text frame header declaring `length` payload bytes, plus the first `start` bytes. */
function frameStart(length: number, start: string): Buffer {
  const header = Buffer.alloc(14);
  header[0] = 0x81; // FIN, text
  header[1] = 0x80 | 127; // masked, 64-bit length follows
  header.writeBigUInt64BE(BigInt(length), 2);
  const mask = crypto.randomBytes(4);
  mask.copy(header, 10);
  const body = Buffer.from(start, 'utf8').map((b, i) => b ^ mask[i % 4]!);
  return Buffer.concat([header, body]);
}

function pngOfNoise(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  crypto.randomFillSync(png.data);
  return PNG.sync.write(png, { deflateLevel: 0 });
}

describe('socket message limits (issue #14 item 5)', () => {
  it('cuts off unauthenticated sockets declaring an 8 MiB CONNECT packet, before the payload is sent', async () => {
    const sockets = await Promise.all(Array.from({ length: 20 }, () => rawEngineSocket()));
    const prefix = `40{"token":"dev_${'x'.repeat(40)}","protocol":${PROTOCOL_VERSION},"pad":"`;
    for (const s of sockets) s.socket.write(frameStart(8 * 1024 * 1024, prefix));
    await Promise.all(sockets.map((s) => s.closed));
    for (const s of sockets) {
      // ws answers a close frame with status 1009 (message too big), then ends the connection.
      const r = s.received();
      expect(r[0]).toBe(0x88);
      expect(r.readUInt16BE(2)).toBe(1009);
    }
    console.info(
      `20 sockets declared 8 MiB each and sent ${prefix.length + 14} bytes each; all cut off (limit ${PREAUTH_MESSAGE_BYTES} bytes before auth)`,
    );
  });

  it('lets an authenticated player send a near-limit screenshot and a full proof batch', async () => {
    const dev = await h.call(h.admin, 'POST', '/devices', { name: 'Kiosk Hội An', kind: 'kiosk' });
    const socket = h.player(dev.body.token as string);
    await new Promise<void>((r) => socket.once('connect', () => r()));
    expect((await h.call(h.admin, 'POST', `/devices/${dev.body.id}/commands`, { command: 'screenshot' })).status).toBe(
      202,
    );

    const png = pngOfNoise(1200, 1200);
    expect(png.length).toBeGreaterThan(PREAUTH_MESSAGE_BYTES * 60);
    expect(png.length).toBeLessThanOrEqual(SCREENSHOT_MAX_BYTES);
    const shot = await socket
      .timeout(10_000)
      .emitWithAck('screenshot:upload', { png, capturedAt: Date.now(), output: 'screen' });
    expect(shot).toMatchObject({ stored: true, width: 1200, height: 1200 });

    const now = Date.now();
    const proofs = Array.from({ length: 5000 }, (_, i) => ({
      id: crypto.randomUUID(),
      contentId: crypto.randomUUID(),
      playlistId: crypto.randomUUID(),
      scheduleId: crypto.randomUUID(),
      startedAt: now - 60_000 - i,
      endedAt: now - i,
      deviceStartedAt: now - 60_000 - i,
      clockOffsetMs: 0,
      endReason: 'completed',
      output: 'screen',
    }));
    const bytes = Buffer.byteLength(JSON.stringify(proofs));
    expect(bytes).toBeGreaterThan(PREAUTH_MESSAGE_BYTES);
    expect(bytes).toBeLessThan(PLAYER_MESSAGE_BYTES);
    const res = await socket.timeout(10_000).emitWithAck('proofs:upload', { proofs });
    expect(res).toBeTypeOf('object'); // answered by the handler, whatever it made of the rows
    expect(socket.connected).toBe(true);
    console.info(`authenticated player: screenshot ${png.length} bytes stored, proof batch ${bytes} bytes answered`);
  });
});
