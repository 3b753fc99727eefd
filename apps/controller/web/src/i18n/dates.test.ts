import { describe, expect, it } from 'vitest';
import { formatDmy, formatDmyHm, parseDmy, parseDmyHm, parseHm } from './dates';

describe('dates as staff type them', () => {
  it('reads dd/mm/yyyy: 03/12/2026 is 3 December, not 12 March', () => {
    expect(parseDmy('03/12/2026')).toBe('2026-12-03');
    expect(parseDmy('3/12/2026')).toBe('2026-12-03');
    expect(parseDmy(' 31.1.2027 ')).toBe('2027-01-31');
    expect(parseDmy('29/02/2028')).toBe('2028-02-29');
  });
  it('refuses what is not a day', () => {
    for (const bad of [
      '',
      '12/2026',
      '31/04/2026',
      '29/02/2027',
      '00/01/2026',
      '2026-12-03',
      '03/13/2026',
      'ab/cd/efgh',
    ])
      expect(parseDmy(bad), bad).toBeNull();
  });
  it('writes dd/mm/yyyy and round-trips', () => {
    expect(formatDmy('2026-12-02')).toBe('02/12/2026');
    expect(parseDmy(formatDmy('2026-01-05'))).toBe('2026-01-05');
  });
  it('reads 24-hour times', () => {
    expect(parseHm('7:05')).toBe('07:05');
    expect(parseHm('17h30')).toBe('17:30');
    expect(parseHm('23:59')).toBe('23:59');
    for (const bad of ['24:00', '7:60', '7', '5:30 PM', '']) expect(parseHm(bad), bad).toBeNull();
  });
  it('reads and writes date and time together', () => {
    expect(parseDmyHm('03/12/2026 07:30')).toBe('2026-12-03T07:30');
    expect(parseDmyHm('03/12/2026')).toBeNull();
    expect(formatDmyHm('2026-12-03T17:05')).toBe('03/12/2026 17:05');
  });
});
