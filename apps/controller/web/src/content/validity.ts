/**
 * A content validity edge between the API (UTC ms, null = open) and a `datetime-local` input, read in
 * the browser's zone (Vietnam for staff).
 */
export function toLocalInput(ms: number | null): string {
  if (ms === null) return '';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The UTC ms of a `datetime-local` value; null for an empty input. */
export function fromLocalInput(value: string): number | null {
  if (!value.trim()) return null;
  const ms = new Date(value).getTime();
  // An unreadable value goes on as NaN (null in JSON would clear the window): the API names the field.
  return Number.isNaN(ms) ? Number.NaN : ms;
}
