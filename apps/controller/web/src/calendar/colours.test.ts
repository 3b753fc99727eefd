import { describe, expect, it } from 'vitest';
import { scheduleColour, weekdayShort } from './colours';

describe('calendar colours and weekday names', () => {
  it('gives a schedule the same colour every time, and different schedules different colours', () => {
    const ids = Array.from({ length: 8 }, (_, i) => `0190${i}000-0000-7000-8000-0000000000${i}a`);
    expect(ids.map(scheduleColour)).toEqual(ids.map(scheduleColour));
    expect(new Set(ids.map(scheduleColour)).size).toBeGreaterThan(5);
    expect(scheduleColour('a')).toMatch(/^hsl\(\d+ 70% 30%\)$/);
  });
  it('names weekdays T2 … T7, CN', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((d) => weekdayShort('vi', d))).toEqual(['T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'CN']);
    expect(weekdayShort('en', 7)).toBe('Sun');
  });
});
