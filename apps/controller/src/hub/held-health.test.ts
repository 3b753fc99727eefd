import { describe, expect, it } from 'vitest';
import { freshStores } from '../store/test-store';
import type { DeviceHealth } from '../store/devices';
import { HeldHealth, type HeldHealthOptions } from './held-health';

const fresh = freshStores('held-health');
const turn = () => new Promise((r) => setImmediate(r));

/** Held heartbeats over a real DeviceStore in a temp SQLite file; every write is recorded. */
function setup(over: Partial<HeldHealthOptions> = {}) {
  const store = fresh();
  const ids = Array.from(
    { length: 7 },
    (_, i) => store.devices.create({ name: `Bảng LED ${i + 1}`, kind: 'led', groupId: null }).device.id,
  );
  const writes: string[][] = [];
  const errors: unknown[] = [];
  const held = new HeldHealth({
    write: (batch) => {
      writes.push(batch.map(([id]) => id));
      store.devices.writeHealth(batch);
    },
    storageFailure: () => false,
    canWrite: () => true,
    onError: (err) => errors.push(err),
    ...over,
  });
  const seen = (id: string) => store.devices.get(id)!.lastSeenAt;
  return { store, ids, writes, errors, held, seen };
}

describe('HeldHealth', () => {
  it('writes what was held at the flush, a chunk a transaction with a turn of the loop between', async () => {
    const { ids, writes, held, seen } = setup();
    ids.forEach((id, i) => held.note(id, { outboxSize: i }, 1000 + i));
    held.flush(held.size, 3);
    // The first chunk at once, the rest in later turns: the loop is free in between.
    expect(writes).toEqual([ids.slice(0, 3)]);
    expect(seen(ids[3]!)).toBeNull();
    // Heard meanwhile: a device not yet written keeps its place and is written with its newer fields;
    // one already written is held again, for the next flush (it was not held when this one began).
    held.note(ids[5]!, { clockOffsetMs: 12 }, 5000);
    held.note(ids[0]!, { outboxSize: 99 }, 6000);
    await turn();
    await turn();
    await turn();
    expect(writes).toEqual([ids.slice(0, 3), ids.slice(3, 6), [ids[6]!]]);
    expect(ids.map(seen)).toEqual([1000, 1001, 1002, 1003, 1004, 5000, 1006]);
    expect(held.size).toBe(1);
    held.flush();
    expect(writes.at(-1)).toEqual([ids[0]]);
    expect(seen(ids[0]!)).toBe(6000);
    expect(held.size).toBe(0);
  });

  it('keeps an entry that was updated while its chunk was written, with the newer fields', () => {
    const { store, ids, held, seen } = setup({
      write: (batch) => {
        store.devices.writeHealth(batch);
        held.note(ids[1]!, { outboxSize: 7 }, 9000); // a heartbeat handled during the write
      },
    });
    held.note(ids[0]!, {}, 1000);
    held.note(ids[1]!, { outboxSize: 3 }, 1001);
    held.flush();
    expect(seen(ids[1]!)).toBe(1001);
    expect(held.size).toBe(1);
    held.flush();
    expect(seen(ids[1]!)).toBe(9000);
    expect(store.devices.get(ids[1]!)!.outboxSize).toBe(7);
  });

  it('keeps the batch held when the disk refuses it, and drops it (logged) on any other error', () => {
    let fail: Error | null = new Error('SQLITE_FULL');
    const { store, ids, errors, held, seen } = setup({
      write: (batch: readonly (readonly [string, DeviceHealth])[]) => {
        if (fail) throw fail;
        store.devices.writeHealth(batch);
      },
      storageFailure: (err) => (err as Error).message === 'SQLITE_FULL',
    });
    held.note(ids[0]!, {}, 1000);
    held.flush();
    expect(held.size).toBe(1);
    expect(errors).toEqual([]);
    fail = null;
    held.flush();
    expect(seen(ids[0]!)).toBe(1000);

    fail = new Error('a bug');
    held.note(ids[1]!, {}, 2000);
    held.flush();
    expect(errors).toEqual([fail]);
    expect(held.size).toBe(0);
    expect(seen(ids[1]!)).toBeNull();
  });

  it('writes nothing while writes must wait', () => {
    let can = false;
    const { ids, writes, held } = setup({ canWrite: () => can });
    held.note(ids[0]!, {});
    held.flush();
    expect(writes).toEqual([]);
    can = true;
    held.flush();
    expect(writes).toEqual([[ids[0]]]);
  });
});
