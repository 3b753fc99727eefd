import crypto from 'node:crypto';
import type { Bundle, BundleSchedule, ContentItem, Playlist } from '@bangtin/shared';
import { bundleHashInput, PROTOCOL_VERSION } from '@bangtin/shared';
import type { Store } from './store';
import { ancestorsByGroup } from './store/groups';

export type BundleBody = Pick<Bundle, 'content' | 'playlists' | 'schedules'> & { hash: string };

/**
 * Works out, for every device, the bundle it should hold: the schedules that target it (directly or
 * through any group above it) with their playlists and content. Devices targeted by the same set of
 * schedules share one compiled body, so a province-wide schedule is compiled once, not per device.
 */
export function compileAll(store: Store, now = Date.now()): Map<string, BundleBody> {
  const devices = store.devices.list().filter((d) => d.revokedAt === null);
  const ancestors = ancestorsByGroup(store.groups.list());
  const { content, playlists } = store.content.snapshot();
  const schedules = store.schedules.list().filter((s) => s.endsAt === null || s.endsAt > now);

  const byDevice = new Map<string, string[]>();
  const byGroup = new Map<string, string[]>();
  for (const s of schedules) {
    for (const d of s.target.deviceIds) byDevice.set(d, [...(byDevice.get(d) ?? []), s.id]);
    for (const g of s.target.groupIds) byGroup.set(g, [...(byGroup.get(g) ?? []), s.id]);
  }
  const scheduleById = new Map(schedules.map((s) => [s.id, s]));
  const cache = new Map<string, BundleBody>();
  const out = new Map<string, BundleBody>();

  for (const d of devices) {
    const ids = new Set(byDevice.get(d.id) ?? []);
    for (const g of d.groupId ? (ancestors.get(d.groupId) ?? []) : []) for (const s of byGroup.get(g) ?? []) ids.add(s);
    const key = [...ids].sort().join(',');
    let body = cache.get(key);
    if (!body) {
      body = buildBody(
        [...ids].sort().map((id) => scheduleById.get(id)!),
        content,
        playlists,
      );
      cache.set(key, body);
    }
    out.set(d.id, body);
  }
  return out;
}

function buildBody(
  schedules: {
    id: string;
    playlistId: string;
    startsAt: number | null;
    endsAt: number | null;
    priority: number;
    createdAt: number;
  }[],
  content: Map<string, ContentItem>,
  playlists: Map<string, Playlist>,
): BundleBody {
  const bs: BundleSchedule[] = schedules.map((s) => ({
    id: s.id,
    playlistId: s.playlistId,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    priority: s.priority,
    createdAt: s.createdAt,
  }));
  const pls = [...new Set(bs.map((s) => s.playlistId))].sort().flatMap((id) => {
    const p = playlists.get(id);
    return p ? [p] : [];
  });
  const items = [...new Set(pls.flatMap((p) => p.items.map((i) => i.contentId)))].sort().flatMap((id) => {
    const c = content.get(id);
    return c ? [c] : [];
  });
  const hash = crypto
    .createHash('sha256')
    .update(bundleHashInput({ content: items, playlists: pls, schedules: bs }))
    .digest('hex');
  return { content: items, playlists: pls, schedules: bs, hash };
}

export function toBundle(body: BundleBody, version: number, generatedAt = Date.now()): Bundle {
  return { protocol: PROTOCOL_VERSION, version, generatedAt, ...body };
}
