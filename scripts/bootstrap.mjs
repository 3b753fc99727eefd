// Plain JavaScript on purpose: this runs on a fresh machine that has only Node.js and npm.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** pnpm through npx (corepack's signature check fails on some machines); a global pnpm is used when present. */
export function pnpm(args) {
  return have('pnpm') ? run('pnpm', args) : run('npx', ['-y', 'pnpm@10', ...args]);
}

/** Installs the workspace when node_modules is missing or older than the lockfile. */
export function ensureNodeModules() {
  const marker = path.join(ROOT, 'node_modules', '.modules.yaml');
  const lock = path.join(ROOT, 'pnpm-lock.yaml');
  const stale = !fs.existsSync(marker) || fs.statSync(lock).mtimeMs > fs.statSync(marker).mtimeMs;
  if (!stale) return;
  console.log('bangtin: installing dependencies (pnpm install)…');
  const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };
  const code = have('pnpm')
    ? run('pnpm', ['install', '--frozen-lockfile'], { env })
    : run('npx', ['-y', 'pnpm@10', 'install', '--frozen-lockfile'], { env });
  if (code !== 0) process.exit(code);
}

/** The system programs bangtin runs (scripts/system-packages.json): `start` ones for the demo, all for tests. */
export function systemPackages(purpose) {
  const { packages } = JSON.parse(fs.readFileSync(path.join(ROOT, 'scripts/system-packages.json'), 'utf8'));
  return purpose === 'test' ? packages : packages.filter((p) => p.for === 'start');
}

/**
 * Installs the missing Debian packages with apt-get when we are root (CI, a fresh VM); otherwise says
 * exactly what to run. Returns true when every program is there afterwards.
 */
export function ensureSystemPackages(packages) {
  const missing = packages.filter((p) => !have(p.cmd));
  if (missing.length === 0) return true;
  const names = [...new Set(missing.map((p) => p.apt))];
  if (process.getuid?.() === 0 && have('apt-get')) {
    console.log(`bangtin: installing ${names.join(', ')} with apt-get…`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update', '-qq'], { env });
    run('apt-get', ['install', '-y', '-qq', ...names], { env });
  }
  const still = missing.filter((p) => !have(p.cmd));
  if (still.length === 0) return true;
  const apt = [...new Set(still.map((p) => p.apt))].join(' ');
  console.warn(`bangtin: missing system programs: ${still.map((p) => `${p.cmd} (${p.why})`).join('; ')}`);
  console.warn(`bangtin: install them with: sudo apt-get install ${apt}`);
  return false;
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds a Vite app when its dist is missing or older than its sources. */
export function ensureBuilt(name, script, srcDir, distIndex) {
  const src = path.join(ROOT, srcDir);
  const dist = path.join(ROOT, distIndex);
  if (!fs.existsSync(src)) return;
  if (fs.existsSync(dist) && fs.statSync(dist).mtimeMs >= newestMtime(src)) return;
  console.log(`bangtin: building ${name}…`);
  const code = pnpm(['run', script]);
  if (code !== 0) process.exit(code);
}

// `node scripts/bootstrap.mjs system [start|test]`: install the system packages, exit 1 if any is missing
// afterwards (.ci/run uses it so that CI never depends on what the machine happens to have).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [what, purpose = 'test'] = process.argv.slice(2);
  if (what !== 'system' || !['start', 'test'].includes(purpose)) {
    console.error('usage: node scripts/bootstrap.mjs system [start|test]');
    process.exit(2);
  }
  process.exit(ensureSystemPackages(systemPackages(purpose)) ? 0 : 1);
}
