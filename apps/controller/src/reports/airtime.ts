import type Database from 'better-sqlite3';
import { dayStartUtc, formatLocalDay, localDayOf } from '@bangtin/shared';
import { type NameBook, NO_DISTRICT } from './names';

export const AIRTIME_GROUP_BY = ['campaign', 'district', 'device', 'content', 'day'] as const;
export type AirtimeGroupBy = (typeof AIRTIME_GROUP_BY)[number];

export interface AirtimeQuery {
  /** Local day numbers (see localDayOf), both inclusive. */
  fromDay: number;
  toDay: number;
  timeZone: string;
  groupBy: AirtimeGroupBy;
  /** A campaign id, '' for plays outside any campaign, null for all. */
  campaignId: string | null;
  /** The devices to count, or null for every device. */
  deviceIds: string[] | null;
}

export interface AirtimeRow {
  /** Campaign, district, device or content id, or the local date `YYYY-MM-DD`; null for "none". */
  key: string | null;
  name: string;
  plays: number;
  airtimeMs: number;
  /** For devices: the district they lie in. */
  district?: { id: string | null; name: string };
}

export interface AirtimeResult {
  rows: AirtimeRow[];
  total: { plays: number; airtimeMs: number };
}

interface Part {
  k: string;
  plays: number;
  ms: number;
}

const SQL_KEY: Record<AirtimeGroupBy, string> = {
  campaign: 'campaign_id',
  content: 'content_id',
  day: 'local_date',
  device: 'device_id',
  district: 'device_id',
};

/**
 * Plays and airtime per group over local days. Two sources, read in one snapshot:
 * - `proof_daily`: every proof already rolled up. The rollup runs every minute, so this holds the closed
 *   days and the open day up to the last run; SQLite sums it grouped along its indexes.
 * - the tail: proofs not rolled up yet (at most a minute or two of them), summed here with the same
 *   campaign link and the same local-day rule as the rollup, so no proof is counted twice or missed.
 */
export function airtimeReport(db: Database.Database, names: NameBook, q: AirtimeQuery): AirtimeResult {
  if (q.deviceIds && q.deviceIds.length === 0) return finish(names, q, []);
  const parts = db.transaction((): Part[] => {
    const where = ['local_date >= ?', 'local_date <= ?'];
    const params: (string | number)[] = [formatLocalDay(q.fromDay), formatLocalDay(q.toDay)];
    if (q.campaignId !== null) {
      where.push('campaign_id = ?');
      params.push(q.campaignId);
    }
    if (q.deviceIds) {
      where.push('device_id IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(q.deviceIds));
    }
    const key = SQL_KEY[q.groupBy];
    const rolled = db
      .prepare(
        `SELECT ${key} AS k, SUM(plays) AS plays, SUM(airtime_ms) AS ms FROM proof_daily
         WHERE ${where.join(' AND ')} GROUP BY ${key}`,
      )
      .all(...params) as Part[];
    return [...rolled, ...tail(db, q)];
  })();
  return finish(names, q, parts);
}

/** The unrolled proofs of the range, summed per group key in JS (they are few). */
function tail(db: Database.Database, q: AirtimeQuery): Part[] {
  const rows = db
    .prepare(
      `SELECT p.device_id, p.content_id, p.started_at, p.ended_at,
         COALESCE(s.campaign_id, i.campaign_id, '') AS campaign_id
       FROM proofs p
       LEFT JOIN schedules s ON s.id = p.schedule_id
       LEFT JOIN interrupts i ON i.id = p.schedule_id
       WHERE p.rolled_up = 0 AND p.started_at >= ? AND p.started_at < ?`,
    )
    .all(dayStartUtc(q.timeZone, q.fromDay), dayStartUtc(q.timeZone, q.toDay + 1)) as {
    device_id: string;
    content_id: string;
    started_at: number;
    ended_at: number;
    campaign_id: string;
  }[];
  const devices = q.deviceIds ? new Set(q.deviceIds) : null;
  const sums = new Map<string, Part>();
  for (const r of rows) {
    if (devices && !devices.has(r.device_id)) continue;
    if (q.campaignId !== null && r.campaign_id !== q.campaignId) continue;
    const k =
      q.groupBy === 'campaign'
        ? r.campaign_id
        : q.groupBy === 'content'
          ? r.content_id
          : q.groupBy === 'day'
            ? formatLocalDay(localDayOf(q.timeZone, r.started_at))
            : r.device_id;
    let s = sums.get(k);
    if (!s) sums.set(k, (s = { k, plays: 0, ms: 0 }));
    s.plays++;
    s.ms += Math.max(0, r.ended_at - r.started_at);
  }
  return [...sums.values()];
}

function finish(names: NameBook, q: AirtimeQuery, parts: Part[]): AirtimeResult {
  const groups = new Map<string, AirtimeRow>();
  const add = (k: string, make: () => AirtimeRow, p: Part) => {
    let g = groups.get(k);
    if (!g) groups.set(k, (g = make()));
    g.plays += p.plays;
    g.airtimeMs += p.ms;
  };
  if (q.groupBy === 'day') {
    // Every day of the range gets a row, so a chart shows the quiet days as zero, not as gaps.
    for (let d = q.fromDay; d <= q.toDay; d++) {
      const date = formatLocalDay(d);
      groups.set(date, { key: date, name: date, plays: 0, airtimeMs: 0 });
    }
  }
  for (const p of parts) {
    switch (q.groupBy) {
      case 'district': {
        const d = names.districtOfDevice(p.k);
        add(d?.id ?? '', () => ({ key: d?.id ?? null, name: d?.name ?? NO_DISTRICT, plays: 0, airtimeMs: 0 }), p);
        break;
      }
      case 'device':
        add(
          p.k,
          () => {
            const d = names.districtOfDevice(p.k);
            return {
              key: p.k,
              name: names.deviceName(p.k),
              plays: 0,
              airtimeMs: 0,
              district: { id: d?.id ?? null, name: d?.name ?? NO_DISTRICT },
            };
          },
          p,
        );
        break;
      case 'campaign':
        add(p.k, () => ({ key: p.k === '' ? null : p.k, name: names.campaignName(p.k), plays: 0, airtimeMs: 0 }), p);
        break;
      case 'content':
        add(p.k, () => ({ key: p.k, name: names.contentTitle(p.k), plays: 0, airtimeMs: 0 }), p);
        break;
      case 'day':
        add(p.k, () => ({ key: p.k, name: p.k, plays: 0, airtimeMs: 0 }), p);
        break;
    }
  }
  const rows = [...groups.values()];
  if (q.groupBy === 'day') rows.sort((a, b) => a.key!.localeCompare(b.key!));
  else rows.sort((a, b) => b.airtimeMs - a.airtimeMs || a.name.localeCompare(b.name, 'vi'));
  const total = rows.reduce((t, r) => ({ plays: t.plays + r.plays, airtimeMs: t.airtimeMs + r.airtimeMs }), {
    plays: 0,
    airtimeMs: 0,
  });
  return { rows, total };
}
