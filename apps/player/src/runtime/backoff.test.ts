import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles each attempt up to the cap', () => {
    const mid = () => 0.5;
    const opts = { baseMs: 500, maxMs: 30_000 };
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, opts, mid))).toEqual([375, 750, 1500, 3000, 22_500]);
  });

  it('stays within [step/2, step] for any attempt and random draw', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (a, r) => {
        const step = Math.min(30_000, 500 * 2 ** Math.min(a, 30));
        const d = backoffDelay(a, { baseMs: 500, maxMs: 30_000 }, () => r);
        return d >= step / 2 - 1 && d <= step + 1;
      }),
    );
  });

  it('spreads players apart: different random draws give different delays', () => {
    const delays = new Set([0.1, 0.4, 0.7, 0.95].map((r) => backoffDelay(5, undefined, () => r)));
    expect(delays.size).toBe(4);
  });

  it('rejects a negative or fractional attempt', () => {
    expect(() => backoffDelay(-1)).toThrow(RangeError);
    expect(() => backoffDelay(1.5)).toThrow(/non-negative integer/);
  });
});
