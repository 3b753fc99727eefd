import type { Bundle } from '../domain';
import { compileBundle, type CompiledBundle, type CompiledInterrupt, type CompiledSchedule } from './model';
import { IntMinHeap, radixOrder } from './ordering';
import { dayStartUtc, localDayOf } from './zone';

/**
 * Resolution rules, in order (the same code answers `resolveTimeline` and `itemAt`):
 *
 * 1. An active urgent message (interrupt) preempts everything; among several, the one that started
 *    last wins (ties: larger id).
 * 2. Otherwise the active non-fallback schedules with the highest priority own the time. One alone
 *    plays its playlist, looping from its anchor (its window's start; an always-on schedule loops
 *    from `startsAt`, or `createdAt`, so it resumes in place after being preempted).
 * 3. Several at that priority share airtime by weight, counted in items: each slot, smooth weighted
 *    round-robin (nginx's algorithm) picks the schedule whose credit is highest, and that schedule
 *    plays its next item. Weights 2:1 give A B A A B A …, never blocks. The round-robin and every
 *    playlist restart at the start of the sharing run and at each local midnight (in the zone of the
 *    first sharer), so any instant is resolved from at most one day of slots and the controller's
 *    preview and every player agree without sharing state.
 * 4. Only when no other schedule is active do fallback schedules play, by the same rules 2–3.
 *
 * Instants are ms UTC, windows half-open [start, end).
 */

export type SegmentReason = 'interrupt' | 'priority' | 'share' | 'fallback';

export interface TimelineSegment {
  start: number;
  end: number;
  /** For an interrupt: the interrupt's id (it plays as a one-item playlist of its own). */
  playlistId: string;
  /** For an interrupt: the interrupt's id. */
  scheduleId: string;
  campaignId: string | null;
  reason: SegmentReason;
}

export interface Member {
  cs: CompiledSchedule;
  anchor: number;
}

/** A stretch of time during which the same thing decides what plays. */
export interface Run {
  start: number;
  end: number;
  reason: SegmentReason;
  interrupt: CompiledInterrupt | null;
  /** The owning schedules in rank order: one, or the sharers. Empty for an interrupt. */
  members: Member[];
}

