import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalState, type LocalRecovery, openLocalDatabase } from './local-store';

const PAGE = 4096;

/** A player file with 300 outbox proofs (about 40 pages) and a state row, closed cleanly. */
function populated(): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-local-'));
  const db = openLocalDatabase(dir);
  const insert = db.prepare('INSERT INTO outbox (id, json, created_at) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 300; i++) {
      const id = `p-${String(i).padStart(4, '0')}`;
      insert.run(id, JSON.stringify({ id, note: 'Bảo hiểm xã hội '.repeat(20) }), 1_800_000_000_000 + i);
    }
  })();
  new LocalState(db).set('device_id', 'dev-1');
  db.close();
  return { dir, file: path.join(dir, 'player.sqlite') };
}

function overwrite(file: string, offset: number, bytes: Buffer): void {
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, bytes, 0, bytes.length, offset);
  fs.closeSync(fd);
}

/** Name, damage, and whether some proofs must come back (the damage leaves part of the outbox readable). */
const corruptions: [string, (file: string) => void, boolean][] = [
  [
    'truncated to half (at a page boundary)',
    (f) => fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2 / PAGE) * PAGE),
    true,
  ],
  ['truncated mid-page', (f) => fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2 / PAGE) * PAGE + 100), false],
  ['a random header', (f) => overwrite(f, 0, crypto.randomBytes(100)), false],
  ['a random page in the middle', (f) => overwrite(f, 20 * PAGE, crypto.randomBytes(PAGE)), true],
  ['a damaged page-1 tree (the schema)', (f) => overwrite(f, 100, crypto.randomBytes(PAGE - 100)), false],
  ['a zeroed file', (f) => fs.writeFileSync(f, Buffer.alloc(fs.statSync(f).size)), false],
];

describe('openLocalDatabase on a damaged file', () => {
  it.each(corruptions)(
    '%s: moves it aside, salvages what it can, and starts fresh',
    (_name, damage, partlyReadable) => {
      const { dir, file } = populated();
      damage(file);
      const recoveries: LocalRecovery[] = [];
      const db = openLocalDatabase(dir, (r) => recoveries.push(r));
      expect(recoveries).toHaveLength(1);
      const r = recoveries[0]!;
      expect(path.basename(r.movedTo)).toMatch(/^player\.sqlite\.corrupt-\d{4}-\d{2}-\d{2}T/);
      expect(fs.existsSync(r.movedTo)).toBe(true);
      // The fresh file works: it takes a proof, and holds exactly the salvaged ones before it.
      const count = () => (db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
      expect(count()).toBe(r.salvagedProofs);
      expect(r.salvagedProofs).toBeLessThanOrEqual(300);
      if (partlyReadable) expect(r.salvagedProofs).toBeGreaterThan(0);
      db.prepare('INSERT INTO outbox (id, json, created_at) VALUES (?, ?, ?)').run('p-new', '{}', 1);
      expect(count()).toBe(r.salvagedProofs + 1);
      expect(JSON.parse(new LocalState(db).get('last_recovery')!)).toMatchObject({ movedTo: r.movedTo });
      db.close();
      // The next start finds a healthy file: nothing more to recover.
      const again = openLocalDatabase(dir, (x) => recoveries.push(x));
      again.close();
      expect(recoveries).toHaveLength(1);
    },
  );

  it('ignores garbage past the end of the database (a torn append), losing nothing', () => {
    const { dir, file } = populated();
    overwrite(file, fs.statSync(file).size, crypto.randomBytes(PAGE));
    const recoveries: LocalRecovery[] = [];
    const db = openLocalDatabase(dir, (r) => recoveries.push(r));
    // Bytes past the database's own size are not part of it: no recovery, nothing lost.
    expect(recoveries).toEqual([]);
    expect((db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n).toBe(300);
    db.close();
  });

  it('treats damaged bundle JSON as no bundle instead of throwing at start', () => {
    const { dir } = populated();
    const db = openLocalDatabase(dir);
    db.prepare(
      "INSERT INTO bundle (id, version, hash, json, received_at) VALUES (1, 3, 'h', '{\"version\":3,', 0)",
    ).run();
    db.prepare("INSERT OR REPLACE INTO state (key, value) VALUES ('survey_config', 'not json')").run();
    const state = new LocalState(db);
    expect(state.loadBundle()).toBeNull();
    expect(state.getJson('survey_config')).toBeUndefined();
    db.close();
  });

  it('does not treat an unopenable path as corruption (nothing is moved aside)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-local-'));
    // A directory where the file should be: not a damaged database, so it is not moved aside.
    fs.mkdirSync(path.join(dir, 'player.sqlite'));
    expect(() => openLocalDatabase(dir)).toThrow();
    expect(fs.readdirSync(dir)).toEqual(['player.sqlite']);
  });
});
