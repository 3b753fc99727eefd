import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store';
import { type JobDef, JobRunner, slotOf } from './runner';
import { advanceHorizon } from './horizon';
import { deviceStatus } from './device-status';
import { horizonUntil } from '../store/meta';
import { createMetrics } from '../metrics';

const log = pino({ level: 'silent' });
const dirs: string[] = [];
const open: Store[] = [];
function storeAt(dir: string): Store {
  const s = openStore(dir);
  open.push(s);
  return s;
}
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tmp() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-jobs-'));
  dirs.push(d);
  return d;
}

// 2027-02-06 00:30 in Vietnam = 2027-02-05 17:30 UTC.
const T = Date.UTC(2027, 1, 5, 17, 30, 20);

describe('job slots', () => {
  it('names slots in Vietnam time; a daily slot is the latest run time not after now', () => {
    expect(slotOf({ every: 'minute' }, T)).toBe('2027-02-06T00:30');
    expect(slotOf({ every: 'hour', minute: 7 }, T)).toBe('2027-02-06T00');
    expect(slotOf({ every: 'hour', minute: 45 }, T)).toBe('2027-02-05T23');
    // 00:30 is before today's 01:15 run: the slot owed is yesterday's.
    expect(slotOf({ every: 'day', hour: 1, minute: 15 }, T)).toBe('2027-02-05');
    expect(slotOf({ every: 'day', hour: 1, minute: 15 }, T + 3_600_000)).toBe('2027-02-06');
  });
});

describe('job runner', () => {
  it('runs a slot once, re-runs a failed or crashed slot after restart, never a finished one', () => {
    const dir = tmp();
    let runs = 0;
    let fail = true;
    const def: JobDef<number> = {
      name: 'rollup',
      period: { every: 'day', hour: 1, minute: 15 },
      run: () => {
        runs++;
        if (fail) throw new Error('disk full');
        return runs;
      },
    };
    const store = storeAt(dir);
    const runner = new JobRunner(store.jobs, [def], log, () => T);
    runner.catchUp();
    expect(runs).toBe(1);
    expect(store.jobs.unfinished('rollup')).toEqual(['2027-02-05']);
    fail = false;
    // "Restart": a new runner on the same database owes the unfinished slot and runs it.
    const again = new JobRunner(storeAt(dir).jobs, [def], log, () => T);
    again.catchUp();
    expect(runs).toBe(2);
    expect(store.jobs.isFinished('rollup', '2027-02-05')).toBe(true);
    // A third start, and a repeated trigger of the same slot: nothing runs.
    new JobRunner(storeAt(dir).jobs, [def], log, () => T + 60_000).catchUp();
    expect(again.runSlot(def, '2027-02-05')).toBe(false);
    expect(runs).toBe(2);
  });

  it('calls the follow-up only after the slot is recorded', () => {
    const store = storeAt(tmp());
    const seen: boolean[] = [];
    const def: JobDef<string> = {
      name: 'x',
      period: { every: 'minute' },
      run: () => 'ok',
      after: () => seen.push(store.jobs.isFinished('x', slotOf({ every: 'minute' }, T))),
    };
    new JobRunner(store.jobs, [def], log, () => T).catchUp();
    expect(seen).toEqual([true]);
  });
});

describe('bundle horizon', () => {
  it('moves only when less than 6 days remain, to a whole hour 7 days ahead', () => {
    const store = storeAt(tmp());
    const first = advanceHorizon(store, T)!;
    expect(first % 3_600_000).toBe(0);
    expect(first - T).toBeGreaterThanOrEqual(7 * 86_400_000);
    expect(advanceHorizon(store, T + 86_400_000 - 60_000)).toBeNull();
    expect(horizonUntil(store.db)).toBe(first);
    expect(advanceHorizon(store, T + 86_400_000 + 3_600_000)).toBeGreaterThan(first);
  });
});

describe('device status', () => {
  it('online, stale, offline', () => {
    const now = 1_000_000_000;
    expect(deviceStatus(true, now - 5000, now)).toBe('online');
    expect(deviceStatus(true, now - 120_000, now)).toBe('stale');
    expect(deviceStatus(false, now - 60_000, now)).toBe('stale');
    expect(deviceStatus(false, now - 600_000, now)).toBe('offline');
    expect(deviceStatus(false, null, now)).toBe('offline');
  });
});

describe('job metrics', () => {
  it('count runs and failures by job name, from 0 before the first run', async () => {
    const store = storeAt(tmp());
    const metrics = createMetrics();
    let fail = true;
    const def: JobDef = {
      name: 'rollup',
      period: { every: 'minute' },
      run: () => {
        if (fail) throw new Error('disk full');
        return 1;
      },
    };
    const value = async (name: 'jobRuns' | 'jobFailures') =>
      (await metrics[name].get()).values.find((v) => v.labels.job === 'rollup')?.value;
    const runner = new JobRunner(store.jobs, [def], log, () => T, metrics);
    expect(await value('jobRuns')).toBe(0);
    expect(await value('jobFailures')).toBe(0);
    runner.catchUp();
    expect(await value('jobRuns')).toBe(1);
    expect(await value('jobFailures')).toBe(1);
    fail = false;
    runner.catchUp(); // the failed slot is owed and runs again
    expect(await value('jobRuns')).toBe(2);
    expect(await value('jobFailures')).toBe(1);
  });
});
