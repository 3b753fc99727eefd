export type RecurrenceKind = 'always' | 'weekly' | 'once' | 'cron';

export interface Daypart {
  start: string;
  end: string;
}

/** What the schedule form holds while staff type; every kind keeps its fields when switching back. */
export interface RecurrenceDraft {
  kind: RecurrenceKind;
  days: number[];
  dayparts: Daypart[];
  cron: string;
  /** Minutes each cron occurrence lasts, as typed (comma decimals allowed). */
  cronMinutes: string;
}

export type RecurrenceBody =
  | { kind: 'weekly'; days: number[]; dayparts: Daypart[] }
  | { kind: 'once' }
  | { kind: 'cron'; expression: string; durationMs: number };

/** Reads a number as staff type it in Vietnam (`1,5` or `1.5`); NaN for anything else. */
export function parseDecimal(text: string): number {
  const s = text.trim().replace(',', '.');
  return /^\d+(\.\d+)?$/.test(s) ? Number(s) : Number.NaN;
}

/**
 * The API's `recurrence` for a draft, or undefined for "always". Bad input is passed on as it is
 * (NaN becomes null in JSON) so the API's refusal names the exact field and shows beside it.
 */
export function recurrenceBody(d: RecurrenceDraft): RecurrenceBody | undefined {
  switch (d.kind) {
    case 'always':
      return undefined;
    case 'once':
      return { kind: 'once' };
    case 'weekly':
      return { kind: 'weekly', days: [...d.days].sort((a, b) => a - b), dayparts: d.dayparts };
    case 'cron':
      return { kind: 'cron', expression: d.cron.trim(), durationMs: Math.round(parseDecimal(d.cronMinutes) * 60_000) };
  }
}

/** Dates typed one per line or separated by commas/spaces → unique `YYYY-MM-DD` strings in order. */
export function parseDateList(text: string): string[] {
  const parts = text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return [...new Set(parts)].sort();
}
