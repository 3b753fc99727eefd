/**
 * The dashboard's view of the fleet, computed on the controller so a browser never needs all 10,000
 * devices: a filtered, sorted page of rows (`GET /devices?limit=…`), counts by district and status with
 * the alerts (`GET /devices/summary`), and the same rows for the live `/admin` socket.
 *
 * Status depends on the hub's live connections, so filtering cannot be one SQL query: the few columns
 * needed are read for every device (`listBrief`, a few ms for 10,000), filtered and sorted here, and
 * only the rows of the page are read whole.
 */
import { z } from 'zod';
import {
  DEVICE_KINDS,
  type DeviceAlert,
  type DeviceAlertKind,
  type DeviceCounts,
  type DeviceGroup,
  type DeviceListItem,
  type DeviceSummary,
  IdSchema,
  isoOrNull,
  toIso,
  deviceClockView,
} from '@bangtin/shared';
import type { Store } from './store';
import type { DeviceBrief, DeviceRecord } from './store/devices';
import { ScreenshotStore } from './store/media';
import { type SkippedRows, storedInstant } from './store/quarantine';
import type { Hub } from './hub/hub';
import { isDiskLow, type LiveHealth, storageAlert } from './hub/device-live';
import { deviceStatus } from './jobs/device-status';
import { inScope, type Scope } from './http/scope';
import { outputStatusView } from './http/device-outputs';

/** A device disconnected (or never connected since enrolment) this long raises an alert. */
export const ALERT_OFFLINE_MS = 10 * 60_000;
/** Alerts listed in a summary; the counts cover them all. */
export const SUMMARY_ALERT_ITEMS = 100;
export const PAGE_MAX = 500;

export type ListStatus = 'online' | 'stale' | 'offline' | 'revoked';
const STATUSES = ['online', 'stale', 'offline', 'revoked'] as const satisfies readonly ListStatus[];
const SORTS = ['district', 'name', '-name', 'lastSeen', '-lastSeen', 'status'] as const;

/** Any of these in the query string asks for the paged answer; without them the plain array stays. */
export const PAGED_QUERY_KEYS = ['limit', 'offset', 'cursor', 'q', 'groupId', 'status', 'kind', 'alert', 'sort'];

/** `status=online,stale`: a comma-separated list of known values; an error names the parameter. */
const csvOf = <T extends string>(values: readonly T[]) =>
  z.string().transform((s, ctx): T[] => {
    const parts = s.split(',').map((v) => v.trim());
    const bad = parts.find((p) => !(values as readonly string[]).includes(p));
    if (bad !== undefined) {
      ctx.addIssue({ code: 'custom', message: `unknown value "${bad}"; use ${values.join(', ')}` });
      return z.NEVER;
    }
    return parts as T[];
  });

export const DeviceListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(PAGE_MAX).default(100),
  offset: z.coerce.number().int().min(0).optional(),
  cursor: z
    .string()
    .regex(/^o[0-9]{1,7}$/, 'must be a nextCursor from a previous answer')
    .optional(),
  /** Part of the name; case and Vietnamese diacritics are ignored ("dai loc" finds "Đại Lộc"). */
  q: z.string().trim().max(100).optional(),
  /** A group (district, office…) and everything below it; `none` for devices outside any group. */
  groupId: z.union([z.literal('none'), IdSchema]).optional(),
  status: csvOf(STATUSES).optional(),
  kind: csvOf(DEVICE_KINDS).optional(),
  /** Only devices with an alert (`any`) or with that alert. */
  alert: z.enum(['any', 'offline', 'board', 'disk', 'storage']).optional(),
  sort: z.enum(SORTS).default('district'),
});
export type DeviceListQuery = z.output<typeof DeviceListQuerySchema>;

