import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { IdSchema, LocalDateSchema, parseLocalDate, TIMEZONE, toIso } from '@bangtin/shared';
import type { Store } from '../store';
import { AIRTIME_GROUP_BY, type AirtimeGroupBy, type AirtimeRow, airtimeReport } from '../reports/airtime';
import { NameBook } from '../reports/names';
import { parse } from './errors';
import { requireUser } from './auth';
import { groupDeviceIds, scopeOf, visibleDeviceIds } from './scope';
import { type SheetColumn, type SheetSpec, sendCsv, sendXlsx } from './sheets';

export const AirtimeQuerySchema = z
  .object({
    from: LocalDateSchema,
    to: LocalDateSchema,
    groupBy: z.enum(AIRTIME_GROUP_BY).default('campaign'),
    /** A campaign id, or `none` for plays outside any campaign. */
    campaignId: z.union([IdSchema, z.literal('none')]).optional(),
    groupId: IdSchema.optional(),
    deviceId: IdSchema.optional(),
    format: z.enum(['json', 'csv', 'xlsx']).default('json'),
  })
  .superRefine((q, ctx) => {
    if (q.deviceId && q.groupId)
      ctx.addIssue({ code: 'custom', path: ['groupId'], message: 'give deviceId or groupId, not both' });
    if (parseLocalDate(q.to)! < parseLocalDate(q.from)!)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });

/** Seconds with one decimal: short plays (a 4-second slogan) still add up right. */
export const airtimeSeconds = (ms: number) => Math.round(ms / 100) / 10;

const KEY_HEADER: Record<AirtimeGroupBy, [string, string]> = {
  campaign: ['Chiến dịch', 'Mã chiến dịch'],
  district: ['Huyện', 'Mã huyện'],
  device: ['Thiết bị', 'Mã thiết bị'],
  content: ['Nội dung', 'Mã nội dung'],
  day: ['Ngày', ''],
};

/** The airtime table as a sheet: names beside ids, plays, seconds and minutes, a totals row. */
export function airtimeSheet(groupBy: AirtimeGroupBy, rows: AirtimeRow[]): SheetSpec<AirtimeRow> {
  const [nameHeader, idHeader] = KEY_HEADER[groupBy];
  const columns: SheetColumn<AirtimeRow>[] =
    groupBy === 'day'
      ? [{ header: nameHeader, width: 14, kind: 'date', value: (r) => r.key }]
      : [
          { header: nameHeader, width: 36, kind: 'text', value: (r) => r.name },
          { header: idHeader, width: 38, kind: 'text', value: (r) => r.key ?? '' },
        ];
  if (groupBy === 'device') columns.push({ header: 'Huyện', width: 24, kind: 'text', value: (r) => r.district!.name });
  columns.push(
    { header: 'Lượt phát', width: 12, kind: 'integer', value: (r) => r.plays, sum: true },
    {
      header: 'Thời lượng phát (giây)',
      width: 22,
      kind: 'decimal',
      value: (r) => airtimeSeconds(r.airtimeMs),
      sum: true,
    },
    {
      header: 'Thời lượng phát (phút)',
      width: 22,
      kind: 'decimal',
      value: (r) => Math.round(r.airtimeMs / 6000) / 10,
      sum: true,
    },
  );
  return { name: 'Phút phát', columns, rows, totals: 'Tổng cộng' };
}

/**
 * `GET /reports/airtime`: plays and airtime seconds per campaign, district, device, content or local day
 * (Asia/Ho_Chi_Minh), up to the minute, as JSON, CSV or xlsx. Editors see their district only.
 */
export function registerAirtimeRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/v1/reports/airtime', async (req, reply) => {
    const scope = scopeOf(store, requireUser(req));
    const q = parse(AirtimeQuerySchema, req.query);
    let deviceIds = visibleDeviceIds(store, scope, q.deviceId);
    if (q.groupId) deviceIds = groupDeviceIds(store, scope, q.groupId);
    const now = Date.now();
    const names = new NameBook(store.db);
    const r = airtimeReport(store.db, names, {
      fromDay: parseLocalDate(q.from)!,
      toDay: parseLocalDate(q.to)!,
      timeZone: TIMEZONE,
      groupBy: q.groupBy,
      campaignId: q.campaignId === 'none' ? '' : (q.campaignId ?? null),
      deviceIds,
    });
    const file = `phut-phat-${q.groupBy}-${q.from}-${q.to}`;
    if (q.format === 'xlsx') return sendXlsx(reply, file, [airtimeSheet(q.groupBy, r.rows)]);
    if (q.format === 'csv') return sendCsv(reply, file, airtimeSheet(q.groupBy, r.rows));
    return {
      from: q.from,
      to: q.to,
      timeZone: TIMEZONE,
      groupBy: q.groupBy,
      generatedAt: toIso(now),
      rows: r.rows.map((row) => ({
        key: row.key,
        name: row.name,
        plays: row.plays,
        airtimeSeconds: airtimeSeconds(row.airtimeMs),
        ...(row.district && { districtId: row.district.id, districtName: row.district.name }),
      })),
      total: { plays: r.total.plays, airtimeSeconds: airtimeSeconds(r.total.airtimeMs) },
    };
  });
}