/** The raw runs over [from, to); their ends inside the range are the real change points. */
export function resolveRuns(cb: CompiledBundle, from: number, to: number): Run[] {
  // Events live in parallel typed arrays, sized once the pieces are known, and are ordered by
  // sorting packed keys: with 500 schedules a week has ~10,000 events, and sorting objects with a
  // comparator (or growing plain arrays push by push) would eat much of the 5 ms budget.
  const scheds = cb.schedules;
  const pieces = scheds.map((cs) => cs.piecesIn(from, to));
  let n = 2 * cb.interrupts.length;
  for (const ps of pieces) n += 2 * ps.length;
  const evT = new Float64Array(n);
  const evWho = new Int32Array(n);
  const evAnchor = new Float64Array(n);
  const evOpen = new Uint8Array(n);
  let ne = 0;
  const add = (t: number, open: boolean, who: number, anchor: number) => {
    evT[ne] = t;
    evOpen[ne] = open ? 1 : 0;
    evWho[ne] = who;
    evAnchor[ne] = anchor;
    ne++;
  };
  for (let i = 0; i < pieces.length; i++) {
    for (const p of pieces[i]!) {
      add(p.start, true, i, p.anchor);
      add(p.end, false, i, p.anchor);
    }
  }
  for (let j = 0; j < cb.interrupts.length; j++) {
    const m = cb.interrupts[j]!;
    const start = Math.max(m.start, from);
    const end = Math.min(m.end, to);
    if (end <= start) continue;
    add(start, true, -1 - j, m.start);
    add(end, false, -1 - j, m.start);
  }
  const order = sortEvents(evT.subarray(0, ne), evOpen, from, to);

  // Who owns the time is decided by the highest level (priority, fallbacks below everything) that
  // has an active schedule. Levels with one are kept in a min-heap (lazily cleaned), each level's
  // active schedules in an intrusive doubly linked list, so an event costs O(log levels) and the
  // owners are rebuilt only when the top level itself changed; events below it cannot change what
  // plays.
  const { levelOf, levelCount, levelFallback } = levelsOf(cb);
  const head = new Int32Array(levelCount).fill(-1);
  const count = new Int32Array(levelCount);
  const nextIn = new Int32Array(scheds.length);
  const prevIn = new Int32Array(scheds.length);
  const active = new Uint8Array(scheds.length);
  const inHeap = new Uint8Array(levelCount);
  const touched = new Int32Array(levelCount).fill(-1);
  const heap = new IntMinHeap(Math.min(levelCount, 64));
  const anchors = new Float64Array(scheds.length);
  const interrupts = new Set<number>();
  const runs: Run[] = [];
  let cur: Run | null = null;
  let curLevel = -1;
  let instant = 0;
  let i = 0;
  while (i < order.length) {
    const t = evT[order[i]!]!;
    let interruptEvent = false;
    for (; i < order.length && evT[order[i]!] === t; i++) {
      const e = order[i]!;
      const who = evWho[e]!;
      if (who < 0) {
        interruptEvent = true;
        if (evOpen[e]) interrupts.add(-1 - who);
        else interrupts.delete(-1 - who);
        continue;
      }
      const l = levelOf[who]!;
      touched[l] = instant;
      if (evOpen[e]) {
        anchors[who] = evAnchor[e]!;
        if (!active[who]) {
          active[who] = 1;
          count[l]!++;
          const h = head[l]!;
          nextIn[who] = h;
          prevIn[who] = -1;
          if (h >= 0) prevIn[h] = who;
          head[l] = who;
        }
        if (!inHeap[l]) {
          inHeap[l] = 1;
          heap.push(l);
        }
      } else if (active[who]) {
        active[who] = 0;
        count[l]!--;
        const p = prevIn[who]!;
        const nx = nextIn[who]!;
        if (p >= 0) nextIn[p] = nx;
        else head[l] = nx;
        if (nx >= 0) prevIn[nx] = p;
      }
    }
    if (t >= to) break;
    const next = i < order.length ? evT[order[i]!]! : to;
    let top = heap.peek();
    while (top >= 0 && count[top] === 0) {
      inHeap[heap.pop()] = 0;
      top = heap.peek();
    }
    let run: Run | null;
    if (interrupts.size > 0) {
      run = interruptRun(cb, interrupts, t, next);
      curLevel = -1;
    } else if (top < 0) {
      run = null;
      curLevel = -1;
    } else if (cur && !interruptEvent && cur.end === t && top === curLevel && touched[top] !== instant) {
      // Nothing at the owning level changed: the same owners go on.
      cur.end = next;
      instant++;
      continue;
    } else {
      const idx: number[] = [];
      for (let k = head[top]!; k >= 0; k = nextIn[k]!) idx.push(k);
      run = levelRun(cb, idx, anchors, levelFallback[top] === 1, t, next);
      curLevel = top;
    }
    instant++;
    if (!run) {
      cur = null;
      continue;
    }
    const prev = runs[runs.length - 1];
    if (prev && prev.end === run.start && sameOwner(prev, run)) {
      prev.end = run.end;
      cur = prev;
    } else {
      runs.push(run);
      cur = run;
    }
  }
  return runs;
}

interface Levels {
  /** Per schedule (by rank): its level, 0 being the one that wins. */
  levelOf: Int32Array;
  levelCount: number;
  /** Per level: 1 when it holds fallback schedules. */
  levelFallback: Uint8Array;
}

const levelsCache = new WeakMap<CompiledBundle, Levels>();

/** Non-fallback priorities high to low, then fallback priorities high to low. */
function levelsOf(cb: CompiledBundle): Levels {
  const hit = levelsCache.get(cb);
  if (hit) return hit;
  // Numbers, not string keys: this runs once per compiled bundle, i.e. on every cold resolution.
  const normal = new Set<number>();
  const fallbacks = new Set<number>();
  for (const cs of cb.schedules) (cs.fallback ? fallbacks : normal).add(cs.priority);
  const high = [...normal].sort((a, b) => b - a);
  const low = [...fallbacks].sort((a, b) => b - a);
  const normalLevel = new Map(high.map((p, l) => [p, l]));
  const fallbackLevel = new Map(low.map((p, l) => [p, high.length + l]));
  const levelOf = new Int32Array(cb.schedules.length);
  cb.schedules.forEach((cs, k) => (levelOf[k] = (cs.fallback ? fallbackLevel : normalLevel).get(cs.priority)!));
  const levelFallback = new Uint8Array(high.length + low.length);
  levelFallback.fill(1, high.length);
  const levels: Levels = { levelOf, levelCount: high.length + low.length, levelFallback };
  levelsCache.set(cb, levels);
  return levels;
}

/** Among active urgent messages, the one that started last wins (ties: larger id). */
function interruptRun(cb: CompiledBundle, interrupts: Set<number>, start: number, end: number): Run {
  let best: CompiledInterrupt | null = null;
  for (const j of interrupts) {
    const m = cb.interrupts[j]!;
    if (!best || m.start > best.start || (m.start === best.start && m.interrupt.id > best.interrupt.id)) best = m;
  }
  return { start, end, reason: 'interrupt', interrupt: best, members: [] };
}

