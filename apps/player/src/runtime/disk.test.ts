import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskWatch, readDiskStats } from './disk';

describe('disk stats', () => {
  it('reads free and total bytes of the filesystem holding the folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-disk-'));
    try {
      const s = await readDiskStats(dir);
      const raw = fs.statfsSync(dir);
      expect(s).not.toBeNull();
      expect(s!.totalBytes).toBe(raw.blocks * raw.bsize);
      expect(s!.freeBytes).toBeGreaterThan(0);
      expect(s!.freeBytes).toBeLessThanOrEqual(s!.totalBytes);

      const watch = new DiskWatch(dir);
      expect(watch.current).toBeNull();
      await watch.refresh();
      expect(watch.current?.totalBytes).toBe(s!.totalBytes);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers null for a folder that does not exist', async () => {
    expect(await readDiskStats(path.join(os.tmpdir(), 'bangtin-khong-co', String(Date.now())))).toBeNull();
  });
});
