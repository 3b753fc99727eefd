import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  dayStartUtc,
  formatLocalDay,
  IdSchema,
  LocalDateSchema,
  localDayOf,
  parseLocalDate,
  TIMEZONE,
} from '@bangtin/shared';
import type { Store } from '../store';
import { airtimeReport } from '../reports/airtime';
import { byDevice, byDistrict, type ComplianceDevice, deviceCompliance } from '../reports/compliance';
import { NameBook, NO_DISTRICT } from '../reports/names';
import { type PrintDistrict, renderCampaignReport } from '../reports/print';
import { airtimeSeconds } from './airtime';
import { COMPLIANCE_MAX_DAYS, verifyDevices } from './evidence';
import { HttpError, notFound, parse } from './errors';
import { requireUser } from './auth';
import { scopeOf, visibleDeviceIds } from './scope';

const PrintParams = z.object({ id: IdSchema });

/** Local dates, both inclusive; left out, the campaign's own days up to today. */
const PrintQuerySchema = z.object({ from: LocalDateSchema.optional(), to: LocalDateSchema.optional() });

/**
 * `GET /api/v1/reports/campaigns/:id/print?from=&to=`: the printable A4 campaign report as HTML, rendered
 * here (no browser on the controller). Any signed-in role; an editor's report covers their district only.
 * It lives under `/api/v1` like every authenticated route: outside it the admin UI's shell answers.
 */
export function registerPrintReportRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/v1/reports/campaigns/:id/print', async (req, reply) => {
    const user = requireUser(req);
    const scope = scopeOf(store, user);
    const { id } = parse(PrintParams, req.params);
    const q = parse(PrintQuerySchema, req.query);
    const campaign = store.campaigns.get(id);
    if (!campaign) throw notFound('campaign', 'id');
    const now = Date.now();
    const today = localDayOf(TIMEZONE, now);
    const toDay = q.to
      ? parseLocalDate(q.to)!
      : Math.max(Math.min(parseLocalDate(campaign.endsOn)!, today), parseLocalDate(campaign.startsOn)!);
    const fromDay = q.from
      ? parseLocalDate(q.from)!
      : Math.max(parseLocalDate(campaign.startsOn)!, toDay - (COMPLIANCE_MAX_DAYS - 1));
    if (toDay < fromDay) throw new HttpError(400, 'invalid-input', 'to: must not be before from', 'to');
    if (toDay - fromDay + 1 > COMPLIANCE_MAX_DAYS)
      throw new HttpError(400, 'invalid-input', `to: the range must be at most ${COMPLIANCE_MAX_DAYS} days`, 'to');

    const deviceIds = visibleDeviceIds(store, scope, undefined);
    const names = new NameBook(store.db);
    const airtime = (groupBy: 'device' | 'day') =>
      airtimeReport(store.db, names, {
        fromDay,
        toDay,
        timeZone: TIMEZONE,
        groupBy,
        campaignId: campaign.id,
        deviceIds,
      });
    const perDevice = airtime('device');
    const perDay = airtime('day');
    const from = dayStartUtc(TIMEZONE, fromDay);
    const to = dayStartUtc(TIMEZONE, toDay + 1);
    // deviceCompliance already names each device's district (an office below it counts for it).
    const compliance = deviceCompliance(store, { campaignId: campaign.id, from, to, deviceIds, now }).map(
      (r): ComplianceDevice => ({ ...r, groupName: r.groupName ?? NO_DISTRICT }),
    );
    const complianceOf = new Map(byDevice(compliance).map((r) => [r.deviceId, r]));
    const districtCompliance = new Map(byDistrict(compliance).map((r) => [r.groupId, r]));

    // Summed in ms per district and rounded once, like the airtime API's groupBy=district answer.
    const districts = new Map<string | null, PrintDistrict & { airtimeMs: number }>();
    const airtimeOf = new Map(perDevice.rows.map((r) => [r.key, r]));
    for (const deviceId of new Set([...perDevice.rows.map((r) => r.key!), ...compliance.map((r) => r.deviceId)])) {
      const a = airtimeOf.get(deviceId);
      const district = names.districtOfDevice(deviceId);
      const key = district?.id ?? null;
      let d = districts.get(key);
      if (!d) {
        const c = districtCompliance.get(key) ?? null;
        d = {
          name: district?.name ?? NO_DISTRICT,
          plays: 0,
          airtimeMs: 0,
          airtimeSeconds: 0,
          compliance: c,
          devices: [],
        };
        districts.set(key, d);
      }
      d.plays += a?.plays ?? 0;
      d.airtimeMs += a?.airtimeMs ?? 0;
      d.devices.push({
        name: names.deviceName(deviceId),
        plays: a?.plays ?? 0,
        airtimeSeconds: airtimeSeconds(a?.airtimeMs ?? 0),
        compliance: complianceOf.get(deviceId) ?? null,
      });
    }
    const rows: PrintDistrict[] = [...districts.values()]
      .map(({ airtimeMs, ...d }) => ({
        ...d,
        airtimeSeconds: airtimeSeconds(airtimeMs),
        devices: d.devices.sort((a, b) => a.name.localeCompare(b.name, 'vi')),
      }))
      .sort((a, b) => a.name.localeCompare(b.name, 'vi'));

    const v = verifyDevices(store, deviceIds, { from, to });
    const total = byDistrict(compliance.map((r) => ({ ...r, groupId: null, groupName: null })))[0] ?? null;
    const html = renderCampaignReport({
      campaign: { name: campaign.name, startsOn: campaign.startsOn, endsOn: campaign.endsOn },
      from: formatLocalDay(fromDay),
      to: formatLocalDay(toDay),
      generatedAt: now,
      scope: scope.all
        ? null
        : user.groupId
          ? (names.districtOfGroup(user.groupId)?.name ?? names.groupName(user.groupId))
          : 'không có huyện nào',
      total: { plays: perDevice.total.plays, airtimeSeconds: airtimeSeconds(perDevice.total.airtimeMs) },
      compliance: total,
      days: perDay.rows.map((r) => ({ date: r.key!, airtimeSeconds: airtimeSeconds(r.airtimeMs) })),
      districts: rows,
      verification: {
        ok: v.ok,
        checked: v.checked,
        unchained: v.unchained,
        breaks: v.breaks.map((b) => ({ seq: b.seq, kind: b.kind, at: b.at, deviceName: names.deviceName(b.deviceId) })),
      },
    });
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  });
}
