import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './index';

const opened: { store: Store; dir: string }[] = [];
function fresh(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-connectivity-'))): Store {
  const store = openStore(dir);
  opened.push({ store, dir });
  return store;
}
afterEach(() => {
  for (const { store, dir } of opened.splice(0)) {
    if (store.db.open) store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('ConnectivityStore', () => {
  it('ends the last session where the reconnecting player says it lost it, within the session and before now', () => {
    const store = fresh();
    const { device } = store.devices.create({ name: 'LED Núi Thành', kind: 'led', groupId: null });
    store.connectivity.connected(device.id, 1000);
    // A killed controller closed it at its last heartbeat (3000); the player really lost it at 4200.
    store.connectivity.closeLeftOpen(3000);
    store.connectivity.endedAt(device.id, 4200, 9000);
    store.connectivity.connected(device.id, 9000);
    const s = () => store.connectivity.sessions({ deviceIds: [device.id], from: 0, to: 20_000 }).get(device.id);
    expect(s()).toEqual([
      { start: 1000, end: 4200 },
      { start: 9000, end: null },
    ]);
    // Nonsense is ignored: after the reconnect, or before the session began.
    store.connectivity.disconnected(device.id, 10_000);
    store.connectivity.endedAt(device.id, 12_000, 11_000);
    store.connectivity.endedAt(device.id, 500, 11_000);
    expect(s()![1]).toEqual({ start: 9000, end: 10_000 });
  });

  it('keeps one open session per device and closes it never before it started', () => {
    const store = fresh();
    const { device } = store.devices.create({ name: 'LED Tam Kỳ', kind: 'led', groupId: null });
    store.connectivity.connected(device.id, 1000);
    store.connectivity.connected(device.id, 1500); // a second socket of the same player
    store.connectivity.disconnected(device.id, 900); // a clock step back
    store.connectivity.connected(device.id, 5000);
    store.connectivity.disconnected(device.id, 7000);
    store.connectivity.disconnected(device.id, 8000); // nothing open: no effect
    expect(store.connectivity.sessions({ deviceIds: [device.id], from: 0, to: 10_000 }).get(device.id)).toEqual([
      { start: 1000, end: 1000 },
      { start: 5000, end: 7000 },
    ]);
  });

  it('answers only sessions overlapping the window, for the devices asked, in chunks', () => {
    const store = fresh();
    const ids = Array.from(
      { length: 1203 },
      (_, i) => store.devices.create({ name: `Thiết bị ${i}`, kind: 'led', groupId: null }).device.id,
    );
    store.db.transaction(() => {
      for (const id of ids) {
        store.connectivity.connected(id, 100);
        store.connectivity.disconnected(id, 200);
        store.connectivity.connected(id, 1000);
      }
    })();
    const some = store.connectivity.sessions({ deviceIds: ids.slice(0, 1100), from: 300, to: 2000 });
    expect(some.size).toBe(1100);
    expect(some.get(ids[1099]!)).toEqual([{ start: 1000, end: null }]);
    expect(store.connectivity.sessions({ deviceIds: null, from: 150, to: 2000 }).get(ids[1202]!)).toHaveLength(2);
    expect(store.connectivity.sessions({ deviceIds: [], from: 0, to: 2000 }).size).toBe(0);
  });

  it('closes sessions a crashed controller left open at the device’s last-seen time', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-connectivity-'));
    const before = openStore(dir);
    const seen = before.devices.create({ name: 'Kiosk Hội An', kind: 'kiosk', groupId: null }).device;
    const never = before.devices.create({ name: 'LED Hội An', kind: 'led', groupId: null }).device;
    before.connectivity.connected(seen.id, 10_000);
    before.connectivity.connected(never.id, 20_000);
    before.devices.writeHealth(new Map([[seen.id, { lastSeenAt: 55_000 }]]));
    before.close(); // no disconnect recorded: the process died

    const after = fresh(dir);
    expect(after.connectivity.closeLeftOpen()).toBe(2);
    const s = after.connectivity.sessions({ deviceIds: null, from: 0, to: 100_000 });
    expect(s.get(seen.id)).toEqual([{ start: 10_000, end: 55_000 }]);
    expect(s.get(never.id)).toEqual([{ start: 20_000, end: 20_000 }]);
    expect(after.connectivity.closeLeftOpen()).toBe(0);
  });

  it('retention deletes ended sessions only', () => {
    const store = fresh();
    const { device } = store.devices.create({ name: 'LED', kind: 'led', groupId: null });
    store.connectivity.connected(device.id, 100);
    store.connectivity.disconnected(device.id, 200);
    store.connectivity.connected(device.id, 300);
    expect(store.connectivity.deleteEndedBefore(10_000)).toBe(1);
    expect(store.connectivity.sessions({ deviceIds: null, from: 0, to: 10_000 }).get(device.id)).toEqual([
      { start: 300, end: null },
    ]);
  });
});
