import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { ROOT } from './processes';

/**
 * Debian's Chromium as the tests drive it: headless, no sandbox (root in CI), and none of the
 * background requests a closed network would refuse by the dozen.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export type ChromiumOptions = Parameters<typeof chromium.launchPersistentContext>[1] & { extraArgs?: string[] };

export async function launchChromium(profileDir: string, options: ChromiumOptions = {}): Promise<BrowserContext> {
  const { extraArgs = [], ...rest } = options;
  return chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, ...extraArgs],
    ...rest,
  });
}

/** The admin app is served from its build; build it when a test runs before `pnpm build:web`. */
export function buildWebIfMissing(): void {
  const web = path.join(ROOT, 'apps/controller/web');
  if (fs.existsSync(path.join(web, 'dist/index.html'))) return;
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, 'apps/controller/node_modules/vite/bin/vite.js'), 'build', web],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
}

/** The player's renderer as shipped: built by Vite into what the player's browser mode serves. */
export function buildRenderer(): void {
  // Two test files may build at once; Vite refuses a second build of the same project, so wait for it.
  for (let attempt = 0; ; attempt++) {
    const r = spawnSync(
      path.join(ROOT, 'apps/player/node_modules/.bin/vite'),
      ['build', '-c', 'src/renderer/vite.config.ts', '--logLevel', 'warn'],
      { cwd: path.join(ROOT, 'apps/player'), encoding: 'utf8' },
    );
    if (r.status === 0) return;
    if (attempt >= 30 || !/another Vite build process/.test(`${r.stdout}${r.stderr}`))
      throw new Error(`renderer build failed: ${r.stderr}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
}
