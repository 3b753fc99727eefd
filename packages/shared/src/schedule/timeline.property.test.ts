import { CronExpressionParser } from 'cron-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bundle, BundleSchedule } from '../domain';
import { BundleSchema } from '../schemas';
import { itemAt } from './playback';
import { resolveTimeline, type TimelineSegment } from './timeline';

// Property tests. The oracle below reads wall clocks through Intl with an explicit zone, never the
// host's, so this file gives the same verdicts under TZ=UTC and TZ=Asia/Ho_Chi_Minh.

const id = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const BASE = Date.parse('2026-03-23T00:00:00Z'); // a Monday; Berlin/New York change clocks nearby
const ZONES = ['Asia/Ho_Chi_Minh', 'UTC', 'Europe/Berlin', 'America/New_York'] as const;
// Dayparts and cron times stay clear of 01:00–03:00, where DST gaps make wall times ambiguous.
const DAYPARTS = [
  { start: '07:00', end: '11:30' },
  { start: '13:30', end: '17:00' },
  { start: '11:30', end: '13:30' },
  { start: '22:00', end: '06:00' },
  { start: '18:00', end: '24:00' },
];
const CRONS = ['*/20 7-18 * * *', '0 9,15 * * 1-5', '30 8 * * 6,0', '0 12 L * *', '0 10 * * 1#4'];

const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const recurrenceArb = fc.oneof(
  fc.constant({ kind: 'always' as const }),
  fc.record({
    kind: fc.constant('weekly' as const),
    days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
    dayparts: fc.subarray([0, 1, 2, 3, 4], { minLength: 1 }).map((ix) => {
      // 18:00–24:00 overlaps 22:00–06:00: keep one of them.
      const keep = ix.includes(3) ? ix.filter((i) => i !== 4) : ix;
      return keep.map((i) => DAYPARTS[i]!);
    }),
  }),
  fc.record({
    kind: fc.constant('cron' as const),
    expression: fc.constantFrom(...CRONS),
    durationMs: fc.constantFrom(5 * MIN, 45 * MIN, 2 * HOUR),
  }),
);

const scheduleArb = (n: number) =>
  fc
    .record({
      priority: fc.integer({ min: 0, max: 3 }),
      weight: fc.integer({ min: 1, max: 3 }),
      fallback: fc.boolean(),
      recurrence: recurrenceArb,
      timeZone: fc.constantFrom(...ZONES),
      startsAt: fc.option(
        fc.integer({ min: 0, max: 10 * 96 }).map((q) => BASE + q * 15 * MIN),
        { nil: null },
      ),
      lengthQ: fc.integer({ min: 1, max: 10 * 96 }),
      bounded: fc.boolean(),
      exceptions: fc.subarray(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => dateOf(BASE + d * DAY)),
        { maxLength: 3 },
      ),
      playlist: fc.integer({ min: 0, max: 2 }),
    })
    .map((r): BundleSchedule => ({
      id: id(100 + n),
      playlistId: id(11 + r.playlist),
      startsAt: r.startsAt,
      endsAt: r.bounded ? (r.startsAt ?? BASE) + r.lengthQ * 15 * MIN : null,
      priority: r.priority,
      createdAt: BASE - n * 1000,
      weight: r.weight,
      fallback: r.fallback,
      recurrence: r.recurrence,
      timeZone: r.timeZone,
      exceptions: r.exceptions,
    }));

function makeBundle(schedules: BundleSchedule[], interrupts: unknown[] = []): Bundle {
  return BundleSchema.parse({
    protocol: 1,
    version: 1,
    hash: '0'.repeat(64),
    generatedAt: BASE,
    content: [1, 2, 3].map((n) => ({ id: id(n), type: 'slogan', text: `Khẩu hiệu ${n}`, title: null })),
    playlists: [
      { id: id(11), name: 'A', items: [{ contentId: id(1), durationMs: 10_000 }] },
      {
        id: id(12),
        name: 'B',
        items: [
          { contentId: id(2), durationMs: 7_000 },
          { contentId: id(3), durationMs: 20_000 },
        ],
      },
      { id: id(13), name: 'C', items: [{ contentId: id(3), durationMs: 45_000 }] },
    ],
    schedules,
    interrupts,
  });
}

