import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseLocalDate } from '@bangtin/shared';
import { complement, deviceAvailability, mergeIntervals } from './availability';

const VN = 'Asia/Ho_Chi_Minh';
const H = 3_600_000;
const M = 60_000;
const day = (d: string) => parseLocalDate(d)!;
/** A Vietnam wall-clock time as the UTC instant it is stored as (UTC+7, no daylight saving). */
const vn = (d: string, hh: number, mm = 0) => Date.parse(`${d}T00:00:00Z`) + (hh - 7) * H + mm * M;

describe('interval helpers', () => {
  it('merge overlapping and touching intervals, drop empty ones', () => {
    expect(
      mergeIntervals([
        { start: 50, end: 60 },
        { start: 0, end: 10 },
        { start: 5, end: 20 },
        { start: 20, end: 30 },
        { start: 40, end: 40 },
      ]),
    ).toEqual([
      { start: 0, end: 30 },
      { start: 50, end: 60 },
    ]);
  });

  it('complement a window by online intervals that stick out of it', () => {
    expect(
      complement({ start: 10, end: 100 }, [
        { start: 0, end: 20 },
        { start: 40, end: 50 },
        { start: 90, end: 200 },
      ]),
    ).toEqual([
      { start: 20, end: 40 },
      { start: 50, end: 90 },
    ]);
    expect(complement({ start: 10, end: 100 }, [])).toEqual([{ start: 10, end: 100 }]);
  });
});

