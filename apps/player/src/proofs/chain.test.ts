import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHAIN_GENESIS, newId, type ChainedProof, type Proof } from '@bangtin/shared';
import { openLocalDatabase } from '../runtime/local-store';
import { Outbox } from './outbox';
import { ProofChain, proofHash } from './chain';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-chain-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function proof(startedAt: number, output = 'main'): Proof {
  return {
    id: newId(),
    contentId: newId(),
    playlistId: newId(),
    scheduleId: newId(),
    startedAt,
    endedAt: startedAt + 5000,
    deviceStartedAt: startedAt,
    clockOffsetMs: 0,
    endReason: 'completed',
    output,
  };
}

/** Writes a proof the way Playback does: link, save the head and add, in one transaction. */
function write(db: ReturnType<typeof openLocalDatabase>, chain: ProofChain, outbox: Outbox, p: Proof): void {
  db.transaction(() =>
    outbox.add(p, undefined, (x) => {
      const c = chain.link(x);
      chain.save();
      return c;
    }),
  )();
}

describe('ProofChain (real SQLite file)', () => {
  it('numbers proofs per output, links each to the previous hash, and continues after a reopen', () => {
    const dir = tmp();
    let db = openLocalDatabase(dir);
    let chain = new ProofChain(db, 'main');
    const led = new ProofChain(db, 'led:cong');
    let outbox = new Outbox(db);
    write(db, chain, outbox, proof(1_764_720_000_000));
    write(db, chain, outbox, proof(1_764_720_005_000));
    write(db, led, outbox, proof(1_764_720_005_000, 'led:cong'));
    db.close();
    db = openLocalDatabase(dir);
    chain = new ProofChain(db, 'main');
    outbox = new Outbox(db);
    write(db, chain, outbox, proof(1_764_720_010_000));
    const sent = outbox.peek(10) as ChainedProof[];
    const main = sent.filter((p) => p.output === 'main');
    expect(main.map((p) => p.seq)).toEqual([1, 2, 3]);
    expect(main[0]!.prevHash).toBe(CHAIN_GENESIS);
    expect(main[1]!.prevHash).toBe(proofHash(main[0]!));
    expect(main[2]!.prevHash).toBe(proofHash(main[1]!));
    expect(sent.find((p) => p.output === 'led:cong')).toMatchObject({ seq: 1, prevHash: CHAIN_GENESIS });
    // A re-send reads the same rows back: same seq and prevHash.
    expect(outbox.peek(10)).toEqual(sent);
    db.close();
  });

  it('a transaction that rolls back leaves the stored head where it was', () => {
    const dir = tmp();
    let db = openLocalDatabase(dir);
    const chain = new ProofChain(db, 'main');
    const outbox = new Outbox(db);
    write(db, chain, outbox, proof(1_764_720_000_000));
    expect(() =>
      db.transaction(() => {
        outbox.add(proof(1_764_720_005_000), undefined, (x) => {
          const c = chain.link(x);
          chain.save();
          return c;
        });
        throw new Error('power cut before commit');
      })(),
    ).toThrow(/power cut/);
    db.close();
    db = openLocalDatabase(dir);
    expect(new ProofChain(db, 'main').current().seq).toBe(1);
    expect(new Outbox(db).size()).toBe(1);
    db.close();
  });
});
