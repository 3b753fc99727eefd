import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeldBundle } from './evidence';
import { openStore, type Store } from './index';

let store: Store;
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-evidence-'));
  store = openStore(dir);
  const ins = store.db.prepare(
    `INSERT INTO devices (id, name, kind, group_id, token_hash, created_at) VALUES (?, ?, 'led', NULL, ?, 0)`,
  );
  for (const id of ['a', 'b', 'c']) ins.run(id, `Bảng ${id}`, `h-${id}`);
});
afterAll(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The plain reading: every row, its end the device's next ack, kept when it overlaps [from, to). */
function reference(
  rows: { device: string; at: number; hash: string }[],
  ids: string[] | null,
  from: number,
  to: number,
) {
  const out: HeldBundle[] = [];
  const byDevice = new Map<string, { at: number; hash: string }[]>();
  for (const r of rows) {
    if (ids && !ids.includes(r.device)) continue;
    let l = byDevice.get(r.device);
    if (!l) byDevice.set(r.device, (l = []));
    l.push(r);
  }
  for (const device of [...byDevice.keys()].sort()) {
    const l = byDevice.get(device)!.sort((x, y) => x.at - y.at);
    l.forEach((r, i) => {
      const end = l[i + 1]?.at ?? null;
      if (r.at < to && (end === null || end > from)) out.push({ deviceId: device, from: r.at, to: end, hash: r.hash });
    });
  }
  return out;
}

describe('EvidenceStore.heldBetween', () => {
  it('reads through the key only what overlaps the range, the same as a whole-history window', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            device: fc.constantFrom('a', 'b', 'c'),
            at: fc.integer({ min: 0, max: 100 }),
            hash: fc.constantFrom('x', 'y', 'z'),
          }),
          { selector: (r) => `${r.device}:${r.at}`, maxLength: 20 },
        ),
        fc.integer({ min: -5, max: 105 }),
        fc.integer({ min: 0, max: 60 }),
        fc.option(fc.subarray(['a', 'b', 'c', 'a']), { nil: null }),
        (rows, from, len, ids) => {
          store.db.prepare('DELETE FROM device_bundle_history').run();
          const ins = store.db.prepare(
            'INSERT INTO device_bundle_history (device_id, held_from, hash) VALUES (?, ?, ?)',
          );
          for (const r of rows) ins.run(r.device, r.at, r.hash);
          const got = store.evidence.heldBetween(ids, from, from + len);
          expect(got).toEqual(reference(rows, ids, from, from + len));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the bundle held across the range when the next ack comes after it', () => {
    store.db.prepare('DELETE FROM device_bundle_history').run();
    const ins = store.db.prepare('INSERT INTO device_bundle_history (device_id, held_from, hash) VALUES (?, ?, ?)');
    ins.run('a', 10, 'old');
    ins.run('a', 20, 'mid');
    ins.run('a', 90, 'new');
    expect(store.evidence.heldBetween(['a'], 30, 40)).toEqual([{ deviceId: 'a', from: 20, to: 90, hash: 'mid' }]);
    expect(store.evidence.heldBetween(null, 20, 21)).toEqual([{ deviceId: 'a', from: 20, to: 90, hash: 'mid' }]);
    expect(store.evidence.heldBetween(['b'], 0, 100)).toEqual([]);
  });
});
