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

/** The scheduling fields of a schedule with their defaults applied. */
export function normalizeSchedule(s: BundleSchedule) {
  return {
    recurrence: (s.recurrence ?? { kind: 'always' }) as Recurrence,
    timeZone: s.timeZone ?? TIMEZONE,
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
    const items = p.items.flatMap((item, index) => {
      const content = contentById.get(item.contentId);
      return content ? [{ item, index, content }] : [];
    });
    if (items.length === 0) continue;
    playlists.set(p.id, { playlist: p, items, cycleMs: items.reduce((n, i) => n + i.item.durationMs, 0) });
  }
  // Parsed once per bundle, not once per schedule that names the list.
  const holidays = new Map((bundle.holidayLists ?? []).map((h) => [h.id, parseDays(h.dates)]));
  const schedules = bundle.schedules
    .filter((s) => playlists.has(s.playlistId))
    .sort(compareSchedules)
    .map((s, rank) => compileSchedule(s, rank, playlists.get(s.playlistId)!, holidays));
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

function compileSchedule(
  s: BundleSchedule,
  rank: number,
  playlist: CompiledPlaylist,
  holidays: Map<string, number[]>,
): CompiledSchedule {
  const n = normalizeSchedule(s);
  const tz = n.timeZone;
  let exceptionDays: number[] = [];
  if (n.exceptions.length > 0 || n.holidayListIds.length > 0) {
    const days = [...parseDays(n.exceptions), ...n.holidayListIds.flatMap((id) => holidays.get(id) ?? [])];
    exceptionDays = [...new Set(days)].sort((a, b) => a - b);
  }
  const vs = s.startsAt ?? -Infinity;
  const ve = s.endsAt ?? Infinity;
  const rec = n.recurrence;

  let raw: (from: number, to: number) => Piece[];
  // Only rule-made windows restart their playlist at the window's start; an always-on schedule
  // keeps looping from its start (or creation) so it resumes where it was after an exception day.
  let reanchor = true;
  if (rec.kind === 'weekly') {
    let dayMask = 0;
    // Bit d set for ISO weekday d; anything outside 1–7 can never match, as with a set of days.
    for (const d of rec.days) if (Number.isInteger(d) && d >= 1 && d <= 7) dayMask |= 1 << d;
    const parts = rec.dayparts
      .map((p) => {
        const a = parseLocalTime(p.start) ?? 0;
        const b = parseLocalTime(p.end) ?? 0;
        return { a, b: b > a ? b : b + 1440 };
      })
      .sort((x, y) => x.a - y.a);
    raw = (from, to) => {
      const out: Piece[] = [];
      // An overnight daypart started the previous local day may still run at `from`.
      const last = localDayOf(tz, to - 1);
      for (let day = localDayOf(tz, from) - 1; day <= last; day++) {
        if (!(dayMask & (1 << isoWeekdayOfDay(day)))) continue;
        for (const p of parts) {
          const start = localTimeToUtc(tz, day, p.a);
          out.push({ start, end: localTimeToUtc(tz, day, p.b), anchor: start });
        }
      }
      return out;
    };
  } else if (rec.kind === 'cron') {
    const cron: CompiledCron = compileCron(rec.expression);
    const dur = rec.durationMs;
    raw = (from, to) => {
      const out: Piece[] = [];
      const last = localDayOf(tz, to - 1);
      for (let day = localDayOf(tz, from - dur) - 1; day <= last; day++) {
        if (!cronMatchesDayCached(cron, day)) continue;
        for (const sec of cron.secondsOfDay) {
          const start = cronInstant(tz, day, sec);
          out.push({ start, end: start + dur, anchor: start });
        }
      }
      return out;
    };
  } else {
    reanchor = false;
    raw = () => [{ start: vs, end: ve, anchor: s.startsAt ?? s.createdAt }];
  }

  const piecesIn = (from: number, to: number): Piece[] => {
    if (to <= from || ve <= from || vs >= to) return [];
    // Generated pieces carry their own starts; clip them only after validity and exceptions so
    // the anchor does not depend on the range asked for.
    const lo = Math.max(from, vs);
    const hi = Math.min(to, ve);
    const gen = raw(lo, hi);
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
    const cut = subtractExceptions(pieces, exceptionDays, tz, lo, hi, reanchor);
    const out: Piece[] = [];
    for (const p of cut) {
      const start = Math.max(p.start, from);
      const end = Math.min(p.end, to);
      if (end > start) out.push({ start, end, anchor: p.anchor });
    }
    return out;
  };

  return {
    schedule: s,
    rank,
    priority: s.priority,
    weight: n.weight,
    fallback: n.fallback,
    campaignId: n.campaignId,
    timeZone: tz,
    playlist,
    piecesIn,
  };
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
