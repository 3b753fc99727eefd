/// <reference lib="dom" />
/**
 * bench:player — the screen player as a viewer sees it, measured in the renderer (Debian Chromium).
 *
 *   node --import tsx scripts/bench-player.ts [--seconds 30] [--smoke]
 *
 * 1. Gap between consecutive items, image→image and video→video: from the moment the runtime's
 *    `play` reaches the renderer to the first presented frame of the new item (performance marks
 *    `bangtin:gap`; the old item stays on screen meanwhile, so this is the delay, never black).
 *    Target p95 < 50 ms. Baseline: one display frame (requestAnimationFrame interval) in the same run.
 * 2. Cold start to first frame from cache with the controller unreachable: from spawning the player
 *    to the first item on screen. Target < 2 s. Baseline: a bare Node static server + the same page
 *    load in the same browser.
 * 3. Player runtime RSS while playing (Chromium excluded). Target < 150 MB. Baseline: a bare Node
 *    process.
 * `--smoke` plays a few seconds of each, for the test suite.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { track } from './bench/children';
import { arg, login, percentile, ROOT, rssMb, SMOKE, startControllerProcess, tmpDir } from './bench/common';

const seconds = SMOKE ? 5 : arg('seconds', 30);
const password = 'bench-mat-khau';
const dir = tmpDir('player');
const rendererDir = path.join(ROOT, 'apps/player/dist/renderer');

console.log(
  `bench:player — ${seconds} s of images and ${seconds} s of videos, 1 s items, Chromium ${chromiumVersion()}`,
);
buildRenderer();
// The player as shipped: one bundled file run by plain Node (like the Electron main bundle), not tsx,
// whose on-the-fly TypeScript compile would dominate the cold start and the RSS.
const playerBundle = bundlePlayer();

const controller = await startControllerProcess(path.join(dir, 'controller'), password);
const api = await login(controller.url, password);
const token = (await api('POST', '/auth/login', { username: 'admin', password })).token as string;
const device = await api('POST', '/devices', { name: 'Màn hình đo', kind: 'screen' });

const media = path.join(dir, 'media');
fs.mkdirSync(media);
const images: string[] = [];
for (const [i, color] of ['0x0b3d91', '0xa50000', '0x007a33', '0xffd400'].entries()) {
  const f = path.join(media, `anh-${i}.png`);
  ffmpeg(['-f', 'lavfi', '-i', `color=c=${color}:s=1280x720:d=1`, '-frames:v', '1', f]);
  images.push((await upload(f)).id);
}
const videos: string[] = [];
for (const [i, pattern] of ['testsrc', 'smptebars'].entries()) {
  const f = path.join(media, `phim-${i}.webm`);
  ffmpeg(['-f', 'lavfi', '-i', `${pattern}=s=1280x720:r=25:d=1.2`, '-c:v', 'libvpx', '-b:v', '1M', f]);
  videos.push((await upload(f)).id);
}

const browser = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 720 },
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--autoplay-policy=no-user-gesture-required',
  ],
});
const page = browser.pages()[0] ?? (await browser.newPage());

const playerDir = path.join(dir, 'player');
let player = spawnPlayer(controller.url);
await page.goto(await rendererUrl(player));
const frameMs = await frameInterval(page);

const rss: number[] = [];
const sampler = setInterval(() => rss.push(rssMb(player.child.pid!)), 500);
let priority = 10;
const imageGaps = await playAndMeasure(images);
const videoGaps = await playAndMeasure(videos);
clearInterval(sampler);

// Cold start: the controller is gone; the player starts from its SQLite bundle and media cache.
player.child.kill('SIGKILL');
await controller.stop();
await page.goto('about:blank');
const t0 = performance.now();
player = spawnPlayer(controller.url);
await page.goto(await rendererUrl(player));
const serveMs = performance.now() - t0;
await page
  .waitForFunction(() => document.documentElement.dataset.showing !== undefined, null, { timeout: 30_000 })
  .catch((err: unknown) => {
    console.error(`the cold-started player showed nothing; its log:\n${player.out()}`);
    throw err;
  });
const coldMs = performance.now() - t0;
player.child.kill('SIGKILL');

const baseline = await bareBaseline(page);
await browser.close();

const p95 = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    95,
  );
const maxRss = Math.max(...rss);
const rows: [string, number, number, string, number][] = [
  ['gap image→image p95 (ms)', p95(imageGaps), 50, 'frame', frameMs],
  ['gap video→video p95 (ms)', p95(videoGaps), 50, 'frame', frameMs],
  ['cold start to first frame, offline (ms)', coldMs, 2000, 'bare page', baseline.pageMs],
  ['player runtime RSS while playing (MB)', maxRss, 150, 'bare node', baseline.rssMb],
];
console.log(
  `\ncold start: ${serveMs.toFixed(0)} ms to the renderer page loaded (Node start, SQLite, cache check), then ${(coldMs - serveMs).toFixed(0)} ms to the first frame`,
);
console.log(`samples: ${imageGaps.length} image→image, ${videoGaps.length} video→video, ${rss.length} RSS`);
for (const [name, v, target, baseName, base] of rows) {
  console.log(
    `${name.padEnd(42)} ${v.toFixed(1).padStart(8)}  target < ${String(target).padEnd(5)} ${v < target ? 'OK  ' : 'MISS'}` +
      `  ${baseName} ${base.toFixed(1)} → ×${(v / base).toFixed(2)}`,
  );
}
fs.rmSync(dir, { recursive: true, force: true });
process.exit(0);

// ─────────────────────────────────────────────────────────────────────────────────────────────────

function chromiumVersion(): string {
  return (
    /Chromium ([\d.]+)/.exec(spawnSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? '?'
  );
}

function buildRenderer(): void {
  const r = spawnSync(
    path.join(ROOT, 'apps/player/node_modules/.bin/vite'),
    ['build', '-c', 'src/renderer/vite.config.ts', '--logLevel', 'warn'],
    { cwd: path.join(ROOT, 'apps/player'), encoding: 'utf8' },
  );
  if (r.status !== 0 || !fs.existsSync(path.join(rendererDir, 'index.html'))) throw new Error(r.stderr);
}

function bundlePlayer(): string {
  const esbuild = createRequire(createRequire(import.meta.url).resolve('tsx/package.json')).resolve('esbuild');
  const out = path.join(dir, 'player.mjs');
  const { buildSync } = createRequire(import.meta.url)(esbuild) as {
    buildSync(options: Record<string, unknown>): unknown; // esbuild comes with tsx; its types are not a root dependency
  };
  buildSync({
    entryPoints: [path.join(ROOT, 'apps/player/src/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    external: ['better-sqlite3', 'serialport', '@serialport/*'],
    // CommonJS dependencies bundled into ESM still call require(); give them one.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
  // Native modules resolve from the player package, as they would from the installed app.
  fs.symlinkSync(path.join(ROOT, 'apps/player/node_modules'), path.join(dir, 'node_modules'));
  return out;
}

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg: ${r.stderr}`);
}

async function upload(file: string): Promise<{ id: string }> {
  const form = new FormData();
  form.append('file', new Blob([fs.readFileSync(file)]), path.basename(file));
  const res = await fetch(`${controller.url}/api/v1/content`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  if (res.status !== 201) throw new Error(`upload ${file}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

function spawnPlayer(controllerUrl: string): { child: ChildProcess; out: () => string } {
  const child = track(
    spawn(
      process.execPath,
      [
        playerBundle,
        '--headless',
        '--controller',
        controllerUrl,
        '--token',
        device.token,
        '--data-dir',
        playerDir,
        '--renderer-port',
        '0',
      ],
      {
        cwd: ROOT,
        env: { ...process.env, BANGTIN_LOG_LEVEL: 'info', BANGTIN_RENDERER_DIR: rendererDir },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    ),
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, out: () => out };
}

async function rendererUrl(p: { child: ChildProcess; out: () => string }): Promise<string> {
  for (;;) {
    // The page URL carries the bridge key the runtime asks of its renderer (issue #14 item 12).
    const m = /"pageUrl":"(http:\/\/127\.0\.0\.1:\d+\/\?bridge=[\w-]+)"[^\n]*renderer served/.exec(p.out());
    if (m) return m[1]!;
    if (p.child.exitCode !== null) throw new Error(`player exited: ${p.out()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function frameInterval(pg: Page): Promise<number> {
  // A string, not a function: tsx would wrap named inner functions in a `__name` helper the page lacks.
  return pg.evaluate(`new Promise((resolve) => {
    const ts = [];
    requestAnimationFrame(function step(t) {
      ts.push(t);
      if (ts.length < 61) requestAnimationFrame(step);
      else resolve((ts[60] - ts[0]) / 60);
    });
  })`);
}

/** Schedules the items (1 s each), waits until all are cached, and collects the renderer's gaps. */
async function playAndMeasure(ids: string[]): Promise<number[]> {
  const pl = await api('POST', '/playlists', {
    name: `Đo ${priority}`,
    items: ids.map((contentId) => ({ contentId, durationMs: 1000 })),
  });
  await api('POST', '/schedules', {
    playlistId: pl.id,
    target: { deviceIds: [device.id] },
    priority: (priority += 10),
  });
  for (;;) {
    const m = await api('GET', `/devices/${device.id}/media`);
    if (m && m.ready === m.needed && m.needed >= ids.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // Let one full cycle pass so every item has been preloaded the normal way, then measure.
  await new Promise((r) => setTimeout(r, ids.length * 1000 + 500));
  await page.evaluate(() => performance.clearMeasures('bangtin:gap'));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return page.evaluate(() => performance.getEntriesByName('bangtin:gap').map((e) => e.duration));
}

/** Same machine, same browser: a bare Node static server and its page, and a bare Node's RSS. */
async function bareBaseline(pg: Page): Promise<{ pageMs: number; rssMb: number }> {
  await pg.goto('about:blank');
  const script =
    "const http=require('http');const s=http.createServer((q,r)=>{r.setHeader('content-type','text/html');" +
    'r.end(\'<!doctype html><body style="background:#a50000"><h1 id=x>Bảo hiểm xã hội</h1>\')});' +
    's.listen(0,"127.0.0.1",()=>console.log("PORT "+s.address().port))';
  const t0 = performance.now();
  const child = track(spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] }));
  const port = await new Promise<string>((resolve) =>
    child.stdout!.on('data', (d: Buffer) => {
      const m = /PORT (\d+)/.exec(d.toString());
      if (m) resolve(m[1]!);
    }),
  );
  await pg.goto(`http://127.0.0.1:${port}/`);
  await pg.waitForSelector('#x');
  const pageMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 300));
  const rss = rssMb(child.pid!);
  child.kill('SIGKILL');
  return { pageMs, rssMb: rss };
}
