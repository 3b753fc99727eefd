import { describe, expect, it } from 'vitest';
import { MIN_PREVIEW_MS, pause, playableMs, positionAt, resume, retime, skip, startClock } from './preview-clock';

const items = [
  { key: 'a', durationMs: 2000 },
  { key: 'b', durationMs: 3000 },
  { key: 'c', durationMs: 5000 },
];
const at = (s: Parameters<typeof positionAt<string>>[0], list: typeof items, now: number) => {
  const p = positionAt(s, list, now);
  return p && { key: p.key, offsetMs: p.offsetMs, remainingMs: p.remainingMs };
};

describe('playlist preview clock', () => {
  it('shows each item for its own duration, in order', () => {
    const s = startClock(items, 1000);
    expect(at(s, items, 1000)).toEqual({ key: 'a', offsetMs: 0, remainingMs: 2000 });
    expect(at(s, items, 2999)).toEqual({ key: 'a', offsetMs: 1999, remainingMs: 1 });
    expect(at(s, items, 3000)).toEqual({ key: 'b', offsetMs: 0, remainingMs: 3000 });
    expect(at(s, items, 7500)).toEqual({ key: 'c', offsetMs: 1500, remainingMs: 3500 });
  });

  it('loops back to the first item, also after many loops', () => {
    const s = startClock(items, 0);
    expect(at(s, items, 10_000)).toEqual({ key: 'a', offsetMs: 0, remainingMs: 2000 });
    expect(at(s, items, 12_500)).toEqual({ key: 'b', offsetMs: 500, remainingMs: 2500 });
    // 1000 loops of 10 s, then 9.9 s into the loop: the last 100 ms of c.
    expect(at(s, items, 10_000_000 + 9900)).toEqual({ key: 'c', offsetMs: 4900, remainingMs: 100 });
  });

  it('holds still while paused and carries on from the same place', () => {
    let s = startClock(items, 0);
    s = pause(s, items, 2500);
    expect(at(s, items, 2500)).toEqual({ key: 'b', offsetMs: 500, remainingMs: 2500 });
    expect(at(s, items, 60_000)).toEqual({ key: 'b', offsetMs: 500, remainingMs: 2500 });
    expect(pause(s, items, 70_000)).toBe(s);
    s = resume(s, items, 60_000);
    expect(s.playing).toBe(true);
    expect(at(s, items, 61_000)).toEqual({ key: 'b', offsetMs: 1500, remainingMs: 1500 });
    expect(at(s, items, 62_500)).toEqual({ key: 'c', offsetMs: 0, remainingMs: 5000 });
  });

  it('skips to the start of the next or previous item, looping at both ends', () => {
    let s = startClock(items, 0);
    s = skip(s, items, 1500, 1);
    expect(at(s, items, 1500)).toEqual({ key: 'b', offsetMs: 0, remainingMs: 3000 });
    s = skip(s, items, 1600, -1);
    expect(at(s, items, 1600)).toEqual({ key: 'a', offsetMs: 0, remainingMs: 2000 });
    s = skip(s, items, 1700, -1);
    expect(at(s, items, 1700)).toEqual({ key: 'c', offsetMs: 0, remainingMs: 5000 });
    s = skip(s, items, 1800, 1);
    expect(at(s, items, 1800)).toEqual({ key: 'a', offsetMs: 0, remainingMs: 2000 });
    // A skip while paused stays paused.
    s = skip(pause(s, items, 1900), items, 5000, 2);
    expect(at(s, items, 9000)).toEqual({ key: 'c', offsetMs: 0, remainingMs: 5000 });
  });

  it('follows the item on screen when the list is reordered', () => {
    const s = startClock(items, 0); // at 2500: b, 500 ms in
    const reordered = [items[1]!, items[2]!, items[0]!];
    const r = retime(s, items, reordered, 2500);
    expect(at(r, reordered, 2500)).toEqual({ key: 'b', offsetMs: 500, remainingMs: 2500 });
    expect(at(r, reordered, 5000)).toEqual({ key: 'c', offsetMs: 0, remainingMs: 5000 });
  });

  it('applies a duration edited while playing to the item on screen', () => {
    const s = startClock(items, 0); // at 6000: c, 1000 ms in
    const longer = items.map((i) => (i.key === 'c' ? { ...i, durationMs: 8000 } : i));
    expect(at(retime(s, items, longer, 6000), longer, 6000)).toEqual({ key: 'c', offsetMs: 1000, remainingMs: 7000 });
    // Shortened under what was already shown: the next item starts now, not part-way through.
    const shorter = items.map((i) => (i.key === 'c' ? { ...i, durationMs: 1000 } : i));
    const r = retime(s, items, shorter, 6000);
    expect(at(r, shorter, 6000)).toEqual({ key: 'a', offsetMs: 0, remainingMs: 2000 });
    // Editing another item leaves the one on screen where it was.
    const other = items.map((i) => (i.key === 'a' ? { ...i, durationMs: 9000 } : i));
    expect(at(retime(s, items, other, 6000), other, 6000)).toEqual({ key: 'c', offsetMs: 1000, remainingMs: 4000 });
  });

  it('moves on to the item in its place when the one on screen is removed, and copes with an empty list', () => {
    const s = startClock(items, 0); // at 2500: b
    const without = [items[0]!, items[2]!];
    const r = retime(s, items, without, 2500);
    expect(at(r, without, 2500)).toEqual({ key: 'c', offsetMs: 0, remainingMs: 5000 });
    const empty = retime(r, without, [], 3000);
    expect(positionAt(empty, [], 3000)).toBeNull();
    const again = retime(empty, [], [items[0]!], 4000);
    expect(at(again, [items[0]!], 4500)).toEqual({ key: 'a', offsetMs: 500, remainingMs: 1500 });
    // The last item removed while on screen: carry on from the new last one.
    const last = retime(skip(s, items, 0, 2), items, [items[0]!, items[1]!], 100);
    expect(at(last, [items[0]!, items[1]!], 100)).toEqual({ key: 'b', offsetMs: 0, remainingMs: 3000 });
  });

  it('previews a duration still being typed as the controller minimum', () => {
    expect(playableMs(Number.NaN)).toBe(MIN_PREVIEW_MS);
    expect(playableMs(0)).toBe(MIN_PREVIEW_MS);
    expect(playableMs(500)).toBe(MIN_PREVIEW_MS);
    expect(playableMs(2500)).toBe(2500);
    const typing = [
      { key: 'a', durationMs: Number.NaN },
      { key: 'b', durationMs: 2000 },
    ];
    const s = startClock(typing, 0);
    expect(at(s, typing, 1200)).toEqual({ key: 'b', offsetMs: 200, remainingMs: 1800 });
  });
});
