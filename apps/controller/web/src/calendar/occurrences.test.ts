import { describe, expect, it } from 'vitest';
import { formatLocalDay, parseLocalDate } from '@bangtin/shared';
import {
  campaignMinutesByDay,
  clock,
  daysWindow,
  findConflicts,
  mergeBlocks,
  mondayOf,
  monthGrid,
  segmentAt,
  splitByDay,
  type Segment,
} from './occurrences';

const day = (d: string) => parseLocalDate(d)!;
const at = (iso: string) => Date.parse(iso);
const seg = (start: string, end: string, extra: Partial<Segment> = {}): Segment => ({
  start: at(start),
  end: at(end),
  scheduleId: 's1',
  playlistId: 'p1',
  campaignId: null,
  reason: 'priority',
  ...extra,
});

describe('calendar grid', () => {
  it('starts weeks on Monday', () => {
    // 2026-12-03 is a Thursday; 2026-11-30 the Monday before it; a Monday is its own week start.
    expect(formatLocalDay(mondayOf(day('2026-12-03')))).toBe('2026-11-30');
    expect(formatLocalDay(mondayOf(day('2026-11-30')))).toBe('2026-11-30');
    expect(formatLocalDay(mondayOf(day('2026-12-06')))).toBe('2026-11-30');
  });

  it('covers a month with whole weeks', () => {
    const g = monthGrid(day('2027-02-10')); // Tết month: 1 Feb 2027 is a Monday, 28 Feb a Sunday
    expect(g.length).toBe(28);
    expect(formatLocalDay(g[0]!)).toBe('2027-02-01');
    expect(formatLocalDay(g.at(-1)!)).toBe('2027-02-28');
    const dec = monthGrid(day('2026-12-15'));
    expect(formatLocalDay(dec[0]!)).toBe('2026-11-30');
    expect(formatLocalDay(dec.at(-1)!)).toBe('2027-01-03');
    expect(dec.length % 7).toBe(0);
  });

  it('windows local days in Vietnam time (UTC+7)', () => {
    const w = daysWindow(day('2026-12-01'), day('2026-12-07'));
    expect(new Date(w.from).toISOString()).toBe('2026-11-30T17:00:00.000Z');
    expect(new Date(w.to).toISOString()).toBe('2026-12-07T17:00:00.000Z');
  });
});

describe('splitByDay', () => {
  it('cuts a segment at local midnight and places it by local minutes', () => {
    // 22:00 on 1 Dec to 02:30 on 2 Dec, Vietnam time.
    const pieces = splitByDay([seg('2026-12-01T15:00:00Z', '2026-12-01T19:30:00Z')]);
    expect(pieces.map((p) => [formatLocalDay(p.day), clock(p.fromMin), clock(p.toMin)])).toEqual([
      ['2026-12-01', '22:00', '24:00'],
      ['2026-12-02', '00:00', '02:30'],
    ]);
  });
});

describe('findConflicts', () => {
  it('merges touching shared stretches and lists the schedules that share them', () => {
    const segs = [
      seg('2026-12-01T00:00:00Z', '2026-12-01T01:00:00Z', { scheduleId: 'a' }),
      seg('2026-12-01T01:00:00Z', '2026-12-01T01:05:00Z', { scheduleId: 'a', reason: 'share' }),
      seg('2026-12-01T01:05:00Z', '2026-12-01T01:10:00Z', { scheduleId: 'b', reason: 'share' }),
      seg('2026-12-01T01:10:00Z', '2026-12-01T01:15:00Z', { scheduleId: 'a', reason: 'share' }),
      seg('2026-12-01T03:00:00Z', '2026-12-01T03:05:00Z', { scheduleId: 'c', reason: 'share' }),
    ];
    expect(findConflicts(segs)).toEqual([
      { start: at('2026-12-01T01:00:00Z'), end: at('2026-12-01T01:15:00Z'), scheduleIds: ['a', 'b'] },
      { start: at('2026-12-01T03:00:00Z'), end: at('2026-12-01T03:05:00Z'), scheduleIds: ['c'] },
    ]);
  });

  it('finds none when one schedule wins on priority', () => {
    expect(findConflicts([seg('2026-12-01T00:00:00Z', '2026-12-01T05:00:00Z')])).toEqual([]);
  });
});

describe('campaignMinutesByDay and segmentAt', () => {
  const segs = [
    seg('2026-12-01T01:00:00Z', '2026-12-01T03:00:00Z', { campaignId: 'tet' }),
    seg('2026-12-01T03:00:00Z', '2026-12-01T03:30:00Z', { campaignId: 'tet', reason: 'fallback' }),
    seg('2026-12-01T04:00:00Z', '2026-12-01T04:45:00Z', { scheduleId: 's2' }),
  ];

  it('sums minutes per campaign per day, fallback apart', () => {
    const m = campaignMinutesByDay(splitByDay(segs)).get(day('2026-12-01'))!;
    expect(m.get('tet')).toBe(120);
    expect(m.get(null)).toBe(75);
  });

  it('answers what plays at an instant, with half-open windows', () => {
    expect(segmentAt(segs, at('2026-12-01T03:00:00Z'))?.reason).toBe('fallback');
    expect(segmentAt(segs, at('2026-12-01T04:44:59Z'))?.scheduleId).toBe('s2');
    expect(segmentAt(segs, at('2026-12-01T04:45:00Z'))).toBeNull();
  });
});

describe('mergeBlocks', () => {
  it("joins one schedule's touching segments and a whole stretch of shared airtime", () => {
    const blocks = mergeBlocks([
      seg('2026-12-01T00:00:00Z', '2026-12-01T01:00:00Z', { scheduleId: 'a', campaignId: 'tet' }),
      seg('2026-12-01T01:00:00Z', '2026-12-01T02:00:00Z', { scheduleId: 'a', campaignId: 'tet' }),
      seg('2026-12-01T02:00:00Z', '2026-12-01T02:00:05Z', { scheduleId: 'a', campaignId: 'tet', reason: 'share' }),
      seg('2026-12-01T02:00:05Z', '2026-12-01T02:00:10Z', { scheduleId: 'b', campaignId: 'atgt', reason: 'share' }),
      seg('2026-12-01T02:00:10Z', '2026-12-01T02:00:15Z', { scheduleId: 'a', campaignId: 'tet', reason: 'share' }),
      seg('2026-12-01T02:00:15Z', '2026-12-01T03:00:00Z', { scheduleId: 'b', campaignId: 'atgt' }),
    ]);
    expect(blocks.map((b) => [b.reason, b.scheduleIds, b.campaignIds, (b.end - b.start) / 1000])).toEqual([
      ['priority', ['a'], ['tet'], 7200],
      ['share', ['a', 'b'], ['tet', 'atgt'], 15],
      ['priority', ['b'], ['atgt'], 3585],
    ]);
  });

  it('keeps a gap between segments as a gap', () => {
    const blocks = mergeBlocks([
      seg('2026-12-01T00:00:00Z', '2026-12-01T01:00:00Z'),
      seg('2026-12-01T02:00:00Z', '2026-12-01T03:00:00Z'),
    ]);
    expect(blocks).toHaveLength(2);
  });
});
