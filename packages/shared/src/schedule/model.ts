import type { Bundle, BundleSchedule, ContentItem, Interrupt, Playlist, PlaylistItem, Recurrence } from '../domain';
import { TIMEZONE } from '../time';
import { compileCron, cronMatchesDay as cronMatches, type CompiledCron } from './cron';
import { dayStartUtc, isoWeekdayOfDay, localDayOf, localTimeToUtc, parseLocalDate, parseLocalTime } from './zone';

/**
 * A bundle compiled once for resolution: defaults applied, playlists reduced to playable items,
 * rules pre-parsed. Cached per bundle object (bundles are treated as immutable once received).
 */

/** Where one schedule is active: half-open, with the instant its playlist counts from. */
export interface Piece {
  start: number;
  end: number;
  anchor: number;
}

export interface CompiledPlaylist {
  playlist: Playlist;
  /** Items whose content is in the bundle, with their index in `playlist.items`. */
  items: { item: PlaylistItem; index: number; content: ContentItem }[];
  /** `items[k].item.durationMs`, flat: the share walk reads it for every slot. */
  durations: Float64Array;
  cycleMs: number;
}

export interface CompiledSchedule {
  schedule: BundleSchedule;
  /** Position in the deterministic order: newest first, then by id. */
  rank: number;
  priority: number;
  weight: number;
  fallback: boolean;
  campaignId: string | null;
  timeZone: string;
  playlist: CompiledPlaylist;
  /** Active pieces overlapping [from, to), clipped to it, sorted and disjoint. */
  piecesIn(from: number, to: number): Piece[];
}

export interface CompiledInterrupt {
  interrupt: Interrupt;
  start: number;
  end: number;
  itemDurationMs: number;
  content: ContentItem;
  campaignId: string | null;
}

export interface CompiledBundle {
  bundle: Bundle;
  schedules: CompiledSchedule[];
  interrupts: CompiledInterrupt[];
}

export const DEFAULT_INTERRUPT_ITEM_MS = 10_000;

/**
 * The scheduling fields of a schedule with their defaults applied. A schedule that names no zone is
 * read in `defaultZone`: the device's zone (`bundle.timeZone`), itself Asia/Ho_Chi_Minh by default.
 */
export function normalizeSchedule(s: BundleSchedule, defaultZone: string = TIMEZONE) {
  return {
    recurrence: (s.recurrence ?? { kind: 'always' }) as Recurrence,
    timeZone: s.timeZone ?? defaultZone,
    exceptions: s.exceptions ?? [],
    holidayListIds: s.holidayListIds ?? [],
    weight: s.weight ?? 1,
    campaignId: s.campaignId ?? null,
    fallback: s.fallback ?? false,
  };
}

/** Newer first, then the larger id: the foundation's tie order, kept so old bundles behave the same. */
export function compareSchedules(a: BundleSchedule, b: BundleSchedule): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

const compiledCache = new WeakMap<Bundle, CompiledBundle>();

export function compileBundle(bundle: Bundle): CompiledBundle {
  const hit = compiledCache.get(bundle);
  if (hit) return hit;
  const contentById = new Map(bundle.content.map((c) => [c.id, c]));
  const playlists = new Map<string, CompiledPlaylist>();
  for (const p of bundle.playlists) {
    const items: CompiledPlaylist['items'] = [];
    let cycleMs = 0;
    for (let index = 0; index < p.items.length; index++) {
      const item = p.items[index]!;
      const content = contentById.get(item.contentId);
      if (!content) continue;
      items.push({ item, index, content });
      cycleMs += item.durationMs;
    }
    if (items.length === 0) continue;
    const durations = new Float64Array(items.length);
    for (let k = 0; k < items.length; k++) durations[k] = items[k]!.item.durationMs;
    playlists.set(p.id, { playlist: p, items, durations, cycleMs });
  }
  // Parsed once per bundle (sorted, without repeats), not once per schedule that names the list.
  const holidays = new Map((bundle.holidayLists ?? []).map((h) => [h.id, sortedDays(parseDays(h.dates))]));
  const zone = bundle.timeZone ?? TIMEZONE;
  // Playlists holding content with a validity window play different items over time: each becomes
  // one variant per stretch between the windows' edges (see `windowedVariants`).
  const variants = new Map<string, WindowedVariant[]>();
  for (const p of bundle.playlists) {
    const v = windowedVariants(p, contentById);
    if (v) variants.set(p.id, v);
  }
  const kept = bundle.schedules
    .filter((s) => playlists.has(s.playlistId) || variants.has(s.playlistId))
    .sort(compareSchedules);
  const schedules: CompiledSchedule[] = [];
  for (const s of kept) {
    const vs = variants.get(s.playlistId);
    if (!vs) {
      schedules.push(compileSchedule(s, schedules.length, playlists.get(s.playlistId)!, holidays, zone));
      continue;
    }
    // The variants of one schedule never overlap in time, so their adjacent ranks keep its place in
    // the order against every other schedule (a schedule's index is its rank).
    for (const v of vs) {
      const rule = compileSchedule(s, schedules.length, v.playlist, holidays, zone);
      schedules.push(new WindowedRule(rule, v.from, v.until));
    }
  }
  const interrupts = (bundle.interrupts ?? []).flatMap((m): CompiledInterrupt[] => {
    const fromBundle = m.contentId ? contentById.get(m.contentId) : undefined;
    const text = m.text ?? null;
    const content: ContentItem | undefined =
      fromBundle ?? (text !== null ? { id: m.id, type: 'slogan', text, title: null } : undefined);
    if (!content) return [];
    const end = m.endsAt ?? Infinity;
    if (end <= m.startsAt) return [];
    return [
      {
        interrupt: m,
        start: m.startsAt,
        end,
        itemDurationMs: m.itemDurationMs ?? DEFAULT_INTERRUPT_ITEM_MS,
        content,
        campaignId: m.campaignId ?? null,
      },
    ];
  });
  const compiled: CompiledBundle = { bundle, schedules, interrupts };
  compiledCache.set(bundle, compiled);
  return compiled;
}