const bundleArb = fc
  .integer({ min: 1, max: 6 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => scheduleArb(i))))
  .map((s) => makeBundle(s));

const windowArb = fc.record({
  fromQ: fc.integer({ min: 0, max: 8 * 24 * 4 }),
  lengthMs: fc.integer({ min: 1, max: 3 * DAY }),
});

// ---- independent oracle: is the schedule active at t? ----
const fmts = new Map<string, Intl.DateTimeFormat>();
function wall(tz: string, t: number) {
  let f = fmts.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    fmts.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]));
  const iso = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday!) + 1;
  return { date: `${p.year}-${p.month}-${p.day}`, minute: Number(p.hour) * 60 + Number(p.minute), iso };
}
const toMin = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

function naiveActive(s: BundleSchedule, t: number): boolean {
  if (s.startsAt !== null && t < s.startsAt) return false;
  if (s.endsAt !== null && t >= s.endsAt) return false;
  const tz = s.timeZone!;
  const w = wall(tz, t);
  if (s.exceptions!.includes(w.date)) return false;
  const r = s.recurrence!;
  if (r.kind === 'always' || r.kind === 'once') return true;
  if (r.kind === 'weekly') {
    const prevIso = w.iso === 1 ? 7 : w.iso - 1;
    return r.dayparts.some((p) => {
      const a = toMin(p.start);
      const b = toMin(p.end);
      if (b > a) return r.days.includes(w.iso) && w.minute >= a && w.minute < b;
      return (r.days.includes(w.iso) && w.minute >= a) || (r.days.includes(prevIso) && w.minute < b);
    });
  }
  const it = CronExpressionParser.parse(r.expression, { tz, currentDate: new Date(t + 1) });
  const last = it.prev().getTime();
  return t < last + r.durationMs;
}

function segmentAt(segs: TimelineSegment[], t: number): TimelineSegment | undefined {
  return segs.find((s) => s.start <= t && t < s.end);
}