/** The active schedules of the owning level, in rank order (a schedule's index is its rank). */
function levelRun(
  cb: CompiledBundle,
  idx: number[],
  anchors: Float64Array,
  fallback: boolean,
  start: number,
  end: number,
): Run {
  if (idx.length > 1) idx.sort((a, b) => a - b);
  const members: Member[] = idx.map((k) => ({ cs: cb.schedules[k]!, anchor: anchors[k]! }));
  const reason: SegmentReason = fallback ? 'fallback' : members.length > 1 ? 'share' : 'priority';
  return { start, end, reason, interrupt: null, members };
}

/**
 * Event indices by time, closes before opens at the same instant (so a schedule whose next window
 * starts exactly where the previous one ended takes the new anchor).
 */
function sortEvents(evT: Float64Array, evOpen: Uint8Array, from: number, to: number): ArrayLike<number> {
  const n = evT.length;
  const span = (to - from) * 2 + 2;
  // Packed keys need whole milliseconds; a fractional instant takes the comparison sort below.
  let integral = Number.isInteger(from);
  for (let e = 0; integral && e < n; e++) integral = Number.isInteger(evT[e]!);
  if (integral && span <= 0x1_0000_0000) {
    // Ranges up to ~24 days: the key fits 32 bits, and a stable radix sort (ties keep event order)
    // costs a fraction of a comparison sort of doubles, which alone ate ~1 ms at 500 schedules.
    const keys = new Uint32Array(n);
    for (let e = 0; e < n; e++) keys[e] = (evT[e]! - from) * 2 + evOpen[e]!;
    return radixOrder(keys);
  }
  if (integral && span * n < Number.MAX_SAFE_INTEGER) {
    const keys = new Float64Array(n);
    for (let e = 0; e < n; e++) keys[e] = ((evT[e]! - from) * 2 + evOpen[e]!) * n + e;
    keys.sort();
    const order = new Uint32Array(n);
    for (let k = 0; k < n; k++) order[k] = keys[k]! % n;
    return order;
  }
  return [...evT.keys()].sort((a, b) => evT[a]! - evT[b]! || evOpen[a]! - evOpen[b]!);
}

function sameOwner(a: Run, b: Run): boolean {
  if (a.reason !== b.reason || a.interrupt !== b.interrupt || a.members.length !== b.members.length) return false;
  if (a.members.length === 1)
    return a.members[0]!.cs === b.members[0]!.cs && a.members[0]!.anchor === b.members[0]!.anchor;
  // Sharers restart their round-robin only when the set changes, not when one's window rolls over.
  return a.members.every((m, k) => m.cs === b.members[k]!.cs);
}

export interface Slot {
  start: number;
  end: number;
  member: Member;
  /** Position in the member's playable items. */
  itemPos: number;
}

/**
 * Walks the shared slots of `run` that start before `until`, beginning with the epoch (local day)
 * that contains `from`. Each slot is cut at the run's end and at the next local midnight.
 */
export function forEachShareSlot(run: Run, from: number, until: number, visit: (slot: Slot) => void): void {
  walkShareSlots(run, from, until, (start, end, pick, itemPos) =>
    visit({ start, end, member: run.members[pick]!, itemPos }),
  );
}

/**
 * The share walk behind `forEachShareSlot`, visiting with plain numbers (the member's index in
 * `run.members`). `resolveTimeline` runs the same walk inlined (`pushShareSegments`): a week of
 * shared airtime is ~20,000 slots, too many to give each its own object or callback.
 */
function walkShareSlots(
  run: Run,
  from: number,
  until: number,
  visit: (start: number, end: number, pick: number, itemPos: number) => void,
): void {
  const members = run.members;
  const zone = members[0]!.cs.timeZone;
  const picks = swrrCycle(members.map((m) => m.cs.weight));
  const cycleLen = picks.length;
  const durations = members.map((m) => m.cs.playlist.durations);
  const played = new Int32Array(members.length);
  let epochStart = Math.max(run.start, dayStartUtc(zone, localDayOf(zone, Math.max(from, run.start))));
  while (epochStart < run.end && epochStart < until) {
    const epochEnd = Math.min(run.end, dayStartUtc(zone, localDayOf(zone, epochStart) + 1));
    const limit = epochEnd < until ? epochEnd : until;
    played.fill(0);
    let t = epochStart;
    let step = 0;
    while (t < limit) {
      const pick = picks[step]!;
      if (++step === cycleLen) step = 0;
      const ds = durations[pick]!;
      const itemPos = played[pick]!;
      played[pick] = itemPos + 1 === ds.length ? 0 : itemPos + 1;
      const slotEnd = t + ds[itemPos]!;
      const end = slotEnd < epochEnd ? slotEnd : epochEnd;
      visit(t, end, pick, itemPos);
      t = end;
    }
    epochStart = epochEnd;
  }
}

