import crypto from 'node:crypto';
import type { Bundle, BundleSchedule, ContentItem, HolidayList, Interrupt, Playlist } from '@bangtin/shared';
import { canonicalJson, dayStartUtc, parseLocalDate, PROTOCOL_VERSION, TIMEZONE } from '@bangtin/shared';
import type { Store } from './store';
import { ancestorsByGroup, subtreesOf } from './store/groups';
import type { ScheduleRecord } from './store/schedules';
import type { InterruptRecord } from './store/interrupts';
import type { CampaignRecord } from './store/campaigns';
import { horizonUntil } from './store/meta';

export type BundleBody = Pick<
  Bundle,
  'content' | 'playlists' | 'schedules' | 'interrupts' | 'holidayLists' | 'horizonUntil' | 'timeZone'
> & { hash: string };

/** Everything bundle compilation reads, gathered once so compiling is pure and benchmarkable. */
export interface CompileInput {
  /** `timeZone`: the device's IANA zone, null or absent for Asia/Ho_Chi_Minh. */
  devices: { id: string; groupId: string | null; tags: string[]; timeZone?: string | null }[];
  groups: { id: string; parentId: string | null }[];
  content: Map<string, ContentItem>;
  playlists: Map<string, Playlist>;
  schedules: ScheduleRecord[];
  campaigns: Map<string, CampaignRecord>;
  interrupts: InterruptRecord[];
  holidayLists: Map<string, HolidayList>;
  horizonUntil: number | null;
}

export function loadCompileInput(store: Store, now = Date.now()): CompileInput {
  const { content, playlists } = store.content.snapshot(now);
  return {
    devices: store.devices.compileTargets(),
    groups: store.groups.list(),
    content,
    playlists,
    schedules: store.schedules.list(),
    campaigns: new Map(store.campaigns.list().map((c) => [c.id, c])),
    interrupts: store.interrupts.active(now),
    holidayLists: new Map(store.holidays.list().map((h) => [h.id, h])),
    horizonUntil: horizonUntil(store.db),
  };
}

export function compileAll(store: Store, now = Date.now()): Map<string, BundleBody> {
  return compileBodies(loadCompileInput(store, now), now);
}

/** What a schedule reaches: its own targets, or its campaign's when it is a campaign entry with none. */
export function scheduleTarget(
  s: Pick<ScheduleRecord, 'target'>,
  campaign: Pick<CampaignRecord, 'target'> | undefined,
): ScheduleRecord['target'] {
  const own = s.target;
  const empty = own.deviceIds.length + own.groupIds.length + own.tags.length === 0;
  return empty && campaign ? campaign.target : own;
}

/** A campaign's local date range as a half-open UTC window. */
export function campaignWindow(c: Pick<CampaignRecord, 'startsOn' | 'endsOn'>): { start: number; end: number } {
  return {
    start: dayStartUtc(TIMEZONE, parseLocalDate(c.startsOn)!),
    end: dayStartUtc(TIMEZONE, parseLocalDate(c.endsOn)! + 1),
  };
}

interface Entry {
  target: { deviceIds: string[]; groupIds: string[]; tags: string[] };
  /** The groups the entry may reach at all (an editor's district subtree), or null for anywhere. */
  reach: Set<string> | null;
}

/**
 * Works out, for every device, the bundle it should hold: the schedules and urgent messages that
 * target it (directly, through any group above it, or through one of its tags) with their playlists,
 * content and holiday lists. An entry an editor created reaches only devices inside the editor's
 * district, whatever its tags say (its `scopeGroupId`). Devices in the same group with the same tags,
 * zone and no direct targets share one compiled body, so a province-wide schedule is compiled once,
 * not per device.
 */