describe('deviceAvailability', () => {
  it('splits days at local midnight (17:00 UTC) and clips sessions to the range', () => {
    // Online from 22:00 on the 5th (before the range) to 08:00 on the 6th, then 09:00–23:30, then from
    // 23:50 on the 6th on, still connected at "now" (06:00 on the 7th).
    const sessions = [
      { start: vn('2027-02-05', 22), end: vn('2027-02-06', 8) },
      { start: vn('2027-02-06', 9), end: vn('2027-02-06', 23, 30) },
      { start: vn('2027-02-06', 23, 50), end: null },
    ];
    const r = deviceAvailability(sessions, {
      fromDay: day('2027-02-06'),
      toDay: day('2027-02-07'),
      timeZone: VN,
      now: vn('2027-02-07', 6),
    });
    expect(r.offline).toEqual([
      { start: vn('2027-02-06', 8), end: vn('2027-02-06', 9) },
      { start: vn('2027-02-06', 23, 30), end: vn('2027-02-06', 23, 50) },
    ]);
    // Stored in UTC: local 08:00 on the 6th is 01:00 UTC that day.
    expect(new Date(r.offline[0]!.start).toISOString()).toBe('2027-02-06T01:00:00.000Z');
    expect(r.days).toEqual([
      { date: '2027-02-06', observedMs: 24 * H, onlineMs: 24 * H - 80 * M, offlineMs: 80 * M, controllerDownMs: 0 },
      // The future is not offline: the 7th is observed up to now only.
      { date: '2027-02-07', observedMs: 6 * H, onlineMs: 6 * H, offlineMs: 0, controllerDownMs: 0 },
    ]);
    expect(r.observedMs).toBe(30 * H);
    expect(r.offlineMs).toBe(80 * M);
  });

  it('counts the controller’s own downtime as its own category, not as the device being offline', () => {
    const r = deviceAvailability(
      [
        { start: vn('2027-03-01', 8), end: vn('2027-03-01', 10) },
        // The controller was down 10:00–10:04 (plus the reconnect grace to 10:05); the device was back at
        // 10:05, then lost its own network 11:00–11:30.
        { start: vn('2027-03-01', 10, 5), end: vn('2027-03-01', 11) },
        { start: vn('2027-03-01', 11, 30), end: vn('2027-03-01', 12) },
      ],
      {
        fromDay: day('2027-03-01'),
        toDay: day('2027-03-01'),
        timeZone: VN,
        now: vn('2027-03-01', 12),
        since: vn('2027-03-01', 8),
        controllerDown: [{ start: vn('2027-03-01', 10), end: vn('2027-03-01', 10, 5) }],
      },
    );
    expect(r.controllerDown).toEqual([{ start: vn('2027-03-01', 10), end: vn('2027-03-01', 10, 5) }]);
    expect(r.offline).toEqual([{ start: vn('2027-03-01', 11), end: vn('2027-03-01', 11, 30) }]);
    expect(r.controllerDownMs).toBe(5 * M);
    expect(r.offlineMs).toBe(30 * M);
    expect(r.onlineMs + r.offlineMs + r.controllerDownMs).toBe(r.observedMs);
  });

  it('counts overlapping sessions (a second connection before the first timed out) once', () => {
    const r = deviceAvailability(
      [
        { start: vn('2027-03-01', 8), end: vn('2027-03-01', 12) },
        { start: vn('2027-03-01', 11), end: vn('2027-03-01', 13) },
        { start: vn('2027-03-01', 9), end: vn('2027-03-01', 10) },
      ],
      { fromDay: day('2027-03-01'), toDay: day('2027-03-01'), timeZone: VN, now: vn('2027-03-05', 0) },
    );
    expect(r.onlineMs).toBe(5 * H);
    expect(r.offline).toEqual([
      { start: vn('2027-03-01', 0), end: vn('2027-03-01', 8) },
      { start: vn('2027-03-01', 13), end: vn('2027-03-02', 0) },
    ]);
  });

  it('a gap across midnight is one interval but counts on both days', () => {
    const r = deviceAvailability(
      [
        { start: vn('2027-03-01', 0), end: vn('2027-03-01', 22) },
        { start: vn('2027-03-02', 3), end: null },
      ],
      { fromDay: day('2027-03-01'), toDay: day('2027-03-02'), timeZone: VN, now: vn('2027-03-02', 12) },
    );
    expect(r.offline).toEqual([{ start: vn('2027-03-01', 22), end: vn('2027-03-02', 3) }]);
    expect(r.days.map((d) => d.offlineMs)).toEqual([2 * H, 3 * H]);
  });

  it('does not count time before enrolment or after revocation as offline', () => {
    const r = deviceAvailability([{ start: vn('2027-03-01', 10), end: vn('2027-03-01', 11) }], {
      fromDay: day('2027-03-01'),
      toDay: day('2027-03-03'),
      timeZone: VN,
      now: vn('2027-03-10', 0),
      since: vn('2027-03-01', 9, 30),
      until: vn('2027-03-01', 12),
    });
    expect(r.offline).toEqual([
      { start: vn('2027-03-01', 9, 30), end: vn('2027-03-01', 10) },
      { start: vn('2027-03-01', 11), end: vn('2027-03-01', 12) },
    ]);
    expect(r.days.map((d) => d.observedMs)).toEqual([150 * M, 0, 0]);
  });

  it('a device never connected is offline for the whole observed range; a range in the future has nothing', () => {
    const w = { fromDay: day('2027-03-01'), toDay: day('2027-03-01'), timeZone: VN };
    expect(deviceAvailability([], { ...w, now: vn('2027-03-02', 0) }).offline).toEqual([
      { start: vn('2027-03-01', 0), end: vn('2027-03-02', 0) },
    ]);
    const future = deviceAvailability([], { ...w, now: vn('2027-02-01', 0) });
    expect(future).toMatchObject({ observedMs: 0, offline: [], days: [{ observedMs: 0, onlineMs: 0 }] });
  });

  it('uses the zone it is given: a 23-hour spring-forward day in Europe/Berlin', () => {
    const r = deviceAvailability([], {
      fromDay: day('2027-03-28'),
      toDay: day('2027-03-28'),
      timeZone: 'Europe/Berlin',
      now: Date.UTC(2027, 5, 1),
    });
    expect(r.days[0]!.observedMs).toBe(23 * H);
    expect(r.offline).toEqual([{ start: Date.UTC(2027, 2, 27, 23), end: Date.UTC(2027, 2, 28, 22) }]);
  });

  it('online + offline = observed, per day and in total, for any sessions', () => {
    const from = vn('2027-04-01', 0);
    const span = 3 * 24 * H;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            start: fc.integer({ min: from - 12 * H, max: from + span + 12 * H }),
            len: fc.integer({ min: 0, max: 30 * H }),
            open: fc.boolean(),
          }),
          { maxLength: 12 },
        ),
        fc.integer({ min: from - H, max: from + span + H }),
        (raw, now) => {
          const sessions = raw.map((s) => ({ start: s.start, end: s.open ? null : s.start + s.len }));
          const r = deviceAvailability(sessions, {
            fromDay: day('2027-04-01'),
            toDay: day('2027-04-03'),
            timeZone: VN,
            now,
          });
          const gaps = r.offline.reduce((n, g) => n + g.end - g.start, 0);
          expect(gaps).toBe(r.offlineMs);
          expect(r.onlineMs + r.offlineMs).toBe(r.observedMs);
          expect(r.days.reduce((n, d) => n + d.offlineMs, 0)).toBe(r.offlineMs);
          for (const d of r.days) expect(d.onlineMs).toBeGreaterThanOrEqual(0);
          for (const g of r.offline) {
            expect(g.end).toBeGreaterThan(g.start);
            expect(g.start).toBeGreaterThanOrEqual(from);
            expect(g.end).toBeLessThanOrEqual(Math.min(now, from + span));
          }
        },
      ),
    );
  });
});
