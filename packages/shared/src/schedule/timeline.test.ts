import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import type { Bundle } from '../domain';
import { BundleScheduleSchema, BundleSchema, InterruptSchema } from '../schemas';
import { compileCron, cronMatchesDay } from './cron';
import { describeRecurrence } from './describe';
import { BUNDLE_HORIZON_MS, bundleHorizon } from './horizon';
import { itemAt } from './playback';
import { resolveTimeline } from './timeline';
import { localToUtc, offsetAt, parseLocalDate, utcToLocal } from './zone';

// Every instant here is written in UTC (`…Z`); Vietnam is UTC+7, so 07:00 local = 00:00Z.
const Z = (iso: string) => Date.parse(iso);
const id = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const MIN = 60_000;

const SCHED_A = id(21);
const SCHED_B = id(22);
const SCHED_FALLBACK = id(23);
const INTERRUPT = id(31);
const CAMPAIGN = id(41);

function bundle(schedules: unknown[], extra: Record<string, unknown> = {}): Bundle {
  return BundleSchema.parse({
    protocol: 1,
    version: 1,
    hash: '0'.repeat(64),
    generatedAt: Z('2026-01-01T00:00:00Z'),
    content: [1, 2, 3].map((n) => ({ id: id(n), type: 'slogan', text: `Khẩu hiệu số ${n}`, title: null })),
    playlists: [
      { id: id(11), name: 'Chiến dịch', items: [{ contentId: id(1), durationMs: 10_000 }] },
      {
        id: id(12),
        name: 'Thường xuyên',
        items: [
          { contentId: id(2), durationMs: 10_000 },
          { contentId: id(3), durationMs: 5_000 },
        ],
      },
      { id: id(13), name: 'Mặc định', items: [{ contentId: id(3), durationMs: 30_000 }] },
    ],
    schedules,
    ...extra,
  });
}

const weekdays = {
  kind: 'weekly',
  days: [1, 2, 3, 4, 5],
  dayparts: [
    { start: '07:00', end: '11:30' },
    { start: '13:30', end: '17:00' },
  ],
};
const base = { startsAt: null, endsAt: null, createdAt: Z('2025-12-01T00:00:00Z') };
const fallback = { ...base, id: SCHED_FALLBACK, playlistId: id(13), priority: 0, fallback: true };

describe('weekday dayparts in Vietnam time', () => {
  const b = bundle([{ ...base, id: SCHED_A, playlistId: id(11), priority: 10, recurrence: weekdays }, fallback]);

  it('plays 07:00–11:30 and 13:30–17:00 local on a Monday, the fallback elsewhere', () => {
    // Monday 2026-01-05, local midnight to midnight.
    const segs = resolveTimeline(b, Z('2026-01-04T17:00:00Z'), Z('2026-01-05T17:00:00Z'));
    expect(segs.map((s) => [new Date(s.start).toISOString(), new Date(s.end).toISOString(), s.reason])).toEqual([
      ['2026-01-04T17:00:00.000Z', '2026-01-05T00:00:00.000Z', 'fallback'],
      ['2026-01-05T00:00:00.000Z', '2026-01-05T04:30:00.000Z', 'priority'],
      ['2026-01-05T04:30:00.000Z', '2026-01-05T06:30:00.000Z', 'fallback'],
      ['2026-01-05T06:30:00.000Z', '2026-01-05T10:00:00.000Z', 'priority'],
      ['2026-01-05T10:00:00.000Z', '2026-01-05T17:00:00.000Z', 'fallback'],
    ]);
    expect(segs[1]!.scheduleId).toBe(SCHED_A);
  });

  it('does not run on Saturday and Sunday', () => {
    const segs = resolveTimeline(b, Z('2026-01-02T17:00:00Z'), Z('2026-01-04T17:00:00Z'));
    expect(segs).toHaveLength(1);
    expect(segs[0]!.scheduleId).toBe(SCHED_FALLBACK);
  });

  it('switches at the exact millisecond of a daypart boundary', () => {
    expect(itemAt(b, Z('2026-01-04T23:59:59.999Z'))!.schedule.id).toBe(SCHED_FALLBACK);
    const start = itemAt(b, Z('2026-01-05T00:00:00.000Z'))!;
    expect(start.schedule.id).toBe(SCHED_A);
    expect(start.offsetMs).toBe(0);
    expect(itemAt(b, Z('2026-01-05T04:29:59.999Z'))!.schedule.id).toBe(SCHED_A);
    expect(itemAt(b, Z('2026-01-05T04:30:00.000Z'))!.schedule.id).toBe(SCHED_FALLBACK);
    // The fallback's 30 s item in flight at 06:29:50 is cut when the afternoon daypart starts.
    expect(itemAt(b, Z('2026-01-05T06:29:50Z'))!.slotEnd).toBe(Z('2026-01-05T06:30:00Z'));
  });

  it('restarts the playlist at each daypart start', () => {
    const p = itemAt(b, Z('2026-01-05T06:30:04Z'))!;
    expect(p.slotStart).toBe(Z('2026-01-05T06:30:00Z'));
    expect(p.offsetMs).toBe(4000);
  });
});