export function compileBodies(input: CompileInput, now = Date.now()): Map<string, BundleBody> {
  const subtrees = subtreesOf(input.groups);
  const reachOf = (scopeGroupId: string | null | undefined): Set<string> | null =>
    // A scope group deleted since reaches nothing rather than everything.
    scopeGroupId ? (subtrees.get(scopeGroupId) ?? new Set()) : null;
  const schedules: BundleSchedule[] = [];
  const scheduleEntries: Entry[] = [];
  const sorted = [...input.schedules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const s of sorted) {
    const bs = toBundleSchedule(s, input.campaigns, now);
    if (!bs) continue;
    schedules.push(bs);
    scheduleEntries.push({
      target: scheduleTarget(s, s.campaignId ? input.campaigns.get(s.campaignId) : undefined),
      reach: reachOf(s.scopeGroupId),
    });
  }
  const interrupts: Interrupt[] = [];
  const interruptEntries: Entry[] = [];
  for (const m of [...input.interrupts].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (m.endsAt !== null && m.endsAt <= now) continue;
    interrupts.push(toBundleInterrupt(m));
    interruptEntries.push({ target: m.target, reach: reachOf(m.scopeGroupId) });
  }

  // Index every entry (schedules first, then interrupts) by the targets that name it.
  const entries = [...scheduleEntries, ...interruptEntries];
  const byDevice = new Map<string, number[]>();
  const byGroup = new Map<string, number[]>();
  const byTag = new Map<string, number[]>();
  const push = (m: Map<string, number[]>, k: string, i: number) => {
    const l = m.get(k);
    if (l) l.push(i);
    else m.set(k, [i]);
  };
  entries.forEach((e, i) => {
    for (const d of e.target.deviceIds) push(byDevice, d, i);
    for (const g of e.target.groupIds) push(byGroup, g, i);
    for (const t of e.target.tags) push(byTag, t, i);
  });

  const ancestors = ancestorsByGroup(input.groups.map((g) => ({ ...g, name: '', kind: 'office' as const })));
  const bodies = new Map<string, BundleBody>();
  const byPreKey = new Map<string, BundleBody>();
  const out = new Map<string, BundleBody>();
  const nSched = schedules.length;
  for (const d of input.devices) {
    const direct = byDevice.get(d.id);
    const zone = d.timeZone ?? TIMEZONE;
    const preKey = `${d.groupId ?? ''}\u0001${d.tags.join('\u0002')}\u0001${direct ? direct.join(',') : ''}\u0001${zone}`;
    let body = byPreKey.get(preKey);
    if (!body) {
      const ids = new Set<number>(direct ?? []);
      for (const g of d.groupId ? (ancestors.get(d.groupId) ?? []) : [])
        for (const i of byGroup.get(g) ?? []) ids.add(i);
      for (const t of d.tags) for (const i of byTag.get(t) ?? []) ids.add(i);
      const idx = [...ids]
        .filter((i) => {
          const reach = entries[i]!.reach;
          return reach === null || (d.groupId !== null && reach.has(d.groupId));
        })
        .sort((a, b) => a - b);
      const key = `${idx.join(',')}\u0001${zone}`;
      body = bodies.get(key);
      if (!body) {
        body = buildBody(
          idx.filter((i) => i < nSched).map((i) => schedules[i]!),
          idx.filter((i) => i >= nSched).map((i) => interrupts[i - nSched]!),
          input,
          zone,
        );
        bodies.set(key, body);
      }
      byPreKey.set(preKey, body);
    }
    out.set(d.id, body);
  }
  return out;
}

/** A stored schedule as it travels: defaults omitted (they do not change the hash of old bundles). */
export function toBundleSchedule(
  s: ScheduleRecord,
  campaigns: Map<string, CampaignRecord>,
  now: number,
): BundleSchedule | null {
  let startsAt = s.startsAt;
  let endsAt = s.endsAt;
  if (s.campaignId) {
    const c = campaigns.get(s.campaignId);
    // A draft is not published yet; ended and cancelled campaigns play nowhere.
    if (!c || (c.status !== 'scheduled' && c.status !== 'running')) return null;
    const w = campaignWindow(c);
    startsAt = startsAt === null ? w.start : Math.max(startsAt, w.start);
    endsAt = endsAt === null ? w.end : Math.min(endsAt, w.end);
  }
  if (endsAt !== null && endsAt <= now) return null;
  if (startsAt !== null && endsAt !== null && endsAt <= startsAt) return null;
  const campaign = s.campaignId ? campaigns.get(s.campaignId) : undefined;
  const bs: BundleSchedule = {
    id: s.id,
    playlistId: s.playlistId,
    startsAt,
    endsAt,
    // An entry without a priority of its own follows its campaign's, read now rather than copied when
    // the entry was made, so raising the campaign raises every such entry in the next bundle.
    priority: s.priorityFromCampaign && campaign ? campaign.priority : s.priority,
    createdAt: s.createdAt,
  };
  // An entry that sets no recurrence of its own follows its campaign's ("weekdays 7:00–17:00").
  const recurrence = s.recurrence ?? campaign?.recurrence ?? null;
  if (recurrence && recurrence.kind !== 'always') bs.recurrence = recurrence;
  // A schedule that names Asia/Ho_Chi_Minh travels without it (old bundles hash the same) and gets it
  // back in the bundle of a device in another zone (see `pinnedToDefaultZone`).
  if (s.timeZone && s.timeZone !== TIMEZONE) bs.timeZone = s.timeZone;
  else if (s.timeZone) namesDefaultZone.add(bs);
  if (s.exceptions.length > 0) bs.exceptions = s.exceptions;
  if (s.holidayListIds.length > 0) bs.holidayListIds = s.holidayListIds;
  if (s.weight !== 1) bs.weight = s.weight;
  if (s.campaignId) bs.campaignId = s.campaignId;
  if (s.fallback) bs.fallback = true;
  return bs;
}

function toBundleInterrupt(m: InterruptRecord): Interrupt {
  const out: Interrupt = { id: m.id, startsAt: m.startsAt, itemDurationMs: m.itemDurationMs };
  if (m.contentId) out.contentId = m.contentId;
  if (m.text) out.text = m.text;
  if (m.endsAt !== null) out.endsAt = m.endsAt;
  if (m.campaignId) out.campaignId = m.campaignId;
  return out;
}

