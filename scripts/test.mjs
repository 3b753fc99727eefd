// `npm test`: install what is missing, then lint, type-check, unit tests (in two timezones), end-to-end
// tests and a smoke run of every benchmark. Prints one closing line: "N passed, N failed".
import fs from 'node:fs';
import path from 'node:path';
import { ensureNodeModules, ensureSystemPackages, pnpm, ROOT, run, systemPackages } from './bootstrap.mjs';

ensureNodeModules();
if (!ensureSystemPackages(systemPackages('test'))) {
  console.error('bangtin: the tests need the programs above; install them and run npm test again.');
  process.exit(1);
}

const results = [];
const outDir = path.join(ROOT, 'test-artifacts');
fs.mkdirSync(outDir, { recursive: true });

function step(name, fn) {
  const t0 = Date.now();
  console.log(`\n── ${name} ──`);
  const code = fn();
  results.push({ name, code, seconds: Math.round((Date.now() - t0) / 1000) });
  return code;
}

function vitest(name, project, extraEnv = {}, files = []) {
  const report = path.join(outDir, `vitest-${name}.json`);
  const code = step(`vitest ${name}`, () =>
    run(
      process.execPath,
      [
        path.join(ROOT, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--project',
        project,
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${report}`,
        ...files,
      ],
      {
        env: { ...process.env, BANGTIN_LOG_LEVEL: 'warn', ...extraEnv },
      },
    ),
  );
  try {
    const r = JSON.parse(fs.readFileSync(report, 'utf8'));
    counts.passed += r.numPassedTests;
    counts.failed += r.numFailedTests + (code !== 0 && r.numFailedTests === 0 ? 1 : 0);
  } catch {
    counts.failed += 1;
  }
  return code;
}

const counts = { passed: 0, failed: 0 };
const only = process.argv[2];

if (!only || only === 'static') {
  step('lint', () => pnpm(['run', 'lint']));
  step('typecheck', () => pnpm(['run', 'typecheck']));
  step('format', () => pnpm(['run', 'format:check']));
}
if (!only || only === 'unit') {
  vitest('unit (TZ=Asia/Ho_Chi_Minh)', 'unit', { TZ: 'Asia/Ho_Chi_Minh' });
  // Schedules and rendering must not depend on the host's timezone: run the shared core again in UTC.
  vitest('unit shared (TZ=UTC)', 'unit', { TZ: 'UTC' }, ['packages/shared']);
}
if (!only || only === 'e2e') {
  // The browser tests run against the built apps: build them from the sources under test.
  step('build web', () => pnpm(['run', 'build:web']));
  step('build renderer', () => pnpm(['run', 'build:renderer']));
  vitest('e2e', 'e2e');
  // Clock-changing tests, one at a time (see vitest.config.ts).
  vitest('e2e serial', 'e2e-serial');
}
if (!only || only === 'bench') {
  for (const bench of fs
    .readdirSync(path.join(ROOT, 'scripts'))
    .filter((f) => /^bench-.*\.ts$/.test(f))
    .sort()) {
    step(`smoke ${bench}`, () =>
      run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', bench), '--smoke']),
    );
  }
}

console.log('\n── summary ──');
for (const r of results) console.log(`${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds}s)`);
const stepFailures = results.filter((r) => r.code !== 0 && !r.name.startsWith('vitest')).length;
counts.passed += results.filter((r) => r.code === 0 && !r.name.startsWith('vitest')).length;
counts.failed += stepFailures;
console.log(`${counts.passed} passed, ${counts.failed} failed`);
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
