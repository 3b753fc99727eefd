/**
 * Proof uploads that arrive together are stored in one transaction (group commit, issue 13) over real
 * Socket.IO and SQLite in a temp folder: each is acked only once its group has committed, a failure
 * of one upload that is not the disk's is tried again on its own so the others are still stored, and
 * a group's failure leaves nothing of it stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiError, encodeProofColumns, newId, type Proof, type ProofUploadResult } from '@bangtin/shared';
import { createHarness, type Harness, scheduledDevice } from '../http/test-harness';

const harness = createHarness('upload-group');
let h: Harness;
beforeAll(async () => {
  h = await harness.start({ jobs: false });
});
afterAll(() => harness.cleanup());

function proof(scheduleId: string, at: number): Proof {
  return {
    id: newId(),
    contentId: newId(),
    playlistId: newId(),
    scheduleId,
    startedAt: at,
    endedAt: at + 10_000,
    deviceStartedAt: at,
    clockOffsetMs: 0,
    endReason: 'completed',
    output: 'main',
  };
}

const upload = (socket: ReturnType<Harness['player']>, proofs: Proof[]) =>
  socket.timeout(5000).emitWithAck('proofs:upload', { columns: encodeProofColumns(proofs) } as never) as Promise<
    ProofUploadResult | ApiError
  >;

describe('proof uploads stored as a group', () => {
  it('stores uploads that arrive together in one transaction, and one bad upload does not refuse the others', async () => {
    const { id: deviceId, scheduleId, socket } = await scheduledDevice(h, 'Bảng LED sảnh');
    const now = Date.now();
    const batches = [0, 1, 2].map((b) =>
      Array.from({ length: b === 1 ? 1 : 60 }, (_, i) => proof(scheduleId, now + b * 1000 + i)),
    );
    const poison = batches[1]![0]!.id;
    // The second upload fails inside SQLite's transaction with an error that is not the disk's.
    const proofs = h.c.store.proofs;
    const insertBatch = proofs.insertBatch.bind(proofs);
    const calls: { first: string; storedBefore: number }[] = [];
    proofs.insertBatch = (deviceId, batch, ...rest) => {
      calls.push({ first: batch[0]!.id, storedBefore: proofs.count() });
      if (batch.some((p) => p.id === poison)) throw new Error('a bug in the store');
      return insertBatch(deviceId, batch, ...rest);
    };
    try {
      const before = proofs.count();
      // Sent in one go, as three uploads: they reach the controller within the group window.
      const results = await Promise.all(batches.map((b) => upload(socket, b)));
      expect(results[0]).toEqual({ acked: batches[0]!.map((p) => p.id), rejected: [] });
      expect(results[1]).toMatchObject({ error: { code: 'store-failed' } });
      expect(results[2]).toEqual({ acked: batches[2]!.map((p) => p.id), rejected: [] });
      expect(proofs.count()).toBe(before + 120);
      // One transaction for the three: the first was inside it (the second saw its rows) and was rolled
      // back with it when the second failed; then each on its own.
      const [b0, b1, b2] = batches.map((b) => b[0]!.id);
      expect(calls.map((c) => c.first)).toEqual([b0, b1, b0, b1, b2]);
      expect(calls.map((c) => c.storedBefore)).toEqual([before, before + 60, before, before + 60, before + 60]);
    } finally {
      proofs.insertBatch = insertBatch;
    }

    // A replay of a stored batch in a later group is acked again and stored once.
    const again = await upload(socket, batches[0]!);
    expect(again).toEqual({ acked: batches[0]!.map((p) => p.id), rejected: [] });
    const listed = await h.call(h.admin, 'GET', `/proofs?deviceId=${deviceId}&limit=1000`);
    expect(listed.body).toHaveLength(120);
  });

  it('charges no ingest budget for an upload the store failed to take', async () => {
    const small = await harness.start({ jobs: false, proofBudget: { perMinute: 5, perDay: 1000, minuteMs: 60_000 } });
    const { scheduleId, socket } = await scheduledDevice(small, 'Bảng LED ngân sách');
    const batch = Array.from({ length: 5 }, (_, i) => proof(scheduleId, Date.now() + i));
    const proofs = small.c.store.proofs;
    const insertBatch = proofs.insertBatch.bind(proofs);
    proofs.insertBatch = () => {
      throw new Error('a bug in the store');
    };
    try {
      // Refused twice: without the refund the second would already be over the budget of 5 a minute.
      expect(await upload(socket, batch)).toMatchObject({ error: { code: 'store-failed' } });
      expect(await upload(socket, batch)).toMatchObject({ error: { code: 'store-failed' } });
    } finally {
      proofs.insertBatch = insertBatch;
    }
    expect(await upload(socket, batch)).toEqual({ acked: batch.map((p) => p.id), rejected: [] });
    // The budget still holds: these five used it up.
    expect(await upload(socket, [proof(scheduleId, Date.now() + 10)])).toMatchObject({
      error: { code: 'proof-budget-exceeded' },
    });
  });
});
