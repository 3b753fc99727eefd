/**
 * bench:dashboard — what the dashboard asks of the controller with 10,000 devices: a page of the
 * device list (default order, a district with a name search, a status filter) and the summary by
 * district. Baseline in the same run: the plain `GET /devices` (every device as one array), which
 * is what the dashboard fetched before paging. Controller in this process, SQLite in a temp folder.
 *   node --import tsx scripts/bench-dashboard.ts [--devices 10000] [--runs 30] [--smoke]
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import pino from 'pino';
import { newId } from '@bangtin/shared';
import { startController } from '../apps/controller/src/server';
import { arg, percentile, SMOKE, tmpDir } from './bench/common';

const devicesN = SMOKE ? 300 : arg('devices', 10_000);
const runs = SMOKE ? 3 : arg('runs', 30);
const password = 'bench-mat-khau';

console.log(`bench:dashboard — ${devicesN.toLocaleString('en')} devices in 12 districts, ${runs} runs each`);
const dataDir = tmpDir('bench-dashboard');
const c = await startController({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  adminPassword: password,
  log: pino({ level: 'silent' }),
  jobs: false,
});
try {
  const province = c.store.groups.create({ name: 'Tỉnh Quảng Nam', kind: 'province', parentId: null });
  const districts = Array.from({ length: 12 }, (_, i) =>
    c.store.groups.create({ name: `Huyện thử ${i + 1}`, kind: 'district', parentId: province.id }),
  );
  const insert = c.store.db.prepare(
    'INSERT INTO devices (id, name, kind, group_id, token_hash, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const now = Date.now();
  c.store.db.transaction(() => {
    for (let i = 0; i < devicesN; i++) {
      insert.run(
        newId(),
        `Bảng tin Đại Lộc ${i}`,
        i % 2 ? 'led' : 'screen',
        districts[i % districts.length]!.id,
        crypto.randomUUID(),
        now - 86_400_000,
        i % 3 ? now - (i % 60) * 60_000 : null,
      );
    }
  })();
  const login = await fetch(`${c.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  const { token } = (await login.json()) as { token: string };

  async function measure(label: string, path: string): Promise<number> {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < runs + 1; i++) {
      const t0 = performance.now();
      const res = await fetch(`${c.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
      const body = await res.arrayBuffer();
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${Buffer.from(body).toString()}`);
      // The first run warms caches and the JIT; it is not counted.
      if (i > 0) times.push(performance.now() - t0);
      bytes = body.byteLength;
    }
    times.sort((a, b) => a - b);
    const p50 = percentile(times, 50);
    console.log(
      `  ${label.padEnd(40)} p50 ${p50.toFixed(1).padStart(7)} ms   p95 ${percentile(times, 95)
        .toFixed(1)
        .padStart(7)} ms   ${(bytes / 1024).toFixed(0).padStart(6)} KB`,
    );
    return p50;
  }

  const baseline = await measure('baseline: GET /devices (all, plain)', '/devices');
  const page = await measure('GET /devices?limit=100', '/devices?limit=100');
  await measure('… district + search "dai loc 12"', `/devices?limit=100&groupId=${districts[3]!.id}&q=dai%20loc%2012`);
  await measure('… status=offline, page 50', '/devices?limit=100&status=offline&offset=5000');
  const summary = await measure('GET /devices/summary', '/devices/summary');
  console.log(
    `  ratio page/baseline: ${(page / baseline).toFixed(2)}×, summary/baseline: ${(summary / baseline).toFixed(2)}×`,
  );
  console.log(
    `  target (a page and the summary each < 100 ms at 10,000 devices): ${page < 100 && summary < 100 ? 'met' : 'NOT met'}${SMOKE ? ' (smoke size)' : ''}`,
  );
} finally {
  await c.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