describe('resolveTimeline properties', () => {
  it('segments are sorted, non-overlapping, inside [from, to), and adjacent equal ones are merged', () => {
    fc.assert(
      fc.property(bundleArb, windowArb, (b, w) => {
        const from = BASE + w.fromQ * 15 * MIN;
        const to = from + w.lengthMs;
        const segs = resolveTimeline(b, from, to);
        for (let i = 0; i < segs.length; i++) {
          const s = segs[i]!;
          expect(s.start).toBeLessThan(s.end);
          expect(s.start).toBeGreaterThanOrEqual(from);
          expect(s.end).toBeLessThanOrEqual(to);
          const prev = segs[i - 1];
          if (prev) {
            expect(prev.end).toBeLessThanOrEqual(s.start);
            if (prev.end === s.start) expect(prev.scheduleId === s.scheduleId && prev.reason === s.reason).toBe(false);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a higher priority always wins while active, fallbacks only fill silence, and itemAt agrees', () => {
    fc.assert(
      fc.property(
        bundleArb,
        windowArb,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 5, maxLength: 12 }),
        (b, w, probes) => {
          const from = BASE + w.fromQ * 15 * MIN;
          const to = from + w.lengthMs;
          const segs = resolveTimeline(b, from, to);
          const byId = new Map(b.schedules.map((s) => [s.id, s]));
          for (const p of probes) {
            const t = Math.min(to - 1, from + Math.floor(p * w.lengthMs));
            const seg = segmentAt(segs, t);
            const pos = itemAt(b, t);
            expect(pos?.schedule.id ?? null).toBe(seg?.scheduleId ?? null);
            expect(pos?.reason ?? null).toBe(seg?.reason ?? null);
            if (pos) expect(pos.slotStart <= t && t < pos.slotEnd).toBe(true);
            const active = b.schedules.filter((s) => naiveActive(s, t));
            const regular = active.filter((s) => !s.fallback);
            if (active.length === 0) {
              expect(seg).toBeUndefined();
              continue;
            }
            const winner = byId.get(seg!.scheduleId)!;
            expect(naiveActive(winner, t)).toBe(true);
            const pool = regular.length > 0 ? regular : active;
            expect(winner.fallback ?? false).toBe(regular.length === 0);
            for (const s of pool) expect(winner.priority).toBeGreaterThanOrEqual(s.priority);
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it('a device with an always-on fallback has no gap in [from, to)', () => {
    fc.assert(
      fc.property(bundleArb, windowArb, (b0, w) => {
        const b = makeBundle([
          ...b0.schedules,
          { id: id(999), playlistId: id(13), startsAt: null, endsAt: null, priority: 0, createdAt: 0, fallback: true },
        ]);
        const from = BASE + w.fromQ * 15 * MIN;
        const to = from + w.lengthMs;
        const segs = resolveTimeline(b, from, to);
        expect(segs[0]!.start).toBe(from);
        expect(segs[segs.length - 1]!.end).toBe(to);
        for (let i = 1; i < segs.length; i++) expect(segs[i]!.start).toBe(segs[i - 1]!.end);
      }),
      { numRuns: 100 },
    );
  });

  it('an active urgent message wins over every schedule', () => {
    fc.assert(
      fc.property(
        bundleArb,
        fc.integer({ min: 0, max: 5 * 96 }),
        fc.integer({ min: 1, max: 96 }),
        (b0, startQ, lenQ) => {
          const startsAt = BASE + startQ * 15 * MIN;
          const endsAt = startsAt + lenQ * 15 * MIN;
          const b = makeBundle(b0.schedules, [{ id: id(777), text: 'Khẩn', startsAt, endsAt }]);
          const segs = resolveTimeline(b, startsAt - HOUR, endsAt + HOUR);
          const urgent = segs.filter((s) => s.reason === 'interrupt');
          expect(urgent).toEqual([expect.objectContaining({ start: startsAt, end: endsAt, scheduleId: id(777) })]);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('weighted sharing', () => {
  const sharingArb = fc.record({
    weights: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 4 }),
    durations: fc.array(
      fc.integer({ min: 1, max: 60 }).map((s) => s * 1000),
      { minLength: 4, maxLength: 4 },
    ),
    startMin: fc.integer({ min: 0, max: 10 * 60 }),
  });

  it('counts each schedule within ±1 item of its share over any window (2 sharers), < 2 items (3–4 sharers)', () => {
    fc.assert(
      fc.property(sharingArb, ({ weights, durations, startMin }) => {
        const content = durations.map((_, i) => ({
          id: id(1 + i),
          type: 'slogan',
          text: `Khẩu hiệu ${i}`,
          title: null,
        }));
        const b = BundleSchema.parse({
          protocol: 1,
          version: 1,
          hash: '0'.repeat(64),
          generatedAt: BASE,
          content,
          playlists: weights.map((_, i) => ({
            id: id(200 + i),
            name: `P${i}`,
            items: [{ contentId: id(1 + i), durationMs: durations[i]! }],
          })),
          schedules: weights.map((weight, i) => ({
            id: id(300 + i),
            playlistId: id(200 + i),
            startsAt: null,
            endsAt: null,
            priority: 7,
            createdAt: i,
            weight,
          })),
        });
        // Vietnam local midnight is 17:00Z: walk within one local day (≤ 200 items of ≤ 60 s).
        let t = Date.parse('2026-03-24T17:00:00Z') + startMin * MIN;
        const picks: number[] = [];
        for (let k = 0; k < 200; k++) {
          const p = itemAt(b, t)!;
          expect(p.reason).toBe('share');
          picks.push(Number(p.schedule.id.slice(-3)) - 300);
          t = p.slotEnd;
        }
        const total = weights.reduce((a, c) => a + c, 0);
        const bound = weights.length === 2 ? 1 : 2;
        let worst = 0;
        for (let a = 0; a < picks.length; a++) {
          const count = new Array<number>(weights.length).fill(0);
          for (let z = a; z < picks.length; z++) {
            count[picks[z]!]!++;
            const len = z - a + 1;
            for (let k = 0; k < weights.length; k++)
              worst = Math.max(worst, Math.abs(count[k]! - (len * weights[k]!) / total));
          }
        }
        expect(worst).toBeLessThan(bound);
        // The timeline shows the same turns as the walk.
        const segs = resolveTimeline(b, Date.parse('2026-03-24T17:00:00Z') + startMin * MIN, t);
        const fromSegs = segs.map((s) => Number(s.scheduleId.slice(-3)) - 300);
        const merged = picks.filter((p, i) => i === 0 || picks[i - 1] !== p);
        expect(fromSegs).toEqual(merged);
      }),
      { numRuns: 60 },
    );
  });
});
