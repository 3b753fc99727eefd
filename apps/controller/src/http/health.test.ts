import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store';
import { backupHealth, nightlyName } from '../store/backup';
import { registerRoutes } from './routes';

const HOUR = 3_600_000;
const T0 = Date.UTC(2027, 2, 9, 19, 0, 0);
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

async function health(now: number, startedAt: number, files: number[], jobRuns: [string, number][] = []) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-health-'));
  const store: Store = openStore(dataDir);
  for (const [job, at] of jobRuns) {
    store.jobs.claim(job, String(at), at);
    store.jobs.finish(job, String(at), { ok: true });
  }
  const dir = path.join(dataDir, 'backups');
  fs.mkdirSync(dir);
  for (const t of files) fs.writeFileSync(path.join(dir, nightlyName(t)), 'x');
  const app = Fastify();
  registerRoutes(
    app,
    store,
    () => {
      throw new Error('no hub in this test');
    },
    '9.9.9',
    undefined,
    // The clock is the only thing injected: the backup dir and its files are real.
    () => backupHealth(dir, now, startedAt),
  );
  cleanup.push(() => {
    void app.close();
    store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const r = await app.inject({ url: '/api/v1/health' });
  return { status: r.statusCode, body: r.json() };
}

describe('GET /api/v1/health backup field (injected clock, real backup dir)', () => {
  it('is ok with a recent nightly copy and names it', async () => {
    const r = await health(T0 + 30 * HOUR, T0 - 100 * HOUR, [T0, T0 - 24 * HOUR]);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      status: 'ok',
      version: '9.9.9',
      db: 'ok',
      storage: null,
      jobs: {},
      backup: { lastAt: new Date(T0).toISOString(), ageHours: 30, file: nightlyName(T0) },
    });
  });

  it('answers 503 when the last copy is over 48 h old and the controller has been up over 26 h', async () => {
    const r = await health(T0 + 49 * HOUR, T0 - 100 * HOUR, [T0]);
    expect(r.status).toBe(503);
    expect(r.body.status).toBe('failing');
    expect(r.body.backup.ageHours).toBe(49);
  });

  it('a fresh install without any copy is not failing yet', async () => {
    const r = await health(T0 + 2 * HOUR, T0, []);
    expect(r.status).toBe(200);
    expect(r.body.backup).toEqual({ lastAt: null, ageHours: null, file: null });
  });

  it('names each job’s last success from the ledger (not stale on a controller up for minutes)', async () => {
    const r = await health(
      T0 + 30 * HOUR,
      T0 - 100 * HOUR,
      [T0],
      [
        ['rollup', T0 - 72 * HOUR],
        ['rollup', T0 - 24 * HOUR],
        ['retention', T0 - 23 * HOUR],
      ],
    );
    expect(r.body.jobs).toEqual({
      rollup: { lastSuccessAt: new Date(T0 - 24 * HOUR).toISOString(), stale: false },
      retention: { lastSuccessAt: new Date(T0 - 23 * HOUR).toISOString(), stale: false },
    });
  });
});
