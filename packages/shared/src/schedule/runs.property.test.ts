import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bundle, BundleSchedule } from '../domain';
import { compileBundle } from './model';
import { resolveRuns } from './timeline';

// `resolveRuns` keeps the owning priority level in a heap and each level's active schedules in a
// linked list, touching only what an event changes. The oracle here is the plain rule, applied from
// scratch at every sampled instant: scan every schedule's pieces, take the highest non-fallback
// priority that is active (else the highest fallback one), and all of that level's schedules in rank
// order, each with the anchor of the piece it is in.

const id = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const BASE = Date.parse('2026-03-23T00:00:00Z');
const DAYPARTS = [
  { start: '07:00', end: '11:30' },
  { start: '09:00', end: '10:00' },
  { start: '11:30', end: '13:30' },
  { start: '22:00', end: '06:00' },
];

const scheduleArb = (n: number) =>
  fc
    .record({
      priority: fc.integer({ min: 0, max: 4 }),
      fallback: fc.boolean(),
      weekly: fc.boolean(),
      days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
      part: fc.integer({ min: 0, max: DAYPARTS.length - 1 }),
      startQ: fc.option(fc.integer({ min: 0, max: 4 * 96 }), { nil: null }),
      lengthQ: fc.option(fc.integer({ min: 1, max: 4 * 96 }), { nil: null }),
    })
    .map((r): BundleSchedule => ({
      id: id(100 + n),
      playlistId: id(11),
      startsAt: r.startQ === null ? null : BASE + r.startQ * 15 * MIN,
      endsAt: r.lengthQ === null ? null : BASE + ((r.startQ ?? 0) + r.lengthQ) * 15 * MIN,
      priority: r.priority,
      createdAt: BASE - n * 1000,
      fallback: r.fallback,
      recurrence: r.weekly ? { kind: 'weekly', days: r.days, dayparts: [DAYPARTS[r.part]!] } : { kind: 'always' },
      timeZone: 'Asia/Ho_Chi_Minh',
    }));

function bundleOf(schedules: BundleSchedule[]): Bundle {
  return {
    protocol: 1,
    version: 1,
    hash: '0'.repeat(64),
    generatedAt: BASE,
    content: [{ id: id(1), type: 'slogan', text: 'Khẩu hiệu', title: null }],
    playlists: [{ id: id(11), name: 'A', items: [{ contentId: id(1), durationMs: 10_000 }] }],
    schedules,
  };
}

describe('resolveRuns (incremental) against a full scan at each instant', () => {
  it('picks the same owning level, members and anchors', () => {
    const arb = fc.tuple(
      fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => scheduleArb(i)))),
      fc.array(fc.integer({ min: 0, max: 4 * 24 * 60 - 1 }), { minLength: 1, maxLength: 30 }),
    );
    fc.assert(
      fc.property(arb, ([schedules, minutes]) => {
        const cb = compileBundle(bundleOf(schedules));
        const from = BASE;
        const to = BASE + 4 * DAY;
        const runs = resolveRuns(cb, from, to);
        const pieces = cb.schedules.map((cs) => cs.piecesIn(from, to));
        for (const m of minutes) {
          const t = from + m * MIN;
          const active = cb.schedules.flatMap((cs, k) => {
            const p = pieces[k]!.find((x) => x.start <= t && t < x.end);
            return p ? [{ cs, anchor: p.anchor }] : [];
          });
          const run = runs.find((r) => r.start <= t && t < r.end);
          if (active.length === 0) {
            expect(run).toBeUndefined();
            continue;
          }
          const regular = active.filter((a) => !a.cs.fallback);
          const pool = regular.length > 0 ? regular : active;
          const top = Math.max(...pool.map((a) => a.cs.priority));
          const expected = pool.filter((a) => a.cs.priority === top).sort((a, b) => a.cs.rank - b.cs.rank);
          expect(run).toBeDefined();
          expect(run!.members.map((x) => x.cs.schedule.id)).toEqual(expected.map((x) => x.cs.schedule.id));
          const reason = regular.length === 0 ? 'fallback' : expected.length > 1 ? 'share' : 'priority';
          expect(run!.reason).toBe(reason);
          // A sharing run keeps the anchors it started with (sharers count from the run, not their
          // windows); a single owner must carry the anchor of the window it plays in.
          if (expected.length === 1) expect(run!.members[0]!.anchor).toBe(expected[0]!.anchor);
        }
        // Runs are sorted and disjoint.
        for (let k = 1; k < runs.length; k++) expect(runs[k]!.start).toBeGreaterThanOrEqual(runs[k - 1]!.end);
      }),
      { numRuns: 300 },
    );
  });
});
