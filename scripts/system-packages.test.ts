import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OPTIONAL_TOOLS } from '../apps/controller/src/http/media-probe';

/**
 * The fresh-machine guard: every system program the source runs must be in the list the bootstrap
 * installs. A clean clone once failed 9 tests on `spawnSync ffmpeg ENOENT` while CI was green on a
 * machine that happened to have ffmpeg.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const listed = (
  JSON.parse(fs.readFileSync(path.join(ROOT, 'scripts/system-packages.json'), 'utf8')) as {
    packages: { cmd: string; apt: string; for: 'start' | 'test'; why: string }[];
  }
).packages;

/** Part of every Debian system, or of Node/npm itself: never installed by the bootstrap. */
const BASE = new Set(['sh', 'bash', 'env', 'apt-get', 'node', 'npm', 'npx', 'pnpm', 'git', 'kill']);

const SPAWNERS = ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync'];

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', '.git', 'data', 'test-artifacts'].includes(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|tsx|mts|mjs|js|cjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Programs named literally as the first argument of a spawn, exec or one of their local aliases. */
export function programsRun(source: string): string[] {
  // Only the spawners this file imports from child_process (a page's own `exec()` is not one).
  const callers = new Set<string>();
  for (const m of source.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*['"](?:node:)?child_process['"]/g)) {
    for (const part of m[1]!.split(',')) {
      const [name, alias] = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/);
      if (name && SPAWNERS.includes(name)) callers.add(alias ?? name);
    }
  }
  // `const run = promisify(execFile)` and the like.
  for (const m of source.matchAll(/\b(?:const|let)\s+(\w+)\s*=\s*promisify\(\s*(\w+)\s*\)/g)) {
    if (callers.has(m[2]!)) callers.add(m[1]!);
  }
  if (callers.size === 0) return [];
  const names = [...callers].join('|');
  const calls = new RegExp(`(?<![\\w.])(?:${names})\\(\\s*(['"\`])([^'"\`$]+)\\1`, 'g');
  const found = [...source.matchAll(calls)].map((m) => path.basename(m[2]!));
  return found;
}

/** Browsers started by playwright-core with a path of their own. */
function browsersLaunched(source: string): string[] {
  return [...source.matchAll(/executablePath:\s*['"]([^'"]+)['"]/g)].map((m) => path.basename(m[1]!));
}

describe('system programs (fresh-machine guard)', () => {
  const files = [...['apps', 'packages', 'scripts', 'tests'].flatMap((d) => sourceFiles(path.join(ROOT, d)))];
  const run = new Map<string, string[]>();
  for (const f of files) {
    const source = fs.readFileSync(f, 'utf8');
    for (const prog of [...programsRun(source), ...browsersLaunched(source)]) {
      run.set(prog, [...(run.get(prog) ?? []), path.relative(ROOT, f)]);
    }
  }

  it('finds the programs the code is known to run', () => {
    // If the scan stopped seeing these, it would pass vacuously.
    expect([...run.keys()]).toEqual(expect.arrayContaining(['ffmpeg', 'socat', 'chromium']));
  });

  it('lists every program the source runs, with its Debian package', () => {
    const missing = [...run.entries()]
      .filter(([prog]) => !BASE.has(prog) && !listed.some((p) => p.cmd === prog))
      .map(([prog, where]) => `${prog} (run in ${[...new Set(where)].join(', ')})`);
    expect(missing, 'add these to scripts/system-packages.json').toEqual([]);
  });

  it("lists the controller's optional tools for npm start too", () => {
    for (const tool of OPTIONAL_TOOLS) {
      expect(listed.find((p) => p.cmd === tool)?.for, tool).toBe('start');
    }
  });

  it('sees aliases and multi-line calls, and ignores programs built from variables', () => {
    const src = [
      "import { execFile, spawn, spawnSync as runSync } from 'node:child_process';",
      'const run = promisify(execFile);',
      "await run('ffprobe', ['-v']);",
      "runSync(\n  '/usr/bin/faketime',\n  ['-f', '+2h'],\n);",
      'spawn(process.execPath, []);',
      'spawn(`${dir}/x`, []);',
      "obj.exec('not-a-program');",
      "execSync('not-imported');",
    ].join('\n');
    expect(programsRun(src).sort()).toEqual(['faketime', 'ffprobe']);
    expect(browsersLaunched("launch({ executablePath: '/usr/bin/chromium' })")).toEqual(['chromium']);
  });

  it('has every listed program on this machine (the bootstrap installed it)', () => {
    const absent = listed.filter(
      (p) => spawnSync('sh', ['-c', `command -v ${p.cmd}`], { stdio: 'ignore' }).status !== 0,
    );
    expect(absent.map((p) => `${p.cmd} (apt-get install ${p.apt})`)).toEqual([]);
  });
});
