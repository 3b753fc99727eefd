/**
 * Dates and times as staff type and read them, whatever the browser's locale: `dd/mm/yyyy` and
 * 24-hour `HH:mm`. Values inside the app stay ISO-like (`YYYY-MM-DD`, `HH:mm`,
 * `YYYY-MM-DDTHH:mm`), the same strings the native inputs used, so the forms keep their state as is.
 */

const pad = (n: number) => String(n).padStart(2, '0');

function validDay(y: number, m: number, d: number): boolean {
  if (y < 1970 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** `YYYY-MM-DD` → `dd/mm/yyyy`; anything else is returned unchanged. */
export function formatDmy(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : day;
}

/** `d/m/yyyy` (also `-` or `.` between, one- or two-digit day and month) → `YYYY-MM-DD`, or null. */
export function parseDmy(text: string): string | null {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text);
  if (!m) return null;
  const [d, mo, y] = [+m[1]!, +m[2]!, +m[3]!];
  return validDay(y, mo, d) ? `${y}-${pad(mo)}-${pad(d)}` : null;
}

/** `H:mm`, `HH:mm` or `HHhmm` (24-hour) → `HH:mm`, or null. */
export function parseHm(text: string): string | null {
  const m = /^\s*(\d{1,2})[:hH.](\d{2})\s*$/.exec(text);
  if (!m) return null;
  const [h, mi] = [+m[1]!, +m[2]!];
  return h <= 23 && mi <= 59 ? `${pad(h)}:${pad(mi)}` : null;
}

/** `YYYY-MM-DDTHH:mm` → `dd/mm/yyyy HH:mm`. */
export function formatDmyHm(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(value);
  return m ? `${formatDmy(m[1]!)} ${m[2]}` : value;
}

/** `dd/mm/yyyy HH:mm` → `YYYY-MM-DDTHH:mm`, or null. */
export function parseDmyHm(text: string): string | null {
  const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(text);
  if (!m) return null;
  const day = parseDmy(m[1]!);
  const time = parseHm(m[2]!);
  return day && time ? `${day}T${time}` : null;
}

export type DateKind = 'date' | 'time' | 'datetime';

export const DATE_PATTERN: Record<DateKind, string> = {
  date: 'dd/mm/yyyy',
  time: 'HH:mm',
  datetime: 'dd/mm/yyyy HH:mm',
};

export const parseAs = (kind: DateKind, text: string) =>
  kind === 'date' ? parseDmy(text) : kind === 'time' ? parseHm(text) : parseDmyHm(text);
export const formatAs = (kind: DateKind, value: string) =>
  kind === 'date' ? formatDmy(value) : kind === 'time' ? value : formatDmyHm(value);
