import { describe, expect, it } from 'vitest';
import { ProofBudget } from './proof-budget';

describe('ProofBudget', () => {
  it('grants up to the minute budget, then says when the window turns', () => {
    const b = new ProofBudget({ perMinute: 10, perDay: 100 });
    expect(b.take('a', 6, 1000)).toEqual({ granted: 6, retryAfterMs: 0, exhausted: null });
    expect(b.take('a', 6, 21_000)).toEqual({ granted: 4, retryAfterMs: 40_000, exhausted: 'minute' });
    expect(b.take('a', 1, 30_000)).toMatchObject({ granted: 0, exhausted: 'minute' });
    // Each device has its own windows.
    expect(b.take('b', 10, 30_000)).toMatchObject({ granted: 10, exhausted: null });
    expect(b.take('a', 10, 61_000)).toMatchObject({ granted: 10, exhausted: null });
  });

  it('holds the day budget across minutes, and gives back replays', () => {
    const b = new ProofBudget({ perMinute: 10, perDay: 25, dayMs: 1_000_000 });
    expect(b.take('a', 10, 0).granted).toBe(10);
    expect(b.take('a', 10, 60_000).granted).toBe(10);
    expect(b.take('a', 10, 120_000)).toEqual({ granted: 5, retryAfterMs: 880_000, exhausted: 'day' });
    b.refund('a', 3);
    expect(b.take('a', 10, 180_000).granted).toBe(3);
    expect(b.take('a', 10, 1_000_000).granted).toBe(10);
  });

  it('refuses a budget that is not a positive whole number', () => {
    expect(() => new ProofBudget({ perMinute: 0, perDay: 10 })).toThrow(/perMinute/);
    expect(() => new ProofBudget({ perMinute: 5, perDay: 1.5 })).toThrow(/perDay/);
  });
});