describe('exceptions', () => {
  // Tết Bính Ngọ: 2026-02-17 (Tuesday).
  const b = bundle(
    [
      { ...base, id: SCHED_A, playlistId: id(11), priority: 10, recurrence: weekdays, exceptions: ['2026-02-17'] },
      { ...base, id: SCHED_B, playlistId: id(12), priority: 5, recurrence: weekdays, holidayListIds: [id(51)] },
    ],
    { holidayLists: [{ id: id(51), name: 'Nghỉ Tết 2026', dates: ['2026-02-16', '2026-02-17', '2026-02-18'] }] },
  );

  it('skips a Tết exception date and plays the day before', () => {
    const tet = resolveTimeline(b, Z('2026-02-16T17:00:00Z'), Z('2026-02-17T17:00:00Z'));
    expect(tet).toEqual([]);
    const monday = resolveTimeline(b, Z('2026-02-15T17:00:00Z'), Z('2026-02-16T17:00:00Z'));
    expect(monday.map((s) => s.scheduleId)).toEqual([SCHED_A, SCHED_A]);
  });

  it('reads dates from a named holiday list', () => {
    const thu = resolveTimeline(b, Z('2026-02-18T17:00:00Z'), Z('2026-02-19T17:00:00Z'));
    expect(new Set(thu.map((s) => s.scheduleId))).toEqual(new Set([SCHED_A]));
    const wed = resolveTimeline(b, Z('2026-02-17T17:00:00Z'), Z('2026-02-18T17:00:00Z'));
    // Wednesday 18th: A runs, B (holiday list) does not; A has the higher priority anyway.
    expect(wed.every((s) => s.scheduleId === SCHED_A)).toBe(true);
    expect(itemAt(b, Z('2026-02-19T02:00:00Z'))!.schedule.id).toBe(SCHED_A);
  });
});

