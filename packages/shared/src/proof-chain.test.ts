import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CHAIN_GENESIS, checkChain, type ChainedProof, type ChainRow, proofCanonicalForm } from './proof-chain';
import { decodeProofColumns, encodeProofColumns, ProofColumnsSchema } from './proof-columns';
import { ProofSchema } from './schemas';

const sha = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

const base: ChainedProof = {
  id: '01930000-0000-7000-8000-0000000000A1',
  contentId: '01930000-0000-7000-8000-000000000001',
  playlistId: '01930000-0000-7000-8000-000000000002',
  scheduleId: '01930000-0000-7000-8000-000000000003',
  startedAt: 1_764_720_000_000,
  endedAt: 1_764_720_010_000,
  deviceStartedAt: 1_764_719_999_000,
  clockOffsetMs: 1000,
  endReason: 'completed',
  output: 'led:cong-chinh',
  seq: 1,
  prevHash: CHAIN_GENESIS,
};

/** A chain of n proofs built the way a player builds it. */
function chain(n: number): { proofs: ChainedProof[]; rows: ChainRow[] } {
  const proofs: ChainedProof[] = [];
  let prev = CHAIN_GENESIS;
  for (let i = 1; i <= n; i++) {
    const p = { ...base, id: base.id.slice(0, -2) + String(i).padStart(2, '0'), seq: i, prevHash: prev };
    p.startedAt += i * 10_000;
    p.endedAt += i * 10_000;
    prev = sha(proofCanonicalForm(p));
    proofs.push(p);
  }
  const rows = proofs.map((p) => {
    const h = sha(proofCanonicalForm(p));
    return { seq: p.seq, prevHash: p.prevHash, hash: h, storedHash: h, startedAt: p.startedAt };
  });
  return { proofs, rows };
}

describe('proof canonical form', () => {
  it('is a fixed literal string covering every field (ids in lower case)', () => {
    expect(proofCanonicalForm(base)).toBe(
      'bangtin-proof-v1|led:cong-chinh|1|' +
        '0000000000000000000000000000000000000000000000000000000000000000|' +
        '01930000-0000-7000-8000-0000000000a1|01930000-0000-7000-8000-000000000001|' +
        '01930000-0000-7000-8000-000000000002|01930000-0000-7000-8000-000000000003|' +
        '1764720000000|1764720010000|1764719999000|1000|completed',
    );
  });

  it('changes when any covered field changes', () => {
    const a = proofCanonicalForm(base);
    expect(proofCanonicalForm({ ...base, endedAt: base.endedAt + 1 })).not.toBe(a);
    expect(proofCanonicalForm({ ...base, seq: 2 })).not.toBe(a);
    expect(proofCanonicalForm({ ...base, endReason: 'preempted' })).not.toBe(a);
    expect(proofCanonicalForm({ ...base, output: 'screen' })).not.toBe(a);
  });

  it('refuses values that would make the form ambiguous', () => {
    expect(() => proofCanonicalForm({ ...base, seq: 0 })).toThrow(/seq/);
    expect(() => proofCanonicalForm({ ...base, prevHash: 'abc' })).toThrow(/prevHash/);
    expect(() => proofCanonicalForm({ ...base, output: 'led:a|b' })).toThrow(/output/);
  });
});

describe('proof schema and columns with chain fields', () => {
  it('accepts chained and unchained proofs, but not half a chain', () => {
    expect(ProofSchema.parse(base).seq).toBe(1);
    const { seq: _s, prevHash: _p, ...unchained } = base;
    expect(ProofSchema.parse(unchained).seq).toBeUndefined();
    const half = ProofSchema.safeParse({ ...unchained, seq: 3 });
    expect(half.success).toBe(false);
    expect(half.error!.issues[0]!.path).toEqual(['prevHash']);
  });

  it('round-trips a batch mixing unchained and chained proofs', () => {
    const { proofs } = chain(3);
    const { seq: _s, prevHash: _p, ...old } = { ...base, id: '01930000-0000-7000-8000-0000000000ff' };
    const batch = [old, ...proofs];
    const parsed = ProofColumnsSchema.parse(JSON.parse(JSON.stringify(encodeProofColumns(batch))));
    expect(decodeProofColumns(parsed)).toEqual(batch);
    expect(encodeProofColumns([old]).seq).toBeUndefined();
  });

  it('names the chain column that is wrong', () => {
    const cols = encodeProofColumns(chain(2).proofs);
    cols.prevHash![1] = 'not-a-hash';
    expect(ProofColumnsSchema.safeParse(cols).error!.issues[0]!.path).toEqual(['prevHash', 1]);
  });
});

describe('checkChain', () => {
  it('an intact chain has no breaks', () => {
    const { rows } = chain(5);
    expect(checkChain(rows, { gapsFinal: true, headSeq: 5 })).toEqual({ checked: 5, breaks: [] });
  });

  it('names an edited row and a deleted one', () => {
    const { rows } = chain(6);
    rows[1] = { ...rows[1]!, hash: sha('edited') };
    rows.splice(3, 1);
    const { breaks } = checkChain(rows, { gapsFinal: true, headSeq: 6 });
    expect(breaks.map((b) => [b.seq, b.kind])).toEqual([
      [2, 'hash-mismatch'],
      [4, 'missing'],
    ]);
  });

  it('waits for a gap to fill until gaps are final', () => {
    const { rows } = chain(4);
    rows.splice(1, 2);
    expect(checkChain(rows, { gapsFinal: false, headSeq: 4 }).breaks).toEqual([]);
    expect(checkChain(rows, { gapsFinal: true, headSeq: 4 }).breaks.map((b) => b.seq)).toEqual([2, 3]);
  });

  it('reports the newest rows deleted, and the newest row edited', () => {
    const { rows } = chain(4);
    expect(checkChain(rows.slice(0, 2), { gapsFinal: true, headSeq: 4 }).breaks.map((b) => b.seq)).toEqual([3, 4]);
    rows[3] = { ...rows[3]!, hash: sha('edited') };
    expect(checkChain(rows, { gapsFinal: true, headSeq: 4 }).breaks).toEqual([
      { seq: 4, kind: 'hash-mismatch', at: rows[3]!.startedAt },
    ]);
  });

  it('reports a seq reused with different content, not a re-send of the same proof', () => {
    const { rows } = chain(3);
    const dup = [...rows.slice(0, 2), { ...rows[1]! }, rows[2]!];
    expect(checkChain(dup, { gapsFinal: true }).breaks).toEqual([]);
    const reused = [...rows.slice(0, 2), { ...rows[1]!, hash: sha('other') }, rows[2]!];
    expect(checkChain(reused, { gapsFinal: true }).breaks.map((b) => [b.seq, b.kind])).toEqual([[2, 'seq-reused']]);
  });
});
