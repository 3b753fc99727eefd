import { describe, expect, it } from 'vitest';
import { presetRange } from './ranges';

describe('presetRange', () => {
  // Thursday 3 December 2026.
  const today = '2026-12-03';
  it('covers today, yesterday and the month so far', () => {
    expect(presetRange('today', today)).toEqual({ from: today, to: today });
    expect(presetRange('yesterday', today)).toEqual({ from: '2026-12-02', to: '2026-12-02' });
    expect(presetRange('thisMonth', today)).toEqual({ from: '2026-12-01', to: today });
    // The last 7 days end today: today and the six before it, across a month boundary.
    expect(presetRange('last7', today)).toEqual({ from: '2026-11-27', to: today });
    expect(presetRange('yesterday', '2027-01-01')).toEqual({ from: '2026-12-31', to: '2026-12-31' });
  });

  it('starts weeks on Monday, including when today is Sunday or Monday', () => {
    expect(presetRange('thisWeek', today)).toEqual({ from: '2026-11-30', to: today });
    expect(presetRange('lastWeek', today)).toEqual({ from: '2026-11-23', to: '2026-11-29' });
    expect(presetRange('thisWeek', '2026-12-06')).toEqual({ from: '2026-11-30', to: '2026-12-06' });
    expect(presetRange('lastWeek', '2026-11-30')).toEqual({ from: '2026-11-23', to: '2026-11-29' });
  });

  it('keeps the dates of a custom range', () => {
    expect(presetRange('custom', today, { from: '2026-10-01', to: '2026-10-15' })).toEqual({
      from: '2026-10-01',
      to: '2026-10-15',
    });
  });
});
