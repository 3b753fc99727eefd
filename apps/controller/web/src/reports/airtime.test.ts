import { describe, expect, it } from 'vitest';
import { airtimeByDay, dayMinutes } from './airtime';

describe('airtimeByDay', () => {
  it('sums airtime per Vietnam day and device, with quiet days as zero', () => {
    const a = airtimeByDay(
      [
        { deviceId: 'b', startedAt: '2026-01-05T01:00:00Z', endedAt: '2026-01-05T01:00:30Z' },
        { deviceId: 'a', startedAt: '2026-01-05T01:00:00Z', endedAt: '2026-01-05T01:01:00Z' },
        { deviceId: 'a', startedAt: '2026-01-05T02:00:00Z', endedAt: '2026-01-05T02:00:15Z' },
        { deviceId: 'a', startedAt: '2026-01-07T02:00:00Z', endedAt: '2026-01-07T02:02:00Z' },
      ],
      { from: '2026-01-04', to: '2026-01-07' },
    );
    expect(a.days).toEqual(['2026-01-04', '2026-01-05', '2026-01-06', '2026-01-07']);
    expect(a.deviceIds).toEqual(['a', 'b']);
    expect(a.ms['2026-01-05']).toEqual({ a: 75_000, b: 30_000 });
    expect(a.plays['2026-01-05']).toEqual({ a: 2, b: 1 });
    expect(dayMinutes(a, '2026-01-06')).toBe(0);
    expect(dayMinutes(a, '2026-01-07')).toBe(2);
    expect(a.totalPlays).toBe(4);
    expect(a.totalMs).toBe(225_000);
  });

  it('splits a play across local midnight (17:00 UTC) and drops days outside the range', () => {
    const a = airtimeByDay(
      [
        { deviceId: 'a', startedAt: '2026-01-05T16:59:50Z', endedAt: '2026-01-05T17:00:20Z' },
        { deviceId: 'a', startedAt: '2026-01-01T01:00:00Z', endedAt: '2026-01-01T01:00:10Z' },
      ],
      { from: '2026-01-05', to: '2026-01-06' },
    );
    expect(a.ms['2026-01-05']).toEqual({ a: 10_000 });
    expect(a.ms['2026-01-06']).toEqual({ a: 20_000 });
    expect(a.plays['2026-01-05']).toEqual({ a: 1 });
    expect(a.plays['2026-01-06']).toBeUndefined();
    expect(a.totalMs).toBe(30_000);
    expect(a.totalPlays).toBe(1);
  });

  it('derives the day axis from the data without a range and ignores broken rows', () => {
    const a = airtimeByDay([
      { deviceId: 'a', startedAt: '2026-01-02T00:00:00Z', endedAt: '2026-01-02T00:00:10Z' },
      { deviceId: 'a', startedAt: 'không phải ngày', endedAt: '2026-01-02T00:00:10Z' },
      { deviceId: 'a', startedAt: '2026-01-03T00:00:10Z', endedAt: '2026-01-03T00:00:00Z' },
    ]);
    expect(a.days).toEqual(['2026-01-02']);
    expect(a.totalMs).toBe(10_000);
  });
});
