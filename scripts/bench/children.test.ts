import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CHILDREN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'children.ts');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs a small benchmark-like script that starts a long-lived child and then ends as `ending` says;
 * returns the child's pid and the script's exit code once the script has ended.
 */
async function runBench(ending: string): Promise<{ pid: number; code: number | null }> {
  const script = `
    import { spawn } from 'node:child_process';
    import { track } from ${JSON.stringify(CHILDREN)};
    const child = track(spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }));
    console.log('PID ' + child.pid);
    await new Promise((r) => setTimeout(r, 100));
    ${ending}
  `;
  const bench = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  bench.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (ending.includes('WAIT') && /PID \d+/.test(out)) bench.kill('SIGTERM');
  });
  const code = await new Promise<number | null>((resolve) => bench.on('exit', (c) => resolve(c)));
  const pid = Number(/PID (\d+)/.exec(out)?.[1]);
  expect(pid).toBeGreaterThan(0);
  return { pid, code };
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

describe('benchmark children', () => {
  it('are killed when the benchmark throws', async () => {
    const { pid, code } = await runBench("throw new Error('smoke failed');");
    expect(code).toBe(1);
    expect(await gone(pid)).toBe(true);
  });

  it('are killed when the benchmark is stopped with SIGTERM', async () => {
    const { pid, code } = await runBench('await new Promise(() => {}); // WAIT');
    expect(code).toBe(143);
    expect(await gone(pid)).toBe(true);
  });
});
