import type { Heartbeat, MediaProgress, NowPlaying, OutputStatus } from '@bangtin/shared';

export interface DiskReport {
  freeBytes: number;
  totalBytes: number;
  /** ms UTC the controller received it. */
  at: number;
}

export type MediaReport = MediaProgress & { at: number };

/**
 * What players report that the dashboard shows but the database does not keep (or keeps late): the
 * last time each device was heard from (the database copy is written every two seconds), its disk
 * space and its media cache progress. Held in memory: after a restart every connected player
 * reports them again within one heartbeat.
 *
 * Every change is announced to the listeners with whether it may change the dashboard's counts and
 * alerts (a device connecting, a board lost) or only the device's own row (what it plays now).
 */
export class DeviceLive {
  private readonly seen = new Map<string, number>();
  private readonly disks = new Map<string, DiskReport>();
  private readonly media = new Map<string, MediaReport>();
  private readonly boardStates = new Map<string, string>();
  private readonly health = new Map<string, LiveHealth>();
  private readonly listeners: ((deviceId: string, affectsSummary: boolean) => void)[] = [];

  onChange(listener: (deviceId: string, affectsSummary: boolean) => void): void {
    this.listeners.push(listener);
  }

  changed(deviceId: string, affectsSummary: boolean): void {
    for (const l of this.listeners) l(deviceId, affectsSummary);
  }

  /** The later of the database's last-seen time and the one heard here. */
  lastSeenAt(deviceId: string, stored: number | null): number | null {
    const live = this.seen.get(deviceId);
    if (live === undefined) return stored;
    return stored === null ? live : Math.max(live, stored);
  }

  /** Heard from now; `connection` = it just connected or disconnected (its status changes). */
  heard(deviceId: string, connection: boolean, now = Date.now()): void {
    this.seen.set(deviceId, now);
    if (connection) this.changed(deviceId, true);
  }

  disk(deviceId: string): DiskReport | null {
    return this.disks.get(deviceId) ?? null;
  }

  mediaProgress(deviceId: string): MediaReport | null {
    return this.media.get(deviceId) ?? null;
  }

  setMedia(deviceId: string, p: MediaProgress, now = Date.now()): void {
    this.media.set(deviceId, { ...p, at: now });
    this.changed(deviceId, false);
  }

  /** What the last heartbeat said, ahead of the database (which gets it every two seconds). */
  latestHealth(deviceId: string): LiveHealth | null {
    return this.health.get(deviceId) ?? null;
  }

  /** Records a heartbeat; a board lost or back, or the disk crossing its threshold, changes the alerts. */
  heartbeat(deviceId: string, hb: Heartbeat, now = Date.now()): void {
    this.seen.set(deviceId, now);
    const prev = this.health.get(deviceId);
    this.health.set(deviceId, {
      nowPlaying: hb.nowPlaying,
      outboxSize: hb.outboxSize,
      clockOffsetMs: hb.clockOffsetMs,
      storage: hb.storage ?? null,
      recovery: hb.recovery ?? null,
      clock: hb.clock ?? null,
    });
    let summary = storageKey(prev) !== storageKey(this.health.get(deviceId)!);
    if (hb.disk) {
      const prev = this.disks.get(deviceId);
      this.disks.set(deviceId, { freeBytes: hb.disk.freeBytes, totalBytes: hb.disk.totalBytes, at: now });
      summary ||= (prev ? isDiskLow(prev) : false) !== isDiskLow(hb.disk);
    }
    if (hb.outputs) summary ||= this.noteBoards(deviceId, hb.outputs);
    this.changed(deviceId, summary);
  }

  private noteBoards(deviceId: string, outputs: readonly OutputStatus[]): boolean {
    const key = outputs
      .filter((o) => o.kind === 'led')
      .map((o) => `${o.id}=${o.state}:${o.lastError ? 'e' : ''}`)
      .join(',');
    const before = this.boardStates.get(deviceId);
    this.boardStates.set(deviceId, key);
    return before !== key;
  }
}

export interface LiveHealth {
  nowPlaying: NowPlaying | null;
  outboxSize: number;
  clockOffsetMs: number;
  /** The player's own storage when it is not fine (disk full, failing), from the heartbeat. */
  storage: NonNullable<Heartbeat['storage']> | null;
  /** Its last database rebuild, when recent. */
  recovery: NonNullable<Heartbeat['recovery']> | null;
  /** The player's clock report (newer players): last measurement and last noticed clock change. */
  clock?: Heartbeat['clock'] | null;
}

/** Whether the storage alert of a device is on, and why: a change re-counts the dashboard. */
function storageKey(h: LiveHealth | undefined): string {
  if (!h) return '';
  return `${h.storage?.state ?? 'ok'}:${h.recovery?.at ?? ''}`;
}

/** A player's storage needs a visit: writes refused, plays lost, or its database rebuilt in the last week. */
export function storageAlert(h: LiveHealth | null, now = Date.now()): { since: number | null; detail: string } | null {
  if (!h) return null;
  if (h.storage && (h.storage.state !== 'ok' || h.storage.lostPlays > 0))
    return {
      since: null,
      detail: `${h.storage.state}:${h.storage.unrecordedPlays}:${h.storage.lostPlays}`,
    };
  if (h.recovery && now - h.recovery.at < 7 * 24 * 3600 * 1000)
    return { since: h.recovery.at, detail: `recovered:${h.recovery.salvagedProofs}` };
  return null;
}

/** Below this fraction of the disk free, a player's disk is "almost full". */
export const DISK_LOW_FRACTION = 0.1;
/** Below this many bytes free, a player's disk is "almost full" whatever its size (one long video). */
export const DISK_LOW_BYTES = 1024 ** 3;

export function isDiskLow(d: { freeBytes: number; totalBytes: number }): boolean {
  return d.freeBytes < DISK_LOW_BYTES || d.freeBytes < d.totalBytes * DISK_LOW_FRACTION;
}