describe('priority, sharing, interrupts', () => {
  it('a higher priority wins while active, then the lower one resumes', () => {
    const b = bundle([
      {
        ...base,
        id: SCHED_A,
        playlistId: id(11),
        priority: 10,
        startsAt: Z('2026-03-02T01:00:00Z'),
        endsAt: Z('2026-03-02T02:00:00Z'),
        campaignId: CAMPAIGN,
      },
      { ...base, id: SCHED_B, playlistId: id(12), priority: 1 },
    ]);
    const segs = resolveTimeline(b, Z('2026-03-02T00:00:00Z'), Z('2026-03-02T03:00:00Z'));
    expect(segs.map((s) => [s.scheduleId, s.campaignId, s.end - s.start])).toEqual([
      [SCHED_B, null, 60 * MIN],
      [SCHED_A, CAMPAIGN, 60 * MIN],
      [SCHED_B, null, 60 * MIN],
    ]);
  });

  it('equal priorities with weights 2 and 1 interleave A B A A B A, never in blocks', () => {
    const b = bundle([
      { ...base, id: SCHED_A, playlistId: id(11), priority: 5, weight: 2, createdAt: Z('2025-12-02T00:00:00Z') },
      { ...base, id: SCHED_B, playlistId: id(13), priority: 5, weight: 1 },
    ]);
    // 07:00 local is not a local midnight, so the walk starts mid-epoch and must still agree.
    const picks: string[] = [];
    let t = Z('2026-03-01T17:00:00Z');
    for (let k = 0; k < 9; k++) {
      const p = itemAt(b, t)!;
      expect(p.reason).toBe('share');
      picks.push(p.schedule.id === SCHED_A ? 'A' : 'B');
      t = p.slotEnd;
    }
    expect(picks.join('')).toBe('ABAABAABA');
    const segs = resolveTimeline(b, Z('2026-03-01T17:00:00Z'), t);
    expect(segs.map((s) => (s.scheduleId === SCHED_A ? 'A' : 'B')).join('')).toBe('ABABABA');
    expect(segs.map((s) => s.end - s.start)).toEqual([10_000, 30_000, 20_000, 30_000, 20_000, 30_000, 10_000]);
  });

  it('an urgent message preempts everything from its start and yields at its end', () => {
    const b = bundle([{ ...base, id: SCHED_A, playlistId: id(11), priority: 1000 }, fallback], {
      interrupts: [
        InterruptSchema.parse({
          id: INTERRUPT,
          text: 'Thông báo khẩn: tạm ngừng tiếp dân chiều nay',
          startsAt: Z('2026-03-02T02:00:00Z'),
          endsAt: Z('2026-03-02T02:05:00Z'),
        }),
      ],
    });
    const segs = resolveTimeline(b, Z('2026-03-02T01:00:00Z'), Z('2026-03-02T03:00:00Z'));
    expect(segs.map((s) => [s.reason, s.scheduleId, new Date(s.start).toISOString()])).toEqual([
      ['priority', SCHED_A, '2026-03-02T01:00:00.000Z'],
      ['interrupt', INTERRUPT, '2026-03-02T02:00:00.000Z'],
      ['priority', SCHED_A, '2026-03-02T02:05:00.000Z'],
    ]);
    const p = itemAt(b, Z('2026-03-02T02:00:00Z'))!;
    expect(p.reason).toBe('interrupt');
    expect(p.content).toMatchObject({ type: 'slogan', text: 'Thông báo khẩn: tạm ngừng tiếp dân chiều nay' });
    expect(p.slotEnd).toBe(Z('2026-03-02T02:00:10Z'));
    expect(itemAt(b, Z('2026-03-02T01:59:55Z'))!.slotEnd).toBe(Z('2026-03-02T02:00:00Z'));
  });

  it('an overnight daypart 22:00–06:00 runs into the next morning and belongs to its start day', () => {
    const b = bundle([
      {
        ...base,
        id: SCHED_A,
        playlistId: id(11),
        priority: 1,
        recurrence: { kind: 'weekly', days: [5], dayparts: [{ start: '22:00', end: '06:00' }] },
      },
    ]);
    // Friday 2026-03-06 22:00 local = 15:00Z; Saturday 06:00 local = Friday 23:00Z.
    const segs = resolveTimeline(b, Z('2026-03-02T00:00:00Z'), Z('2026-03-09T00:00:00Z'));
    expect(segs.map((s) => [new Date(s.start).toISOString(), new Date(s.end).toISOString()])).toEqual([
      ['2026-03-06T15:00:00.000Z', '2026-03-06T23:00:00.000Z'],
    ]);
  });

  it('a cron schedule opens a window of durationMs at each firing, in the schedule zone', () => {
    const b = bundle([
      {
        ...base,
        id: SCHED_A,
        playlistId: id(11),
        priority: 1,
        recurrence: { kind: 'cron', expression: '0 12 * * 1-5', durationMs: 30 * MIN },
      },
    ]);
    const segs = resolveTimeline(b, Z('2026-03-06T00:00:00Z'), Z('2026-03-10T00:00:00Z'));
    expect(segs.map((s) => new Date(s.start).toISOString())).toEqual([
      '2026-03-06T05:00:00.000Z',
      '2026-03-09T05:00:00.000Z',
    ]);
    expect(segs.every((s) => s.end - s.start === 30 * MIN)).toBe(true);
  });
});