interface WindowedVariant {
  from: number;
  until: number;
  playlist: CompiledPlaylist;
}

/** The items of a playlist that may air at instant `t` (content expiry), compiled. */
function playableAt(p: Playlist, contentById: Map<string, ContentItem>, t: number): CompiledPlaylist | null {
  const items: CompiledPlaylist['items'] = [];
  let cycleMs = 0;
  for (let index = 0; index < p.items.length; index++) {
    const item = p.items[index]!;
    const content = contentById.get(item.contentId);
    if (!content) continue;
    if (content.validFrom !== undefined && t < content.validFrom) continue;
    if (content.validUntil !== undefined && t >= content.validUntil) continue;
    items.push({ item, index, content });
    cycleMs += item.durationMs;
  }
  if (items.length === 0) return null;
  const durations = new Float64Array(items.length);
  for (let k = 0; k < items.length; k++) durations[k] = items[k]!.item.durationMs;
  return { playlist: p, items, durations, cycleMs };
}

/**
 * For a playlist with content that has a validity window: the stretches of time between the windows'
 * edges, each with the items valid throughout it (stretches with none are left out). Null when no
 * item of the playlist has a window, the common case, compiled as one playlist.
 */
function windowedVariants(p: Playlist, contentById: Map<string, ContentItem>): WindowedVariant[] | null {
  const edges = new Set<number>();
  for (const i of p.items) {
    const c = contentById.get(i.contentId);
    if (c?.validFrom !== undefined) edges.add(c.validFrom);
    if (c?.validUntil !== undefined) edges.add(c.validUntil);
  }
  if (edges.size === 0) return null;
  const cuts = [-Infinity, ...[...edges].sort((a, b) => a - b), Infinity];
  const out: WindowedVariant[] = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const from = cuts[k]!;
    const until = cuts[k + 1]!;
    const playlist = playableAt(p, contentById, from === -Infinity ? until - 1 : from);
    if (playlist) out.push({ from, until, playlist });
  }
  return out;
}

/** A schedule restricted to one stretch of its playlist's content windows. */
class WindowedRule implements CompiledSchedule {
  constructor(
    private readonly rule: CompiledSchedule,
    private readonly from: number,
    private readonly until: number,
  ) {}
  get schedule() {
    return this.rule.schedule;
  }
  get rank() {
    return this.rule.rank;
  }
  get priority() {
    return this.rule.priority;
  }
  get weight() {
    return this.rule.weight;
  }
  get fallback() {
    return this.rule.fallback;
  }
  get campaignId() {
    return this.rule.campaignId;
  }
  get timeZone() {
    return this.rule.timeZone;
  }
  get playlist() {
    return this.rule.playlist;
  }
  piecesIn(from: number, to: number): Piece[] {
    const a = Math.max(from, this.from);
    const b = Math.min(to, this.until);
    return b > a ? this.rule.piecesIn(a, b) : [];
  }
}

function compileSchedule(
  s: BundleSchedule,
  rank: number,
  playlist: CompiledPlaylist,
  holidays: Map<string, number[]>,
  deviceZone: string,
): CompiledSchedule {
  return new ScheduleRule(s, rank, playlist, holidays, deviceZone);
}

const WEEKLY = 0;
const CRON = 1;
const WHOLE = 2;

/**
 * A compiled schedule. A class rather than closures: a bundle compiles hundreds of schedules every
 * time it arrives (and the timeline benchmark compiles cold), and per-schedule closures and their
 * contexts were a measurable part of that.
 */
