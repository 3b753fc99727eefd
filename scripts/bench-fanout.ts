/**
 * bench:fanout — N simulated players (socket.io-client, in W separate processes) connected to one real
 * controller process; a schedule change is made over the API and we time until the last player has
 * received (and acked) its new bundle. The baseline, in the same run, is a bare socket.io server
 * broadcasting the same payload to the same clients: every client holds a connection to each server,
 * and the two sides' rounds alternate.
 *   node --import tsx scripts/bench-fanout.ts [--players 10000] [--workers 4] [--rounds 3] [--smoke]
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import {
  arg,
  checkPlayerCapacity,
  forkWorker,
  login,
  nextMessage,
  percentile,
  rssMb,
  seedDevices,
  SMOKE,
  startControllerProcess,
  tmpDir,
} from './bench/common';

const players = SMOKE ? 40 : arg('players', 10_000);
checkPlayerCapacity(players);
const workersN = SMOKE ? 2 : arg('workers', 4);
const password = 'bench-mat-khau';

const dir = tmpDir('fanout');
console.log(`bench:fanout — ${players} players in ${workersN} processes, 2 cores`);
const { groupId, devices } = seedDevices(dir, players);
const controller = await startControllerProcess(dir, password);
const api = await login(controller.url, password);
const c1 = await api('POST', '/content', { type: 'slogan', text: 'Bảo hiểm xã hội là trụ cột an sinh xã hội' });
const c2 = await api('POST', '/content', { type: 'slogan', text: 'Tham gia BHXH tự nguyện – an tâm tuổi già' });
const pl = await api('POST', '/playlists', {
  name: 'Thử tải',
  items: [
    { contentId: c1.id, durationMs: 8000 },
    { contentId: c2.id, durationMs: 8000 },
  ],
});

const workers: ChildProcess[] = [];
const per = Math.ceil(players / workersN);
for (let w = 0; w < workersN; w++) {
  const file = path.join(dir, `tokens-${w}.json`);
  fs.writeFileSync(file, JSON.stringify(devices.slice(w * per, (w + 1) * per).map((d) => d.token)));
  workers.push(forkWorker('scripts/bench/fanout-worker.ts', { BENCH_TOKENS_FILE: file }));
}

async function connectAll(set: 'ours' | 'bare', url: string): Promise<number> {
  const t0 = Date.now();
  const counts = await Promise.all(
    workers.map((w) => {
      const p = nextMessage<{ count: number }>(w, 'connected');
      w.send({ type: 'connect', set, url });
      return p;
    }),
  );
  const n = counts.reduce((a, c) => a + c.count, 0);
  console.log(`  connected ${n} clients to ${url} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return n;
}

async function measure(
  set: 'ours' | 'bare',
  trigger: () => Promise<void>,
): Promise<{ latencies: number[]; sample: unknown }> {
  await Promise.all(
    workers.map((w) => {
      const p = nextMessage(w, 'armed');
      w.send({ type: 'arm', set });
      return p;
    }),
  );
  const done = Promise.all(workers.map((w) => nextMessage<{ times: number[]; sample: unknown }>(w, 'done')));
  const t0 = Date.now();
  await trigger();
  const results = await done;
  const latencies = results.flatMap((r) => r.times.map((t) => t - t0)).sort((a, b) => a - b);
  return { latencies, sample: results[0]!.sample };
}

function summary(name: string, l: number[]): { p50: number; p99: number; max: number } {
  const r = { p50: percentile(l, 50), p99: percentile(l, 99), max: l.at(-1)! };
  console.log(
    `  ${name.padEnd(22)} p50 ${String(r.p50).padStart(5)} ms   p99 ${String(r.p99).padStart(5)} ms   last ${String(r.max).padStart(5)} ms`,
  );
  return r;
}

const rounds = SMOKE ? 1 : arg('rounds', 3);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pause = () => new Promise((res) => setTimeout(res, 1000));

// Both servers hold the same clients side by side (each simulated player has one connection to each),
// and their rounds alternate: bangtin, bare, bangtin, bare... So each pair of rounds runs on the same
// client processes in the same state, and neither side always comes second.
const bare = forkWorker('scripts/bench/bare-server.ts', { BENCH_PROFILE_ME: '1' });
const { url: bareUrl } = await nextMessage<{ url: string }>(bare, 'listening');
const connected = await connectAll('ours', controller.url);
if (connected !== players) throw new Error(`only ${connected} of ${players} connected`);
const rssBefore = controller.rssMb();
if ((await connectAll('bare', bareUrl)) !== players) throw new Error('the bare server did not get every client');

const oursRounds: { p50: number; p99: number; max: number }[] = [];
const baseRounds: { p50: number; p99: number; max: number }[] = [];
let sample: unknown = null;
for (let r = 0; r < rounds; r++) {
  // bangtin: a schedule on the province group reaches every player (a new bundle for every device).
  const ours = await measure('ours', async () => {
    await api('POST', '/schedules', { playlistId: pl.id, target: { groupIds: [groupId] }, priority: 20 + r });
  });
  sample = ours.sample;
  oursRounds.push(summary(`bangtin round ${r + 1}`, ours.latencies));
  // Acks are processed after the last receive; give them a moment before the next round.
  await pause();
  // Baseline: the bare server broadcasts the same bundle to the same clients.
  const base = await measure('bare', async () => {
    bare.send({ type: 'broadcast', payload: sample });
  });
  baseRounds.push(summary(`bare socket.io ${r + 1}`, base.latencies));
  await pause();
}
const rssAfter = controller.rssMb();
const bareRss = rssMb(bare.pid!);
for (const w of workers) w.send({ type: 'close' });
bare.send({ type: 'close' });
await controller.stop();

// The median round of each side; a 2-core machine's noise moves single rounds.
const oursP99 = median(oursRounds.map((x) => x.p99));
const baseP99 = median(baseRounds.map((x) => x.p99));
const bytes = Buffer.byteLength(JSON.stringify(sample));
console.log(`  bundle payload ${bytes} bytes`);
console.log(`  median p99 of ${rounds} rounds: bangtin ${oursP99} ms, bare socket.io ${baseP99} ms`);
console.log(`  controller RSS ${rssBefore} MB connected, ${rssAfter} MB after fan-out (bare socket.io: ${bareRss} MB)`);
const p99Ratio = oursP99 / Math.max(1, baseP99);
const rssRatio = rssAfter / Math.max(1, bareRss);
console.log(`  ratio bangtin/bare: p99 ${p99Ratio.toFixed(2)}×, RSS ${rssRatio.toFixed(2)}×`);
const ok = p99Ratio <= 1.3 && oursP99 < 1000 && rssRatio <= 1.5;
console.log(
  `  target (p99 ≤ 1.3× bare and < 1000 ms, RSS ≤ 1.5× bare): ${ok ? 'met' : 'NOT met'}${SMOKE ? ' (smoke size)' : ''}`,
);
fs.rmSync(dir, { recursive: true, force: true });
process.exit(0);
