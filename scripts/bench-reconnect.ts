/**
 * bench:reconnect — N simulated players (socket.io-client in W processes) connected with their bundles and
 * producing proofs (heartbeat every 15 s, a proof every 10 s); the controller process is SIGKILLed and
 * started again on the same data dir and port. The players keep producing through the outage and
 * reconnect with the player's jittered backoff. Reports: the time until all are online again, bundles
 * re-sent (target 0: nothing changed, the handshake's bundle hash avoids it), proofs lost or duplicated
 * (counted in the controller's database after every outbox drained; target 0), and the reconnect spread
 * (p10/p50/p90 after the kill: no thundering herd). The baseline is the backoff's own jitter window.
 *   node --import tsx scripts/bench-reconnect.ts [--players 10000] [--workers 4] [--down 5] [--smoke]
 */
import fs from 'node:fs';
import path from 'node:path';
import { openStore } from '@bangtin/controller';
import { DEFAULT_BACKOFF } from '../apps/player/src/runtime/backoff';
import {
  arg,
  checkPlayerCapacity,
  askAll,
  forkWorker,
  login,
  percentile,
  seedDevices,
  SMOKE,
  startControllerProcess,
  tmpDir,
} from './bench/common';

const players = SMOKE ? 40 : arg('players', 10_000);
checkPlayerCapacity(players);
const workersN = SMOKE ? 2 : arg('workers', 4);
const downSeconds = SMOKE ? 1 : arg('down', 5);
const password = 'bench-mat-khau';
const periods: Record<string, string> = SMOKE ? { BENCH_HEARTBEAT_MS: '1500', BENCH_PROOF_MS: '500' } : {};

const dir = tmpDir('reconnect');
console.log(`bench:reconnect — ${players} players in ${workersN} processes, controller down ${downSeconds} s, 2 cores`);
const { groupId, devices } = seedDevices(dir, players);
let controller = await startControllerProcess(dir, password);
const port = Number(new URL(controller.url).port);
const api = await login(controller.url, password);
const c1 = await api('POST', '/content', { type: 'slogan', text: 'Đóng BHXH đầy đủ – quyền lợi trọn vẹn' });
const pl = await api('POST', '/playlists', {
  name: 'Thử khởi động lại',
  items: [{ contentId: c1.id, durationMs: 8000 }],
});
await api('POST', '/schedules', { playlistId: pl.id, target: { groupIds: [groupId] }, priority: 10 });

const per = Math.ceil(players / workersN);
const workers = Array.from({ length: workersN }, (_, w) => {
  const file = path.join(dir, `tokens-${w}.json`);
  fs.writeFileSync(file, JSON.stringify(devices.slice(w * per, (w + 1) * per).map((d) => d.token)));
  return forkWorker('scripts/bench/steady-worker.ts', { BENCH_TOKENS_FILE: file, ...periods });
});
const connected = (
  await askAll<{ count: number }>(workers, 'connect', 'connected', () => ({ url: controller.url }))
).reduce((n, r) => n + r.count, 0);
if (connected !== players) throw new Error(`only ${connected} of ${players} connected`);
// Let proofs flow for a while (one proof period), so some are acked before the kill and some are in flight.
await new Promise((r) => setTimeout(r, SMOKE ? 1500 : 12_000));

controller.child.kill('SIGKILL');
await new Promise((r) => controller.child.once('exit', r));
const killedAt = Date.now();
console.log(`  controller killed (SIGKILL); restarting in ${downSeconds} s on port ${port}`);
await new Promise((r) => setTimeout(r, downSeconds * 1000));
controller = await startControllerProcess(dir, password, port);
const restartedAt = Date.now();
let online = 0;
while (online < players) {
  await new Promise((r) => setTimeout(r, 250));
  online = (await askAll<{ online: number }>(workers, 'status', 'status')).reduce((n, s) => n + s.online, 0);
}
const allOnlineAt = Date.now();

const drained = await askAll<{ generated: number; resent: number; reconnectedAt: (number | null)[] }>(
  workers,
  'drain',
  'drained',
  (i) => ({ file: path.join(dir, `generated-${i}.json`) }),
);
for (const w of workers) w.send({ type: 'close' });
await controller.stop();

const generated = new Set<string>();
for (let i = 0; i < workersN; i++) {
  for (const id of JSON.parse(fs.readFileSync(path.join(dir, `generated-${i}.json`), 'utf8')) as string[])
    generated.add(id);
}
const store = openStore(dir);
const rows = store.db.prepare('SELECT id FROM proofs').pluck().all() as string[];
store.close();
const storedIds = new Set(rows);
const lost = [...generated].filter((id) => !storedIds.has(id)).length;
// Stored more than once (impossible by the primary key, checked anyway) or stored without being made.
const duplicated = rows.length - storedIds.size + rows.filter((id) => !generated.has(id)).length;
const resent = drained.reduce((n, d) => n + d.resent, 0);
const back = drained
  .flatMap((d) => d.reconnectedAt)
  .filter((t): t is number => t !== null)
  .map((t) => t - killedAt)
  .sort((a, b) => a - b);

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(
  `  all ${players} online again ${s(allOnlineAt - restartedAt)} after the restart (${s(allOnlineAt - killedAt)} after the kill)`,
);
console.log(
  `  reconnects (time after the kill): p10 ${s(percentile(back, 10))}, p50 ${s(percentile(back, 50))}, p90 ${s(percentile(back, 90))}` +
    ` (backoff jitter window: each retry waits ½–1 × its step, steps ${DEFAULT_BACKOFF.baseMs} ms doubling to ${DEFAULT_BACKOFF.maxMs} ms)`,
);
console.log(`  bundles re-sent: ${resent}`);
console.log(`  proofs: ${generated.size} made, ${storedIds.size} stored, ${lost} lost, ${duplicated} duplicated`);
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met') + (SMOKE ? ' (smoke size)' : '');
console.log(`  target bundles re-sent = 0: ${verdict(resent === 0)}`);
console.log(`  target proofs lost = 0 and duplicated = 0: ${verdict(lost === 0 && duplicated === 0)}`);
// Spread: the middle 80 % of reconnects must not land within one moment (a herd arrives in < 100 ms).
const spread = percentile(back, 90) - percentile(back, 10);
console.log(`  target reconnects spread (p90 − p10 = ${s(spread)} ≥ 0.1 s): ${verdict(spread >= 100)}`);
if (lost > 0 || duplicated > 0 || resent > 0) process.exit(1);
fs.rmSync(dir, { recursive: true, force: true });
process.exit(0);
