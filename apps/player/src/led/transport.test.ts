import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import type { LedLogger } from './driver';
import { createPtyPair } from './testing/pty-pair';
import { waitForEvent } from './testing/wait';
import { acquireTransport, listSerialPorts, releaseTransport, SerialTransport, type TransportError } from './transport';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function recordingLogger(): LedLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    debug() {},
    info() {},
    error() {},
    warn: (obj, msg) => warnings.push(`${msg}: ${JSON.stringify(obj)}`),
  };
}

describe('listSerialPorts', () => {
  it('returns no ports and logs why when listing fails (no udev)', async () => {
    const log = recordingLogger();
    const ports = await listSerialPorts(log, () => Promise.reject(new Error('spawn udevadm ENOENT')));
    expect(ports).toEqual([]);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toContain('udevadm ENOENT');
  });

  it('passes the real list through when it works', async () => {
    const log = recordingLogger();
    const ports = await listSerialPorts(log, () => Promise.resolve([{ path: '/dev/ttyUSB0', manufacturer: 'FTDI' }]));
    expect(ports).toEqual([{ path: '/dev/ttyUSB0', manufacturer: 'FTDI' }]);
    expect(log.warnings).toEqual([]);
  });
});

describe('SerialTransport', () => {
  it('shares one transport per port and refuses a second baud rate', async () => {
    const path = '/tmp/bangtin-no-such-port';
    const one = acquireTransport({ path, baudRate: 9600 });
    const two = acquireTransport({ path, baudRate: 9600 });
    expect(two).toBe(one);
    expect(() => acquireTransport({ path, baudRate: 19200 })).toThrow(/disagree on baud rate/);
    await releaseTransport(one);
    expect(one.state).toBe('idle');
    await releaseTransport(two);
    expect(one.state).toBe('stopped');
  });

  it('rejects writes while the port is missing instead of queueing them forever', async () => {
    const t = new SerialTransport({ path: '/tmp/bangtin-no-such-port', backoff: { initialMs: 20, maxMs: 40 } });
    cleanups.push(() => t.stop());
    const failed = waitForEvent<[TransportError]>(t, 'error');
    await t.start();
    expect((await failed)[0].code).toBe('open-failed');
    expect(t.state).toBe('retrying');
    await expect(t.write({ parts: [Uint8Array.of(1)] })).rejects.toMatchObject({ code: 'port-closed' });
  });

  it('writes parts with the gap between them and the bytes arrive in order', async () => {
    const pair = await createPtyPair();
    cleanups.push(() => pair.close());
    const t = new SerialTransport({ path: pair.a, interPacketMs: 1 });
    cleanups.push(() => t.stop());
    await t.start();
    const reader = new SerialPort({ path: pair.b, baudRate: 9600 });
    cleanups.push(() => new Promise((r) => reader.close(() => r())));
    await waitForEvent(reader, 'open');
    let got = '';
    reader.on('data', (d: Buffer) => (got += d.toString()));
    await Promise.all([
      t.write({ parts: [Buffer.from('ab'), Buffer.from('cd')], partGapMs: 20 }),
      t.write({ parts: [Buffer.from('ef')] }),
    ]);
    for (let i = 0; got.length < 6 && i < 100; i++) await new Promise((r) => setTimeout(r, 10));
    expect(got).toBe('abcdef');
  });

  it('rejects queued writes when stopped', async () => {
    const pair = await createPtyPair();
    cleanups.push(() => pair.close());
    const t = new SerialTransport({ path: pair.a, interPacketMs: 500 });
    await t.start();
    const outcome = (p: Promise<void>): Promise<unknown> =>
      p.then(
        () => 'written',
        (err: unknown) => err,
      );
    const first = outcome(t.write({ parts: [Uint8Array.of(0x41)] }));
    const second = outcome(t.write({ parts: [Uint8Array.of(0x42)] }));
    await t.stop();
    // The first write may have reached the port before the stop; the queued one never will.
    expect(['written', 'TransportError']).toContain(
      (await first) === 'written' ? 'written' : ((await first) as Error).name,
    );
    expect(await second).toMatchObject({ name: 'TransportError', code: 'stopped' });
  });
});
