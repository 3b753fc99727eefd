import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DeviceLog } from './device-log';

function capture(level: string): { log: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level }, sink), lines };
}

describe('DeviceLog', () => {
  it('writes lines bound to the device and socket, with or without an object', async () => {
    const { log, lines } = capture('debug');
    const d = new DeviceLog(log, 'dev-1', 'sock-1');
    d.warn({ count: 3 }, 'proofs rejected');
    d.debug('player connected');
    d.error({ err: new Error('đĩa đầy') }, 'storing proofs failed');
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => [l.level, l.msg, l.deviceId, l.socket])).toEqual([
      [40, 'proofs rejected', 'dev-1', 'sock-1'],
      [20, 'player connected', 'dev-1', 'sock-1'],
      [50, 'storing proofs failed', 'dev-1', 'sock-1'],
    ]);
    expect(lines[0]!.count).toBe(3);
    expect((lines[2]!.err as { message: string }).message).toBe('đĩa đầy');
  });

  it('writes nothing below the logger level', async () => {
    const { log, lines } = capture('warn');
    const d = new DeviceLog(log, 'dev-1', 'sock-1');
    d.debug('player connected');
    d.info({ a: 1 }, 'hello');
    d.warn('careful');
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => l.msg)).toEqual(['careful']);
  });
});
