import type { Bundle, BundleSchedule, ContentItem, Interrupt, Playlist, PlaylistItem } from '../domain';
import { compileBundle, type CompiledInterrupt } from './model';
import {
  forEachShareSlot,
  longestItemMs,
  resolveTimeline,
  runsFor,
  type Member,
  type Run,
  type SegmentReason,
  type Slot,
} from './timeline';

export interface PlayPosition {
  /** For an urgent message: a stand-in schedule whose id (and playlistId) is the interrupt's id. */
  schedule: BundleSchedule;
  /** For an urgent message: a one-item stand-in playlist with the interrupt's id. */
  playlist: Playlist;
  item: PlaylistItem;
  /** Index of the item in the playlist. */
  index: number;
  /** For a text-only urgent message: a slogan whose id is the interrupt's id. */
  content: ContentItem;
  /**
   * Where the item's slot starts and ends (ms UTC). `slotEnd` is cut short where anything changes
   * (a schedule boundary, an interrupt, a share turn), so the player calls `itemAt` again there.
   * `slotStart` is the item's nominal start: it can precede the instant the item became visible
   * when a schedule resumes mid-item after being preempted.
   */
  slotStart: number;
  slotEnd: number;
  /** How far into the item the instant is (`t - slotStart`): a clip seeks there. */
  offsetMs: number;
  /** Why this plays: same value as the covering segment of `resolveTimeline`. */
  reason: SegmentReason;
  campaignId: string | null;
  /** The urgent message playing, or null. */
  interrupt: Interrupt | null;
}

function interruptPosition(m: CompiledInterrupt, run: Run, t: number): PlayPosition {
  const id = m.interrupt.id;
  const item: PlaylistItem = { contentId: m.content.id, durationMs: m.itemDurationMs };
  const offsetMs = (((t - m.start) % m.itemDurationMs) + m.itemDurationMs) % m.itemDurationMs;
  const slotStart = t - offsetMs;
  return {
    schedule: {
      id,
      playlistId: id,
      startsAt: m.start,
      endsAt: m.interrupt.endsAt ?? null,
      priority: 1000,
      createdAt: m.start,
    },
    playlist: { id, name: 'Thông báo khẩn', items: [item] },
    item,
    index: 0,
    content: m.content,
    slotStart,
    slotEnd: Math.min(slotStart + m.itemDurationMs, run.end),
    offsetMs,
    reason: 'interrupt',
    campaignId: m.campaignId,
    interrupt: m.interrupt,
  };
}

function position(
  run: Run,
  member: Member,
  itemPos: number,
  slotStart: number,
  slotEnd: number,
  t: number,
): PlayPosition {
  const { cs } = member;
  const it = cs.playlist.items[itemPos]!;
  return {
    schedule: cs.schedule,
    playlist: cs.playlist.playlist,
    item: it.item,
    index: it.index,
    content: it.content,
    slotStart,
    slotEnd,
    offsetMs: t - slotStart,
    reason: run.reason,
    campaignId: cs.campaignId,
    interrupt: null,
  };
}

/**
 * What plays at instant `t`, consistent with `resolveTimeline` (same rules, same code). The player
 * calls it at every slot end; it resolves at most a day of share slots, usually just one window.
 */
export function itemAt(bundle: Bundle, t: number): PlayPosition | null {
  if (!Number.isFinite(t)) throw new RangeError('itemAt: instant must be a finite number of ms');
  const cb = compileBundle(bundle);
  // No slot reaches further than one item past `t`, so the runs up to there decide `slotEnd`.
  const runs = runsFor(cb, t, t + longestItemMs(cb) + 1);
  const run = runs.find((r) => r.start <= t && t < r.end);
  if (!run) return null;
  if (run.interrupt) return interruptPosition(run.interrupt, run, t);
  if (run.members.length === 1) {
    const member = run.members[0]!;
    const { items, cycleMs } = member.cs.playlist;
    let pos = (((t - member.anchor) % cycleMs) + cycleMs) % cycleMs;
    let k = 0;
    for (; k < items.length - 1; k++) {
      const d = items[k]!.item.durationMs;
      if (pos < d) break;
      pos -= d;
    }
    const slotStart = t - pos;
    return position(run, member, k, slotStart, Math.min(slotStart + items[k]!.item.durationMs, run.end), t);
  }
  let found: Slot | null = null;
  forEachShareSlot(run, t, t + 1, (slot) => {
    if (slot.start <= t && t < slot.end) found = slot;
  });
  const slot = found as Slot | null;
  if (!slot) return null;
  return position(run, slot.member, slot.itemPos, slot.start, slot.end, t);
}

/** The schedule (or an urgent message's stand-in) that owns instant `t`. */
export function activeScheduleAt(bundle: Bundle, t: number): BundleSchedule | null {
  return itemAt(bundle, t)?.schedule ?? null;
}

/** The next instant after `t`, within 8 days, at which what plays may change; null if none. */
export function nextBoundaryAfter(bundle: Bundle, t: number): number | null {
  const limit = t + 8 * 86_400_000;
  const segs = resolveTimeline(bundle, t, limit);
  const first = segs[0];
  if (!first) return null;
  if (first.start > t) return first.start;
  return first.end < limit ? first.end : null;
}
