import { describe, expect, it } from 'vitest';
import { ConcurrencyGate, GateBusyError, LockoutTable } from './login-guard';

describe('LockoutTable', () => {
  it('locks a key out after maxFailures in the window, until the oldest of them expires', () => {
    const t = new LockoutTable({ maxFailures: 3, windowMs: 1000, maxEntries: 100 });
    t.fail('a', 0);
    t.fail('a', 100);
    expect(t.lockedFor('a', 200)).toBe(0);
    t.fail('a', 200);
    expect(t.lockedFor('a', 300)).toBe(700); // the failure at 0 leaves the window at 1000
    expect(t.lockedFor('a', 1000)).toBe(0);
    expect(t.lockedFor('b', 300)).toBe(0);
  });

  it('never holds more than maxEntries keys, forgetting the least recently failed', () => {
    const t = new LockoutTable({ maxFailures: 2, windowMs: 60_000, maxEntries: 50 });
    for (let i = 0; i < 5000; i++) t.fail(`user-${i}`, i);
    expect(t.size).toBe(50);
    expect(t.lockedFor('user-4999', 5000)).toBe(0); // one failure: remembered, not locked
    t.fail('user-4999', 5001);
    expect(t.lockedFor('user-4999', 5002)).toBeGreaterThan(0);
    t.fail('user-0', 5003); // long evicted: starts again from one failure
    expect(t.lockedFor('user-0', 5004)).toBe(0);
  });

  it('drops expired keys as new failures arrive, and clear() forgets a key', () => {
    const t = new LockoutTable({ maxFailures: 2, windowMs: 1000, maxEntries: 100 });
    for (let i = 0; i < 10; i++) t.fail(`old-${i}`, 0);
    t.fail('new', 5000);
    expect(t.size).toBe(1);
    t.clear('new');
    expect(t.size).toBe(0);
  });
});

describe('ConcurrencyGate', () => {
  it('runs at most `concurrency` tasks, queues `queue` more and refuses the rest', async () => {
    const gate = new ConcurrencyGate(2, 1);
    const release: (() => void)[] = [];
    const task = () => new Promise<string>((resolve) => release.push(() => resolve('done')));
    const a = gate.run(task);
    const b = gate.run(task);
    const c = gate.run(task);
    await expect(gate.run(task)).rejects.toBeInstanceOf(GateBusyError);
    expect([gate.active, gate.queued]).toEqual([2, 1]);
    release.shift()!();
    await a;
    await new Promise((r) => setImmediate(r));
    expect([gate.active, gate.queued]).toEqual([2, 0]); // the queued task took the freed slot
    release.splice(0).forEach((r) => r());
    await Promise.all([b, c]);
    expect(gate.active).toBe(0);
  });

  it('frees the slot when a task throws', async () => {
    const gate = new ConcurrencyGate(1, 0);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(() => Promise.resolve(7))).resolves.toBe(7);
  });

  it('refuses nonsense sizes', () => {
    expect(() => new ConcurrencyGate(0, 1)).toThrow(/concurrency/);
    expect(() => new ConcurrencyGate(1, -1)).toThrow(/queue/);
  });
});
