import type { DeviceGroup } from '@bangtin/shared';

/** One row of `GET /proofs/daily`. */
export interface DailyRow {
  deviceId: string;
  campaignId: string | null;
  contentId: string;
  localDate: string;
  plays: number;
  airtimeMs: number;
}

export interface Pivot {
  /** Local dates present, in order. */
  days: string[];
  /** Row keys (campaign or district ids; '' for none), biggest airtime first. */
  keys: string[];
  ms: Map<string, Map<string, number>>;
  plays: Map<string, Map<string, number>>;
  totalMsByKey: Map<string, number>;
  totalMsByDay: Map<string, number>;
}

/**
 * The district a group belongs to: itself when it is one, else the nearest district above it;
 * a province (or an orphan office) stands for itself.
 */
export function districtOf(groupId: string | null, groups: readonly DeviceGroup[]): string {
  if (!groupId) return '';
  const byId = new Map(groups.map((g) => [g.id, g]));
  let g = byId.get(groupId);
  const seen = new Set<string>();
  while (g && !seen.has(g.id)) {
    if (g.kind === 'district') return g.id;
    seen.add(g.id);
    g = g.parentId ? byId.get(g.parentId) : undefined;
  }
  return groupId;
}

/** Airtime and plays per key and day; `keyOf` decides the rows (campaign, district…). */
export function pivot(rows: readonly DailyRow[], keyOf: (r: DailyRow) => string): Pivot {
  const ms = new Map<string, Map<string, number>>();
  const plays = new Map<string, Map<string, number>>();
  const totalMsByKey = new Map<string, number>();
  const totalMsByDay = new Map<string, number>();
  const add = (m: Map<string, Map<string, number>>, k: string, d: string, v: number) => {
    const inner = m.get(k) ?? new Map<string, number>();
    inner.set(d, (inner.get(d) ?? 0) + v);
    m.set(k, inner);
  };
  for (const r of rows) {
    const k = keyOf(r);
    add(ms, k, r.localDate, r.airtimeMs);
    add(plays, k, r.localDate, r.plays);
    totalMsByKey.set(k, (totalMsByKey.get(k) ?? 0) + r.airtimeMs);
    totalMsByDay.set(r.localDate, (totalMsByDay.get(r.localDate) ?? 0) + r.airtimeMs);
  }
  const days = [...totalMsByDay.keys()].sort();
  const keys = [...totalMsByKey.keys()].sort(
    (a, b) => totalMsByKey.get(b)! - totalMsByKey.get(a)! || a.localeCompare(b),
  );
  return { days, keys, ms, plays, totalMsByKey, totalMsByDay };
}

const cell = (v: string | number) => {
  const s = String(v);
  // Quote when needed, and defuse spreadsheet formulas (a name starting with = + - @).
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The pivot as CSV for Excel: UTF-8 with BOM, one line per key and day, minutes with a dot. */
export function pivotCsv(p: Pivot, label: (key: string) => string, header: [string, string, string, string]): string {
  const lines = [header.map(cell).join(',')];
  for (const k of p.keys) {
    for (const d of p.days) {
      const ms = p.ms.get(k)?.get(d);
      if (ms === undefined) continue;
      lines.push([label(k), d, p.plays.get(k)?.get(d) ?? 0, (ms / 60_000).toFixed(2)].map(cell).join(','));
    }
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Kiosk survey answers counted per rating (1–5) and per choice. */
export function surveyCounts(answers: readonly { surveyId: string; rating: number; choice: string | null }[]): {
  surveyId: string;
  total: number;
  ratings: number[];
  average: number;
  choices: [string, number][];
}[] {
  const by = new Map<string, { ratings: number[]; choices: Map<string, number>; sum: number; total: number }>();
  for (const a of answers) {
    const s = by.get(a.surveyId) ?? { ratings: [0, 0, 0, 0, 0], choices: new Map(), sum: 0, total: 0 };
    if (a.rating >= 1 && a.rating <= 5) {
      s.ratings[a.rating - 1]!++;
      s.sum += a.rating;
      s.total++;
    }
    if (a.choice !== null) s.choices.set(a.choice, (s.choices.get(a.choice) ?? 0) + 1);
    by.set(a.surveyId, s);
  }
  return [...by.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([surveyId, s]) => ({
      surveyId,
      total: s.total,
      ratings: s.ratings,
      average: s.total ? s.sum / s.total : 0,
      choices: [...s.choices.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    }));
}
