import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './index';
import { storageErrorCode, StorageFullError, StorageMonitor } from './storage';
import { errorHandler } from '../http/errors';

const log = pino({ level: 'silent' });
const opened: { store: Store; dir: string }[] = [];
function fresh(): { store: Store; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-storage-'));
  const store = openStore(dir);
  opened.push({ store, dir });
  return { store, dir };
}
afterEach(() => {
  for (const { store, dir } of opened.splice(0)) {
    if (store.db.open) store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A database that cannot grow: SQLite answers SQLITE_FULL exactly as on a full disk. */
function capped(store: Store): void {
  const pages = store.db.pragma('page_count', { simple: true }) as number;
  store.db.pragma(`max_page_count = ${pages}`);
}
function fullError(store: Store): unknown {
  try {
    store.db.prepare("INSERT INTO meta (key, value) VALUES ('big', ?)").run('x'.repeat(200_000));
  } catch (err) {
    return err;
  }
  throw new Error('the capped database took the write');
}

describe('storageErrorCode', () => {
  it('recognises a real SQLITE_FULL and a real ENOSPC, and nothing else', () => {
    const { store } = fresh();
    capped(store);
    expect(storageErrorCode(fullError(store))).toBe('SQLITE_FULL');
    let enospc: unknown = null;
    try {
      fs.writeFileSync('/dev/full', 'x');
    } catch (err) {
      enospc = err;
    }
    expect(storageErrorCode(enospc)).toBe('ENOSPC');
    expect(storageErrorCode(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' }))).toBe(
      'SQLITE_IOERR_WRITE',
    );
    let constraint: unknown = null;
    try {
      store.db.prepare('INSERT INTO meta (key, value) VALUES (NULL, NULL)').run();
    } catch (err) {
      constraint = err;
    }
    expect(storageErrorCode(constraint)).toBeNull();
    expect(storageErrorCode(new Error('bug'))).toBeNull();
    expect(storageErrorCode(null)).toBeNull();
  });
});

describe('StorageMonitor', () => {
  it('turns full on a write failure, stays full while the probe write fails, recovers once it succeeds', () => {
    const { store, dir } = fresh();
    const storage = new StorageMonitor({ db: store.db, dataDir: dir, log, reserveBytes: 0 });
    let recovered = 0;
    storage.onRecover(() => recovered++);
    capped(store);
    expect(storage.failed(fullError(store))).toBe(true);
    expect(storage.snapshot()).toMatchObject({ state: 'full', cause: `disk full at ${dir} (SQLITE_FULL)` });
    expect(() => storage.assertWritable()).toThrow(StorageFullError);
    expect(storage.failed(new Error('a bug'))).toBe(false);

    // Fill the last page so even the probe's one-row write cannot fit.
    let i = 0;
    for (const size of [500, 50, 10, 1]) {
      for (;;) {
        try {
          store.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(`p${i++}`, 'x'.repeat(size));
        } catch {
          break;
        }
      }
    }
    expect(storage.probe()).toBe('full');
    expect(recovered).toBe(0);

    store.db.pragma('max_page_count = 1000000');
    expect(storage.probe()).toBe('ok');
    expect(storage.snapshot()).toMatchObject({ state: 'ok', cause: null, since: null });
    expect(recovered).toBe(1);
    expect(storage.probe()).toBe('ok');
    expect(recovered).toBe(1);
  });

  it('counts the disk as full below the reserve even though writes still fit', () => {
    const { store, dir } = fresh();
    const storage = new StorageMonitor({ db: store.db, dataDir: dir, log, reserveBytes: Number.MAX_SAFE_INTEGER });
    expect(storage.probe()).toBe('full');
    expect(storage.snapshot().cause).toMatch(new RegExp(`^disk full at ${dir} \\(\\d+ bytes free`));
    expect(storage.snapshot().freeBytes).toBeGreaterThan(0);
  });
});

describe('errorHandler on storage errors', () => {
  it('answers a route that hit SQLITE_FULL with 507 storage-full naming the data folder; other errors stay 500', async () => {
    const { store, dir } = fresh();
    const storage = new StorageMonitor({ db: store.db, dataDir: dir, log, reserveBytes: 0 });
    capped(store);
    const app = Fastify();
    app.setErrorHandler(errorHandler(log, storage));
    app.post('/write', async () => {
      store.db.prepare("INSERT INTO meta (key, value) VALUES ('big', ?)").run('x'.repeat(200_000));
      return { ok: true };
    });
    app.post('/bug', async () => {
      throw new Error('a bug');
    });
    const full = await app.inject({ method: 'POST', url: '/write' });
    expect(full.statusCode).toBe(507);
    expect(full.json().error).toMatchObject({ code: 'storage-full', field: null });
    expect(full.json().error.message).toContain(`disk full at ${dir}`);
    expect(storage.full).toBe(true);
    const bug = await app.inject({ method: 'POST', url: '/bug' });
    expect(bug.statusCode).toBe(500);
    expect(bug.json().error.code).toBe('internal');
    await app.close();
  });
});
