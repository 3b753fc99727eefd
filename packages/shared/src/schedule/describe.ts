import type { Recurrence } from '../domain';
import { parseLocalTime } from './zone';

/** The admin UI's two languages: Vietnamese first, English second. */
export type DescribeLocale = 'vi' | 'en';

/** Every word the descriptions use, per language (Vietnamese is the text of record). */
const WORDS = {
  vi: {
    days: ['', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ nhật'],
    and: 'và',
    daily: 'Hằng ngày',
    units: ['giờ', 'phút', 'giây'],
    always: 'Luôn phát (trong thời hạn hiệu lực)',
    once: 'Một lần, từ lúc bắt đầu đến lúc kết thúc',
    nextDay: 'hôm sau',
    cron: (expression: string, each: string) => `Theo lịch cron “${expression}”, mỗi lần ${each}`,
  },
  en: {
    days: ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
    and: 'and',
    daily: 'Every day',
    units: ['h', 'min', 's'],
    always: 'Always (within the validity period)',
    once: 'Once, from start to end',
    nextDay: 'next day',
    cron: (expression: string, each: string) => `By the cron rule “${expression}”, ${each} each time`,
  },
} as const;

function joinList(parts: string[], locale: DescribeLocale): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} ${WORDS[locale].and} ${parts[parts.length - 1]}`;
}

/** ISO days → "Thứ Hai–Thứ Sáu", "Thứ Hai, Thứ Tư và Thứ Sáu", "Hằng ngày" (English: "Monday–Friday"…). */
export function describeDays(days: readonly number[], locale: DescribeLocale = 'vi'): string {
  const names = WORDS[locale].days;
  const sorted = [...new Set(days)].filter((d) => d >= 1 && d <= 7).sort((a, b) => a - b);
  if (sorted.length === 7) return WORDS[locale].daily;
  const groups: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    // Three or more consecutive days read better as a range; two stay a list.
    if (j - i >= 2) groups.push(`${names[sorted[i]!]}–${names[sorted[j]!]}`);
    else for (let k = i; k <= j; k++) groups.push(names[sorted[k]!]!);
    i = j + 1;
  }
  return joinList(groups, locale);
}

/** 90 000 ms → "1 phút 30 giây"; 5 400 000 → "1 giờ 30 phút" (English: "1 h 30 min"). */
export function describeDuration(ms: number, locale: DescribeLocale = 'vi'): string {
  const [hours, minutes, seconds] = WORDS[locale].units;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts = [h ? `${h} ${hours}` : '', m ? `${m} ${minutes}` : '', s ? `${s} ${seconds}` : ''].filter(Boolean);
  return parts.length ? parts.join(' ') : `0 ${seconds}`;
}

/**
 * A recurrence for the admin UI: "Thứ Hai–Thứ Sáu, 07:00–11:30 và 13:30–17:00", or in English
 * "Monday–Friday, 07:00–11:30 and 13:30–17:00" (times stay 24-hour in both).
 */
export function describeRecurrence(recurrence: Recurrence | undefined, locale: DescribeLocale = 'vi'): string {
  const r = recurrence ?? { kind: 'always' };
  const w = WORDS[locale];
  switch (r.kind) {
    case 'always':
      return w.always;
    case 'once':
      return w.once;
    case 'weekly': {
      const parts = [...r.dayparts]
        .sort((a, b) => (parseLocalTime(a.start) ?? 0) - (parseLocalTime(b.start) ?? 0))
        .map((p) => {
          const overnight = (parseLocalTime(p.end) ?? 0) < (parseLocalTime(p.start) ?? 0);
          return `${p.start}–${p.end}${overnight ? ` (${w.nextDay})` : ''}`;
        });
      return `${describeDays(r.days, locale)}, ${joinList(parts, locale)}`;
    }
    case 'cron':
      return w.cron(r.expression, describeDuration(r.durationMs, locale));
  }
}
