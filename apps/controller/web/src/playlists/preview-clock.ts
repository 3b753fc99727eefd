/**
 * Timing of the playlist preview, kept pure so it can be tested with literal times: which item is on
 * screen and how far into it, looping, across pause/resume, skips and edits made while it plays.
 *
 * The clock follows the item being shown by its key rather than by the time since the start, so
 * reordering or retiming other items while previewing does not make the screen jump.
 */

/** The controller refuses items under 1 s; a duration still being typed ("", "0,") previews as that. */
export const MIN_PREVIEW_MS = 1000;

export interface ClockItem<K> {
  key: K;
  durationMs: number;
}

export interface ClockState<K> {
  /** The item shown at `at`; null before the list had any item. */
  key: K | null;
  /** Its place in the list at `at`: where to carry on when that item is removed. */
  index: number;
  /** How far into that item the preview was at `at`. */
  offsetMs: number;
  /** Clock reading (ms, e.g. `performance.now()`) the state was taken at. */
  at: number;
  playing: boolean;
}

export interface Position<K> {
  index: number;
  key: K;
  offsetMs: number;
  durationMs: number;
  remainingMs: number;
}

/** An item's preview duration: what was typed, or the controller's minimum when it is not usable. */
export function playableMs(durationMs: number): number {
  return Number.isFinite(durationMs) && durationMs >= MIN_PREVIEW_MS ? durationMs : MIN_PREVIEW_MS;
}

export function startClock<K>(items: readonly ClockItem<K>[], now: number): ClockState<K> {
  return { key: items[0]?.key ?? null, index: 0, offsetMs: 0, at: now, playing: true };
}

/** Where the state's item sits in the list now, or the item that took its place when it was removed. */
function anchor<K>(state: ClockState<K>, items: readonly ClockItem<K>[]): { index: number; offsetMs: number } {
  const found = state.key === null ? -1 : items.findIndex((i) => i.key === state.key);
  if (found >= 0) return { index: found, offsetMs: state.offsetMs };
  return { index: Math.min(Math.max(state.index, 0), items.length - 1), offsetMs: 0 };
}

/** What is on screen at `now`; null for an empty list. */
export function positionAt<K>(state: ClockState<K>, items: readonly ClockItem<K>[], now: number): Position<K> | null {
  if (items.length === 0) return null;
  let { index, offsetMs } = anchor(state, items);
  offsetMs += state.playing ? Math.max(0, now - state.at) : 0;
  let d = playableMs(items[index]!.durationMs);
  if (offsetMs >= d) {
    offsetMs -= d;
    index = (index + 1) % items.length;
    // From an item's start, a whole loop comes back to the same place: skip whole loops at once.
    const total = items.reduce((s, i) => s + playableMs(i.durationMs), 0);
    offsetMs %= total;
    d = playableMs(items[index]!.durationMs);
    while (offsetMs >= d) {
      offsetMs -= d;
      index = (index + 1) % items.length;
      d = playableMs(items[index]!.durationMs);
    }
  }
  return { index, key: items[index]!.key, offsetMs, durationMs: d, remainingMs: d - offsetMs };
}

/** The state re-anchored at `now` (same position), so later changes start from what is on screen. */
export function settle<K>(state: ClockState<K>, items: readonly ClockItem<K>[], now: number): ClockState<K> {
  const p = positionAt(state, items, now);
  if (!p) return { key: null, index: 0, offsetMs: 0, at: now, playing: state.playing };
  return { key: p.key, index: p.index, offsetMs: p.offsetMs, at: now, playing: state.playing };
}

export function pause<K>(state: ClockState<K>, items: readonly ClockItem<K>[], now: number): ClockState<K> {
  return state.playing ? { ...settle(state, items, now), playing: false } : state;
}

export function resume<K>(state: ClockState<K>, items: readonly ClockItem<K>[], now: number): ClockState<K> {
  return state.playing ? state : { ...settle(state, items, now), playing: true };
}

/** Jumps `step` items forward (negative: back), looping, to the start of that item. */
export function skip<K>(
  state: ClockState<K>,
  items: readonly ClockItem<K>[],
  now: number,
  step: number,
): ClockState<K> {
  const s = settle(state, items, now);
  if (items.length === 0) return s;
  const index = (((s.index + step) % items.length) + items.length) % items.length;
  return { ...s, key: items[index]!.key, index, offsetMs: 0 };
}

/**
 * The list changed while previewing (order, durations, items added or removed). The item on screen
 * keeps the time it has been shown for under the old list; when it is now past its new end (its
 * duration was shortened), the next item starts rather than spending the overrun on later items.
 */
export function retime<K>(
  state: ClockState<K>,
  before: readonly ClockItem<K>[],
  after: readonly ClockItem<K>[],
  now: number,
): ClockState<K> {
  const s = before.length ? settle(state, before, now) : { ...state, at: now };
  if (after.length === 0) return { ...s, key: null, index: 0, offsetMs: 0 };
  const { index, offsetMs } = anchor(s, after);
  const item = after[index]!;
  if (offsetMs < playableMs(item.durationMs)) return { ...s, key: item.key, index, offsetMs };
  const next = (index + 1) % after.length;
  return { ...s, key: after[next]!.key, index: next, offsetMs: 0 };
}
