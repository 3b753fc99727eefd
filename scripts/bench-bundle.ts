/**
 * bench:bundle — JavaScript the admin app's first load costs: the entry script of the built
 * `apps/controller/web/dist/index.html` and every `modulepreload` it names, gzipped (node:zlib, level 9
 * like a static server's precompression), against the 300 KB budget of issue 6. Screens loaded later
 * (lazy chunks) are listed for information but are not part of the first load.
 *
 *   node --import tsx scripts/bench-bundle.ts [--smoke] [--no-build]
 *
 * The baseline, built in the same run with the same Vite, is a page that only renders one paragraph
 * with React 19: the floor any React admin app pays. `--smoke` (npm test, right after `build:web`)
 * reuses the existing build and skips the baseline, so it takes a second. Exits 1 over budget.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

// Not bench/common: it loads the controller, and the smoke run should take a second, not several.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SMOKE = process.argv.includes('--smoke');

const BUDGET = 300 * 1024;
const WEB = path.join(ROOT, 'apps/controller/web');
const VITE = path.join(ROOT, 'apps/controller/node_modules/vite/bin/vite.js');

function vite(args: string[], cwd = ROOT): void {
  const r = spawnSync(process.execPath, [VITE, ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vite ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
}

/** Scripts a browser fetches before the app runs: `<script type="module" src>` and `<link rel="modulepreload">`. */
function firstLoadScripts(html: string): string[] {
  const out = new Set<string>();
  for (const tag of html.match(/<(?:script|link)\b[^>]*>/g) ?? []) {
    const isScript = tag.startsWith('<script') && /\btype="module"/.test(tag);
    const isPreload = tag.startsWith('<link') && /\brel="modulepreload"/.test(tag);
    const url = /\b(?:src|href)="([^"]+\.js)"/.exec(tag)?.[1];
    if ((isScript || isPreload) && url) out.add(url.replace(/^\//, ''));
  }
  return [...out];
}

const gz = (file: string) => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

function measure(dist: string): { first: { file: string; gzip: number }[]; lazy: { file: string; gzip: number }[] } {
  const first = firstLoadScripts(fs.readFileSync(path.join(dist, 'index.html'), 'utf8'));
  if (first.length === 0) throw new Error(`no script in ${path.join(dist, 'index.html')}`);
  const all = fs
    .readdirSync(path.join(dist, 'assets'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => `assets/${f}`);
  const sized = (f: string) => ({ file: f, gzip: gz(path.join(dist, f)) });
  return {
    first: first.map(sized),
    lazy: all
      .filter((f) => !first.includes(f))
      .map(sized)
      .sort((a, b) => b.gzip - a.gzip),
  };
}

/** A one-paragraph React page built with the same Vite, React resolved from the admin app's dependencies. */
function baseline(): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-bench-bundle-'));
  try {
    const req = createRequire(path.join(WEB, 'index.html'));
    fs.writeFileSync(
      path.join(dir, 'index.html'),
      '<!doctype html><div id="root"></div><script type="module" src="/main.js"></script>',
    );
    fs.writeFileSync(
      path.join(dir, 'main.js'),
      "import { createElement } from 'react';\nimport { createRoot } from 'react-dom/client';\n" +
        "createRoot(document.getElementById('root')).render(createElement('p', null, 'Xin chào'));\n",
    );
    const pkg = (name: string) => path.dirname(req.resolve(`${name}/package.json`));
    fs.writeFileSync(
      path.join(dir, 'vite.config.mjs'),
      `export default { logLevel: 'warn', resolve: { alias: ${JSON.stringify({
        'react-dom': pkg('react-dom'),
        react: pkg('react'),
      })} }, build: { outDir: 'dist', emptyOutDir: true } };\n`,
    );
    vite(['build', dir, '--config', path.join(dir, 'vite.config.mjs')], dir);
    return measure(path.join(dir, 'dist')).first.reduce((s, f) => s + f.gzip, 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const dist = path.join(WEB, 'dist');
const reuse = SMOKE || process.argv.includes('--no-build');
if (!reuse || !fs.existsSync(path.join(dist, 'index.html'))) {
  console.log('bench:bundle — building apps/controller/web …');
  vite(['build', WEB, '--logLevel', 'warn']);
}
const { first, lazy } = measure(dist);
const total = first.reduce((s, f) => s + f.gzip, 0);
console.log(`bench:bundle — first load of the admin app (gzip -9)${reuse ? ', existing build' : ''}`);
for (const f of first) console.log(`  ${f.file.padEnd(40)} ${kb(f.gzip).padStart(10)}`);
console.log(`  ${'first-load JavaScript'.padEnd(40)} ${kb(total).padStart(10)}`);
console.log(`  ratio to the 300 KB budget: ${(total / BUDGET).toFixed(2)}× ${total <= BUDGET ? '(within)' : '(OVER)'}`);
if (lazy.length > 0) {
  const biggest = lazy.slice(0, 3).map((f) => `${f.file} ${kb(f.gzip)}`);
  console.log(`  loaded later, per screen (${lazy.length} chunks; largest): ${biggest.join(', ')}`);
}
if (!SMOKE) {
  const base = baseline();
  console.log(
    `  baseline: a one-paragraph React 19 page ${kb(base)}; ratio bangtin/baseline ${(total / base).toFixed(2)}×`,
  );
}
if (total > BUDGET) {
  console.error(`  FAILED: ${kb(total)} of JavaScript on first load is over the ${kb(BUDGET)} budget`);
  process.exit(1);
}
