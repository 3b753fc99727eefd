/**
 * bench:steady — N simulated players (socket.io-client in W processes) held connected to one controller
 * process, each sending a heartbeat every 15 s and one proof every 10 s (≈ 1,000 proofs/s at 10,000), for
 * S seconds. Reports the controller's CPU (% of one core), event-loop lag p99 (prom-client's histogram,
 * reset at the window's start), RSS, and the p99 delivery of a schedule change made halfway through. The
 * baseline, in the same run, is a bare socket.io server receiving the same traffic from the same clients.
 *   node --import tsx scripts/bench-steady.ts [--players 10000] [--workers 4] [--seconds 120] [--smoke]
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import {
  arg,
  checkPlayerCapacity,
  askAll,
  cpuSeconds,
  forkWorker,
  login,
  nextMessage,
  percentile,
  rssMb,
  scrapeMetric,
  seedDevices,
  SMOKE,
  startControllerProcess,
  tmpDir,
} from './bench/common';

const players = SMOKE ? 40 : arg('players', 10_000);
checkPlayerCapacity(players);
const workersN = SMOKE ? 2 : arg('workers', 4);
const seconds = SMOKE ? 4 : arg('seconds', 120);
const password = 'bench-mat-khau';
// A smoke run keeps the traffic shape but at a rate that fits in its few seconds.
const periods: Record<string, string> = SMOKE ? { BENCH_HEARTBEAT_MS: '1500', BENCH_PROOF_MS: '1000' } : {};
process.env.BANGTIN_METRICS_TOKEN = 'bench-steady-metrics-token';

const dir = tmpDir('steady');
console.log(`bench:steady — ${players} players in ${workersN} processes for ${seconds} s, 2 cores`);
const { groupId, devices } = seedDevices(dir, players);
const controller = await startControllerProcess(dir, password);
const api = await login(controller.url, password);
const c1 = await api('POST', '/content', { type: 'slogan', text: 'Bảo hiểm xã hội là trụ cột an sinh xã hội' });
const pl = await api('POST', '/playlists', { name: 'Tải ổn định', items: [{ contentId: c1.id, durationMs: 8000 }] });
const sch = await api('POST', '/schedules', { playlistId: pl.id, target: { groupIds: [groupId] }, priority: 10 });
// What the simulated plays name; the bare server's clients (which get no bundle) prove the same.
const proofRef = { scheduleId: sch.id, playlistId: pl.id, contentId: c1.id };

const per = Math.ceil(players / workersN);
function startWorkers(): ChildProcess[] {
  return Array.from({ length: workersN }, (_, w) => {
    const file = path.join(dir, `tokens-${w}.json`);
    fs.writeFileSync(file, JSON.stringify(devices.slice(w * per, (w + 1) * per).map((d) => d.token)));
    return forkWorker('scripts/bench/steady-worker.ts', { BENCH_TOKENS_FILE: file, ...periods });
  });
}

interface Window {
  cpuPct: number;
  lagP99Ms: number;
  rssMb: number;
  changeP99Ms: number | null;
}

/** Holds the load for `seconds`; halfway through, `change` (if given) is timed to the last client. */
async function hold(
  workers: ChildProcess[],
  pid: number,
  resetLag: () => Promise<void>,
  readLag: () => Promise<number>,
  change?: () => Promise<void>,
): Promise<Window> {
  // Warm-up: every client's timers have started (they are spread over one period).
  await new Promise((r) => setTimeout(r, SMOKE ? 1500 : 15_000));
  await resetLag();
  const cpu0 = cpuSeconds(pid);
  const t0 = Date.now();
  let changeP99Ms: number | null = null;
  await new Promise((r) => setTimeout(r, (seconds * 1000) / 2));
  if (change) {
    await askAll(workers, 'arm', 'armed');
    const done = Promise.all(workers.map((w) => nextMessage<{ times: number[] }>(w, 'done')));
    const tc = Date.now();
    await change();
    const lat = (await done).flatMap((r) => r.times.map((t) => t - tc)).sort((a, b) => a - b);
    changeP99Ms = percentile(lat, 99);
  }
  const rest = seconds * 1000 - (Date.now() - t0);
  if (rest > 0) await new Promise((r) => setTimeout(r, rest));
  const lagP99Ms = await readLag();
  const cpuPct = ((cpuSeconds(pid) - cpu0) / ((Date.now() - t0) / 1000)) * 100;
  return { cpuPct, lagP99Ms, rssMb: rssMb(pid), changeP99Ms };
}

