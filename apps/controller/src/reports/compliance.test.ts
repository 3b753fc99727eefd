import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  byDevice,
  byDistrict,
  type ComplianceDevice,
  intersect,
  levelOf,
  normalise,
  type Spans,
  splitShortfall,
  subtract,
  total,
} from './compliance';

/** Minutes from a morning, as spans in ms. */
const m = (a: number, b: number): [number, number] => [a * 60_000, b * 60_000];
const none = { interrupts: [], otherPlays: [], anyPlays: [], connected: [], boardError: [] };

describe('splitShortfall: each missing minute gets one cause, the first that applies', () => {
  it('pre-empted: an urgent message in the bundle covered the campaign', () => {
    const c = splitShortfall([m(0, 10)], { ...none, interrupts: [m(2, 5)], connected: [m(0, 10)] });
    expect(c).toEqual({ preempted: 3 * 60_000, offline: 0, boardError: 0, unexplained: 7 * 60_000 });
  });

  it('pre-empted: the player proved it played another schedule then', () => {
    const c = splitShortfall([m(0, 10)], { ...none, otherPlays: [m(0, 10)], anyPlays: [m(0, 10)] });
    expect(c).toEqual({ preempted: 10 * 60_000, offline: 0, boardError: 0, unexplained: 0 });
  });

  it('offline: outside every connection session and no proof of anything', () => {
    const c = splitShortfall([m(0, 10)], { ...none, connected: [m(0, 4)] });
    expect(c).toEqual({ preempted: 0, offline: 6 * 60_000, boardError: 0, unexplained: 4 * 60_000 });
  });

  it('not offline when the player kept playing while disconnected (its proofs arrived later)', () => {
    const c = splitShortfall([m(0, 10)], { ...none, connected: [], anyPlays: [m(0, 10)] });
    expect(c.offline).toBe(0);
    expect(c.unexplained).toBe(10 * 60_000);
  });

  it('board error: connected, nothing else played, a board reported error or offline', () => {
    const c = splitShortfall([m(0, 10)], { ...none, connected: [m(0, 10)], boardError: [m(5, 20)] });
    expect(c).toEqual({ preempted: 0, offline: 0, boardError: 5 * 60_000, unexplained: 5 * 60_000 });
  });

  it('first match wins: a pre-empted minute while offline and in board error is counted once, as pre-empted', () => {
    const c = splitShortfall([m(0, 10)], { ...none, interrupts: [m(0, 10)], boardError: [m(0, 10)] });
    expect(c).toEqual({ preempted: 10 * 60_000, offline: 0, boardError: 0, unexplained: 0 });
    const offline = splitShortfall([m(0, 10)], { ...none, boardError: [m(0, 10)] });
    expect(offline).toEqual({ preempted: 0, offline: 10 * 60_000, boardError: 0, unexplained: 0 });
  });

  it('the causes always add up to the missing time (property)', () => {
    const spans = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 200 })), { maxLength: 8 })
      .map((xs) => normalise(xs.map(([a, len]): [number, number] => [a, a + len])));
    fc.assert(
      fc.property(
        spans,
        spans,
        spans,
        spans,
        spans,
        spans,
        (missing, interrupts, otherPlays, anyPlays, connected, boardError) => {
          const c = splitShortfall(missing, { interrupts, otherPlays, anyPlays, connected, boardError });
          expect(c.preempted + c.offline + c.boardError + c.unexplained).toBe(total(missing));
          for (const v of Object.values(c)) expect(v).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});

describe('span arithmetic', () => {
  it('normalise merges overlaps and drops empty spans; intersect and subtract partition a span', () => {
    expect(normalise([m(5, 8), m(0, 2), m(1, 3), m(9, 9)])).toEqual([m(0, 3), m(5, 8)]);
    const a: Spans = [m(0, 10)];
    const b: Spans = [m(2, 4), m(6, 12)];
    expect(intersect(a, b)).toEqual([m(2, 4), m(6, 10)]);
    expect(subtract(a, b)).toEqual([m(0, 2), m(4, 6)]);
    expect(total(intersect(a, b)) + total(subtract(a, b))).toBe(total(a));
  });
});

describe('levels and summaries', () => {
  it('≥ 95 % is green, ≥ 80 % amber, below red, nothing planned has no level', () => {
    expect([levelOf(100), levelOf(95), levelOf(94.9), levelOf(80), levelOf(79.9), levelOf(null)]).toEqual([
      'green',
      'green',
      'amber',
      'amber',
      'red',
      null,
    ]);
  });

  const row = (id: string, district: string | null, planned: number, delivered: number): ComplianceDevice => ({
    deviceId: id,
    deviceName: `Bảng LED ${id}`,
    groupId: district,
    groupName: district,
    plannedMs: planned * 1000,
    deliveredMs: delivered * 1000,
    causes: { offline: (planned - Math.min(planned, delivered)) * 1000, boardError: 0, preempted: 0, unexplained: 0 },
  });

  it('a district sums its devices, and one device’s extra plays do not make up for another’s shortfall', () => {
    const rows = byDistrict([row('a', 'Tam Kỳ', 600, 900), row('b', 'Tam Kỳ', 600, 300), row('c', 'Hội An', 60, 60)]);
    expect(rows.map((r) => r.groupName)).toEqual(['Hội An', 'Tam Kỳ']);
    const tamKy = rows[1]!;
    expect(tamKy).toMatchObject({
      devices: 2,
      plannedSeconds: 1200,
      deliveredSeconds: 900,
      percent: 75,
      shortfallSeconds: 300,
      level: 'red',
    });
    expect(tamKy.causes.offline).toBe(300);
  });

  it('devices are listed worst first, then by Vietnamese name', () => {
    const rows = byDevice([row('Đ', 'x', 100, 100), row('D', 'x', 100, 100), row('Z', 'x', 100, 10)]);
    expect(rows.map((r) => r.deviceName)).toEqual(['Bảng LED Z', 'Bảng LED D', 'Bảng LED Đ']);
  });
});
