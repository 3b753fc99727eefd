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
