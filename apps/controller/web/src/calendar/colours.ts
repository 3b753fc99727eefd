/**
 * A colour per schedule, the same on every screen and every reload: a hue from a hash of its id, dark
 * enough that white text on it keeps a contrast of at least 4.5:1 (WCAG AA).
 */
export function scheduleColour(id: string): string {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  const hue = (h >>> 0) % 360;
  return `hsl(${hue} 70% 30%)`;
}

/** Short weekday names as Vietnamese calendars print them: T2 … T7, CN (ISO weekday 1 = Monday). */
export function weekdayShort(locale: 'vi' | 'en', isoWeekday: number): string {
  if (locale === 'vi') return isoWeekday === 7 ? 'CN' : `T${isoWeekday + 1}`;
  return ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][isoWeekday - 1] ?? '';
}
