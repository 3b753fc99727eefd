import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './test-harness';
import { httpLimits } from './connection-limits';

const { start, cleanup } = createHarness('slow-clients');
let h: Harness;
const CAP = 4;
const sockets: net.Socket[] = [];

beforeAll(async () => {
  // Short limits so the test is quick; the defaults are minutes (see DEFAULT_HTTP_LIMITS).
  h = await start({
    jobs: false,
    httpLimits: {
      requestTimeoutMs: 1500,
      headersTimeoutMs: 1500,
      idleTimeoutMs: 30_000,
      checkIntervalMs: 200,
      maxConnectionsPerAddress: CAP,
    },
  });
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await cleanup();
});

/** A raw TCP connection from `localAddress`; resolves once connected (or closed first). */
function connect(localAddress: string): Promise<{ socket: net.Socket; received: () => string; closed: Promise<void> }> {
  const { port } = new URL(h.c.url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: Number(port), localAddress });
    sockets.push(socket);
    let data = '';
    socket.on('data', (c: Buffer) => (data += c.toString('latin1')));
    socket.on('error', () => undefined); // a reset is one of the answers under test
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('slow clients (issue #14 item 3)', () => {
  it('cuts a body trickled one byte a second with 408 once the request timeout passes', async () => {
    const c = await connect('127.0.0.5');
    const body = '{"username":"admin","password":"' + 'x'.repeat(60) + '"}';
    c.socket.write(
      `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    let sent = 0;
    let closed = false;
    void c.closed.then(() => (closed = true));
    while (!closed && sent < body.length) {
      c.socket.write(body[sent++]!);
      await sleep(1000);
    }
    await c.closed;
    console.info(`trickled body: ${sent} of ${body.length} bytes sent before the server closed the connection`);
    expect(sent).toBeLessThan(body.length);
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
  }, 20_000);

  it('closes connections beyond the per-address cap, and counts each address on its own', async () => {
    const held = await Promise.all(Array.from({ length: CAP }, () => connect('127.0.0.6')));
    const extra = await connect('127.0.0.6');
    await extra.closed; // refused: closed without an answer
    expect(extra.received()).toBe('');

    // Another address is served while the first is at its cap.
    const other = await connect('127.0.0.7');
    other.socket.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await other.closed;
    expect(other.received()).toMatch(/^HTTP\/1\.1 200 /);

    // A held connection still works, and closing one frees a place for a new one.
    held[0]!.socket.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await held[0]!.closed;
    expect(held[0]!.received()).toMatch(/^HTTP\/1\.1 200 /);
    await expect
      .poll(async () => {
        const again = await connect('127.0.0.6');
        again.socket.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
        await again.closed;
        return again.received().slice(0, 12);
      })
      .toBe('HTTP/1.1 200');
  });

  it('refuses inconsistent limits with the field named', () => {
    expect(() => httpLimits({ headersTimeoutMs: 10_000, requestTimeoutMs: 5000 })).toThrow(/headersTimeoutMs/);
    expect(() => httpLimits({ maxConnectionsPerAddress: 0 })).toThrow(/maxConnectionsPerAddress/);
  });
});
