import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './index';

let store: Store;
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-stops-'));
  store = openStore(dir);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('stop acks: the pending check every bundle ack makes', () => {
  it('answers per device, and learns of stops recorded after it answered "none anywhere"', () => {
    const stops = store.interruptStops;
    expect(stops.hasPending('a')).toBe(false); // nothing anywhere: remembered
    stops.record('m1', [
      { deviceId: 'a', bundleVersion: 5, ackedAt: null },
      { deviceId: 'b', bundleVersion: 5, ackedAt: 100 },
    ]);
    expect(stops.hasPending('a')).toBe(true);
    expect(stops.hasPending('b')).toBe(false); // already held the revision
    expect(stops.bundleAcked('a', 4, 200)).toEqual([]); // an older revision does not ack the stop
    expect(stops.hasPending('a')).toBe(true);
    expect(stops.bundleAcked('a', 6, 300)).toEqual(['m1']);
    expect(stops.hasPending('a')).toBe(false);
    stops.record('m2', [{ deviceId: 'b', bundleVersion: 9, ackedAt: null }]);
    expect(stops.hasPending('b')).toBe(true);
    expect(stops.forInterrupt('m1')).toEqual([
      { deviceId: 'a', bundleVersion: 5, ackedAt: 300 },
      { deviceId: 'b', bundleVersion: 5, ackedAt: 100 },
    ]);
  });

  it('sees stops written by another store on the same file after a restart', () => {
    store.interruptStops.record('m1', [{ deviceId: 'a', bundleVersion: 1, ackedAt: null }]);
    store.close();
    store = openStore(dir);
    expect(store.interruptStops.hasPending('a')).toBe(true);
  });
});
