import { addDays, localDayOf, localDayStart } from '../i18n/format';

export interface ProofSpan {
  deviceId: string;
  startedAt: string;
  endedAt: string;
}

export interface Airtime {
  /** Every Vietnam calendar day from the first to the last, including days without plays. */
  days: string[];
  deviceIds: string[];
  /** ms of airtime: `ms[day][deviceId]`. */
  ms: Record<string, Record<string, number>>;
  /** Plays counted on the day they started. */
  plays: Record<string, Record<string, number>>;
  totalMs: number;
  totalPlays: number;
}

/**
 * Airtime per Vietnam calendar day and device, from proofs. A play that runs past local midnight
 * counts on both days for the part shown on each, so day totals add up to the real airtime.
 * `range` (local days, inclusive) fixes the axis so quiet days show as zero, not as missing.
 */
export function airtimeByDay(proofs: readonly ProofSpan[], range?: { from: string; to: string }): Airtime {
  const ms: Airtime['ms'] = {};
  const plays: Airtime['plays'] = {};
  const devices = new Set<string>();
  let totalMs = 0;
  let first: string | null = range?.from ?? null;
  let last: string | null = range?.to ?? null;
  for (const p of proofs) {
    const start = Date.parse(p.startedAt);
    const end = Date.parse(p.endedAt);
    if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) continue;
    devices.add(p.deviceId);
    const startDay = localDayOf(start);
    const playRow = (plays[startDay] ??= {});
    playRow[p.deviceId] = (playRow[p.deviceId] ?? 0) + 1;
    let cursor = start;
    let day = startDay;
    do {
      const dayEnd = localDayStart(addDays(day, 1));
      const part = Math.min(end, dayEnd) - cursor;
      const row = (ms[day] ??= {});
      row[p.deviceId] = (row[p.deviceId] ?? 0) + part;
      totalMs += part;
      if (!range) {
        if (first === null || day < first) first = day;
        if (last === null || day > last) last = day;
      }
      cursor = dayEnd;
      day = addDays(day, 1);
    } while (cursor < end);
  }
  const days: string[] = [];
  if (first !== null && last !== null)
    for (let d = first; d <= last && days.length < 1000; d = addDays(d, 1)) days.push(d);
  const inRange = new Set(days);
  for (const d of Object.keys(ms)) if (!inRange.has(d)) delete ms[d];
  for (const d of Object.keys(plays)) if (!inRange.has(d)) delete plays[d];
  let totalPlays = 0;
  for (const row of Object.values(plays)) for (const n of Object.values(row)) totalPlays += n;
  totalMs = 0;
  for (const row of Object.values(ms)) for (const n of Object.values(row)) totalMs += n;
  return { days, deviceIds: [...devices].sort(), ms, plays, totalMs, totalPlays };
}

/** Sum over devices of one day, in minutes. */
export function dayMinutes(a: Airtime, day: string): number {
  return Object.values(a.ms[day] ?? {}).reduce((s, v) => s + v, 0) / 60_000;
}
