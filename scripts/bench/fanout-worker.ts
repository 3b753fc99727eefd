/**
 * One process of simulated players for bench-fanout. It holds one set of clients per server (`set`:
 * the controller's and the bare baseline's, connected side by side, so their rounds can alternate on
 * the same client processes), records when each client of the armed set receives its next `bundle`,
 * and acks it like a real player.
 */
import fs from 'node:fs';
import { io, type Socket } from 'socket.io-client';

const tokens = JSON.parse(fs.readFileSync(process.env.BENCH_TOKENS_FILE!, 'utf8')) as string[];
const send = (m: unknown) => process.send!(m);
const sets = new Map<string, Socket[]>();
let armed: string | null = null;
let times: number[] = [];
let sample: unknown = null;

async function connectAll(set: string, url: string): Promise<Socket[]> {
  const sockets: Socket[] = [];
  const CONCURRENCY = 100;
  let next = 0;
  async function one(token: string): Promise<void> {
    const s = io(url, {
      auth: { token, protocol: 1, playerVersion: 'bench' },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    s.on('bundle', (b: { version: number; hash: string }) => {
      if (armed !== set) return;
      times.push(Date.now());
      sample ??= b;
      if (b.hash) s.emit('bundle:ack', { version: b.version, hash: b.hash });
      if (times.length === sockets.length) {
        armed = null;
        send({ type: 'done', times, sample });
      }
    });
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', (e) => reject(e));
    });
    sockets.push(s);
  }
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < tokens.length) await one(tokens[next++]!);
    }),
  );
  return sockets;
}

process.on('message', (m: { type: string; url?: string; set?: string }) => {
  void (async () => {
    const set = m.set ?? 'default';
    if (m.type === 'connect') {
      for (const s of sets.get(set) ?? []) s.close();
      sets.set(set, await connectAll(set, m.url!));
      // Let the initial hello/bundle of every connection pass before arming.
      await new Promise((r) => setTimeout(r, 500));
      send({ type: 'connected', count: sets.get(set)!.length });
    } else if (m.type === 'arm') {
      times = [];
      sample = null;
      armed = set;
      send({ type: 'armed' });
    } else if (m.type === 'close') {
      for (const list of sets.values()) for (const s of list) s.close();
      process.exit(0);
    }
  })().catch((err) => {
    console.error('fanout worker failed:', err);
    process.exit(1);
  });
});
