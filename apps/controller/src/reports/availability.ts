/**
 * Device availability from connectivity sessions: when each player was connected, per local day, and
 * the gaps between. Pure: sessions and instants in, figures out. Instants are UTC ms (as stored); only
 * the day boundaries depend on the zone, so a report for Vietnam splits days at 17:00 UTC.
 */
import { dayStartUtc, formatLocalDay } from '@bangtin/shared';

/** A half-open span of UTC instants [start, end). */
export interface Interval {
  start: number;
  end: number;
}

/** One connection of a player; `end` null while it is still connected. */
export interface Session {
  start: number;
  end: number | null;
}

export interface DayAvailability {
  /** Local date `YYYY-MM-DD`. */
  date: string;
  /** The part of the day the report can speak for: after enrolment, before revocation, not in the future. */
  observedMs: number;
  onlineMs: number;
  /** Offline while the controller itself was up: the device's (or its network's) outage. */
  offlineMs: number;
  /** Not connected because the controller was down (plus the players' reconnect grace). */
  controllerDownMs: number;
}

export interface DeviceAvailability {
  /** The observed window: the range cut to enrolment, revocation and now (empty when from = to). */
  observedFrom: number;
  observedTo: number;
  observedMs: number;
  onlineMs: number;
  offlineMs: number;
  controllerDownMs: number;
  days: DayAvailability[];
  /** Offline gaps clipped to the observed window, in order; a gap ending at `now` is still going on. */
  offline: Interval[];
  /** The parts of the gaps when the controller was down: not the device's outage. */
  controllerDown: Interval[];
}

export interface AvailabilityWindow {
  /** First and last local day of the report (days since 1970-01-01 on the local calendar), inclusive. */
  fromDay: number;
  toDay: number;
  timeZone: string;
  now: number;
  /** The device's enrolment: it cannot have been offline before it existed. */
  since?: number;
  /** Revocation: after it the device is no longer expected to connect. */
  until?: number | null;
  /** When the controller itself was down (its run ledger, with the reconnect grace). */
  controllerDown?: readonly Interval[];
}

/** Sorted union of intervals; touching ones merge (a reconnect in the same millisecond is no gap). */
export function mergeIntervals(list: readonly Interval[]): Interval[] {
  const sorted = list.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ start: i.start, end: i.end });
  }
  return out;
}

/** The parts of merged, sorted `list` that fall inside `w`. */
export function clipIntervals(list: readonly Interval[], w: Interval): Interval[] {
  const out: Interval[] = [];
  for (const i of list) {
    const start = Math.max(i.start, w.start);
    const end = Math.min(i.end, w.end);
    if (end > start) out.push({ start, end });
  }
  return out;
}

/** `w` minus merged, sorted `online`: the gaps. */
export function complement(w: Interval, online: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let cursor = w.start;
  for (const i of clipIntervals(online, w)) {
    if (i.start > cursor) out.push({ start: cursor, end: i.start });
    cursor = Math.max(cursor, i.end);
  }
  if (w.end > cursor) out.push({ start: cursor, end: w.end });
  return out;
}

const total = (list: readonly Interval[]) => list.reduce((s, i) => s + (i.end - i.start), 0);

/** Intersection of two merged, sorted lists. */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  return a.flatMap((i) => clipIntervals(b, i));
}

/** The observed window of a report: its days, cut to enrolment, revocation and now. */
export function observedWindow(w: AvailabilityWindow): Interval {
  const start = Math.max(dayStartUtc(w.timeZone, w.fromDay), w.since ?? -Infinity);
  const end = Math.min(dayStartUtc(w.timeZone, w.toDay + 1), w.now, w.until ?? Infinity);
  return { start, end: Math.max(start, end) };
}

/**
 * Online and offline time of one device per local day, and its offline gaps. Sessions may overlap
 * (a second connection before the first timed out) or still be open (counted until `now`).
 */
export function deviceAvailability(sessions: readonly Session[], w: AvailabilityWindow): DeviceAvailability {
  if (w.toDay < w.fromDay) throw new RangeError('toDay must not be before fromDay');
  const observed = observedWindow(w);
  const online = clipIntervals(
    mergeIntervals(sessions.map((s) => ({ start: s.start, end: s.end ?? w.now }))),
    observed,
  );
  const gaps = complement(observed, online);
  const down = clipIntervals(mergeIntervals(w.controllerDown ?? []), observed);
  const controllerGaps = intersectIntervals(gaps, down);
  const deviceGaps = gaps.flatMap((g) => complement(g, controllerGaps));
  const days: DayAvailability[] = [];
  for (let d = w.fromDay; d <= w.toDay; d++) {
    const day = clipIntervals([{ start: dayStartUtc(w.timeZone, d), end: dayStartUtc(w.timeZone, d + 1) }], observed);
    const observedMs = total(day);
    const onlineMs = day.length ? total(clipIntervals(online, day[0]!)) : 0;
    const controllerDownMs = day.length ? total(clipIntervals(controllerGaps, day[0]!)) : 0;
    days.push({
      date: formatLocalDay(d),
      observedMs,
      onlineMs,
      offlineMs: observedMs - onlineMs - controllerDownMs,
      controllerDownMs,
    });
  }
  const observedMs = observed.end - observed.start;
  const onlineMs = total(online);
  const controllerDownMs = total(controllerGaps);
  return {
    observedFrom: observed.start,
    observedTo: observed.end,
    observedMs,
    onlineMs,
    offlineMs: observedMs - onlineMs - controllerDownMs,
    controllerDownMs,
    days,
    offline: deviceGaps,
    controllerDown: controllerGaps,
  };
}
