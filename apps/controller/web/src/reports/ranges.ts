import { addDays } from '../i18n/format';

/** The range presets of the airtime report, in the order the select shows them. */
export const RANGE_PRESETS = ['today', 'yesterday', 'last7', 'lastWeek', 'thisMonth', 'custom'] as const;
/** `thisWeek` is not offered (leaders asked for "7 ngày qua"), but still understood. */
export type RangePreset = (typeof RANGE_PRESETS)[number] | 'thisWeek';

/** ISO weekday of `YYYY-MM-DD`: 1 = Monday … 7 = Sunday (weeks start on Monday in Vietnam). */
function weekday(day: string): number {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/**
 * The local dates a preset covers, both inclusive, on Vietnam day `today`. "This week" and "this month"
 * run up to today (what has aired so far); "custom" keeps the dates given.
 */
export function presetRange(
  preset: RangePreset,
  today: string,
  custom: { from: string; to: string } = { from: today, to: today },
): { from: string; to: string } {
  switch (preset) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday': {
      const y = addDays(today, -1);
      return { from: y, to: y };
    }
    case 'last7':
      return { from: addDays(today, -6), to: today };
    case 'thisWeek':
      return { from: addDays(today, 1 - weekday(today)), to: today };
    case 'lastWeek': {
      const monday = addDays(today, 1 - weekday(today) - 7);
      return { from: monday, to: addDays(monday, 6) };
    }
    case 'thisMonth':
      return { from: `${today.slice(0, 8)}01`, to: today };
    case 'custom':
      return custom;
  }
}
