import { describe, expect, it } from 'vitest';
import { parseDateList, parseDecimal, recurrenceBody, type RecurrenceDraft } from './recurrence';

const draft = (over: Partial<RecurrenceDraft>): RecurrenceDraft => ({
  kind: 'always',
  days: [5, 1, 3],
  dayparts: [
    { start: '06:30', end: '08:00' },
    { start: '17:00', end: '19:00' },
  ],
  cron: ' 0 7 * * 1-5 ',
  cronMinutes: '1,5',
  ...over,
});

describe('recurrenceBody', () => {
  it('sends nothing for "always" and a bare kind for "once"', () => {
    expect(recurrenceBody(draft({}))).toBeUndefined();
    expect(recurrenceBody(draft({ kind: 'once' }))).toEqual({ kind: 'once' });
  });

  it('sends weekdays in order with every daypart', () => {
    expect(recurrenceBody(draft({ kind: 'weekly' }))).toEqual({
      kind: 'weekly',
      days: [1, 3, 5],
      dayparts: [
        { start: '06:30', end: '08:00' },
        { start: '17:00', end: '19:00' },
      ],
    });
  });

  it('turns the cron duration typed in minutes (comma decimal) into milliseconds', () => {
    expect(recurrenceBody(draft({ kind: 'cron' }))).toEqual({
      kind: 'cron',
      expression: '0 7 * * 1-5',
      durationMs: 90_000,
    });
    const bad = recurrenceBody(draft({ kind: 'cron', cronMinutes: 'mười' }));
    expect(bad?.kind === 'cron' && Number.isNaN(bad.durationMs)).toBe(true);
  });
});

describe('parseDecimal and parseDateList', () => {
  it('reads Vietnamese decimals and refuses words', () => {
    expect(parseDecimal('2,5')).toBe(2.5);
    expect(parseDecimal(' 10 ')).toBe(10);
    expect(parseDecimal('1e3')).toBeNaN();
    expect(parseDecimal('')).toBeNaN();
  });

  it('splits Tết dates on lines, commas and spaces, deduplicated and sorted', () => {
    expect(parseDateList('2027-02-07, 2027-02-05\n2027-02-06;2027-02-05  ')).toEqual([
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
    ]);
    expect(parseDateList('  ')).toEqual([]);
  });
});
