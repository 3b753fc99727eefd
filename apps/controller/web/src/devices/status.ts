import type { DeviceGroup, DeviceView } from '@bangtin/shared';

export type DeviceStatus = 'online' | 'stale' | 'offline' | 'revoked';

/** A connected device that has not sent a heartbeat for this long is stale (hung, or its link is). */
export const STALE_AFTER_MS = 60_000;
/** Offline longer than this raises an alert on the dashboard. */
export const ALERT_OFFLINE_MS = 10 * 60_000;

/**
 * online: connected and heard from within a minute; stale: connected but silent, or disconnected for
 * under ten minutes (a network blip); offline: gone longer, or never seen.
 */
export function deviceStatus(d: Pick<DeviceView, 'online' | 'lastSeenAt' | 'revokedAt'>, now: number): DeviceStatus {
  if (d.revokedAt) return 'revoked';
  const seen = d.lastSeenAt ? Date.parse(d.lastSeenAt) : null;
  const age = seen === null ? Infinity : now - seen;
  if (d.online) return age <= STALE_AFTER_MS ? 'online' : 'stale';
  return age < ALERT_OFFLINE_MS ? 'stale' : 'offline';
}

/** The district a group belongs to (itself when it is one), walking up the tree; null above districts. */
export function districtOf(groupId: string | null, groups: ReadonlyMap<string, DeviceGroup>): DeviceGroup | null {
  let g = groupId ? groups.get(groupId) : undefined;
  for (let hops = 0; g && hops < 10; hops++) {
    if (g.kind === 'district') return g;
    g = g.parentId ? groups.get(g.parentId) : undefined;
  }
  return null;
}

export interface DistrictRows<D> {
  district: DeviceGroup | null;
  devices: D[];
}

/** Devices grouped by district, districts by name (Vietnamese collation), devices without one last. */
export function byDistrict<D extends Pick<DeviceView, 'groupId' | 'name'>>(
  devices: readonly D[],
  groups: ReadonlyMap<string, DeviceGroup>,
): DistrictRows<D>[] {
  const buckets = new Map<string | null, DistrictRows<D>>();
  for (const d of devices) {
    const district = districtOf(d.groupId, groups);
    const key = district?.id ?? null;
    let b = buckets.get(key);
    if (!b) buckets.set(key, (b = { district, devices: [] }));
    b.devices.push(d);
  }
  const collator = new Intl.Collator('vi');
  const out = [...buckets.values()];
  for (const b of out) b.devices.sort((a, c) => collator.compare(a.name, c.name));
  return out.sort((a, b) => {
    if (!a.district) return 1;
    if (!b.district) return -1;
    return collator.compare(a.district.name, b.district.name);
  });
}

/**
 * Status of a row of the paged list: the controller's (it knows the live connections), with revoked
 * devices shown as such whatever their connection did last.
 */
export function listStatus(d: { status: 'online' | 'stale' | 'offline'; revokedAt: string | null }): DeviceStatus {
  return d.revokedAt ? 'revoked' : d.status;
}
