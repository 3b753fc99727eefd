/**
 * One process of simulated players for bench-fanout: connects its share of clients to a server, then
 * records when each one receives the next `bundle` after being armed, and acks it like a real player.
 */
import fs from 'node:fs';
import { io, type Socket } from 'socket.io-client';

const tokens = JSON.parse(fs.readFileSync(process.env.BENCH_TOKENS_FILE!, 'utf8')) as string[];
const send = (m: unknown) => process.send!(m);
let sockets: Socket[] = [];
let armed = false;
let times: number[] = [];
let sample: unknown = null;

async function connectAll(url: string): Promise<void> {
  sockets = [];
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
      if (!armed) return;
      times.push(Date.now());
      sample ??= b;
      if (b.hash) s.emit('bundle:ack', { version: b.version, hash: b.hash });
      if (times.length === sockets.length) send({ type: 'done', times, sample });
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
}

process.on('message', (m: { type: string; url?: string }) => {
  void (async () => {
    if (m.type === 'connect') {
      for (const s of sockets) s.close();
      armed = false;
      times = [];
      await connectAll(m.url!);
      // Let the initial hello/bundle of every connection pass before arming.
      await new Promise((r) => setTimeout(r, 500));
      send({ type: 'connected', count: sockets.length });
    } else if (m.type === 'arm') {
      times = [];
      armed = true;
      send({ type: 'armed' });
    } else if (m.type === 'close') {
      for (const s of sockets) s.close();
      process.exit(0);
    }
  })().catch((err) => {
    console.error('fanout worker failed:', err);
    process.exit(1);
  });
});