export interface DevicePage {
  items: DeviceListItem[];
  total: number;
  offset: number;
  limit: number;
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

/** Lower case without Vietnamese diacritics: "Huyện Đại Lộc" → "huyen dai loc". */
export function foldName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** An alert before it is dressed for the answer (ISO times, names) — most are only counted. */
interface RawAlert {
  kind: DeviceAlertKind;
  since: number | null;
  detail: string | null;
}

interface Entry {
  d: DeviceBrief;
  online: boolean;
  lastSeenAt: number | null;
  status: ListStatus;
  district: DeviceGroup | null;
  /** Position of the name, and of the district's name, in Vietnamese order (see nameRanks). */
  rank: number;
  districtRank: number;
  alerts: RawAlert[];
}

const collator = new Intl.Collator('vi');

/**
 * Every device name's position in Vietnamese order. Sorting 10,000 rows with the collator costs tens
 * of milliseconds per request; names rarely change, so the order is kept and sorts compare integers.
 * It is rebuilt whenever a name is new to it.
 */
let ranks = new Map<string, number>();
function nameRanks(names: readonly string[]): Map<string, number> {
  if (names.some((n) => !ranks.has(n))) {
    const uniq = [...new Set(names)].sort(collator.compare);
    ranks = new Map(uniq.map((n, i) => [n, i]));
  }
  return ranks;
}

/** Folded names, kept like the ranks: folding 10,000 names on every search is the slow part of it. */
let folds = new Map<string, string>();
function folded(name: string): string {
  let f = folds.get(name);
  if (f === undefined) {
    if (folds.size > 100_000) folds = new Map();
    folds.set(name, (f = foldName(name)));
  }
  return f;
}

/** District of every group (itself when it is one; null above districts), from one read of the tree. */
function districtsByGroup(groups: readonly DeviceGroup[]): Map<string, DeviceGroup | null> {
  const byId = new Map(groups.map((g) => [g.id, g]));
  const out = new Map<string, DeviceGroup | null>();
  for (const g of groups) {
    let cur: DeviceGroup | undefined = g;
    // The hop limit stops a corrupted cycle from hanging the controller.
    for (let hops = 0; cur && cur.kind !== 'district' && hops < 64; hops++)
      cur = cur.parentId ? byId.get(cur.parentId) : undefined;
    out.set(g.id, cur?.kind === 'district' ? cur : null);
  }
  return out;
}

/** The alerts of one device; the rules and thresholds are in README "Dashboard alerts". */
function alertsOf(
  hub: Hub,
  d: { id: string; createdAt: number; revokedAt: number | null },
  online: boolean,
  lastSeenAt: number | null,
  now: number,
): RawAlert[] {
  if (d.revokedAt !== null) return NO_ALERTS;
  let out = NO_ALERTS;
  // A device enrolled but never started counts from its enrolment, not as offline since forever.
  if (!online && now - (lastSeenAt ?? d.createdAt) > ALERT_OFFLINE_MS) {
    out = [{ kind: 'offline', since: lastSeenAt, detail: null }];
  }
  // What a disconnected player last said about its boards is history; it is under "offline" then.
  if (online) {
    for (const o of hub.outputStatus(d.id) ?? []) {
      if (o.kind !== 'led') continue;
      // Offline without an error is a board still opening its port at start-up.
      if (o.state === 'error' || (o.state === 'offline' && o.lastError !== null)) {
        out = [
          ...out,
          { kind: 'board', since: o.lastError?.at ?? null, detail: o.port ? `${o.id} (${o.port})` : o.id },
        ];
      }
    }
  }
  const disk = hub.live.disk(d.id);
  if (disk && isDiskLow(disk)) {
    out = [...out, { kind: 'disk', since: disk.at, detail: `${disk.freeBytes}/${disk.totalBytes}` }];
  }
  const storage = online ? storageAlert(hub.live.latestHealth(d.id)) : null;
  if (storage) out = [...out, { kind: 'storage', ...storage }];
  return out;
}
const NO_ALERTS: RawAlert[] = [];

/** Every device the scope may see, with its live status, district and alerts. */
function snapshot(store: Store, hub: Hub, scope: Scope, now: number): Entry[] {
  const districts = districtsByGroup(store.groups.list());
  const districtRanks = new Map(
    [...new Set([...districts.values()].filter((g) => g !== null))]
      .sort((a, b) => collator.compare(a.name, b.name) || (a.id < b.id ? -1 : 1))
      .map((g, i) => [g.id, i]),
  );
  const briefs = store.devices.listBrief();
  const names = nameRanks(briefs.map((d) => d.name));
  const out: Entry[] = [];
  for (const d of briefs) {
    if (!inScope(scope, d.groupId)) continue;
    const online = hub.isOnline(d.id);
    const lastSeenAt = hub.live.lastSeenAt(d.id, d.lastSeenAt);
    const district = d.groupId ? (districts.get(d.groupId) ?? null) : null;
    out.push({
      d,
      online,
      lastSeenAt,
      status: d.revokedAt !== null ? 'revoked' : deviceStatus(online, lastSeenAt, now),
      district,
      rank: names.get(d.name)!,
      // Devices outside any district sort last.
      districtRank: district ? districtRanks.get(district.id)! : Number.MAX_SAFE_INTEGER,
      alerts: alertsOf(hub, d, online, lastSeenAt, now),
    });
  }
  return out;
}

const STATUS_ORDER: Record<ListStatus, number> = { offline: 0, stale: 1, online: 2, revoked: 3 };

function comparator(sort: DeviceListQuery['sort']): (a: Entry, b: Entry) => number {
  const byName = (a: Entry, b: Entry) => a.rank - b.rank || (a.d.id < b.d.id ? -1 : 1);
  switch (sort) {
    case 'name':
      return byName;
    case '-name':
      return (a, b) => byName(b, a);
    // Never seen sorts as the oldest.
    case 'lastSeen':
      return (a, b) => (a.lastSeenAt ?? -1) - (b.lastSeenAt ?? -1) || byName(a, b);
    case '-lastSeen':
      return (a, b) => (b.lastSeenAt ?? -1) - (a.lastSeenAt ?? -1) || byName(a, b);
    case 'status':
      return (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || byName(a, b);
    case 'district':
      return (a, b) => a.districtRank - b.districtRank || byName(a, b);
  }
}

/**
 * What a device shows as playing. A start no reader can use (stored by a player from before the bounds on
 * device times, or edited in the file) is counted in `skipped` and shown as nothing playing, never a 500.
 */
export function nowPlayingView(
  np: { contentId: string; startedAt: number } | null,
  skipped?: SkippedRows,
): { contentId: string; startedAt: string } | null {
  if (!np) return null;
  if (!storedInstant(np.startedAt)) {
    skipped?.skip('now_playing.startedAt');
    return null;
  }
  return { contentId: np.contentId, startedAt: toIso(np.startedAt) };
}

/** The row of a device as the paged list and the live socket send it. */
function item(
  r: DeviceRecord,
  e: Pick<Entry, 'online' | 'lastSeenAt' | 'district' | 'alerts'>,
  hub: Hub,
  screenshots: ScreenshotStore,
  now: number,
  skipped?: SkippedRows,
): DeviceListItem {
  const disk = hub.live.disk(r.id);
  const media = hub.live.mediaProgress(r.id);
  // The last heartbeat is fresher than the database, which gets it every two seconds.
  const health = hub.live.latestHealth(r.id);
  const nowPlaying = health ? health.nowPlaying : r.nowPlaying;
  const shot = r.kind === 'led' ? null : screenshots.get(r.id);
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    groupId: r.groupId,
    district: e.district ? { id: e.district.id, name: e.district.name } : null,
    online: e.online,
    status: deviceStatus(e.online, e.lastSeenAt, now),
    tags: r.tags,
    lastSeenAt: e.lastSeenAt === null ? null : toIso(e.lastSeenAt),
    nowPlaying: nowPlayingView(nowPlaying, skipped),
    bundleVersion: r.bundleVersion,
    ackedBundleVersion: r.ackedBundleVersion,
    outboxSize: health ? health.outboxSize : r.outboxSize,
    clockOffsetMs: health ? health.clockOffsetMs : r.clockOffsetMs,
    clock: deviceClockView(health ? health.clockOffsetMs : r.clockOffsetMs, health?.clock ?? null, now),
    revokedAt: r.revokedAt === null ? null : toIso(r.revokedAt),
    outputs: (hub.outputStatus(r.id) ?? r.outputs).map(outputStatusView),
    disk: disk ? { freeBytes: disk.freeBytes, totalBytes: disk.totalBytes, at: toIso(disk.at) } : null,
    ...storageView(health),
    media: media
      ? {
          needed: media.needed,
          ready: media.ready,
          bytesNeeded: media.bytesNeeded,
          bytesReady: media.bytesReady,
          failed: media.failed.length,
          at: toIso(media.at),
        }
      : null,
    screenshotAt: !shot
      ? null
      : storedInstant(shot.capturedAt)
        ? toIso(shot.capturedAt)
        : (skipped?.skip('captured_at'), null),
    alerts: [...new Set(e.alerts.map((a) => a.kind))],
  };
}

/**
 * One page of the devices the scope may see. `groupId` must be visible to the scope (the caller
 * checks it exists); an editor asking for another district gets an empty page, never its devices.
 */
export function listDevices(
  store: Store,
  hub: Hub,
  scope: Scope,
  q: DeviceListQuery,
  now = Date.now(),
  skipped?: SkippedRows,
): DevicePage {
  let entries = snapshot(store, hub, scope, now);
  if (q.groupId === 'none') entries = entries.filter((e) => e.d.groupId === null);
  else if (q.groupId) {
    const sub = store.groups.subtree(q.groupId);
    entries = entries.filter((e) => e.d.groupId !== null && sub.has(e.d.groupId));
  }
  if (q.kind) {
    const kinds = new Set<string>(q.kind);
    entries = entries.filter((e) => kinds.has(e.d.kind));
  }
  if (q.status) {
    const st = new Set<string>(q.status);
    entries = entries.filter((e) => st.has(e.status));
  }
  if (q.alert) {
    const kind = q.alert;
    entries = entries.filter((e) => e.alerts.some((a) => kind === 'any' || a.kind === kind));
  }
  const needle = q.q ? foldName(q.q) : '';
  if (needle) entries = entries.filter((e) => folded(e.d.name).includes(needle));
  entries.sort(comparator(q.sort));

  const offset = q.cursor ? Number(q.cursor.slice(1)) : (q.offset ?? 0);
  const page = entries.slice(offset, offset + q.limit);
  const byId = new Map(page.map((e) => [e.d.id, e]));
  const screenshots = new ScreenshotStore(store.db);
  const items = store.devices
    .getMany(page.map((e) => e.d.id))
    .map((r) => item(r, byId.get(r.id)!, hub, screenshots, now, skipped));
  const next = offset + q.limit;
  return {
    items,
    total: entries.length,
    offset,
    limit: q.limit,
    nextCursor: next < entries.length ? `o${next}` : null,
  };
}

/** Rows of the given devices that the scope may see (for the live socket), in no particular order. */
export function deviceItems(store: Store, hub: Hub, scope: Scope, ids: readonly string[], now = Date.now()) {
  const districts = districtsByGroup(store.groups.list());
  const screenshots = new ScreenshotStore(store.db);
  const out: DeviceListItem[] = [];
  for (const r of store.devices.getMany(ids)) {
    if (!inScope(scope, r.groupId)) continue;
    const online = hub.isOnline(r.id);
    const lastSeenAt = hub.live.lastSeenAt(r.id, r.lastSeenAt);
    const district = r.groupId ? (districts.get(r.groupId) ?? null) : null;
    const alerts = alertsOf(hub, r, online, lastSeenAt, now);
    out.push(item(r, { online, lastSeenAt, district, alerts }, hub, screenshots, now));
  }
  return out;
}

const ALERT_ORDER: Record<DeviceAlertKind, number> = { board: 0, storage: 1, disk: 2, offline: 3 };

const zero = (): DeviceCounts => ({ total: 0, online: 0, stale: 0, offline: 0, revoked: 0, alerts: 0 });

/** Counts by status for the scope and for each district in it, and the alerts. */
export function summarizeDevices(store: Store, hub: Hub, scope: Scope, now = Date.now()): DeviceSummary {
  const entries = snapshot(store, hub, scope, now);
  const all = zero();
  const districts = new Map<string | null, DeviceCounts & { id: string | null; name: string | null }>();
  const alertCounts: Record<DeviceAlertKind, number> = { offline: 0, board: 0, disk: 0, storage: 0 };
  const alerting: { e: Entry; a: RawAlert }[] = [];
  for (const e of entries) {
    const key = e.district?.id ?? null;
    let c = districts.get(key);
    if (!c) districts.set(key, (c = { ...zero(), id: key, name: e.district?.name ?? null }));
    for (const t of [all, c]) {
      t.total++;
      t[e.status]++;
      if (e.alerts.length > 0) t.alerts++;
    }
    for (const a of e.alerts) {
      alertCounts[a.kind]++;
      alerting.push({ e, a });
    }
  }
  // Boards and disks first: they are few and each needs a visit, where offline devices may be many
  // (a district's network down). Then the oldest problem first, "never seen" before any time.
  alerting.sort(
    (x, y) =>
      ALERT_ORDER[x.a.kind] - ALERT_ORDER[y.a.kind] || (x.a.since ?? -1) - (y.a.since ?? -1) || x.e.rank - y.e.rank,
  );
  const alertItems = alerting.slice(0, SUMMARY_ALERT_ITEMS).map(({ e, a }): DeviceAlert => ({
    kind: a.kind,
    deviceId: e.d.id,
    deviceName: e.d.name,
    districtId: e.district?.id ?? null,
    since: isoOrNull(a.since),
    detail: a.detail,
  }));
  return {
    at: toIso(now),
    ...all,
    districts: [...districts.values()].sort((a, b) => {
      if (a.id === null) return 1;
      if (b.id === null) return -1;
      return collator.compare(a.name ?? '', b.name ?? '');
    }),
    alertCounts,
    alertItems,
  };
}

/** A player's storage and last database rebuild, as the device list shows them (instants in ISO 8601). */
export function storageView(health: LiveHealth | null): Pick<DeviceListItem, 'storage' | 'recovery'> {
  return {
    storage: health?.storage ?? null,
    recovery: health?.recovery
      ? {
          at: toIso(health.recovery.at),
          reason: health.recovery.reason,
          salvagedProofs: health.recovery.salvagedProofs,
          salvagedSurveys: health.recovery.salvagedSurveys,
        }
      : null,
  };
}
