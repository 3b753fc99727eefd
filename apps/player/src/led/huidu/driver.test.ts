import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { BoardStatus } from '../driver';
import { waitForEvent } from '../testing/wait';
import { encodeVersionAnswer, HuiduCmd, HuiduDecoder } from './codec';
import { HuiduDriver } from './driver';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function driverFor(port: number): HuiduDriver {
  const d = new HuiduDriver({
    host: '127.0.0.1',
    port,
    size: { width: 32, height: 16 },
    heartbeatMs: 100,
    replyTimeoutMs: 150,
    transport: { backoff: { initialMs: 30, maxMs: 100 }, connectTimeoutMs: 500 },
  });
  cleanups.push(() => d.close());
  return d;
}

describe('HuiduDriver (real TCP on 127.0.0.1)', () => {
  it('validates its options, naming the field', () => {
    const size = { width: 32, height: 16 };
    expect(() => new HuiduDriver({ host: '', size })).toThrow(/host/);
    expect(() => new HuiduDriver({ host: 'a', port: 70000, size })).toThrow(/port/);
    expect(() => new HuiduDriver({ host: 'a', size: { width: 0, height: 16 } })).toThrow(/size/);
    expect(() => new HuiduDriver({ host: 'a', size, heartbeatMs: -1 })).toThrow(/heartbeatMs/);
    expect(() => new HuiduDriver({ host: 'a', size, contentChunkBytes: 70000 })).toThrow(/contentChunkBytes/);
    expect(new HuiduDriver({ host: '10.0.0.5', size }).status()).toMatchObject({
      protocol: 'huidu',
      port: '10.0.0.5:10001',
      state: 'offline',
      deliveredAt: null,
    });
  });

  it('a card that is not there: open() resolves, status offline with open-failed', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const d = driverFor(port);
    const failed = waitForEvent<[BoardStatus]>(d, 'status', (s) => s.lastError?.code === 'open-failed');
    await d.open();
    const [st] = await failed;
    expect(st.state).toBe('offline');
    expect(st.lastError?.message).toContain(`127.0.0.1:${port}`);
  });

  it('a card that answers the version exchange but not GetIFVersion stays offline and is reconnected', async () => {
    let connections = 0;
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => {
      connections++;
      sockets.add(s);
      const dec = new HuiduDecoder();
      s.on('error', () => {});
      s.on('data', (c) => {
        for (const ev of dec.push(c))
          if (ev.type === 'frame' && ev.frame.cmd === HuiduCmd.serviceAsk) s.write(encodeVersionAnswer());
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
    });
    const d = driverFor((server.address() as net.AddressInfo).port);
    const failed = waitForEvent<[BoardStatus]>(d, 'status', (s) => s.lastError?.code === 'no-reply');
    await d.open();
    const [st] = await failed;
    expect(st.state).toBe('offline');
    expect(st.lastError?.message).toMatch(/GetIFVersion/);
    await waitForEvent(d, 'status', () => connections >= 2, 3000).catch(() => {});
    expect(connections).toBeGreaterThanOrEqual(2);
  });
});
