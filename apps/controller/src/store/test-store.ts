import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { openStore, type Store } from './index';

/**
 * For store tests: a function that opens a store on a fresh SQLite file in its own temp dir; every
 * store it opened is closed and its dir removed after each test.
 */
export function freshStores(prefix: string): () => Store {
  const opened: { store: Store; dir: string }[] = [];
  afterEach(() => {
    for (const { store, dir } of opened.splice(0)) {
      if (store.db.open) store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  return () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bangtin-${prefix}-`));
    const store = openStore(dir);
    opened.push({ store, dir });
    return store;
  };
}
