import { describe, expect, it } from 'vitest';
import { moveItem, secondsToMs, totalMs } from './order';

describe('playlist editing', () => {
  it('moves an item without touching the original', () => {
    const list = ['a', 'b', 'c', 'd'];
    expect(moveItem(list, 0, 2)).toEqual(['b', 'c', 'a', 'd']);
    expect(moveItem(list, 3, 0)).toEqual(['d', 'a', 'b', 'c']);
    expect(moveItem(list, 1, -5)).toEqual(['b', 'a', 'c', 'd']);
    expect(moveItem(list, 9, 0)).toEqual(list);
    expect(list).toEqual(['a', 'b', 'c', 'd']);
  });

  it('reads seconds with a decimal comma or point', () => {
    expect(secondsToMs('10')).toBe(10_000);
    expect(secondsToMs('2,5')).toBe(2500);
    expect(secondsToMs(' 0.25 ')).toBe(250);
    expect(secondsToMs('mười')).toBeNaN();
    expect(secondsToMs('')).toBeNaN();
    expect(totalMs([{ durationMs: 1000 }, { durationMs: 2500 }])).toBe(3500);
  });
});
