import { MESSAGES, type Locale, type MessageKey } from './messages';

/** The timezone of record: every date the UI shows is wall-clock time in Vietnam. */
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
/** Vietnam has kept UTC+7 without daylight saving since 1975, so a fixed offset converts exactly. */
const OFFSET_MS = 7 * 3600_000;

const intlLocale = (l: Locale) => (l === 'vi' ? 'vi-VN' : 'en-GB');
// Explicit parts, not dateStyle 'short': vi-VN short is `5/1/26`, which staff misread; we want 05/01/2026.
const DATE = { day: '2-digit', month: '2-digit', year: 'numeric' } as const;
const TIME = { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' } as const;

export function translate(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  const template = MESSAGES[locale][key] ?? MESSAGES.vi[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) =>
    params[name] === undefined ? m : formatParam(locale, params[name]),
  );
}

function formatParam(locale: Locale, v: string | number): string {
  return typeof v === 'number' ? formatNumber(locale, v) : v;
}

export function formatNumber(locale: Locale, n: number, maxFractionDigits = 1): string {
  return new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: maxFractionDigits }).format(n);
}

export function formatDateTime(locale: Locale, instant: string | number | null): string {
  if (instant === null) return '';
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(intlLocale(locale), { timeZone: TIME_ZONE, ...DATE, ...TIME }).format(d);
}

export function formatTime(locale: Locale, instant: string | number): string {
  return new Intl.DateTimeFormat(intlLocale(locale), { timeZone: TIME_ZONE, ...TIME }).format(new Date(instant));
}

/** A local date `YYYY-MM-DD` as staff read it (e.g. `05/01/2026`). */
export function formatLocalDate(locale: Locale, localDate: string): string {
  const ms = Date.parse(`${localDate}T12:00:00Z`);
  return new Intl.DateTimeFormat(intlLocale(locale), { timeZone: 'UTC', ...DATE }).format(new Date(ms));
}

/** `<input type="datetime-local">` value (Vietnam wall-clock) → ISO instant in UTC; '' → null. */
export function localInputToIso(value: string): string | null {
  if (!value) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const utc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0) - OFFSET_MS;
  return new Date(utc).toISOString();
}

/** ISO instant → `<input type="datetime-local">` value in Vietnam wall-clock time. */
export function isoToLocalInput(iso: string | null): string {
  if (!iso) return '';
  return new Date(Date.parse(iso) + OFFSET_MS).toISOString().slice(0, 16);
}

/** The Vietnam calendar day (`YYYY-MM-DD`) an instant falls on. */
export function localDayOf(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant local midnight starts `YYYY-MM-DD` in Vietnam. */
export function localDayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) - OFFSET_MS;
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
