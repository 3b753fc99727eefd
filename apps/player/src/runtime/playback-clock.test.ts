import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Bundle, Proof } from '@bangtin/shared';
import { Outbox } from '../proofs/outbox';
import { ControllerClock } from './clock';
import { LocalState, openLocalDatabase } from './local-store';
import { Playback, PROOF_SLOT_TOLERANCE_MS } from './playback';

const T0 = Date.UTC(2027, 0, 4, 1, 0, 0);
const ids = {
  a: '01900000-0000-7000-8000-00000000000a',
  pl: '01900000-0000-7000-8000-0000000000f1',
  sc: '01900000-0000-7000-8000-0000000000e1',
};
const bundle: Bundle = {
  protocol: 1,
  version: 1,
  hash: '0'.repeat(64),
  generatedAt: T0,
  content: [{ id: ids.a, type: 'slogan', text: 'Bảo hiểm xã hội', title: null }],
  playlists: [{ id: ids.pl, name: 'Vòng', items: [{ contentId: ids.a, durationMs: 10_000 }] }],
  schedules: [{ id: ids.sc, playlistId: ids.pl, startsAt: T0, endsAt: null, priority: 0, createdAt: T0 }],
};

describe('Playback on an injected clock', () => {
  it('clamps a proof to its slot end + tolerance when the clock is moved 8 days on under a play', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-pbclock-'));
    const db = openLocalDatabase(dir);
    const src = { wall: T0 + 1000, mono: 0, wallNow: () => src.wall, monoNow: () => src.mono };
    const clock = new ControllerClock(src, 0);
    const proofs: Proof[] = [];
    const pb = new Playback({
      db,
      outbox: new Outbox(db),
      state: new LocalState(db),
      log: pino({ level: 'silent' }),
      output: 'main',
      clock,
      hooks: { onProof: (p) => proofs.push(p) },
    });
    pb.setBundle(bundle);
    pb.start();
    const slotEnd = pb.nowPlaying!.slotEnd;
    // A (wrong) measurement 8 days ahead arrives mid-play: the play in progress ends at the new time.
    clock.setOffset(8 * 86_400_000);
    pb.recheck();
    pb.stop();
    expect(proofs[0]!.endedAt).toBe(slotEnd + PROOF_SLOT_TOLERANCE_MS);
    expect(proofs[0]!.startedAt).toBe(T0 + 1000);
    db.close();
  });

  it('keeps playback on the monotonic clock when only the wall clock is set back 2 hours', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-pbclock-'));
    const db = openLocalDatabase(dir);
    const src = { wall: T0 + 1000, mono: 0, wallNow: () => src.wall, monoNow: () => src.mono };
    const clock = new ControllerClock(src, 0);
    const pb = new Playback({
      db,
      outbox: new Outbox(db),
      state: new LocalState(db),
      log: pino({ level: 'silent' }),
      output: 'main',
      clock,
    });
    pb.setBundle(bundle);
    src.wall -= 7_200_000;
    src.mono += 500;
    src.wall += 500;
    expect(clock.now()).toBe(T0 + 1500);
    // Before the schedule's start by the wall clock, but the controller clock says it is running.
    pb.start();
    expect(pb.nowPlaying?.startedAt).toBe(T0 + 1500);
    expect(pb.nowPlaying?.deviceStartedAt).toBe(T0 + 1500 - 7_200_000);
    expect(pb.clockOffsetMs).toBe(7_200_000);
    pb.stop();
    db.close();
  });
});
