/**
 * A small iCalendar (RFC 5545) writer for the schedule exports. Hand-written on purpose: the parts we
 * need are few (VEVENT with RRULE/EXDATE, one fixed-offset VTIMEZONE) and the rules that calendar apps
 * actually trip over are the ones below, each tested: CRLF line ends, folding at 75 octets without
 * splitting a UTF-8 sequence (Vietnamese letters are 2–3 octets), and TEXT escaping.
 */

export type IcalTime = { utc: number } | { local: string; tzid: string } | { date: string };

export interface IcalEvent {
  uid: string;
  summary: string;
  description?: string;
  start: IcalTime;
  end: IcalTime;
  /** RRULE value without the name, e.g. `FREQ=WEEKLY;BYDAY=MO,TU;UNTIL=20270101T000000Z`. */
  rrule?: string;
  /** Local date-times (`YYYYMMDDTHHMMSS`) in the start's TZID that the rule skips. */
  exdates?: string[];
  categories?: string[];
  /** RFC 7986 COLOR: a CSS3 colour name (hex values are not allowed there, so they are left out). */
  color?: string;
}

export interface IcalTimeZone {
  tzid: string;
  /** Fixed offset in minutes east of UTC (Asia/Ho_Chi_Minh: 420, no daylight saving since 1975). */
  offsetMinutes: number;
  abbreviation: string;
}

export const HO_CHI_MINH: IcalTimeZone = { tzid: 'Asia/Ho_Chi_Minh', offsetMinutes: 420, abbreviation: '+07' };

/** TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, and newlines as `\n`. */
export function escapeText(s: string): string {
  return s
    .normalize('NFC')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

const encoder = new TextEncoder();

/**
 * Folds one content line so no physical line exceeds 75 octets (§3.1): continuation lines start with
 * one space, which counts toward their 75. Splits only between code points.
 */
export function foldLine(line: string): string {
  if (encoder.encode(line).length <= 75) return line;
  const out: string[] = [];
  let cur = '';
  let curBytes = 0;
  let limit = 75;
  for (const ch of line) {
    const b = encoder.encode(ch).length;
    if (curBytes + b > limit) {
      out.push(cur);
      cur = ' ';
      curBytes = 1;
      limit = 75;
    }
    cur += ch;
    curBytes += b;
  }
  out.push(cur);
  return out.join('\r\n');
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** ms UTC → `YYYYMMDDTHHMMSSZ`. */
export function formatUtc(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`
  );
}

/** `YYYY-MM-DD` + minutes after midnight (may be ≥ 1440: the next day) → `YYYYMMDDTHHMMSS`. */
export function formatLocal(date: string, minutes: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d) + minutes * 60_000);
  return (
    `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}` +
    `T${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}00`
  );
}

function timeProp(name: string, t: IcalTime): string {
  if ('utc' in t) return `${name}:${formatUtc(t.utc)}`;
  if ('date' in t) return `${name};VALUE=DATE:${t.date.replace(/-/g, '')}`;
  return `${name};TZID=${t.tzid}:${t.local}`;
}

function offset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${pad(Math.floor(a / 60))}${pad(a % 60)}`;
}

export function buildCalendar(c: {
  name: string;
  events: IcalEvent[];
  /** DTSTAMP of every event: when this export was made. */
  stamp: number;
  timeZones?: IcalTimeZone[];
}): string {
  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//bangtin//Lich phat bang tin BHXH//VI',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(c.name)}`,
    `NAME:${escapeText(c.name)}`,
  ];
  for (const tz of c.timeZones ?? []) {
    lines.push(
      'BEGIN:VTIMEZONE',
      `TZID:${tz.tzid}`,
      'BEGIN:STANDARD',
      'DTSTART:19700101T000000',
      `TZOFFSETFROM:${offset(tz.offsetMinutes)}`,
      `TZOFFSETTO:${offset(tz.offsetMinutes)}`,
      `TZNAME:${tz.abbreviation}`,
      'END:STANDARD',
      'END:VTIMEZONE',
    );
  }
  for (const e of c.events) {
    lines.push('BEGIN:VEVENT', `UID:${e.uid}`, `DTSTAMP:${formatUtc(c.stamp)}`);
    lines.push(timeProp('DTSTART', e.start), timeProp('DTEND', e.end));
    if (e.rrule) lines.push(`RRULE:${e.rrule}`);
    if (e.exdates && e.exdates.length > 0 && 'tzid' in e.start) {
      lines.push(`EXDATE;TZID=${e.start.tzid}:${e.exdates.join(',')}`);
    }
    lines.push(`SUMMARY:${escapeText(e.summary)}`);
    if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
    if (e.categories && e.categories.length > 0) lines.push(`CATEGORIES:${e.categories.map(escapeText).join(',')}`);
    if (e.color && /^[a-z]+$/i.test(e.color)) lines.push(`COLOR:${e.color}`);
    lines.push('TRANSP:TRANSPARENT', 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