/**
 * `walkShareSlots` with `resolveTimeline`'s visit inlined: appends the run's slots within [from, to)
 * to `out` as segments, merging a slot into the previous segment when the same schedule goes on.
 * Returns the last segment. Any change here must keep the walk identical to `walkShareSlots`.
 */
function pushShareSegments(
  run: Run,
  from: number,
  to: number,
  out: TimelineSegment[],
  last: TimelineSegment | undefined,
): TimelineSegment | undefined {
  const members = run.members;
  const reason = run.reason;
  const zone = members[0]!.cs.timeZone;
  const picks = swrrCycle(members.map((m) => m.cs.weight));
  const cycleLen = picks.length;
  const durations = members.map((m) => m.cs.playlist.durations);
  // Each sharer's segment fields, looked up once per run rather than once per slot.
  const ids = members.map((m) => m.cs.schedule.id);
  const playlistIds = members.map((m) => m.cs.schedule.playlistId);
  const campaignIds = members.map((m) => m.cs.campaignId);
  const played = new Int32Array(members.length);
  let prev = last;
  let epochStart = Math.max(run.start, dayStartUtc(zone, localDayOf(zone, Math.max(from, run.start))));
  while (epochStart < run.end && epochStart < to) {
    const epochEnd = Math.min(run.end, dayStartUtc(zone, localDayOf(zone, epochStart) + 1));
    const limit = epochEnd < to ? epochEnd : to;
    played.fill(0);
    let t = epochStart;
    let step = 0;
    while (t < limit) {
      const pick = picks[step]!;
      if (++step === cycleLen) step = 0;
      const ds = durations[pick]!;
      const itemPos = played[pick]!;
      played[pick] = itemPos + 1 === ds.length ? 0 : itemPos + 1;
      const slotEnd = t + ds[itemPos]!;
      const end = slotEnd < epochEnd ? slotEnd : epochEnd;
      const segStart = t > from ? t : from;
      const segEnd = end < to ? end : to;
      t = end;
      if (segEnd <= segStart) continue;
      const scheduleId = ids[pick]!;
      if (prev !== undefined && prev.end === segStart && prev.scheduleId === scheduleId && prev.reason === reason) {
        prev.end = segEnd;
        continue;
      }
      prev = {
        start: segStart,
        end: segEnd,
        playlistId: playlistIds[pick]!,
        scheduleId,
        campaignId: campaignIds[pick]!,
        reason,
      };
      out.push(prev);
    }
    epochStart = epochEnd;
  }
  return prev;
}

const cycles = new Map<string, Uint32Array>();

/**
 * One full cycle of smooth weighted round-robin: every member k is picked exactly `weights[k]`
 * times in `sum(weights)` picks, after which all credits are back to zero and the cycle repeats.
 * Ties go to the earlier member (rank order).
 */
export function swrrCycle(weights: readonly number[]): Uint32Array {
  const key = weights.join(',');
  const hit = cycles.get(key);
  if (hit) return hit;
  const total = weights.reduce((a, b) => a + b, 0);
  const credit = new Array<number>(weights.length).fill(0);
  const out = new Uint32Array(total);
  for (let step = 0; step < total; step++) {
    let pick = 0;
    for (let k = 0; k < weights.length; k++) {
      credit[k]! += weights[k]!;
      if (credit[k]! > credit[pick]!) pick = k;
    }
    credit[pick]! -= total;
    out[step] = pick;
  }
  if (cycles.size > 500) cycles.clear();
  cycles.set(key, out);
  return out;
}

function epochStartOf(run: Run, t: number): number {
  const zone = run.members[0]!.cs.timeZone;
  return dayStartUtc(zone, localDayOf(zone, t));
}

/**
 * Runs over [from, to), re-resolved from the start of the local day when a sharing run is cut by
 * `from`, so its round-robin is counted from where every other caller counts it.
 */
export function runsFor(cb: CompiledBundle, from: number, to: number): Run[] {
  const runs = resolveRuns(cb, from, to);
  const first = runs[0];
  if (first && first.members.length > 1 && first.start === from) {
    const es = epochStartOf(first, from);
    if (es < from) {
      // Only the stretch before `from` is missing: resolve that day alone, not the whole range.
      const before = resolveRuns(cb, es, from + 1);
      const last = before[before.length - 1];
      if (last && last.start < from && sameOwner(last, first)) first.start = last.start;
    }
  }
  return runs;
}

