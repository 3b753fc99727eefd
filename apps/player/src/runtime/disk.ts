import fs from 'node:fs';

export interface DiskStats {
  freeBytes: number;
  totalBytes: number;
}

/**
 * Space on the disk holding `dir`, as the controller's "disk almost full" alert needs it. Free means
 * what this (unprivileged) process may still write: blocks reserved for root do not count.
 */
export async function readDiskStats(dir: string): Promise<DiskStats | null> {
  try {
    const s = await fs.promises.statfs(dir);
    const totalBytes = s.blocks * s.bsize;
    if (!(totalBytes > 0)) return null;
    return { freeBytes: Math.min(s.bavail * s.bsize, totalBytes), totalBytes };
  } catch {
    // A folder on an odd filesystem (or removed under us) only costs the alert, never the heartbeat.
    return null;
  }
}

/** Keeps the latest reading at hand for the synchronous heartbeat; `refresh()` reads again. */
export class DiskWatch {
  private latest: DiskStats | null = null;
  private reading: Promise<void> | null = null;

  constructor(private readonly dir: string) {}

  get current(): DiskStats | null {
    return this.latest;
  }

  refresh(): Promise<void> {
    this.reading ??= readDiskStats(this.dir).then((s) => {
      this.latest = s;
      this.reading = null;
    });
    return this.reading;
  }
}
