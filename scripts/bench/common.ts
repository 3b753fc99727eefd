import { type ChildProcess, fork, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '@bangtin/controller';
import { track } from './children';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `bangtin-bench-${prefix}-`));
}

/** Enrols `n` devices straight into a fresh controller database; returns their tokens (in order). */
export function seedDevices(dataDir: string, n: number): { groupId: string; devices: { id: string; token: string }[] } {
  const store = openStore(dataDir);
  const group = store.groups.create({ name: 'Tỉnh thử tải', kind: 'province', parentId: null });
  const devices: { id: string; token: string }[] = [];
  store.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const { device, token } = store.devices.create({ name: `Thiết bị ${i}`, kind: 'led', groupId: group.id });
      devices.push({ id: device.id, token });
    }
  })();
  store.close();
  return { groupId: group.id, devices };
}

export interface StartedController {
  url: string;
  child: ChildProcess;
  rssMb(): number;
  stop(): Promise<void>;
}

export async function startControllerProcess(dataDir: string, password: string, port = 0): Promise<StartedController> {
  const child = track(
    spawn(
      process.execPath,
      [
        // BENCH_CPU_PROF=DIR writes a V8 CPU profile of the controller there (profile first, then speed up).
        ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []),
        '--import',
        'tsx',
        path.join(ROOT, 'apps/controller/src/main.ts'),
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
        '--data-dir',
        dataDir,
      ],
      {
        cwd: ROOT,
        // Every simulated player connects from 127.0.0.1: lift the per-address connection cap.
        env: {
          ...process.env,
          BANGTIN_LOG_LEVEL: 'warn',
          BANGTIN_ADMIN_PASSWORD: password,
          BANGTIN_MAX_CONNECTIONS_PER_ADDRESS: '1000000',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    ),
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setInterval(() => {
      const m = /bangtin controller: (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearInterval(t);
        resolve(m[1]!);
      }
      if (child.exitCode !== null) {
        clearInterval(t);
        reject(new Error(`controller exited: ${out}`));
      }
    }, 50);
  });
  return {
    url,
    child,
    rssMb: () => rssMb(child.pid!),
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

export async function login(
  url: string,
  password: string,
): Promise<(method: string, p: string, body?: unknown) => Promise<any>> {
  const r = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  const { token } = (await r.json()) as { token: string };
  return async (method, p, body) => {
    const res = await fetch(`${url}/api/v1${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

export function forkWorker(script: string, env: Record<string, string>): ChildProcess {
  return track(
    fork(path.join(ROOT, script), [], {
      cwd: ROOT,
      execArgv: [
        ...(process.env.BENCH_CPU_PROF && env.BENCH_PROFILE_ME
          ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF]
          : []),
        '--import',
        'tsx',
      ],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
}

export function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`worker exited (${code}) before '${type}'`));
    const onMsg = (m: { type: string }) => {
      if (m.type === type) {
        child.off('message', onMsg);
        child.off('exit', onExit);
        resolve(m as T);
      }
    };
    child.on('message', onMsg);
    child.once('exit', onExit);
  });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`--${name} must be a positive number`);
    process.exit(2);
  }
  return v;
}

export const SMOKE = process.argv.includes('--smoke');

/** The soft limit on open files this process (and the controller it starts) runs under, or null. */
export function openFileLimit(): number | null {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Refuses, before anything starts, a player count the controller process cannot hold: one socket a
 * player plus its database, log and listening sockets. Without this the run dies midway with
 * "socket hang up" from the players that found no descriptor left.
 */
export function checkPlayerCapacity(players: number, limit = openFileLimit()): void {
  const spare = 200;
  if (limit !== null && players + spare > limit) {
    console.error(
      `--players ${players}: the open-file limit here is ${limit} (ulimit -n), so one controller process can hold at most ${limit - spare} players; raise it (ulimit -n ${players + spare}) or ask for fewer`,
    );
    process.exit(2);
  }
}

/** A metric's value from the controller's Prometheus text (`BANGTIN_METRICS_TOKEN` must be set at start). */
export async function scrapeMetric(url: string, name: string): Promise<number> {
  const res = await fetch(`${url}/metrics`, {
    headers: { authorization: `Bearer ${process.env.BANGTIN_METRICS_TOKEN}` },
  });
  const text = await res.text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  if (!line) throw new Error(`metric ${name} not found (status ${res.status})`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Sends `type` to every worker and waits for each one's `reply`. */
export function askAll<T>(
  workers: ChildProcess[],
  type: string,
  reply: string,
  extra: (i: number) => object = () => ({}),
): Promise<T[]> {
  return Promise.all(
    workers.map((w, i) => {
      const p = nextMessage<T>(w, reply);
      w.send({ type, ...extra(i) });
      return p;
    }),
  );
}