// 1. bangtin.
let workers = startWorkers();
const connected = (
  await askAll<{ count: number }>(workers, 'connect', 'connected', () => ({ url: controller.url, proofRef }))
).reduce((n, r) => n + r.count, 0);
if (connected !== players) throw new Error(`only ${connected} of ${players} connected`);
const ours = await hold(
  workers,
  controller.child.pid!,
  async () => void (await scrapeMetric(controller.url, 'nodejs_eventloop_lag_p99_seconds')),
  async () => (await scrapeMetric(controller.url, 'nodejs_eventloop_lag_p99_seconds')) * 1000,
  async () =>
    void (await api('POST', '/schedules', { playlistId: pl.id, target: { groupIds: [groupId] }, priority: 20 })),
);
const drained = await askAll<{ generated: number }>(workers, 'drain', 'drained', (i) => ({
  file: path.join(dir, `generated-${i}.json`),
}));
const generated = drained.reduce((n, d) => n + d.generated, 0);
for (const w of workers) w.send({ type: 'close' });
await controller.stop();
const stored = await countProofs();

async function countProofs(): Promise<number> {
  const { openStore } = await import('@bangtin/controller');
  // Read after the drain (every proof acked) from the controller's own database file.
  const store = openStore(dir);
  const n = (store.db.prepare('SELECT count(*) AS n FROM proofs').get() as { n: number }).n;
  store.close();
  return n;
}

// 2. Baseline: a bare socket.io server receiving the same traffic from the same clients.
const bare = forkWorker('scripts/bench/bare-server.ts', { BENCH_PROFILE_ME: '1' });
const { url: bareUrl } = await nextMessage<{ url: string }>(bare, 'listening');
workers = startWorkers();
await askAll(workers, 'connect', 'connected', () => ({ url: bareUrl, proofRef }));
const base = await hold(
  workers,
  bare.pid!,
  async () => void bare.send({ type: 'lag-reset' }),
  async () => {
    const p = nextMessage<{ p99Ms: number }>(bare, 'lag');
    bare.send({ type: 'lag' });
    return (await p).p99Ms;
  },
);
for (const w of workers) w.send({ type: 'close' });
bare.send({ type: 'close' });

const f = (n: number) => n.toFixed(1);
const ratio = (a: number, b: number) => `${(a / Math.max(0.1, b)).toFixed(2)}×`;
console.log(
  `  proofs: ${generated} made, ${stored} stored (${f(generated / seconds)}/s over the window and its drain)`,
);
console.log(
  `  controller CPU ${f(ours.cpuPct)} % of one core   (bare socket.io ${f(base.cpuPct)} %, ${ratio(ours.cpuPct, base.cpuPct)})`,
);
console.log(
  `  event-loop lag p99 ${f(ours.lagP99Ms)} ms   (bare socket.io ${f(base.lagP99Ms)} ms, ${ratio(ours.lagP99Ms, base.lagP99Ms)})`,
);
console.log(`  RSS ${ours.rssMb} MB   (bare socket.io ${base.rssMb} MB, ${ratio(ours.rssMb, base.rssMb)})`);
console.log(`  schedule change under load: p99 ${ours.changeP99Ms} ms to ${players} players`);
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met') + (SMOKE ? ' (smoke size)' : '');
console.log(`  target CPU < 50 %: ${verdict(ours.cpuPct < 50)}`);
console.log(`  target lag p99 < 50 ms: ${verdict(ours.lagP99Ms < 50)}`);
console.log(`  target change p99 < 1000 ms: ${verdict((ours.changeP99Ms ?? Infinity) < 1000)}`);
if (stored !== generated) {
  console.error(`  ${generated - stored} proofs made but not stored`);
  process.exit(1);
}
fs.rmSync(dir, { recursive: true, force: true });
process.exit(0);