class ScheduleRule implements CompiledSchedule {
  readonly priority: number;
  readonly weight: number;
  readonly fallback: boolean;
  readonly campaignId: string | null;
  readonly timeZone: string;
  private readonly exceptionDays: number[];
  /** Validity window, half-open. */
  private readonly vs: number;
  private readonly ve: number;
  private readonly kind: number;
  /** Only rule-made windows restart their playlist at the window's start; see `piecesIn`. */
  private readonly reanchor: boolean;
  /** Weekly: bit d set for ISO weekday d, and the dayparts as minutes [a, b) sorted by start. */
  private readonly dayMask: number = 0;
  private readonly partA: number[] = NO_DAYS;
  private readonly partB: number[] = NO_DAYS;
  private readonly cron: CompiledCron | null = null;
  private readonly cronDurationMs: number = 0;

  constructor(
    readonly schedule: BundleSchedule,
    readonly rank: number,
    readonly playlist: CompiledPlaylist,
    holidays: Map<string, number[]>,
    deviceZone: string,
  ) {
    const s = schedule;
    this.priority = s.priority;
    this.weight = s.weight ?? 1;
    this.fallback = s.fallback ?? false;
    this.campaignId = s.campaignId ?? null;
    this.timeZone = s.timeZone ?? deviceZone;
    const exceptions = s.exceptions ?? [];
    const listIds = s.holidayListIds ?? [];
    let exceptionDays = NO_DAYS;
    if (exceptions.length === 0 && listIds.length === 1) {
      // The common case (one holiday list): its days are already sorted, shared by every schedule.
      exceptionDays = holidays.get(listIds[0]!) ?? NO_DAYS;
    } else if (exceptions.length > 0 || listIds.length > 0) {
      exceptionDays = sortedDays([...parseDays(exceptions), ...listIds.flatMap((id) => holidays.get(id) ?? [])]);
    }
    this.exceptionDays = exceptionDays;
    this.vs = s.startsAt ?? -Infinity;
    this.ve = s.endsAt ?? Infinity;
    const rec = s.recurrence;
    if (rec?.kind === 'weekly') {
      this.kind = WEEKLY;
      this.reanchor = true;
      let dayMask = 0;
      // Anything outside 1–7 can never match, as with a set of days.
      for (const d of rec.days) if (Number.isInteger(d) && d >= 1 && d <= 7) dayMask |= 1 << d;
      this.dayMask = dayMask;
      const parts: [number, number][] = [];
      for (const p of rec.dayparts) {
        const a = parseLocalTime(p.start) ?? 0;
        const b = parseLocalTime(p.end) ?? 0;
        parts.push([a, b > a ? b : b + 1440]);
      }
      if (parts.length > 1) parts.sort((x, y) => x[0] - y[0]);
      this.partA = parts.map((p) => p[0]);
      this.partB = parts.map((p) => p[1]);
    } else if (rec?.kind === 'cron') {
      this.kind = CRON;
      this.reanchor = true;
      this.cron = compileCron(rec.expression);
      this.cronDurationMs = rec.durationMs;
    } else {
      // An always-on schedule keeps looping from its start (or creation), so it resumes where it was
      // after an exception day.
      this.kind = WHOLE;
      this.reanchor = false;
    }
  }

  /** The rule's windows around [from, to), unclipped, each anchored at its own start. */
  private raw(from: number, to: number): Piece[] {
    const tz = this.timeZone;
    const out: Piece[] = [];
    if (this.kind === WEEKLY) {
      const { dayMask, partA, partB } = this;
      // An overnight daypart started the previous local day may still run at `from`.
      const last = localDayOf(tz, to - 1);
      for (let day = localDayOf(tz, from) - 1; day <= last; day++) {
        if (!(dayMask & (1 << isoWeekdayOfDay(day)))) continue;
        for (let k = 0; k < partA.length; k++) {
          const start = localTimeToUtc(tz, day, partA[k]!);
          out.push({ start, end: localTimeToUtc(tz, day, partB[k]!), anchor: start });
        }
      }
    } else if (this.kind === CRON) {
      const cron = this.cron!;
      const dur = this.cronDurationMs;
      const last = localDayOf(tz, to - 1);
      for (let day = localDayOf(tz, from - dur) - 1; day <= last; day++) {
        if (!cronMatchesDayCached(cron, day)) continue;
        for (const sec of cron.secondsOfDay) {
          const start = cronInstant(tz, day, sec);
          out.push({ start, end: start + dur, anchor: start });
        }
      }
    } else {
      out.push({ start: this.vs, end: this.ve, anchor: this.schedule.startsAt ?? this.schedule.createdAt });
    }
    return out;
  }

