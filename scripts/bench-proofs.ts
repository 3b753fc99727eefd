/**
 * bench:proofs — sustained proof ingest from many players through Socket.IO into SQLite, on a real
 * controller process. The baseline, in the same run, is raw batched better-sqlite3 inserts of the same
 * number of rows (UUID v7 keys, 1,000-row transactions) into the controller's own schema.
 * Each round measures both, side by side, on fresh databases; the median round is reported (on 2 cores
 * the players share the machine with the controller, and single runs moved between 0.56× and 0.79×).
 * With --chained the proofs are numbered and hash-linked as this release's players send them (the
 * controller then recomputes each hash and follows each chain), and the raw rows carry the same columns.
 *   node --import tsx scripts/bench-proofs.ts [--proofs 300000] [--players 50] [--batch 500] [--rounds 5] [--chained] [--smoke]
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '@bangtin/controller';
import { newId } from '@bangtin/shared';
import {
  arg,
  cpuSeconds,
  forkWorker,
  nextMessage,
  seedDevices,
  SMOKE,
  startControllerProcess,
  tmpDir,
} from './bench/common';
import { benchProofs } from './bench/proof-data';

const total = SMOKE ? 4000 : arg('proofs', 300_000);
const playersN = SMOKE ? 4 : arg('players', 50);
const batch = SMOKE ? 500 : arg('batch', 500);
const workersN = 2;
const chained = process.argv.includes('--chained');
const perClient = Math.ceil(total / playersN);
const password = 'bench-mat-khau';

console.log(
  `bench:proofs — ${perClient * playersN} ${chained ? 'chained ' : ''}proofs from ${playersN} players, batches of ${batch}, 2 cores`,
);

// 1. Baseline: raw better-sqlite3 inserts of the same shape into the same schema.
function rawRound(): number {
  const baseDir = tmpDir('proofs-raw');
  openStore(baseDir).close(); // runs the migrations
  const raw = new Database(path.join(baseDir, 'bangtin.sqlite'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  const ins = raw.prepare(
    `INSERT OR IGNORE INTO proofs (id, device_id, content_id, playlist_id, schedule_id, started_at, ended_at, received_at,
     device_started_at, clock_offset_ms, end_reason, output${chained ? ', seq, prev_hash, hash' : ''})
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?${chained ? ', ?, ?, ?' : ''})`,
  );
  // Same shape as the players send: one device per client, time-ordered ids and start times.
  const rows: (string | number)[][] = [];
  for (let d = 0; d < playersN; d++) {
    const deviceId = newId();
    const { proofs, hashes } = benchProofs(perClient, Date.now() - 7 * 24 * 3600 * 1000, chained);
    proofs.forEach((p, i) => {
      const row: (string | number)[] = [
        p.id,
        deviceId,
        p.contentId,
        p.playlistId,
        p.scheduleId,
        p.startedAt,
        p.endedAt,
        Date.now(),
        p.deviceStartedAt,
        p.clockOffsetMs,
        p.endReason,
        p.output,
      ];
      if (chained) row.push(p.seq!, p.prevHash!, hashes[i]!);
      rows.push(row);
    });
  }
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += 1000) {
    raw.transaction(() => {
      for (const r of rows.slice(i, i + 1000)) ins.run(...r);
    })();
  }
  const rawSeconds = (performance.now() - t0) / 1000;
  raw.close();
  const rawRate = rows.length / rawSeconds;
  fs.rmSync(baseDir, { recursive: true, force: true });
  return rawRate;
}

// 2. bangtin: players → Socket.IO → validation → SQLite, acked.
async function oursRound(): Promise<{ rate: number; controllerCpu: number; rss: number }> {
  const dir = tmpDir('proofs');
  const { devices } = seedDevices(dir, playersN);
  const controller = await startControllerProcess(dir, password);
  const per = Math.ceil(playersN / workersN);
  const workers = Array.from({ length: workersN }, (_, w) => {
    const file = path.join(dir, `tokens-${w}.json`);
    fs.writeFileSync(file, JSON.stringify(devices.slice(w * per, (w + 1) * per).map((d) => d.token)));
    return forkWorker('scripts/bench/proofs-worker.ts', {
      BENCH_TOKENS_FILE: file,
      BENCH_PER_CLIENT: String(perClient),
      BENCH_BATCH: String(batch),
      BENCH_CHAINED: chained ? '1' : '0',
    });
  });
  await Promise.all(
    workers.map((w) => {
      const p = nextMessage(w, 'connected');
      w.send({ type: 'connect', url: controller.url });
      return p;
    }),
  );
  const done = Promise.all(workers.map((w) => nextMessage<{ acked: number; rejected: number }>(w, 'done')));
  const t0 = performance.now();
  const cpu0 = cpuSeconds(controller.child.pid!);
  for (const w of workers) w.send({ type: 'go' });
  const results = await done;
  const seconds = (performance.now() - t0) / 1000;
  const controllerCpu = (cpuSeconds(controller.child.pid!) - cpu0) / seconds;
  const acked = results.reduce((a, r) => a + r.acked, 0);
  const rejected = results.reduce((a, r) => a + r.rejected, 0);
  const rate = acked / seconds;
  const rss = controller.rssMb();
  for (const w of workers) w.send({ type: 'close' });
  await controller.stop();

  // Exactly once: the store holds as many proofs as were acked.
  const check = openStore(dir);
  const stored = check.proofs.count();
  check.close();
  if (stored !== acked || rejected !== 0) {
    console.error(`  FAILED: ${acked} acked, ${rejected} rejected, ${stored} stored`);
    process.exit(1);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { rate, controllerCpu, rss };
}

const rounds = SMOKE ? 1 : arg('rounds', 5);
const results: { raw: number; ours: number; ratio: number; cpu: number; rss: number }[] = [];
for (let r = 0; r < rounds; r++) {
  const rawRate = rawRound();
  const ours = await oursRound();
  const res = { raw: rawRate, ours: ours.rate, ratio: ours.rate / rawRate, cpu: ours.controllerCpu, rss: ours.rss };
  results.push(res);
  console.log(
    `  round ${r + 1}: raw better-sqlite3 ${Math.round(res.raw).toLocaleString('en')} rows/s, bangtin socket ingest ${Math.round(res.ours).toLocaleString('en')} proofs/s (exactly once: stored = acked), ratio ${res.ratio.toFixed(2)}×, controller ${Math.round(res.cpu * 100)} % of one core, RSS ${res.rss} MB`,
  );
}
const mid = [...results].sort((a, b) => a.ratio - b.ratio)[Math.floor(results.length / 2)]!;
console.log(`  raw better-sqlite3 inserts     ${Math.round(mid.raw).toLocaleString('en')} rows/s (median round)`);
console.log(`  bangtin socket ingest          ${Math.round(mid.ours).toLocaleString('en')} proofs/s`);
console.log(`  ratio bangtin/raw: ${mid.ratio.toFixed(2)}× (median of ${rounds})`);
// On 2 cores the simulated players share the machine with the controller: say how busy it was.
console.log(`  controller CPU during ingest: ${Math.round(mid.cpu * 100)} % of one core`);
console.log(
  `  target (≥ 100,000 proofs/s and ≥ 0.7× raw): ${mid.ours >= 100_000 && mid.ratio >= 0.7 ? 'met' : 'NOT met'}${SMOKE ? ' (smoke size)' : ''}`,
);
process.exit(0);