/** Bundle schedules whose record names Asia/Ho_Chi_Minh itself (left out of the bundle by default). */
const namesDefaultZone = new WeakSet<BundleSchedule>();
const pinnedCache = new WeakMap<BundleSchedule, BundleSchedule>();

/**
 * In a bundle for a device outside the default zone, a schedule that named Asia/Ho_Chi_Minh must say
 * so, or the player would read it in the device's zone. One copy per schedule, however many bodies.
 */
function pinnedToDefaultZone(s: BundleSchedule): BundleSchedule {
  if (!namesDefaultZone.has(s)) return s;
  let p = pinnedCache.get(s);
  if (!p) pinnedCache.set(s, (p = { ...s, timeZone: TIMEZONE }));
  return p;
}

function buildBody(
  schedulesIn: BundleSchedule[],
  interrupts: Interrupt[],
  input: CompileInput,
  zone: string = TIMEZONE,
): BundleBody {
  const bs = zone === TIMEZONE ? schedulesIn : schedulesIn.map(pinnedToDefaultZone);
  const pls = [...new Set(bs.map((s) => s.playlistId))].sort().flatMap((id) => {
    const p = input.playlists.get(id);
    return p ? [p] : [];
  });
  const contentIds = new Set(pls.flatMap((p) => p.items.map((i) => i.contentId)));
  for (const m of interrupts) if (m.contentId) contentIds.add(m.contentId);
  const items = [...contentIds].sort().flatMap((id) => {
    const c = input.content.get(id);
    return c ? [c] : [];
  });
  const holidayIds = [...new Set(bs.flatMap((s) => s.holidayListIds ?? []))].sort();
  const holidayLists = holidayIds.flatMap((id) => {
    const h = input.holidayLists.get(id);
    return h ? [h] : [];
  });
  const body: Omit<BundleBody, 'hash'> = { content: items, playlists: pls, schedules: bs };
  // Optional parts only when present, so a bundle without them hashes as the foundation's did.
  if (interrupts.length > 0) body.interrupts = interrupts;
  if (holidayLists.length > 0) body.holidayLists = holidayLists;
  if (input.horizonUntil !== null) body.horizonUntil = input.horizonUntil;
  if (zone !== TIMEZONE) body.timeZone = zone;
  return { ...body, hash: hashBody(body) };
}

const canonCache = new WeakMap<object, Buffer>();
/** An object's canonical JSON as UTF-8, encoded once however many bodies hold it. */
function canon(o: object): Buffer {
  let b = canonCache.get(o);
  if (b === undefined) {
    b = Buffer.from(canonicalJson(o));
    canonCache.set(o, b);
  }
  return b;
}

/**
 * The pieces of `bundleHashInput(body)` (canonical JSON, keys sorted) in order. Thousands of bodies
 * share the same schedules, playlists and content: encoding each once and feeding the buffers to the
 * hash, rather than building and re-encoding one big string per body, is what keeps 10,000 devices ×
 * 2,000 schedules within seconds.
 */
function* hashPieces(body: Omit<BundleBody, 'hash'>): Generator<Buffer> {
  const lists: [string, object[] | undefined][] = [
    ['content', body.content],
    ['holidayLists', body.holidayLists],
  ];
  let first = true;
  const key = (k: string) => {
    const out = Buffer.from(`${first ? '{' : ','}${JSON.stringify(k)}:`);
    first = false;
    return out;
  };
  function* list(k: string, xs: object[]): Generator<Buffer> {
    yield key(k);
    yield OPEN;
    for (let i = 0; i < xs.length; i++) {
      if (i > 0) yield COMMA;
      yield canon(xs[i]!);
    }
    yield CLOSE;
  }
  for (const [k, xs] of lists) if (xs !== undefined) yield* list(k, xs);
  if (body.horizonUntil !== undefined) {
    yield key('horizonUntil');
    yield Buffer.from(JSON.stringify(body.horizonUntil));
  }
  if (body.interrupts !== undefined) yield* list('interrupts', body.interrupts);
  yield* list('playlists', body.playlists);
  yield* list('schedules', body.schedules);
  if (body.timeZone !== undefined) {
    yield key('timeZone');
    yield Buffer.from(JSON.stringify(body.timeZone));
  }
  yield END;
}
const OPEN = Buffer.from('[');
const CLOSE = Buffer.from(']');
const COMMA = Buffer.from(',');
const END = Buffer.from('}');

export function hashBody(body: Omit<BundleBody, 'hash'>): string {
  const h = crypto.createHash('sha256');
  for (const piece of hashPieces(body)) h.update(piece);
  return h.digest('hex');
}

/** The exact bytes hashed, for tests: equal to `bundleHashInput` of the bundle. */
export function hashInput(body: Omit<BundleBody, 'hash'>): string {
  return Buffer.concat([...hashPieces(body)]).toString('utf8');
}

export function toBundle(body: BundleBody, version: number, generatedAt = Date.now()): Bundle {
  const { hash, ...rest } = body;
  return { protocol: PROTOCOL_VERSION, version, generatedAt, ...rest, hash };
}
