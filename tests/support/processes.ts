import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `bangtin-${prefix}-`));
}

export async function waitFor<T>(
  fn: () => T | Promise<T>,
  what: string,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface Proc {
  child: ChildProcess;
  output(): string;
  /** Graceful stop (SIGTERM) and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL: no cleanup at all, as when power is cut or the OOM killer strikes. */
  kill9(): Promise<void>;
  exited: Promise<number | null>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export function spawnTs(script: string, args: string[], env: Record<string, string> = {}): Proc {
  // node itself with tsx as a loader, not the tsx CLI: the CLI runs the script in a child process, and
  // a SIGKILL to the CLI would leave that child running, which is not the crash we mean to test.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, BANGTIN_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
  return {
    child,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface ControllerProc extends Proc {
  url: string;
  port: number;
}

/** Starts `pnpm controller` as a real process; port 0 picks a free port, read back from its output. */
export async function startControllerProcess(opts: {
  dataDir: string;
  port?: number;
  adminPassword?: string;
  /** More flags, e.g. `--tls-cert`/`--tls-key` (the URL read back is then https://). */
  extraArgs?: string[];
}): Promise<ControllerProc> {
  const p = spawnTs(
    'apps/controller/src/main.ts',
    ['--port', String(opts.port ?? 0), '--host', '127.0.0.1', '--data-dir', opts.dataDir, ...(opts.extraArgs ?? [])],
    {
      BANGTIN_ADMIN_PASSWORD: opts.adminPassword ?? 'mat-khau-thu-nghiem',
    },
  );
  const m = await waitFor(
    () => {
      if (p.child.exitCode !== null) throw new Error(`controller exited: ${p.output()}`);
      return /bangtin controller: (https?:\/\/127\.0\.0\.1:(\d+))/.exec(p.output());
    },
    'controller to listen',
    30_000,
  );
  return { ...p, url: m[1]!, port: Number(m[2]) };
}

export function startPlayerProcess(opts: {
  controllerUrl: string;
  token: string;
  dataDir: string;
  extraArgs?: string[];
}): Proc {
  return spawnTs('apps/player/src/main.ts', [
    '--headless',
    '--controller',
    opts.controllerUrl,
    '--token',
    opts.token,
    '--data-dir',
    opts.dataDir,
    '--heartbeat-ms',
    '1000',
    ...(opts.extraArgs ?? []),
  ]);
}

export interface BrowserModePlayer extends Proc {
  /** Where the player serves its renderer, for a browser to open as the screen. */
  rendererUrl: string;
}

/**
 * A headless player that serves its renderer in browser mode on a free port (read back from its log)
 * instead of opening an Electron window: the screen is then any Chromium page on that URL.
 */
export async function startBrowserModePlayer(
  opts: Parameters<typeof startPlayerProcess>[0],
): Promise<BrowserModePlayer> {
  const p = startPlayerProcess({ ...opts, extraArgs: ['--renderer-port', '0', ...(opts.extraArgs ?? [])] });
  try {
    const m = await waitFor(
      () =>
        /"pageUrl":"(http:\/\/127\.0\.0\.1:\d+\/\?bridge=[\w-]+)"[^\n]*renderer served in browser mode/.exec(
          p.output(),
        ),
      'browser mode to listen',
      30_000,
    );
    return { ...p, rendererUrl: m[1]! };
  } catch (err) {
    await p.kill9();
    throw err;
  }
}
