/**
 * Issue 14 over real Socket.IO (socket.io-client connecting as enrolled devices to a controller on port 0,
 * SQLite in a temp folder): the poisoned proof is refused naming its field while the good proofs of its
 * batch are stored (item 1); proofs of schedules never sent to the device and acks of urgent messages
 * never sent to it are refused (item 8); the per-device ingest budget (item 4).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiError, encodeProofColumns, newId, type Proof, type ProofUploadResult } from '@bangtin/shared';
import { createHarness, type Harness, scheduledDevice } from '../http/test-harness';

const harness = createHarness('device-scope');
// One controller for the cases that need nothing special (each makes its own devices); the budget case
// starts its own with a small budget.
let shared: Harness;
beforeAll(async () => {
  shared = await harness.start({ jobs: false });
});
afterAll(() => harness.cleanup());

type Player = ReturnType<Harness['player']>;

function proof(scheduleId: string, over: Partial<Proof> = {}): Proof {
  // Now: a play during this controller run (the history then judges every id; see BundleHistory).
  const startedAt = Date.now();
  return {
    id: newId(),
    contentId: newId(),
    playlistId: newId(),
    scheduleId,
    startedAt,
    endedAt: startedAt + 10_000,
    deviceStartedAt: startedAt,
    clockOffsetMs: 0,
    endReason: 'completed',
    output: 'main',
    ...over,
  };
}

const upload = (s: Player, batch: { proofs: unknown[] } | { columns: unknown }) =>
  s.timeout(5000).emitWithAck('proofs:upload', batch as never) as Promise<ProofUploadResult | ApiError>;

describe('device uploads over Socket.IO (issue 14)', () => {
  it('refuses the poisoned proof naming startedAt and stores the good proofs of its batch', async () => {
    const h = shared;
    const a = await scheduledDevice(h, 'Bảng LED cổng');
    const good = [proof(a.scheduleId), proof(a.scheduleId)];
    const poisoned = proof(a.scheduleId, { startedAt: 9e15, endedAt: 9e15 });
    // Objects: each bad proof is rejected by id with the field, the rest acked (the player drops what is rejected).
    const res = await upload(a.socket, { proofs: [good[0], poisoned, good[1]] });
    expect(res).toEqual({
      acked: good.map((p) => p.id),
      rejected: [{ id: poisoned.id, reason: expect.stringMatching(/^startedAt: .*2020-01-01/) }],
    });
    // Columns: one bad column refuses the whole batch naming the row; the player then re-sends as objects.
    const cols = await upload(a.socket, { columns: encodeProofColumns([proof(a.scheduleId), poisoned]) });
    expect(cols).toMatchObject({
      error: {
        code: 'invalid-proof-batch',
        field: 'columns.startedAt.1',
        message: expect.stringMatching(/2020-01-01/),
      },
    });
    const stored = await h.call(h.admin, 'GET', `/proofs?deviceId=${a.id}`);
    expect(stored.status).toBe(200);
    expect((stored.body as { id: string }[]).map((p) => p.id).sort()).toEqual(good.map((p) => p.id).sort());
  });

  it("refuses proofs naming another device's schedule, in both batch forms, and keeps the device's own", async () => {
    const h = shared;
    const a = await scheduledDevice(h, 'Bảng LED Hội An');
    const b = await scheduledDevice(h, 'Bảng LED Tam Kỳ');
    const own = proof(a.scheduleId);
    const foreign = proof(b.scheduleId);
    const res = await upload(a.socket, { proofs: [own, foreign] });
    expect(res).toEqual({
      acked: [own.id],
      rejected: [{ id: foreign.id, reason: 'scheduleId: not a schedule or urgent message this device was ever sent' }],
    });
    const foreign2 = proof(b.scheduleId);
    const own2 = proof(a.scheduleId);
    const cols = await upload(a.socket, { columns: encodeProofColumns([foreign2, own2]) });
    expect(cols).toEqual({
      acked: [own2.id],
      rejected: [{ id: foreign2.id, reason: expect.stringMatching(/^scheduleId/) }],
    });
    // A schedule id the controller never made, for a play during this run, is refused too.
    const made = proof(newId());
    expect(await upload(a.socket, { proofs: [made] })).toMatchObject({ acked: [], rejected: [{ id: made.id }] });
    // B's own proofs of its schedule are fine.
    const bOwn = proof(b.scheduleId);
    expect(await upload(b.socket, { proofs: [bOwn] })).toEqual({ acked: [bOwn.id], rejected: [] });
    const stored = (await h.call(h.admin, 'GET', `/proofs?deviceId=${a.id}`)).body as { id: string }[];
    expect(stored.map((p) => p.id).sort()).toEqual([own.id, own2.id].sort());

    // The history is stored, and outlives the schedule: a backlog of its plays stays the device's.
    const del = await fetch(`${h.c.url}/api/v1/schedules/${a.scheduleId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${h.admin}` },
    });
    expect(del.status).toBeLessThan(300);
    await new Promise((r) => setTimeout(r, 400)); // the deferred history write
    expect(
      h.c.store.db
        .prepare('SELECT kind FROM device_bundle_refs WHERE device_id = ? AND ref_id = ?')
        .get(a.id, a.scheduleId),
    ).toEqual({ kind: 'schedule' });
  });

  it('refuses an urgent-message ack from a device the message was never sent to', async () => {
    const h = shared;
    const a = await scheduledDevice(h, 'Màn hình sảnh');
    const b = await scheduledDevice(h, 'Màn hình quầy');
    const bBundle = new Promise<{ interrupts?: { id: string }[] }>((r) => b.socket.once('bundle', r));
    const msg = await h.call(h.admin, 'POST', '/interrupts', {
      text: 'Hệ thống tạm dừng 15 phút',
      target: { deviceIds: [b.id], groupIds: [], tags: [] },
    });
    expect(msg.status).toBe(201);
    expect((await bBundle).interrupts?.map((i) => i.id)).toEqual([msg.body.id]);
    const ack = (s: Player, interruptId: string) =>
      s.timeout(5000).emitWithAck('interrupt:ack', { interruptId, shownAt: Date.now() - 1000 });
    expect(await ack(a.socket, msg.body.id)).toEqual({
      error: {
        code: 'interrupt-not-sent',
        field: 'interruptId',
        message: 'interruptId: this urgent message was never sent to this device',
      },
    });
    expect(await ack(b.socket, msg.body.id)).toEqual({ recorded: true });
    // An unknown message (deleted) is answered as before: not recorded, so the player stops re-sending.
    expect(await ack(a.socket, newId())).toEqual({ recorded: false });
    const view = await h.call(h.admin, 'GET', `/interrupts/${msg.body.id}`);
    expect(view.body.deliveries.map((d: { deviceId: string }) => d.deviceId)).toEqual([b.id]);
    expect(view.body.ackedDeviceIds).toEqual([b.id]);
  });

  it('holds each device to its ingest budget, leaving the excess unanswered, and others unaffected', async () => {
    const h = await harness.start({ jobs: false, proofBudget: { perMinute: 5, perDay: 1000, minuteMs: 1500 } });
    const a = await scheduledDevice(h, 'Bảng LED 1');
    const b = await scheduledDevice(h, 'Bảng LED 2');
    const batch = Array.from({ length: 8 }, () => proof(a.scheduleId));
    // Five fit: those are acked; the other three are neither acked nor rejected (they stay in the outbox).
    expect(await upload(a.socket, { columns: encodeProofColumns(batch) })).toEqual({
      acked: batch.slice(0, 5).map((p) => p.id),
      rejected: [],
    });
    // Nothing more fits in this window: the batch is refused with when to come back.
    const over = await upload(a.socket, { proofs: batch.slice(5) });
    expect(over).toMatchObject({
      error: {
        code: 'proof-budget-exceeded',
        field: 'proofs',
        message: expect.stringMatching(/more than 5 a minute/),
        retryAfterMs: expect.any(Number),
      },
    });
    const retryAfterMs = (over as ApiError).error.retryAfterMs!;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(1500);
    // Another device has its own budget.
    const bBatch = Array.from({ length: 5 }, () => proof(b.scheduleId));
    expect(await upload(b.socket, { proofs: bBatch })).toEqual({ acked: bBatch.map((p) => p.id), rejected: [] });
    // After the window the rest goes in.
    await new Promise((r) => setTimeout(r, retryAfterMs + 50));
    expect(await upload(a.socket, { proofs: batch.slice(5) })).toEqual({
      acked: batch.slice(5).map((p) => p.id),
      rejected: [],
    });
    const stored = (await h.call(h.admin, 'GET', `/proofs?deviceId=${a.id}`)).body as unknown[];
    expect(stored).toHaveLength(8);
  });
});