describe('cron expansion agrees with cron-parser', () => {
  const cases: [string, string][] = [
    ['*/15 7-17 * * 1-5', 'Asia/Ho_Chi_Minh'],
    ['0 8 L * *', 'Asia/Ho_Chi_Minh'],
    ['30 9 1,15 * 1', 'Asia/Ho_Chi_Minh'],
    ['0 10 * * 1#2', 'Asia/Ho_Chi_Minh'],
    ['0 10 * * 5L', 'Europe/Berlin'],
    ['0 3 * * *', 'America/New_York'],
  ];
  it.each(cases)('%s in %s over three months', (expr, tz) => {
    const from = Z('2026-01-01T00:00:00Z');
    const to = Z('2026-04-01T00:00:00Z');
    const expected: number[] = [];
    const it = CronExpressionParser.parse(expr, { tz, currentDate: new Date(from - 1), endDate: new Date(to) });
    // cron-parser's endDate is inclusive; our windows are half-open.
    while (it.hasNext()) expected.push(it.next().getTime());
    while (expected.length && expected[expected.length - 1]! >= to) expected.pop();
    const b = bundle([
      {
        ...base,
        id: SCHED_A,
        playlistId: id(11),
        priority: 1,
        timeZone: tz,
        recurrence: { kind: 'cron', expression: expr, durationMs: 1000 },
      },
    ]);
    const starts = resolveTimeline(b, from, to).map((s) => s.start);
    expect(starts).toEqual(expected);
  });

  it('matches weekday and month-day rules like Vixie cron', () => {
    const c = compileCron('0 9 13 * 5');
    // 2026-02-13 is a Friday the 13th; 2026-02-06 a Friday; 2026-03-13 also a Friday.
    expect(cronMatchesDay(c, parseLocalDate('2026-02-13')!)).toBe(true);
    expect(cronMatchesDay(c, parseLocalDate('2026-02-06')!)).toBe(true);
    expect(cronMatchesDay(c, parseLocalDate('2026-02-12')!)).toBe(false);
  });
});

describe('time zones without the host zone', () => {
  it('Asia/Ho_Chi_Minh is UTC+7 all year', () => {
    for (const iso of ['2026-01-15T00:00:00Z', '2026-07-15T00:00:00Z'])
      expect(offsetAt('Asia/Ho_Chi_Minh', Z(iso))).toBe(7 * 3600_000);
    expect(localToUtc('Asia/Ho_Chi_Minh', Z('2026-01-05T07:00:00Z'))).toBe(Z('2026-01-05T00:00:00Z'));
  });

  it('Europe/Berlin: a time in the spring gap moves forward, a repeated autumn time takes its first occurrence', () => {
    // 2026-03-29 02:30 does not exist in Berlin (clocks jump 02:00 → 03:00).
    expect(localToUtc('Europe/Berlin', Z('2026-03-29T02:30:00Z'))).toBe(Z('2026-03-29T01:30:00Z'));
    // 2026-10-25 02:30 happens twice; the first is still summer time (UTC+2).
    expect(localToUtc('Europe/Berlin', Z('2026-10-25T02:30:00Z'))).toBe(Z('2026-10-25T00:30:00Z'));
    expect(utcToLocal('Europe/Berlin', Z('2026-07-01T10:00:00Z'))).toBe(Z('2026-07-01T12:00:00Z'));
  });

  it('dayparts in a DST zone keep their wall-clock times across the change', () => {
    const b = bundle([
      {
        ...base,
        id: SCHED_A,
        playlistId: id(11),
        priority: 1,
        timeZone: 'Europe/Berlin',
        recurrence: { kind: 'weekly', days: [6, 7], dayparts: [{ start: '09:00', end: '10:00' }] },
      },
    ]);
    const segs = resolveTimeline(b, Z('2026-03-27T00:00:00Z'), Z('2026-03-30T00:00:00Z'));
    expect(segs.map((s) => new Date(s.start).toISOString())).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
    ]);
  });
});

