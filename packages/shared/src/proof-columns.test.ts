import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeProofColumns, encodeProofColumns, ProofColumnsSchema } from './proof-columns';
import type { Proof } from './domain';
import { ProofSchema } from './schemas';

const proofArb: fc.Arbitrary<Proof> = fc
  .record({
    id: fc.uuid({ version: 7 }),
    contentId: fc.constantFrom('01930000-0000-7000-8000-000000000001', '01930000-0000-7000-8000-000000000002'),
    playlistId: fc.constantFrom('01930000-0000-7000-8000-000000000003'),
    scheduleId: fc.uuid({ version: 7 }),
    startedAt: fc.integer({ min: 1_600_000_000_000, max: Date.now() }),
    endedAt: fc.constant(0),
    deviceStartedAt: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
    clockOffsetMs: fc.integer({ min: -86_400_000, max: 86_400_000 }),
    endReason: fc.constantFrom('completed', 'preempted', 'stopped'),
    output: fc.constantFrom('main', 'led:tam-ky', 'screen'),
  })
  .map((p) => ({ ...p, endedAt: p.startedAt + (p.deviceStartedAt % 60_000) }));

describe('proof columns', () => {
  it('round-trips any batch of proofs exactly and validates', () => {
    fc.assert(
      fc.property(fc.array(proofArb, { minLength: 1, maxLength: 50 }), (proofs) => {
        const cols = encodeProofColumns(proofs);
        const parsed = ProofColumnsSchema.safeParse(JSON.parse(JSON.stringify(cols)));
        expect(parsed.success).toBe(true);
        expect(decodeProofColumns(parsed.data!)).toEqual(proofs);
      }),
    );
  });

  it('sends each repeated id once', () => {
    const base: Proof = {
      id: '01930000-0000-7000-8000-0000000000a1',
      contentId: '01930000-0000-7000-8000-000000000001',
      playlistId: '01930000-0000-7000-8000-000000000002',
      scheduleId: '01930000-0000-7000-8000-000000000003',
      startedAt: 1_700_000_000_000,
      endedAt: 1_700_000_010_000,
      deviceStartedAt: 1_700_000_000_000,
      clockOffsetMs: 0,
      endReason: 'completed',
      output: 'main',
    };
    const cols = encodeProofColumns([base, { ...base, id: '01930000-0000-7000-8000-0000000000a2' }]);
    expect(cols.refs).toHaveLength(3);
    expect(cols.content).toEqual([0, 0]);
  });

  it('names the column that is wrong', () => {
    const cols = encodeProofColumns([
      {
        id: '01930000-0000-7000-8000-0000000000a1',
        contentId: '01930000-0000-7000-8000-000000000001',
        playlistId: '01930000-0000-7000-8000-000000000002',
        scheduleId: '01930000-0000-7000-8000-000000000003',
        startedAt: 1_700_000_000_000,
        endedAt: 1_700_000_010_000,
        deviceStartedAt: 1_700_000_000_000,
        clockOffsetMs: 0,
        endReason: 'completed',
        output: 'main',
      },
    ]);
    const short = ProofColumnsSchema.safeParse({ ...cols, startedAt: [] });
    expect(short.error?.issues[0]?.path).toEqual(['startedAt']);
    const outside = ProofColumnsSchema.safeParse({ ...cols, content: [7] });
    expect(outside.error?.issues[0]?.path).toEqual(['content', 0]);
    const negative = ProofColumnsSchema.safeParse({ ...cols, durationMs: [-5] });
    expect(negative.error?.issues[0]?.path).toEqual(['durationMs', 0]);
    const cases: [Record<string, unknown>, (string | number)[]][] = [
      [{ id: ['not-a-uuid'] }, ['id', 0]],
      [{ refs: [...cols.refs.slice(0, 2), 'x'] }, ['refs', 2]],
      [{ endReason: [7] }, ['endReason', 0]],
      [{ clockOffsetMs: [1.5] }, ['clockOffsetMs', 0]],
      [{ output: [3] }, ['output', 0]],
      [{ startedAt: [0] }, ['startedAt', 0]],
      [{ deviceStartedAt: ['1'] }, ['deviceStartedAt', 0]],
      // Number columns are checked element by element by their rules only: not-numbers still name the row.
      [{ startedAt: ['1700000000000'] }, ['startedAt', 0]],
      [{ content: [null] }, ['content', 0]],
      [{ durationMs: [{}] }, ['durationMs', 0]],
      [{ endReason: [true] }, ['endReason', 0]],
      [{ clockOffsetMs: 'zero' }, ['clockOffsetMs']],
      [{ output: Array(5001).fill(0) }, ['output']],
      [{ seq: ['1'], prevHash: ['a'.repeat(64)] }, ['seq', 0]],
      // String columns too: only their shape by zod, every element by its own test.
      [{ id: [5] }, ['id', 0]],
      [{ id: [] }, ['id']],
      [{ id: null }, ['id']],
      [{ refs: 'abc' }, ['refs']],
      [{ refs: [...cols.refs.slice(0, 2), { toString: () => cols.refs[0] }] }, ['refs', 2]],
      [{ seq: [2], prevHash: [7] }, ['prevHash', 0]],
      [{ id: Array(5001).fill(cols.id[0]) }, ['id']],
    ];
    for (const [patch, path] of cases) {
      expect(ProofColumnsSchema.safeParse({ ...cols, ...patch }).error?.issues[0]?.path).toEqual(path);
    }
  });

  it('refuses instants outside 2020-01-01 … tomorrow and plays over 24 h, naming the row', () => {
    const base: Proof = {
      id: '01930000-0000-7000-8000-0000000000b1',
      contentId: '01930000-0000-7000-8000-000000000001',
      playlistId: '01930000-0000-7000-8000-000000000002',
      scheduleId: '01930000-0000-7000-8000-000000000003',
      startedAt: 1_700_000_000_000,
      endedAt: 1_700_000_010_000,
      deviceStartedAt: 1_700_000_000_000,
      clockOffsetMs: 0,
      endReason: 'completed',
      output: 'main',
    };
    const ok = { ...base, id: '01930000-0000-7000-8000-0000000000b2' };
    const pathOf = (p: Partial<Proof>) => {
      const r = ProofColumnsSchema.safeParse(encodeProofColumns([ok, { ...base, ...p }]));
      expect(r.success).toBe(false);
      return r.error!.issues[0]!.path.join('.');
    };
    // The audit's poisoned proof: 9e15 is an integer, but no Date holds it.
    expect(pathOf({ startedAt: 9e15, endedAt: 9e15 })).toBe('startedAt.1');
    expect(pathOf({ startedAt: Date.UTC(2019, 11, 31), endedAt: Date.UTC(2019, 11, 31) })).toBe('startedAt.1');
    expect(pathOf({ startedAt: Date.now() + 3 * 86_400_000, endedAt: Date.now() + 3 * 86_400_000 })).toBe(
      'startedAt.1',
    );
    expect(pathOf({ endedAt: base.startedAt + 25 * 3600_000 })).toBe('durationMs.1');
    expect(pathOf({ deviceStartedAt: 9e15 })).toBe('deviceStartedAt.1');
    // A start inside the window and a play of under 24 h, but ending past tomorrow (the object form refuses it).
    const lateStart = Date.now() + 23 * 3600_000;
    expect(pathOf({ startedAt: lateStart, endedAt: lateStart + 5 * 3600_000 })).toBe('durationMs.1');
    expect(ProofSchema.safeParse({ ...base, startedAt: lateStart, endedAt: lateStart + 5 * 3600_000 }).success).toBe(
      false,
    );
  });
});
