/** Timezone of record: every recurrence is evaluated here unless a device says otherwise. */
export const TIMEZONE = 'Asia/Ho_Chi_Minh';

/** ms UTC → ISO 8601 `…Z`. */
export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** ISO 8601 with offset → ms UTC; throws on garbage so callers validate first. */
export function fromIso(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO 8601 instant: ${iso}`);
  return ms;
}

/** Formats an instant for people in Vietnam: `29/11/2026 15:04:05`. */
export function formatLocal(ms: number, timeZone: string = TIMEZONE): string {
  return new Intl.DateTimeFormat('vi-VN', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(new Date(ms));
}

/** Largest |ms| a JavaScript Date holds (±100,000,000 days from 1970): beyond it toISOString throws. */
export const DATE_MAX_MS = 8.64e15;
/** Earliest instant accepted from a device (no bangtin player ran before 2020). */
export const DEVICE_TIME_MIN_MS = Date.UTC(2020, 0, 1);
/** How far ahead of the controller's clock a device instant may be (clock skew, time zones gone wrong). */
export const DEVICE_TIME_AHEAD_MS = 24 * 3600 * 1000;
/** Longest single play a proof may report. */
export const MAX_PLAY_MS = 24 * 3600 * 1000;

/** True when `ms` is an integer a Date can hold (so toIso cannot throw). */
export function isDateInstant(ms: unknown): ms is number {
  return typeof ms === 'number' && Number.isSafeInteger(ms) && Math.abs(ms) <= DATE_MAX_MS;
}

/** True when `ms` is a plausible instant from a device: 2020-01-01 … now + 1 day, ms UTC. */
export function isDeviceInstant(ms: unknown, now: number = Date.now()): ms is number {
  return (
    typeof ms === 'number' && Number.isSafeInteger(ms) && ms >= DEVICE_TIME_MIN_MS && ms <= now + DEVICE_TIME_AHEAD_MS
  );
}

/** toIso for values read back from storage: null instead of a RangeError for a value outside the Date range. */
export function isoOrNull(ms: number | null | undefined): string | null {
  return isDateInstant(ms) ? toIso(ms) : null;
}