  piecesIn(from: number, to: number): Piece[] {
    const { vs, ve, reanchor, exceptionDays } = this;
    if (to <= from || ve <= from || vs >= to) return [];
    // Generated pieces carry their own starts; clip them only after validity and exceptions so
    // the anchor does not depend on the range asked for.
    const lo = Math.max(from, vs);
    const hi = Math.min(to, ve);
    const gen = this.raw(lo, hi);
    if (!isSorted(gen)) gen.sort((a, b) => a.start - b.start);
    const pieces: Piece[] = [];
    const noExceptions = exceptionDays.length === 0;
    for (let i = 0; i < gen.length; i++) {
      const p = gen[i]!;
      const next = gen[i + 1];
      // Overlapping windows of one schedule (a cron firing before the last window ended): the
      // newer firing takes over, so the pieces stay disjoint.
      let end = next && next.start < p.end ? next.start : p.end;
      let start = p.start;
      if (start < vs) start = vs;
      if (end > ve) end = ve;
      if (end <= start) continue;
      const anchor = reanchor ? start : p.anchor;
      if (noExceptions) {
        // Nothing left to cut: clip to the range now, reusing the freshly generated piece rather
        // than copying every piece twice more (a week at 500 schedules has thousands).
        if (start < from) start = from;
        if (end > to) end = to;
        if (end > start) {
          p.start = start;
          p.end = end;
          p.anchor = anchor;
          pieces.push(p);
        }
      } else pieces.push({ start, end, anchor });
    }
    if (noExceptions) return pieces;
    const cut = subtractExceptions(pieces, exceptionDays, this.timeZone, lo, hi, reanchor);
    const out: Piece[] = [];
    for (const p of cut) {
      const start = Math.max(p.start, from);
      const end = Math.min(p.end, to);
      if (end > start) out.push({ start, end, anchor: p.anchor });
    }
    return out;
  }
}

/** Shared empty list (never written to): most schedules have no exceptions. */
const NO_DAYS: number[] = [];

function sortedDays(days: number[]): number[] {
  return [...new Set(days)].sort((a, b) => a - b);
}

function parseDays(dates: readonly string[]): number[] {
  const out: number[] = [];
  for (const d of dates) {
    const day = parseLocalDate(d);
    if (day !== null) out.push(day);
  }
  return out;
}

function isSorted(pieces: Piece[]): boolean {
  for (let i = 1; i < pieces.length; i++) if (pieces[i]!.start < pieces[i - 1]!.start) return false;
  return true;
}

function cronInstant(tz: string, day: number, secondOfDay: number): number {
  const minutes = Math.floor(secondOfDay / 60);
  return localTimeToUtc(tz, day, minutes) + (secondOfDay % 60) * 1000;
}

const dayMatchCache = new WeakMap<CompiledCron, Map<number, boolean>>();
function cronMatchesDayCached(c: CompiledCron, day: number): boolean {
  let m = dayMatchCache.get(c);
  if (!m) dayMatchCache.set(c, (m = new Map()));
  let v = m.get(day);
  if (v === undefined) {
    v = cronMatches(c, day);
    if (m.size > 10_000) m.clear();
    m.set(day, v);
  }
  return v;
}

/**
 * Removes whole local days (exceptions) from the pieces. A piece whose beginning was cut restarts
 * its playlist at the new start when `reanchor` (rule-made windows), else keeps its anchor.
 */
function subtractExceptions(
  pieces: Piece[],
  exceptionDays: number[],
  tz: string,
  from: number,
  to: number,
  reanchor: boolean,
): Piece[] {
  if (exceptionDays.length === 0 || pieces.length === 0) return pieces;
  const first = localDayOf(tz, Math.max(from, pieces[0]!.start === -Infinity ? from : pieces[0]!.start)) - 1;
  const lastEnd = pieces[pieces.length - 1]!.end;
  const last = localDayOf(tz, Math.min(to, lastEnd === Infinity ? to : lastEnd) - 1) + 1;
  const cuts: { start: number; end: number }[] = [];
  for (const d of exceptionDays) {
    if (d < first || d > last) continue;
    cuts.push({ start: dayStartUtc(tz, d), end: dayStartUtc(tz, d + 1) });
  }
  if (cuts.length === 0) return pieces;
  const out: Piece[] = [];
  for (const p of pieces) {
    let cur: Piece | null = { ...p };
    for (const c of cuts) {
      if (!cur) break;
      if (c.end <= cur.start || c.start >= cur.end) continue;
      if (c.start > cur.start) out.push({ start: cur.start, end: c.start, anchor: cur.anchor });
      cur = c.end < cur.end ? { start: c.end, end: cur.end, anchor: reanchor ? c.end : cur.anchor } : null;
    }
    if (cur) out.push(cur);
  }
  return out;
}
