import { CronExpressionParser } from 'cron-parser';
import { DAY_MS, isoWeekdayOfDay } from './zone';

/**
 * Cron expressions are parsed and validated by cron-parser, but expanded here: cron-parser's iterator
 * costs ~150 µs an occurrence (luxon), far too slow for a player that resolves on every item. We read
 * the parsed field sets once and test each local day against them, then turn the day's firing times
 * into instants with the zone tables in `zone.ts`.
 */

export interface CompiledCron {
  months: Set<number>;
  /** Day-of-month values; `L` means the last day of the month. */
  daysOfMonth: Set<number>;
  lastDayOfMonth: boolean;
  /** Day-of-week values, 0 = Sunday … 6 = Saturday. */
  daysOfWeek: Set<number>;
  /** `5L`: the last Friday of the month. */
  lastWeekdays: Set<number>;
  /** `1#2`: the second Monday (0 = no nth restriction). */
  nth: number;
  domRestricted: boolean;
  dowRestricted: boolean;
  /** Firing times of a matching day, in seconds after local midnight, ascending. */
  secondsOfDay: number[];
}

/** At most one firing a minute: each firing opens a window, and a denser rule is a mistake. */
export const MAX_FIRINGS_PER_DAY = 1440;

export class CronError extends Error {
  readonly code = 'invalid-cron';
}

const cache = new Map<string, CompiledCron>();

/** Parses a 5-field (or 6-field with seconds) cron expression; throws CronError with a reason. */
export function compileCron(expression: string): CompiledCron {
  const hit = cache.get(expression);
  if (hit) return hit;
  const expr = expression.trim();
  if (!expr.startsWith('@')) {
    const fields = expr.split(/\s+/).length;
    if (fields !== 5 && fields !== 6) {
      throw new CronError(`expected 5 fields (minute hour day month weekday), got ${fields}`);
    }
  }
  // `H` picks a random value per parse: two players would disagree on the times.
  if (/H/i.test(expr.replace(/^@\w+/, ''))) throw new CronError('the random value H is not allowed');
  if (/^@(secondly|minutely)$/i.test(expr)) throw new CronError('fires more than once a minute');
  let parsed;
  try {
    parsed = CronExpressionParser.parse(expr, { tz: 'UTC' });
  } catch (err) {
    throw new CronError(err instanceof Error ? err.message : String(err));
  }
  const f = parsed.fields;
  const secondsOfDay: number[] = [];
  const count = f.hour.values.length * f.minute.values.length * f.second.values.length;
  if (count > MAX_FIRINGS_PER_DAY) throw new CronError('fires more than once a minute');
  for (const h of f.hour.values) {
    for (const m of f.minute.values) {
      for (const s of f.second.values) secondsOfDay.push(Number(h) * 3600 + Number(m) * 60 + Number(s));
    }
  }
  secondsOfDay.sort((a, b) => a - b);
  const daysOfMonth = new Set<number>();
  let lastDayOfMonth = false;
  for (const v of f.dayOfMonth.values) {
    if (v === 'L') lastDayOfMonth = true;
    else daysOfMonth.add(Number(v));
  }
  const daysOfWeek = new Set<number>();
  const lastWeekdays = new Set<number>();
  for (const v of f.dayOfWeek.values) {
    if (typeof v === 'string' && v.endsWith('L')) lastWeekdays.add(Number(v.slice(0, -1)) % 7);
    else daysOfWeek.add(Number(v) % 7);
  }
  const compiled: CompiledCron = {
    months: new Set(f.month.values.map(Number)),
    daysOfMonth,
    lastDayOfMonth,
    daysOfWeek,
    lastWeekdays,
    nth: f.dayOfWeek.nthDay,
    domRestricted: !f.dayOfMonth.isWildcard,
    dowRestricted: !f.dayOfWeek.isWildcard,
    secondsOfDay,
  };
  if (cache.size > 1000) cache.clear();
  cache.set(expression, compiled);
  return compiled;
}

/** Null when the expression is usable, else the reason (for validation messages). */
export function cronExpressionError(expression: string): string | null {
  try {
    compileCron(expression);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Whether the rule fires on local day `day`. Day-of-month and day-of-week combine as in Vixie cron:
 * when both are restricted a day matching either fires; otherwise the restricted one decides.
 */
export function cronMatchesDay(c: CompiledCron, day: number): boolean {
  const d = new Date(day * DAY_MS);
  if (!c.months.has(d.getUTCMonth() + 1)) return false;
  const dom = d.getUTCDate();
  const lastDom = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  const dow = isoWeekdayOfDay(day) % 7;
  const domOk = c.daysOfMonth.has(dom) || (c.lastDayOfMonth && dom === lastDom);
  const dowOk =
    (c.daysOfWeek.has(dow) && (c.nth === 0 || Math.ceil(dom / 7) === c.nth)) ||
    (c.lastWeekdays.has(dow) && dom + 7 > lastDom);
  if (c.domRestricted && c.dowRestricted) return domOk || dowOk;
  if (c.domRestricted) return domOk;
  if (c.dowRestricted) return dowOk;
  return true;
}
