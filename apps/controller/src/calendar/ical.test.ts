import { describe, expect, it } from 'vitest';
import type { BundleSchedule, HolidayList } from '@bangtin/shared';
import { buildCalendar, escapeText, foldLine, formatLocal, formatUtc, HO_CHI_MINH } from './ical';
import { scheduleEvents } from './events';

const names = { playlist: () => 'Khẩu hiệu BHXH', campaign: (id: string | null) => (id ? 'Chiến dịch Tết' : null) };
const octets = (s: string) => new TextEncoder().encode(s).length;

describe('iCalendar writer', () => {
  it('escapes TEXT values', () => {
    expect(escapeText('a\\b;c,d\ne')).toBe('a\\\\b\\;c\\,d\\ne');
  });

  it('folds at 75 octets without splitting a Vietnamese letter', () => {
    const line = `SUMMARY:${'Bảo hiểm xã hội là trụ cột chính của hệ thống an sinh xã hội. '.repeat(3)}`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) expect(octets(p)).toBeLessThanOrEqual(75);
    parts.slice(1).forEach((p) => expect(p.startsWith(' ')).toBe(true));
    // Unfolding gives the original back, with no replacement characters.
    expect(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(line);
    expect(foldLine('SHORT:x')).toBe('SHORT:x');
  });

  it('formats instants and local times', () => {
    expect(formatUtc(Date.UTC(2027, 1, 6, 1, 2, 3))).toBe('20270206T010203Z');
    expect(formatLocal('2027-02-06', 7 * 60 + 30)).toBe('20270206T073000');
    expect(formatLocal('2027-02-06', 1440)).toBe('20270207T000000');
  });

  it('writes a calendar with CRLF lines, a VTIMEZONE and required event properties', () => {
    const ics = buildCalendar({
      name: 'Lịch, phát',
      stamp: Date.UTC(2027, 0, 1),
      timeZones: [HO_CHI_MINH],
      events: [
        {
          uid: 'x@bangtin',
          summary: 'Tết; Nguyên đán',
          start: { local: '20270206T070000', tzid: 'Asia/Ho_Chi_Minh' },
          end: { local: '20270206T113000', tzid: 'Asia/Ho_Chi_Minh' },
          rrule: 'FREQ=WEEKLY;BYDAY=MO',
          exdates: ['20270208T070000'],
        },
      ],
    });
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = ics.split('\r\n');
    for (const l of ['VERSION:2.0', 'BEGIN:VTIMEZONE', 'TZID:Asia/Ho_Chi_Minh', 'TZOFFSETTO:+0700', 'UID:x@bangtin']) {
      expect(lines).toContain(l);
    }
    expect(lines).toContain('DTSTAMP:20270101T000000Z');
    expect(lines).toContain('DTSTART;TZID=Asia/Ho_Chi_Minh:20270206T070000');
    expect(lines).toContain('EXDATE;TZID=Asia/Ho_Chi_Minh:20270208T070000');
    expect(lines).toContain('SUMMARY:Tết\\; Nguyên đán');
    expect(lines).toContain('X-WR-CALNAME:Lịch\\, phát');
  });
});

describe('schedule → calendar events', () => {
  const base: BundleSchedule = {
    id: '01930000-0000-7000-8000-0000000000a1',
    playlistId: '01930000-0000-7000-8000-0000000000b1',
    startsAt: Date.UTC(2027, 1, 1, -7), // 2027-02-01 00:00 in Vietnam (a Monday)
    endsAt: Date.UTC(2027, 2, 1, -7),
    priority: 50,
    createdAt: 0,
    campaignId: '01930000-0000-7000-8000-0000000000c1',
  };
  const tet: HolidayList = {
    id: '01930000-0000-7000-8000-0000000000d1',
    name: 'Nghỉ lễ 2027',
    dates: ['2027-02-08', '2027-02-07'],
  };

  it('a weekly daypart becomes one RRULE event per daypart, with holidays as EXDATEs on matching days', () => {
    const s: BundleSchedule = {
      ...base,
      recurrence: {
        kind: 'weekly',
        days: [3, 1],
        dayparts: [
          { start: '07:00', end: '11:30' },
          { start: '22:00', end: '06:00' },
        ],
      },
      holidayListIds: [tet.id],
      exceptions: ['2027-02-10'],
    };
    const events = scheduleEvents(s, [tet], names, base.startsAt!, base.endsAt!);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      summary: 'Chiến dịch Tết: Khẩu hiệu BHXH',
      start: { local: '20270201T070000', tzid: 'Asia/Ho_Chi_Minh' },
      end: { local: '20270201T113000', tzid: 'Asia/Ho_Chi_Minh' },
      rrule: 'FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270228T165959Z',
    });
    // 2027-02-07 is a Sunday: not a day of the rule, so no EXDATE for it.
    expect(events[0]!.exdates).toEqual(['20270208T070000', '20270210T070000']);
    // Overnight: ends the next morning.
    expect(events[1]).toMatchObject({ end: { local: '20270202T060000', tzid: 'Asia/Ho_Chi_Minh' } });
  });

  it('a cron rule is expanded into UTC events by the engine, exceptions left out', () => {
    const s: BundleSchedule = {
      ...base,
      endsAt: Date.UTC(2027, 1, 8, -7),
      recurrence: { kind: 'cron', expression: '0 12 * * *', durationMs: 30 * 60_000 },
      exceptions: ['2027-02-03'],
    };
    const events = scheduleEvents(s, [], names, base.startsAt!, s.endsAt!);
    expect(events.map((e) => ('utc' in e.start ? new Date(e.start.utc).toISOString() : ''))).toEqual([
      '2027-02-01T05:00:00.000Z',
      '2027-02-02T05:00:00.000Z',
      '2027-02-04T05:00:00.000Z',
      '2027-02-05T05:00:00.000Z',
      '2027-02-06T05:00:00.000Z',
      '2027-02-07T05:00:00.000Z',
    ]);
    expect(events[0]!.end).toEqual({ utc: Date.UTC(2027, 1, 1, 5, 30) });
  });
});
