import { DAY_MS, dayStartUtc, isoWeekdayOfDay, localDayOf, MINUTE_MS, TIMEZONE } from '@bangtin/shared';

/** One resolved stretch of a device's timeline, instants in UTC milliseconds. */
export interface Segment {
  start: number;
  end: number;
  scheduleId: string;
  playlistId: string;
  campaignId: string | null;
  reason: 'interrupt' | 'priority' | 'share' | 'fallback';
}

/** A drawn block: touching segments of one schedule, or one stretch of shared (conflicting) airtime. */
export interface Block extends Segment {
  scheduleIds: string[];
  campaignIds: (string | null)[];
}

/**
 * Merges touching segments for drawing. The engine interleaves equal-priority schedules item by item
 * (A B A A B…, a few seconds each), which would be thousands of slivers a day; on a calendar that is
 * one conflict block listing every schedule in it.
 */
export function mergeBlocks(segments: readonly Segment[]): Block[] {
  const out: Block[] = [];
  for (const s of [...segments].sort((a, b) => a.start - b.start)) {
    const last = out.at(-1);
    const joins =
      last &&
      s.start <= last.end &&
      s.reason === last.reason &&
      (s.reason === 'share' || (s.scheduleId === last.scheduleId && s.campaignId === last.campaignId));
    if (joins) {
      last.end = Math.max(last.end, s.end);
      if (!last.scheduleIds.includes(s.scheduleId)) last.scheduleIds.push(s.scheduleId);
      if (!last.campaignIds.includes(s.campaignId)) last.campaignIds.push(s.campaignId);
    } else {
      out.push({ ...s, scheduleIds: [s.scheduleId], campaignIds: [s.campaignId] });
    }
  }
  return out;
}

/** A segment cut to one local day, placed by minutes after local midnight (for drawing). */
export interface DayPiece<S extends Segment = Segment> {
  day: number;
  fromMin: number;
  toMin: number;
  segment: S;
}

/** The Monday (local day number) of the week that holds `day`: Vietnamese calendars start on Monday. */
export function mondayOf(day: number): number {
  return day - (isoWeekdayOfDay(day) - 1);
}

/** The local days shown in a month view: whole weeks, Monday first, covering the month of `day`. */
export function monthGrid(day: number): number[] {
  const d = new Date(day * DAY_MS);
  const first = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY_MS;
  const last = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0) / DAY_MS;
  const start = mondayOf(first);
  const end = mondayOf(last) + 7;
  return Array.from({ length: end - start }, (_, i) => start + i);
}

/** The UTC window [from, to) of local days `firstDay` .. `lastDay` inclusive. */
export function daysWindow(firstDay: number, lastDay: number, timeZone = TIMEZONE): { from: number; to: number } {
  return { from: dayStartUtc(timeZone, firstDay), to: dayStartUtc(timeZone, lastDay + 1) };
}

/** Cuts segments at local midnights so each piece belongs to exactly one day column. */
export function splitByDay<S extends Segment>(segments: readonly S[], timeZone = TIMEZONE): DayPiece<S>[] {
  const out: DayPiece<S>[] = [];
  for (const s of segments) {
    let start = s.start;
    while (start < s.end) {
      const day = localDayOf(timeZone, start);
      const dayStart = dayStartUtc(timeZone, day);
      const dayEnd = dayStartUtc(timeZone, day + 1);
      const end = Math.min(s.end, dayEnd);
      out.push({
        day,
        fromMin: (start - dayStart) / MINUTE_MS,
        toMin: (end - dayStart) / MINUTE_MS,
        segment: s,
      });
      start = end;
    }
  }
  return out;
}

/** Stretches of time where schedules of equal priority overlap and share airtime. */
export interface Conflict {
  start: number;
  end: number;
  scheduleIds: string[];
}

/**
 * Conflicts in a device's timeline: the engine marks airtime that equal-priority schedules share as
 * `share`; touching shared stretches are merged so a whole afternoon of A/B/A/B is one conflict.
 */
export function findConflicts(segments: readonly Segment[]): Conflict[] {
  const sorted = segments.filter((s) => s.reason === 'share').sort((a, b) => a.start - b.start);
  const out: Conflict[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && s.start <= last.end) {
      last.end = Math.max(last.end, s.end);
      if (!last.scheduleIds.includes(s.scheduleId)) last.scheduleIds.push(s.scheduleId);
    } else {
      out.push({ start: s.start, end: s.end, scheduleIds: [s.scheduleId] });
    }
  }
  return out;
}

/** Airtime per campaign on each day (minutes), for the month view's coloured bars. */
export function campaignMinutesByDay(pieces: readonly DayPiece[]): Map<number, Map<string | null, number>> {
  const out = new Map<number, Map<string | null, number>>();
  for (const p of pieces) {
    const day = out.get(p.day) ?? new Map<string | null, number>();
    const key = p.segment.reason === 'fallback' ? null : p.segment.campaignId;
    day.set(key, (day.get(key) ?? 0) + (p.toMin - p.fromMin));
    out.set(p.day, day);
  }
  return out;
}

/** The segment playing at `instant` (half-open windows, as the engine uses), or null for silence. */
export function segmentAt(segments: readonly Segment[], instant: number): Segment | null {
  return segments.find((s) => s.start <= instant && instant < s.end) ?? null;
}

/** `HH:MM` of a minute count after midnight (24:00 for the end of a day). */
export function clock(minutes: number): string {
  const m = Math.round(minutes);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
