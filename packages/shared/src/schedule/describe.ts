import type { Recurrence } from '../domain';
import { parseLocalTime } from './zone';

const DAY_NAMES = ['', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ nhật'] as const;

function joinVi(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} và ${parts[parts.length - 1]}`;
}

/** ISO days → "Thứ Hai–Thứ Sáu", "Thứ Hai, Thứ Tư và Thứ Sáu", "Hằng ngày". */
export function describeDays(days: readonly number[]): string {
  const sorted = [...new Set(days)].filter((d) => d >= 1 && d <= 7).sort((a, b) => a - b);
  if (sorted.length === 7) return 'Hằng ngày';
  const groups: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    // Three or more consecutive days read better as a range; two stay a list.
    if (j - i >= 2) groups.push(`${DAY_NAMES[sorted[i]!]}–${DAY_NAMES[sorted[j]!]}`);
    else for (let k = i; k <= j; k++) groups.push(DAY_NAMES[sorted[k]!]!);
    i = j + 1;
  }
  return joinVi(groups);
}

/** 90 000 ms → "1 phút 30 giây"; 5 400 000 → "1 giờ 30 phút". */
export function describeDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts = [h ? `${h} giờ` : '', m ? `${m} phút` : '', s ? `${s} giây` : ''].filter(Boolean);
  return parts.length ? parts.join(' ') : '0 giây';
}

/** A recurrence in Vietnamese for the admin UI: "Thứ Hai–Thứ Sáu, 07:00–11:30 và 13:30–17:00". */
export function describeRecurrence(recurrence: Recurrence | undefined): string {
  const r = recurrence ?? { kind: 'always' };
  switch (r.kind) {
    case 'always':
      return 'Luôn phát (trong thời hạn hiệu lực)';
    case 'once':
      return 'Một lần, từ lúc bắt đầu đến lúc kết thúc';
    case 'weekly': {
      const parts = [...r.dayparts]
        .sort((a, b) => (parseLocalTime(a.start) ?? 0) - (parseLocalTime(b.start) ?? 0))
        .map((p) => {
          const overnight = (parseLocalTime(p.end) ?? 0) < (parseLocalTime(p.start) ?? 0);
          return `${p.start}–${p.end}${overnight ? ' (hôm sau)' : ''}`;
        });
      return `${describeDays(r.days)}, ${joinVi(parts)}`;
    }
    case 'cron':
      return `Theo lịch cron “${r.expression}”, mỗi lần ${describeDuration(r.durationMs)}`;
  }
}
