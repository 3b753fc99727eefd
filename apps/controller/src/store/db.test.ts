import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { cachePreparedStatements, openDatabase, SQLITE_CACHE_KIB } from './db';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDb(max?: number): Database.Database {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-db-'));
  dirs.push(dir);
  const db = new Database(path.join(dir, 'x.sqlite'));
  db.exec('CREATE TABLE t (n INTEGER)');
  db.prepare('INSERT INTO t VALUES (1), (2), (3)').run();
  cachePreparedStatements(db, max);
  return db;
}

describe('prepared statement cache', () => {
  it('hands out the same compiled statement for the same SQL', () => {
    const db = tempDb();
    expect(db.prepare('SELECT n FROM t')).toBe(db.prepare('SELECT n FROM t'));
    expect(db.prepare('SELECT n FROM t')).not.toBe(db.prepare('SELECT n FROM t ORDER BY n DESC'));
  });

  it('resets pluck, expand and raw modes before reuse', () => {
    const db = tempDb();
    expect(db.prepare('SELECT n FROM t ORDER BY n').pluck().all()).toEqual([1, 2, 3]);
    expect(db.prepare('SELECT n FROM t ORDER BY n').all()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(db.prepare('SELECT n FROM t ORDER BY n').raw().get()).toEqual([1]);
    expect(db.prepare('SELECT n FROM t ORDER BY n').get()).toEqual({ n: 1 });
  });

  it('compiles a fresh statement while the cached one is busy iterating', () => {
    const db = tempDb();
    const seen: number[] = [];
    for (const row of db.prepare('SELECT n FROM t ORDER BY n').iterate() as Iterable<{ n: number }>) {
      // The same SQL inside the loop must not hit "This statement is busy executing a query".
      seen.push(row.n + (db.prepare('SELECT n FROM t ORDER BY n').get() as { n: number }).n);
    }
    expect(seen).toEqual([2, 3, 4]);
  });

  it('keeps at most `max` statements, dropping the least recently used', () => {
    const db = tempDb(2);
    const a = db.prepare('SELECT 1');
    db.prepare('SELECT 2');
    expect(db.prepare('SELECT 1')).toBe(a); // touched: now the most recent
    db.prepare('SELECT 3'); // evicts SELECT 2
    expect(db.prepare('SELECT 1')).toBe(a);
    const b = db.prepare('SELECT 2');
    expect(db.prepare('SELECT 2')).toBe(b);
  });

  it('is on for the controller database', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-db-'));
    dirs.push(dir);
    const db = openDatabase(dir);
    expect(db.prepare('SELECT COUNT(*) AS n FROM devices')).toBe(db.prepare('SELECT COUNT(*) AS n FROM devices'));
    db.close();
  });
});

describe('openDatabase', () => {
  it('bounds the page cache at SQLITE_CACHE_KIB, below the 16 MiB better-sqlite3 builds SQLite with', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-db-'));
    dirs.push(dir);
    const db = openDatabase(dir);
    expect(db.pragma('cache_size', { simple: true })).toBe(-SQLITE_CACHE_KIB);
    const plain = new Database(path.join(dir, 'bangtin.sqlite'));
    expect(plain.pragma('cache_size', { simple: true })).toBe(-16000);
    plain.close();
    db.close();
  });
});
