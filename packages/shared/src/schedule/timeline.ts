import type { Bundle } from '../domain';
import { compileBundle, type CompiledBundle, type CompiledInterrupt, type CompiledSchedule } from './model';
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
  // Events live in parallel arrays and are ordered by sorting one Float64Array of packed keys:
  // with 500 schedules a week has ~10,000 events, and object sorting with a comparator alone
  // would eat most of the 5 ms budget.
  const evT: number[] = [];
  const evWho: number[] = [];
  const evAnchor: number[] = [];
  const evOpen: boolean[] = [];
  const add = (t: number, open: boolean, who: number, anchor: number) => {
    evT.push(t);
    evOpen.push(open);
    evWho.push(who);
    evAnchor.push(anchor);
  };
  const scheds = cb.schedules;
  for (let i = 0; i < scheds.length; i++) {
    for (const p of scheds[i]!.piecesIn(from, to)) {
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
  const order = sortEvents(evT, evOpen, from, to);

  const anchors = new Map<number, number>();
  const interrupts = new Set<number>();
  const runs: Run[] = [];
  let i = 0;
  while (i < order.length) {
    const t = evT[order[i]!]!;
    for (; i < order.length && evT[order[i]!] === t; i++) {
      const e = order[i]!;
      const who = evWho[e]!;
      if (who < 0) {
        if (evOpen[e]) interrupts.add(-1 - who);
        else interrupts.delete(-1 - who);
      } else if (evOpen[e]) anchors.set(who, evAnchor[e]!);
      else anchors.delete(who);
    }
    if (t >= to) break;
    const next = i < order.length ? evT[order[i]!]! : to;
    const run = decide(cb, anchors, interrupts, t, next);
    if (!run) continue;
    const prev = runs[runs.length - 1];
    if (prev && prev.end === run.start && sameOwner(prev, run)) prev.end = run.end;
    else runs.push(run);
  }
  return runs;
}

/**
 * Event indices by time, closes before opens at the same instant (so a schedule whose next window
 * starts exactly where the previous one ended takes the new anchor).
 */
function sortEvents(evT: number[], evOpen: boolean[], from: number, to: number): ArrayLike<number> {
  const n = evT.length;
  const span = (to - from) * 2 + 2;
  if (span * n < Number.MAX_SAFE_INTEGER) {
    const keys = new Float64Array(n);
    for (let e = 0; e < n; e++) keys[e] = ((evT[e]! - from) * 2 + (evOpen[e] ? 1 : 0)) * n + e;
    keys.sort();
    const order = new Uint32Array(n);
    for (let k = 0; k < n; k++) order[k] = keys[k]! % n;
    return order;
  }
  return [...evT.keys()].sort((a, b) => evT[a]! - evT[b]! || Number(evOpen[a]) - Number(evOpen[b]));
}

function decide(
  cb: CompiledBundle,
  anchors: Map<number, number>,
  interrupts: Set<number>,
  start: number,
  end: number,
): Run | null {
  if (interrupts.size > 0) {
    let best: CompiledInterrupt | null = null;
    for (const j of interrupts) {
      const m = cb.interrupts[j]!;
      if (!best || m.start > best.start || (m.start === best.start && m.interrupt.id > best.interrupt.id)) best = m;
    }
    return { start, end, reason: 'interrupt', interrupt: best, members: [] };
  }
  if (anchors.size === 0) return null;
  let top = -Infinity;
  let topFallback = -Infinity;
  for (const idx of anchors.keys()) {
    const cs = cb.schedules[idx]!;
    if (cs.fallback) topFallback = Math.max(topFallback, cs.priority);
    else top = Math.max(top, cs.priority);
  }
  const useFallback = top === -Infinity;
  const level = useFallback ? topFallback : top;
  const members: Member[] = [];
  for (const [idx, anchor] of anchors) {
    const cs = cb.schedules[idx]!;
    if (cs.fallback === useFallback && cs.priority === level) members.push({ cs, anchor });
  }
  members.sort((a, b) => a.cs.rank - b.cs.rank);
  const reason: SegmentReason = useFallback ? 'fallback' : members.length > 1 ? 'share' : 'priority';
  return { start, end, reason, interrupt: null, members };
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
  const members = run.members;
  const zone = members[0]!.cs.timeZone;
  const picks = swrrCycle(members.map((m) => m.cs.weight));
  let epochStart = Math.max(run.start, dayStartUtc(zone, localDayOf(zone, Math.max(from, run.start))));
  while (epochStart < run.end && epochStart < until) {
    const epochEnd = Math.min(run.end, dayStartUtc(zone, localDayOf(zone, epochStart) + 1));
    const played = new Array<number>(members.length).fill(0);
    let t = epochStart;
    for (let step = 0; t < epochEnd && t < until; step++) {
      const pick = picks[step % picks.length]!;
      const m = members[pick]!;
      const items = m.cs.playlist.items;
      const itemPos = played[pick]! % items.length;
      played[pick]!++;
      const end = Math.min(t + items[itemPos]!.item.durationMs, epochEnd);
      visit({ start: t, end, member: m, itemPos });
      t = end;
    }
    epochStart = epochEnd;
  }
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
  const push = (run: Run, member: Member | null, segStart: number, segEnd: number) => {
    const start = Math.max(segStart, from);
    const end = Math.min(segEnd, to);
    if (end <= start) return;
    const scheduleId = run.interrupt ? run.interrupt.interrupt.id : member!.cs.schedule.id;
    if (prev && prev.end === start && prev.scheduleId === scheduleId && prev.reason === run.reason) {
      prev.end = end;
    } else {
      prev = segmentOf(run, member, start, end);
      out.push(prev);
    }
  };
  for (const run of runsFor(cb, from, to)) {
    if (run.end <= from) continue;
    if (run.members.length > 1) {
      forEachShareSlot(run, from, to, (slot) => push(run, slot.member, slot.start, slot.end));
    } else {
      push(run, run.members[0] ?? null, run.start, run.end);
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
