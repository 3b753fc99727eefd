import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newId, type Proof } from '@bangtin/shared';
import type { Store } from './index';
import { freshStores } from './test-store';

const fresh = freshStores('proofs');

function proof(startedAt: number, id = newId()): Proof {
  return {
    id,
    contentId: '01930000-0000-7000-8000-000000000001',
    playlistId: '01930000-0000-7000-8000-000000000002',
    scheduleId: '01930000-0000-7000-8000-000000000003',
    startedAt,
    endedAt: startedAt + 1000,
    deviceStartedAt: startedAt,
    clockOffsetMs: 0,
    endReason: 'completed',
    output: 'main',
  };
}

function enrol(store: Store, n: number): string[] {
  return Array.from(
    { length: n },
    (_, i) => store.devices.create({ name: `TB ${i}`, kind: 'led', groupId: null }).device.id,
  );
}

describe('ProofStore.query', () => {
  it('merges devices into (start, id) order across page boundaries, within [from, to) and the limit', () => {
    const store = fresh();
    const devices = enrol(store, 3);
    const all: { device: string; p: Proof }[] = [];
    // 6,500 proofs: more than one page (2,000) per device, interleaved in time, with equal start times.
    for (let i = 0; i < 6500; i++) {
      const device = devices[i % 3]!;
      const p = proof(1_700_000_000_000 + Math.floor(i / 2) * 1000);
      all.push({ device, p });
    }
    for (const d of devices)
      store.proofs.insertBatch(
        d,
        all.filter((x) => x.device === d).map((x) => x.p),
      );
    const expected = [...all].sort((a, b) => a.p.startedAt - b.p.startedAt || (a.p.id < b.p.id ? -1 : 1));

    const got = [...store.proofs.query({ deviceIds: null, limit: 1_000_000 })];
    expect(got.map((p) => p.id)).toEqual(expected.map((x) => x.p.id));
    expect(got[0]!.deviceId).toBe(expected[0]!.device);

    const from = 1_700_000_000_000 + 100_000;
    const to = 1_700_000_000_000 + 1_200_000;
    const window = [...store.proofs.query({ deviceIds: [devices[0]!, devices[2]!], from, to, limit: 500 })];
    const want = expected
      .filter((x) => x.device !== devices[1] && x.p.startedAt >= from && x.p.startedAt < to)
      .slice(0, 500)
      .map((x) => x.p.id);
    expect(window.map((p) => p.id)).toEqual(want);
  });

  it('gives the same order as one global sort for any data (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ d: fc.integer({ min: 0, max: 3 }), t: fc.integer({ min: 0, max: 50 }) }), {
          maxLength: 60,
        }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 80 }),
        (rows, from, limit) => {
          const store = fresh();
          const devices = enrol(store, 4);
          const items = rows.map((r) => ({ device: devices[r.d]!, p: proof(1_700_000_000_000 + r.t) }));
          for (const x of items) store.proofs.insertBatch(x.device, [x.p]);
          const want = items
            .filter((x) => x.p.startedAt >= 1_700_000_000_000 + from)
            .sort((a, b) => a.p.startedAt - b.p.startedAt || (a.p.id < b.p.id ? -1 : 1))
            .slice(0, limit)
            .map((x) => x.p.id);
          const got = [...store.proofs.query({ deviceIds: null, from: 1_700_000_000_000 + from, limit })].map(
            (p) => p.id,
          );
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('stores a replayed batch once, reporting at least every id it had before (many-row inserts)', () => {
    const store = fresh();
    const [d] = enrol(store, 1);
    const first = Array.from({ length: 120 }, (_, i) => proof(1_700_000_000_000 + i * 1000));
    expect(store.proofs.insertBatch(d!, first)).toEqual([]);
    const fresh10 = Array.from({ length: 10 }, (_, i) => proof(1_700_000_200_000 + i * 1000));
    const replay = [...first.slice(0, 60), ...fresh10, ...first.slice(60)];
    const maybe = new Set(store.proofs.insertBatch(d!, replay));
    expect(store.proofs.count()).toBe(130);
    for (const p of first) expect(maybe.has(p.id)).toBe(true);
    // The stored rows are the first upload's, untouched by the replay.
    const stored = [...store.proofs.query({ deviceIds: [d!], limit: 1000 })];
    expect(stored).toHaveLength(130);
  });

  it('returns nothing for an empty device list', () => {
    const store = fresh();
    enrol(store, 1);
    expect([...store.proofs.query({ deviceIds: [], limit: 10 })]).toEqual([]);
  });
});

describe('ProofStore.insertBatch', () => {
  it('stores every column of every row, in full statements and the tail, and reports replays', () => {
    const store = fresh();
    const [device] = enrol(store, 1);
    // 137 proofs: two 50-row statements and 37 single rows; chained ones carry seq, prevHash and hash.
    const batch = Array.from({ length: 137 }, (_, i) => {
      const p = proof(1_700_000_000_000 + i * 1000);
      return i % 3 === 0 ? { ...p, seq: i + 1, prevHash: String(i % 10).repeat(64) } : p;
    });
    const hashes = batch.map((p, i) => (p.seq ? String((i + 1) % 10).repeat(64) : null));
    const counts = { inserted: 0 };
    expect(store.proofs.insertBatch(device!, batch.slice(0, 60), 42, counts, hashes.slice(0, 60))).toEqual([]);
    expect(counts.inserted).toBe(60);
    // Sent again with the rest: the first 60 are replays (in full statements and among single rows).
    const again = store.proofs.insertBatch(device!, [...batch.slice(100), ...batch], 43, counts, [
      ...hashes.slice(100),
      ...hashes,
    ]);
    expect(counts.inserted).toBe(77);
    // At least every replayed id (a many-row statement that stored fewer rows names all of its rows).
    for (const p of batch.slice(0, 60)) expect(again).toContain(p.id);
    const rows = store.db.prepare('SELECT * FROM proofs ORDER BY started_at').all() as Record<
      string,
      string | number | null
    >[];
    expect(rows).toHaveLength(137);
    rows.forEach((r, i) => {
      const p = batch[i]!;
      expect(r).toMatchObject({
        id: p.id,
        device_id: device,
        content_id: p.contentId,
        playlist_id: p.playlistId,
        schedule_id: p.scheduleId,
        started_at: p.startedAt,
        ended_at: p.endedAt,
        received_at: i < 60 ? 42 : 43,
        device_started_at: p.deviceStartedAt,
        clock_offset_ms: p.clockOffsetMs,
        end_reason: p.endReason,
        output: p.output,
        seq: p.seq ?? null,
        prev_hash: p.prevHash ?? null,
        hash: hashes[i],
      });
    });
  });
});
