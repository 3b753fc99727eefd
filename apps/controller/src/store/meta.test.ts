import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { nextRevision, REVISION_EPOCH_MS } from './meta';

function db(): Database.Database {
  const d = new Database(':memory:');
  d.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  return d;
}

describe('bundle revisions', () => {
  it('count up by one, and never fall below the seconds since 2020 (a restored older database still counts up)', () => {
    const at = REVISION_EPOCH_MS + 1_000_000_000;
    const d = db();
    const first = nextRevision(d, at);
    expect(first).toBe(1_000_000);
    // Many in one second: one more each time, running ahead of the clock.
    expect(nextRevision(d, at)).toBe(first + 1);
    expect(nextRevision(d, at)).toBe(first + 2);
    // A database restored from a backup taken at revision 5 (long ago): the next is above all of the above.
    const restored = db();
    restored.prepare("INSERT INTO meta (key, value) VALUES ('revision', '5')").run();
    expect(nextRevision(restored, at + 10_000)).toBe(first + 10);
    expect(nextRevision(restored, at + 10_000)).toBe(first + 11);
  });
});
