import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Bundle, PlayPosition, Proof } from '@bangtin/shared';
import { Outbox } from '../proofs/outbox';
import { LocalState, openLocalDatabase } from './local-store';
import { type CurrentPlay, Playback } from './playback';

const ids = {
  a: '01900000-0000-7000-8000-00000000000a',
  b: '01900000-0000-7000-8000-00000000000b',
  pl: '01900000-0000-7000-8000-0000000000f1',
  sc: '01900000-0000-7000-8000-0000000000e1',
};
const T0 = Date.UTC(2027, 0, 4, 1, 0, 0); // a Monday, 08:00 in Hà Nội

const bundle: Bundle = {
  protocol: 1,
  version: 1,
  hash: '0'.repeat(64),
  generatedAt: T0,
  content: [
    { id: ids.a, type: 'slogan', text: 'Bảo hiểm xã hội', title: null },
    { id: ids.b, type: 'slogan', text: 'Bảo hiểm y tế', title: null },
  ],
  playlists: [
    {
      id: ids.pl,
      name: 'Vòng',
      items: [
        { contentId: ids.a, durationMs: 10_000 },
        { contentId: ids.b, durationMs: 10_000 },
      ],
    },
  ],
  schedules: [{ id: ids.sc, playlistId: ids.pl, startsAt: T0, endsAt: null, priority: 0, createdAt: T0 }],
};

let dir: string;
let shows: { pos: PlayPosition | null; play: CurrentPlay | null }[];
let proofs: Proof[];
let pb: Playback;

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-playback-'));
  const db = openLocalDatabase(dir);
  shows = [];
  proofs = [];
  pb = new Playback({
    db,
    outbox: new Outbox(db),
    state: new LocalState(db),
    log: pino({ level: 'silent' }),
    output: 'screen',
    confirmedByRenderer: true,
    hooks: { onShow: (pos, play) => shows.push({ pos, play }), onProof: (p) => proofs.push(p) },
  });
  pb.setBundle(bundle);
  pb.start();
});

afterEach(() => {
  pb.stop();
  vi.useRealTimers();
  fs.rmSync(dir, { recursive: true, force: true });
});

const lastPlay = () => shows.at(-1)!.play!;

describe('Playback confirmed by a renderer', () => {
  it('records the renderer’s real start, and the next item’s first frame as the end', () => {
    const first = lastPlay();
    expect(first.contentId).toBe(ids.a);
    pb.markShown(first.proofId, T0 + 180); // decoded and presented 180 ms into the slot
    vi.advanceTimersByTime(10_000);
    expect(proofs).toEqual([]); // waits for the renderer to say when it left the screen
    const second = lastPlay();
    expect(second.contentId).toBe(ids.b);
    pb.markShown(second.proofId, T0 + 10_040);
    expect(proofs).toEqual([
      expect.objectContaining({
        id: first.proofId,
        startedAt: T0 + 180,
        endedAt: T0 + 10_040,
        endReason: 'completed',
        output: 'screen',
      }),
    ]);
  });

  it('writes no proof for an item the renderer never showed', () => {
    vi.advanceTimersByTime(10_000);
    pb.markShown(lastPlay().proofId, T0 + 10_010);
    vi.advanceTimersByTime(10_000);
    vi.advanceTimersByTime(2_500);
    expect(proofs.map((p) => p.contentId)).toEqual([ids.b]);
  });

  it('ends an item early with the renderer’s reason and does not restart it in the same slot', () => {
    const first = lastPlay();
    pb.markShown(first.proofId, T0 + 100);
    vi.advanceTimersByTime(3_000);
    pb.markEnded(first.proofId, T0 + 3_000, 'media-error');
    expect(proofs).toEqual([
      expect.objectContaining({ id: first.proofId, endedAt: T0 + 3_000, endReason: 'media-error' }),
    ]);
    const showsBefore = shows.length;
    vi.advanceTimersByTime(6_000);
    expect(shows.length).toBe(showsBefore); // nothing new until the next slot
    vi.advanceTimersByTime(1_500);
    expect(lastPlay().contentId).toBe(ids.b);
  });

  it('falls back to the runtime’s switch time when the renderer does not report the swap', () => {
    const first = lastPlay();
    pb.markShown(first.proofId, T0 + 50);
    vi.advanceTimersByTime(10_000 + 2_100);
    expect(proofs).toEqual([expect.objectContaining({ id: first.proofId, endedAt: T0 + 10_000 })]);
  });
});
