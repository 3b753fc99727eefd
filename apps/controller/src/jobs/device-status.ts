export type DeviceStatus = 'online' | 'stale' | 'offline';

/** Connected but silent this long (heartbeats come every 15 s): something is wrong on the box. */
export const STALE_AFTER_MS = 60_000;
/** Disconnected for this long: offline, not a blip. */
export const OFFLINE_AFTER_MS = 5 * 60_000;

/**
 * online: connected and heard from recently. stale: connected but silent, or gone only briefly (a
 * network blip the player rides out on its cache). offline: gone for longer, or never seen.
 */
export function deviceStatus(connected: boolean, lastSeenAt: number | null, now: number): DeviceStatus {
  if (lastSeenAt === null) return connected ? 'online' : 'offline';
  const silent = now - lastSeenAt;
  if (connected) return silent <= STALE_AFTER_MS ? 'online' : 'stale';
  return silent <= OFFLINE_AFTER_MS ? 'stale' : 'offline';
}