describe('schema validation names the field', () => {
  const ok = { id: SCHED_A, playlistId: id(11), startsAt: null, endsAt: null, priority: 1, createdAt: 0 };
  const fieldOf = (input: unknown) => {
    const r = BundleScheduleSchema.safeParse(input);
    expect(r.success).toBe(false);
    return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join(' | ');
  };

  it('accepts a foundation schedule unchanged (no keys added, so the bundle hash still holds)', () => {
    expect(BundleScheduleSchema.parse(ok)).toEqual(ok);
  });
  it('rejects an invalid cron expression', () => {
    expect(fieldOf({ ...ok, recurrence: { kind: 'cron', expression: '61 * * * *', durationMs: 60_000 } })).toMatch(
      /^recurrence\.expression: invalid cron/,
    );
    expect(fieldOf({ ...ok, recurrence: { kind: 'cron', expression: 'H * * * *', durationMs: 60_000 } })).toMatch(
      /^recurrence\.expression: .*random/,
    );
    expect(fieldOf({ ...ok, recurrence: { kind: 'cron', expression: '* * * * * *', durationMs: 60_000 } })).toMatch(
      /more than once a minute/,
    );
  });
  it('rejects an empty daypart, a malformed time and overlapping dayparts', () => {
    const weekly = (dayparts: unknown[]) => ({ ...ok, recurrence: { kind: 'weekly', days: [1], dayparts } });
    expect(fieldOf(weekly([{ start: '07:00', end: '07:00' }]))).toMatch(/^recurrence\.dayparts\.0\.end: must differ/);
    expect(fieldOf(weekly([{ start: '7:00', end: '11:30' }]))).toMatch(
      /^recurrence\.dayparts\.0\.start: must be a time HH:MM/,
    );
    expect(fieldOf(weekly([{ start: '24:00', end: '06:00' }]))).toMatch(
      /^recurrence\.dayparts\.0\.start: must be before 24:00/,
    );
    expect(
      fieldOf(
        weekly([
          { start: '07:00', end: '12:00' },
          { start: '11:00', end: '13:00' },
        ]),
      ),
    ).toMatch(/^recurrence\.dayparts\.1: overlaps daypart 07:00–12:00/);
    expect(BundleScheduleSchema.safeParse(weekly([{ start: '22:00', end: '06:00' }])).success).toBe(true);
  });
  it('rejects duplicate days, end before start, weights ≤ 0, unknown zones and bad dates', () => {
    expect(
      fieldOf({ ...ok, recurrence: { kind: 'weekly', days: [1, 3, 1], dayparts: [{ start: '07:00', end: '08:00' }] } }),
    ).toMatch(/^recurrence\.days\.2: duplicate day 1/);
    expect(fieldOf({ ...ok, startsAt: 2000, endsAt: 1000 })).toMatch(/^endsAt: must be after startsAt/);
    expect(fieldOf({ ...ok, weight: 0 })).toMatch(/^weight: must be a positive integer/);
    expect(fieldOf({ ...ok, timeZone: 'Asia/Hanoi_City' })).toMatch(/^timeZone: is not a known IANA time zone/);
    expect(fieldOf({ ...ok, exceptions: ['2026-02-30'] })).toMatch(/^exceptions\.0: is not a real calendar date/);
    expect(fieldOf({ ...ok, recurrence: { kind: 'once' }, startsAt: 1000 })).toMatch(/^endsAt: a one-off schedule/);
  });
  it('an urgent message needs content or text', () => {
    const r = InterruptSchema.safeParse({ id: INTERRUPT, startsAt: 0 });
    expect(r.error?.issues[0]?.path).toEqual(['text']);
  });
});

