import { describe, expect, it } from 'vitest';
import type { Bundle } from '../domain';
import { BundleSchema } from '../schemas';
import { itemAt } from './playback';
import { resolveTimeline } from './timeline';

// Content expiry in the engine: the player leaves an item out outside its window, offline too.
const Z = (iso: string) => Date.parse(iso);
const id = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const FROM = Z('2026-12-05T00:00:00Z');
const UNTIL = Z('2026-12-06T00:00:00Z');

function bundle(windowed: Record<string, number>, other: Record<string, number> = {}): Bundle {
  return BundleSchema.parse({
    protocol: 1,
    version: 1,
    hash: '0'.repeat(64),
    generatedAt: Z('2026-12-01T00:00:00Z'),
    content: [
      { id: id(1), type: 'slogan', text: 'Luôn phát', title: null, ...other },
      { id: id(2), type: 'slogan', text: 'Chỉ ngày 5/12', title: null, ...windowed },
    ],
    playlists: [
      {
        id: id(11),
        name: 'Chung',
        items: [
          { contentId: id(1), durationMs: 10_000 },
          { contentId: id(2), durationMs: 5_000 },
        ],
      },
    ],
    schedules: [{ id: id(21), playlistId: id(11), startsAt: null, endsAt: null, priority: 10, createdAt: 0 }],
  });
}

const contentAt = (b: Bundle, t: number) => itemAt(b, t)?.content.id ?? null;

describe('content validity windows', () => {
  it('plays a windowed item only inside its window, and the rest of the playlist around it', () => {
    const b = bundle({ validFrom: FROM, validUntil: UNTIL });
    const seen = (from: number) => new Set([0, 10_000, 12_000].map((d) => contentAt(b, from + d)));
    expect(seen(FROM - 3_600_000)).toEqual(new Set([id(1)]));
    expect(seen(FROM)).toEqual(new Set([id(1), id(2)]));
    expect(seen(UNTIL)).toEqual(new Set([id(1)]));
  });

  it('keeps the schedule and playlist ids across the window edges (proofs and reports stay whole)', () => {
    const b = bundle({ validFrom: FROM, validUntil: UNTIL });
    const segs = resolveTimeline(b, FROM - 60_000, UNTIL + 60_000);
    expect(new Set(segs.map((s) => s.scheduleId))).toEqual(new Set([id(21)]));
    expect(segs.at(0)!.start).toBe(FROM - 60_000);
    expect(segs.at(-1)!.end).toBe(UNTIL + 60_000);
  });

  it('is silent where no item of the playlist is valid', () => {
    const b = bundle({ validUntil: FROM }, { validUntil: FROM });
    expect(contentAt(b, FROM - 1)).not.toBeNull();
    expect(contentAt(b, FROM)).toBeNull();
    expect(contentAt(b, UNTIL)).toBeNull();
  });
});