function segmentOf(run: Run, member: Member | null, start: number, end: number): TimelineSegment {
  if (run.interrupt) {
    const id = run.interrupt.interrupt.id;
    return { start, end, playlistId: id, scheduleId: id, campaignId: run.interrupt.campaignId, reason: 'interrupt' };
  }
  const cs = member!.cs;
  return {
    start,
    end,
    playlistId: cs.schedule.playlistId,
    scheduleId: cs.schedule.id,
    campaignId: cs.campaignId,
    reason: run.reason,
  };
}

function checkRange(name: string, from: number, to: number): void {
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new RangeError(`${name}: from and to must be finite ms`);
  if (to < from) throw new RangeError(`${name}: to must not be before from`);
}

/**
 * What plays over [from, to): sorted, non-overlapping, half-open segments, adjacent equal ones
 * merged; time when nothing plays has no segment. With sharing, segments follow the item slots.
 */
export function resolveTimeline(bundle: Bundle, from: number, to: number): TimelineSegment[] {
  checkRange('resolveTimeline', from, to);
  if (to === from) return [];
  const cb = compileBundle(bundle);
  const out: TimelineSegment[] = [];
  let prev: TimelineSegment | undefined;
  for (const run of runsFor(cb, from, to)) {
    if (run.end <= from) continue;
    if (run.members.length > 1) {
      prev = pushShareSegments(run, from, to, out, prev);
      continue;
    }
    const start = Math.max(run.start, from);
    const end = Math.min(run.end, to);
    if (end <= start) continue;
    const member = run.members[0] ?? null;
    const scheduleId = run.interrupt ? run.interrupt.interrupt.id : member!.cs.schedule.id;
    if (prev && prev.end === start && prev.scheduleId === scheduleId && prev.reason === run.reason) {
      prev.end = end;
    } else {
      prev = segmentOf(run, member, start, end);
      out.push(prev);
    }
  }
  return out;
}

/** The longest single item the bundle holds: a slot can never reach further past an instant. */
export function longestItemMs(cb: CompiledBundle): number {
  let max = 1000;
  for (const s of cb.schedules) for (const i of s.playlist.items) max = Math.max(max, i.item.durationMs);
  for (const m of cb.interrupts) max = Math.max(max, m.itemDurationMs);
  return max;
}

/** One of the schedules sharing airtime in a `resolveTimelineBySchedule` segment. */
export interface ScheduleShare {
  scheduleId: string;
  playlistId: string;
  campaignId: string | null;
  /** Items it plays for each item of a weight-1 sharer. */
  weight: number;
}

export interface ScheduleSegment extends TimelineSegment {
  /**
   * Where several schedules share airtime (reason `share`, or `fallback` when fallbacks share): every
   * sharer in rank order. The segment's own ids are then the first sharer's.
   */
  shares?: ScheduleShare[];
}

/**
 * `resolveTimeline` at the granularity of schedules: a stretch in which the same schedules share
 * airtime is one segment (reason `share`, the sharers in `shares`) instead of one per item slot, so a
 * month of a busy device stays a few hundred segments. Elsewhere the segments are exactly
 * `resolveTimeline`'s. Sorted, non-overlapping, half-open.
 */
export function resolveTimelineBySchedule(bundle: Bundle, from: number, to: number): ScheduleSegment[] {
  checkRange('resolveTimelineBySchedule', from, to);
  if (to === from) return [];
  const cb = compileBundle(bundle);
  const out: ScheduleSegment[] = [];
  let prev: ScheduleSegment | undefined;
  let prevKey = '';
  for (const run of runsFor(cb, from, to)) {
    const start = Math.max(run.start, from);
    const end = Math.min(run.end, to);
    if (end <= start) continue;
    const shared = run.members.length > 1;
    const key = run.interrupt
      ? `i:${run.interrupt.interrupt.id}`
      : `${run.reason}:${run.members.map((m) => m.cs.schedule.id).join(',')}`;
    if (prev && prev.end === start && prevKey === key) {
      prev.end = end;
      continue;
    }
    prev = segmentOf(run, run.members[0] ?? null, start, end);
    if (shared) {
      prev.shares = run.members.map((m) => ({
        scheduleId: m.cs.schedule.id,
        playlistId: m.cs.schedule.playlistId,
        campaignId: m.cs.campaignId,
        weight: m.cs.weight,
      }));
    }
    prevKey = key;
    out.push(prev);
  }
  return out;
}
