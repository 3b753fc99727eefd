import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newId, type Proof } from '@bangtin/shared';
import { openLocalDatabase } from '../runtime/local-store';
import { Outbox } from './outbox';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-outbox-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function proof(startedAt: number): Proof {
  return {
    id: newId(),
    contentId: newId(),
    playlistId: newId(),
    scheduleId: newId(),
    startedAt,
    endedAt: startedAt + 5000,
    deviceStartedAt: startedAt - 120,
    clockOffsetMs: 120,
    endReason: 'completed',
    output: 'main',
  };
}

describe('Outbox', () => {
  it('keeps proofs across a reopen of the database file until they are removed', () => {
    const dir = tmp();
    const db = openLocalDatabase(dir);
    const ob = new Outbox(db);
    const a = proof(1_700_000_000_000);
    const b = proof(1_700_000_005_000);
    ob.add(a);
    ob.add(b);
    db.close();

    const db2 = openLocalDatabase(dir);
    const ob2 = new Outbox(db2);
    expect(ob2.size()).toBe(2);
    expect(ob2.peek(10)).toEqual([a, b]);
    expect(ob2.remove([a.id, 'not-there'])).toBe(1);
    expect(ob2.peek(10)).toEqual([b]);
    db2.close();
  });

  it('returns the oldest first and respects the batch limit', () => {
    const db = openLocalDatabase(tmp());
    const ob = new Outbox(db);
    const ps = Array.from({ length: 5 }, (_, i) => proof(1_700_000_000_000 + i * 1000));
    for (const p of [...ps].reverse()) ob.add(p);
    expect(ob.peek(3).map((p) => p.id)).toEqual(ps.slice(0, 3).map((p) => p.id));
    db.close();
  });

  it('adding the same proof twice keeps one copy', () => {
    const db = openLocalDatabase(tmp());
    const ob = new Outbox(db);
    const p = proof(1_700_000_000_000);
    ob.add(p);
    ob.add(p);
    expect(ob.size()).toBe(1);
    db.close();
  });

  it('a rolled-back play transaction leaves no proof behind', () => {
    const db = openLocalDatabase(tmp());
    const ob = new Outbox(db);
    expect(() =>
      db.transaction(() => {
        ob.add(proof(1_700_000_000_000));
        throw new Error('crash while marking the play');
      })(),
    ).toThrow('crash');
    expect(ob.size()).toBe(0);
    db.close();
  });
});

describe('acknowledged proofs kept for a controller restore', () => {
  it('keeps acknowledged proofs aside, resends those after a start, once, and forgets them after the keep time', () => {
    const db = openLocalDatabase(fs.mkdtempSync(path.join(os.tmpdir(), 'acked-')));
    const outbox = new Outbox(db);
    const proofAt = (n: number, startedAt: number) =>
      ({ id: `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`, startedAt, endedAt: startedAt + 1000 }) as Proof;
    const a = proofAt(1, 1_000);
    const b = proofAt(2, 2_000);
    const c = proofAt(3, 3_000);
    for (const p of [a, b, c]) outbox.add(p, 10);
    // b and c acknowledged; a rejected for good (not kept).
    outbox.remove([a.id, b.id, c.id], new Set([b.id, c.id]), 100);
    expect(outbox.size()).toBe(0);
    expect(outbox.ackedKept()).toBe(2);
    // The controller holds proofs up to 2 000 only: c comes back, b does not.
    expect(outbox.resendAcked(2_000)).toBe(1);
    expect(outbox.peek(10).map((p) => p.id)).toEqual([c.id]);
    // Asked again while c still waits: nothing doubles.
    expect(outbox.resendAcked(0)).toBe(1);
    expect(outbox.size()).toBe(2);
    expect(outbox.pruneAcked(50, 120)).toBe(0);
    expect(outbox.pruneAcked(10, 120)).toBe(2);
    expect(outbox.ackedKept()).toBe(0);
  });
});
