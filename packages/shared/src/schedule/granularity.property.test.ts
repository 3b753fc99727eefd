import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bundle, BundleSchedule } from '../domain';
import { BundleSchema } from '../schemas';
import { resolveTimeline, resolveTimelineBySchedule, type ScheduleSegment, type TimelineSegment } from './timeline';

// `resolveTimelineBySchedule` is `resolveTimeline` with the item slots of sharing schedules merged:
// the same time covered, by the same schedules, for the same reasons.

const id = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const MIN = 60_000;
const DAY = 1440 * MIN;
const BASE = Date.parse('2026-03-23T00:00:00Z');

const scheduleArb = (n: number) =>
  fc
    .record({
      priority: fc.integer({ min: 0, max: 2 }),
      weight: fc.integer({ min: 1, max: 3 }),
      fallback: fc.boolean(),
      weekly: fc.boolean(),
      part: fc.constantFrom(
        { start: '07:00', end: '11:30' },
        { start: '11:00', end: '17:00' },
        { start: '22:00', end: '06:00' },
      ),
      days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
      playlist: fc.integer({ min: 0, max: 2 }),
    })
    .map((r): BundleSchedule => ({
      id: id(100 + n),
      playlistId: id(11 + r.playlist),
      startsAt: null,
      endsAt: null,
      priority: r.priority,
      createdAt: BASE - n * 1000,
      weight: r.weight,
      fallback: r.fallback,
      ...(r.weekly && { recurrence: { kind: 'weekly' as const, days: r.days, dayparts: [r.part] } }),
    }));

const bundleArb = fc
  .record({
    schedules: fc
      .integer({ min: 1, max: 5 })
      .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => scheduleArb(i)))),
    zone: fc.constantFrom(undefined, 'Asia/Tokyo', 'Europe/Berlin'),
  })
  .map(({ schedules, zone }): Bundle =>
    BundleSchema.parse({
      protocol: 1,
      version: 1,
      hash: '0'.repeat(64),
      generatedAt: BASE,
      content: [1, 2].map((k) => ({ id: id(k), type: 'slogan', text: `Khẩu hiệu ${k}`, title: null })),
      playlists: [
        { id: id(11), name: 'A', items: [{ contentId: id(1), durationMs: 10_000 }] },
        {
          id: id(12),
          name: 'B',
          items: [
            { contentId: id(1), durationMs: 7_000 },
            { contentId: id(2), durationMs: 20_000 },
          ],
        },
        { id: id(13), name: 'C', items: [{ contentId: id(2), durationMs: 45_000 }] },
      ],
      schedules,
      ...(zone && { timeZone: zone }),
    }),
  );

const windowArb = fc.record({
  fromMs: fc.integer({ min: 0, max: 7 * DAY }),
  lengthMs: fc.integer({ min: 1, max: 2 * DAY }),
});

/** The covered time as merged [start, end) intervals. */
function covered(segs: readonly TimelineSegment[]): [number, number][] {
  const out: [number, number][] = [];
  for (const s of segs) {
    const last = out[out.length - 1];
    if (last && last[1] === s.start) last[1] = s.end;
    else out.push([s.start, s.end]);
  }
  return out;
}

const names = (g: ScheduleSegment) => (g.shares ? g.shares.map((x) => x.scheduleId) : [g.scheduleId]);

describe('timeline at the granularity of schedules', () => {
  it('covers the same time as the slot timeline, each slot inside segments that name its schedule and reason', () => {
    fc.assert(
      fc.property(bundleArb, windowArb, (b, w) => {
        const from = BASE + w.fromMs;
        const to = from + w.lengthMs;
        const slots = resolveTimeline(b, from, to);
        const groups = resolveTimelineBySchedule(b, from, to);
        expect(covered(groups)).toEqual(covered(slots));
        for (let k = 1; k < groups.length; k++) expect(groups[k]!.start).toBeGreaterThanOrEqual(groups[k - 1]!.end);
        for (const g of groups) {
          expect(g.end).toBeGreaterThan(g.start);
          if (g.shares) expect(g.shares.length).toBeGreaterThan(1);
        }
        expect(groups.length).toBeLessThanOrEqual(slots.length);
        // Both lists are sorted: walk them together rather than search the groups for every slot,
        // and collect mismatches rather than call expect per slot (a day of slots is thousands).
        const bad: string[] = [];
        let k = 0;
        for (const s of slots) {
          while (groups[k]!.end <= s.start) k++;
          let t = s.start;
          for (let j = k; t < s.end; j++) {
            const g = groups[j]!;
            if (Math.max(g.start, s.start) !== t) bad.push(`gap at ${t}`);
            if (!names(g).includes(s.scheduleId) || g.reason !== s.reason) bad.push(`${s.scheduleId} at ${t}`);
            t = Math.min(g.end, s.end);
          }
        }
        expect(bad).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('answers a week of sharing with one segment where the slot view has thousands', () => {
    const b = BundleSchema.parse({
      protocol: 1,
      version: 1,
      hash: '0'.repeat(64),
      generatedAt: BASE,
      content: [{ id: id(1), type: 'slogan', text: 'Khẩu hiệu', title: null }],
      playlists: [{ id: id(11), name: 'A', items: [{ contentId: id(1), durationMs: 10_000 }] }],
      schedules: [
        { id: id(100), playlistId: id(11), startsAt: null, endsAt: null, priority: 5, createdAt: BASE, weight: 2 },
        { id: id(101), playlistId: id(11), startsAt: null, endsAt: null, priority: 5, createdAt: BASE - 1 },
      ],
    });
    expect(resolveTimeline(b, BASE, BASE + 7 * DAY).length).toBeGreaterThan(1000);
    expect(resolveTimelineBySchedule(b, BASE, BASE + 7 * DAY)).toEqual([
      {
        start: BASE,
        end: BASE + 7 * DAY,
        playlistId: id(11),
        scheduleId: id(100),
        campaignId: null,
        reason: 'share',
        shares: [
          { scheduleId: id(100), playlistId: id(11), campaignId: null, weight: 2 },
          { scheduleId: id(101), playlistId: id(11), campaignId: null, weight: 1 },
        ],
      },
    ]);
  });
});