describe('describeRecurrence', () => {
  it('says it in Vietnamese', () => {
    expect(describeRecurrence(weekdays as never)).toBe('Thứ Hai–Thứ Sáu, 07:00–11:30 và 13:30–17:00');
    expect(describeRecurrence({ kind: 'weekly', days: [6, 7], dayparts: [{ start: '22:00', end: '06:00' }] })).toBe(
      'Thứ Bảy và Chủ nhật, 22:00–06:00 (hôm sau)',
    );
    expect(
      describeRecurrence({ kind: 'weekly', days: [1, 3, 5, 6, 7], dayparts: [{ start: '08:00', end: '09:00' }] }),
    ).toBe('Thứ Hai, Thứ Tư và Thứ Sáu–Chủ nhật, 08:00–09:00');
    expect(
      describeRecurrence({ kind: 'weekly', days: [1, 2, 3, 4, 5, 6, 7], dayparts: [{ start: '00:00', end: '24:00' }] }),
    ).toBe('Hằng ngày, 00:00–24:00');
    expect(describeRecurrence({ kind: 'cron', expression: '0 7 * * 1-5', durationMs: 5_400_000 })).toBe(
      'Theo lịch cron “0 7 * * 1-5”, mỗi lần 1 giờ 30 phút',
    );
    expect(describeRecurrence(undefined).normalize('NFC')).toBe(describeRecurrence(undefined));
  });

  it('says it in English for the English admin UI, times still 24-hour', () => {
    expect(describeRecurrence(weekdays as never, 'en')).toBe('Monday–Friday, 07:00–11:30 and 13:30–17:00');
    expect(
      describeRecurrence({ kind: 'weekly', days: [6, 7], dayparts: [{ start: '22:00', end: '06:00' }] }, 'en'),
    ).toBe('Saturday and Sunday, 22:00–06:00 (next day)');
    expect(
      describeRecurrence(
        { kind: 'weekly', days: [1, 2, 3, 4, 5, 6, 7], dayparts: [{ start: '00:00', end: '24:00' }] },
        'en',
      ),
    ).toBe('Every day, 00:00–24:00');
    expect(describeRecurrence({ kind: 'cron', expression: '0 7 * * 1-5', durationMs: 5_400_000 }, 'en')).toBe(
      'By the cron rule “0 7 * * 1-5”, 1 h 30 min each time',
    );
    expect(describeRecurrence(undefined, 'en')).toBe('Always (within the validity period)');
    expect(describeRecurrence({ kind: 'once' }, 'en')).not.toMatch(/[ạ-ỹđ]/iu);
  });
});

describe('bundleHorizon', () => {
  it('is 7 days after generation unless the controller vouches for longer, and asks for a refresh after a day', () => {
    const b = bundle([]);
    expect(bundleHorizon(b, b.generatedAt).until).toBe(b.generatedAt + BUNDLE_HORIZON_MS);
    expect(bundleHorizon(b, b.generatedAt + 3600_000).refreshDue).toBe(false);
    expect(bundleHorizon(b, b.generatedAt + 25 * 3600_000).refreshDue).toBe(true);
    const longer = { ...b, horizonUntil: b.generatedAt + 30 * 86_400_000 };
    expect(bundleHorizon(longer, b.generatedAt + 10 * 86_400_000)).toMatchObject({
      remainingMs: 20 * 86_400_000,
      refreshDue: false,
    });
  });
});
