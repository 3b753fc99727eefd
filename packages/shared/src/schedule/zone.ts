/**
 * Time-zone arithmetic that never looks at the host's zone: every conversion goes through
 * `Intl.DateTimeFormat` with an explicit `timeZone`, so a player whose OS runs in UTC and a
 * controller in Asia/Ho_Chi_Minh compute the same instants.
 *
 * "Local ms" below means a wall-clock reading encoded as if it were UTC (`Date.UTC(y, m, d, h, mi)`),
 * and a "local day" is such a value divided by a day: days since 1970-01-01 on the local calendar.
 *
 * Limitation (documented on purpose): offsets are sampled once per 15 minutes of UTC and cached, so a
 * zone change that does not fall on a quarter hour of UTC is seen up to 15 minutes late. Every
 * transition in the tz database since 1970 falls on one; only pre-1900 local mean times do not.
 */

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;
const BUCKET_MS = 15 * MINUTE_MS;
const MAX_CACHED = 200_000;

interface DayInfo {
  /** UTC instant of the local midnight that starts the day (or the first instant after it, in a gap). */
  start: number;
  /** True when the offset is the same all day, so a wall-clock time is `start + minutes`. */
  uniform: boolean;
}

interface Zone {
  fmt: Intl.DateTimeFormat;
  offsets: Map<number, number>;
  days: Map<number, DayInfo>;
  // Direct-mapped caches in front of the maps: resolving a week for 500 schedules asks for the same
  // few days and quarter hours tens of thousands of times, and a typed-array probe costs a fraction
  // of a Map lookup. A slot holds one key (NaN = empty); a miss falls through to the map.
  offKey: Float64Array;
  offVal: Float64Array;
  dayKey: Float64Array;
  dayInfo: DayInfo[];
}

const OFF_SLOTS = 1024;
const DAY_SLOTS = 256;

const zones = new Map<string, Zone>();
/** The last zone asked for: nearly every call in a resolution names the same one. */
let lastName = '';
let lastZone: Zone | null = null;

function zone(timeZone: string): Zone {
  if (timeZone === lastName && lastZone) return lastZone;
  let z = zones.get(timeZone);
  if (!z) {
    const fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    z = {
      fmt,
      offsets: new Map(),
      days: new Map(),
      offKey: new Float64Array(OFF_SLOTS).fill(NaN),
      offVal: new Float64Array(OFF_SLOTS),
      dayKey: new Float64Array(DAY_SLOTS).fill(NaN),
      dayInfo: new Array<DayInfo>(DAY_SLOTS),
    };
    zones.set(timeZone, z);
  }
  lastName = timeZone;
  lastZone = z;
  return z;
}

/** True when the runtime knows the IANA zone name (Intl throws a RangeError otherwise). */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.length === 0) return false;
  try {
    zone(timeZone);
    return true;
  } catch {
    return false;
  }
}

function computeOffset(fmt: Intl.DateTimeFormat, utc: number): number {
  const p: Record<string, number> = {};
  for (const part of fmt.formatToParts(utc)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return wall - (utc - (((utc % 1000) + 1000) % 1000));
}

/** Offset of the zone from UTC at instant `utc`, in ms (Asia/Ho_Chi_Minh: +7 h). */
export function offsetAt(timeZone: string, utc: number): number {
  const z = zone(timeZone);
  const bucket = Math.floor(utc / BUCKET_MS);
  // `& (OFF_SLOTS - 1)` wraps any bucket (even beyond 32 bits) into the table; the key decides.
  const slot = bucket & (OFF_SLOTS - 1);
  if (z.offKey[slot] === bucket) return z.offVal[slot]!;
  let off = z.offsets.get(bucket);
  if (off === undefined) {
    off = computeOffset(z.fmt, bucket * BUCKET_MS);
    if (z.offsets.size > MAX_CACHED) z.offsets.clear();
    z.offsets.set(bucket, off);
  }
  z.offKey[slot] = bucket;
  z.offVal[slot] = off;
  return off;
}

/** UTC instant → local ms (wall clock encoded as UTC). */
export function utcToLocal(timeZone: string, utc: number): number {
  return utc + offsetAt(timeZone, utc);
}

/**
 * Local ms → UTC instant. A wall-clock time skipped by a spring-forward gap maps to the same time
 * read with the offset in force before the gap (so it lands just after the gap); a time that occurs
 * twice at a fall-back maps to its first occurrence. This is Temporal's `disambiguation: 'compatible'`.
 */
export function localToUtc(timeZone: string, local: number): number {
  const before = offsetAt(timeZone, local - DAY_MS);
  const after = offsetAt(timeZone, local + DAY_MS);
  const u1 = local - before;
  if (before === after && offsetAt(timeZone, u1) === before) return u1;
  const u2 = local - after;
  const ok1 = offsetAt(timeZone, u1) === before;
  const ok2 = offsetAt(timeZone, u2) === after;
  if (ok1 && ok2) return Math.min(u1, u2);
  if (ok1) return u1;
  if (ok2) return u2;
  return u1;
}

/** The local calendar day (days since 1970-01-01) that contains instant `utc`. */
export function localDayOf(timeZone: string, utc: number): number {
  return Math.floor(utcToLocal(timeZone, utc) / DAY_MS);
}

function dayInfo(timeZone: string, day: number): DayInfo {
  const z = zone(timeZone);
  const slot = day & (DAY_SLOTS - 1);
  if (z.dayKey[slot] === day) return z.dayInfo[slot]!;
  let info = z.days.get(day);
  if (!info) {
    const start = localToUtc(timeZone, day * DAY_MS);
    const next = localToUtc(timeZone, (day + 1) * DAY_MS);
    const uniform = next - start === DAY_MS && offsetAt(timeZone, start) === offsetAt(timeZone, next - 1);
    info = { start, uniform };
    if (z.days.size > MAX_CACHED) z.days.clear();
    z.days.set(day, info);
  }
  z.dayKey[slot] = day;
  z.dayInfo[slot] = info;
  return info;
}

/** UTC instant at which local day `day` starts. */
export function dayStartUtc(timeZone: string, day: number): number {
  return dayInfo(timeZone, day).start;
}

/** UTC instant of wall-clock `minutes` after midnight of local day `day` (minutes may exceed 1440). */
export function localTimeToUtc(timeZone: string, day: number, minutes: number): number {
  const info = dayInfo(timeZone, day);
  if (info.uniform && minutes >= 0 && minutes <= 1440) return info.start + minutes * MINUTE_MS;
  return localToUtc(timeZone, day * DAY_MS + minutes * MINUTE_MS);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a local day number; 1970-01-01 was a Thursday. */
export function isoWeekdayOfDay(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** `YYYY-MM-DD` → local day number, or null when it is not a real calendar date. */
export function parseLocalDate(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / DAY_MS;
}

/** Local day number → `YYYY-MM-DD`. */
export function formatLocalDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `HH:MM` (or `24:00`) → minutes after midnight, or null when malformed. */
export function parseLocalTime(time: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(time);
  if (!m) return null;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  if (mi > 59 || h > 24 || (h === 24 && mi !== 0)) return null;
  return h * 60 + mi;
}
