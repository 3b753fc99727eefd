import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  dayStartUtc,
  formatLocalDay,
  IdSchema,
  InstantSchema,
  LocalDateSchema,
  localDayOf,
  parseLocalDate,
  TIMEZONE,
  toIso,
} from '@bangtin/shared';
import type { Store } from '../store';
import type { VerifyResult } from '../store/proof-chain';
import { byDevice, byDistrict, deviceCompliance } from '../reports/compliance';
import { HttpError, notFound, parse } from './errors';
import { requireUser } from './auth';
import { groupDeviceIds, scopeOf, visibleDeviceIds } from './scope';
import { complianceSheet } from './compliance-export';
import { sendCsv, sendXlsx } from './sheets';

/** A Vietnam local date (`to` inclusive: the whole day) or an ISO instant. */
const Bound = z.union([LocalDateSchema, InstantSchema]);

function instantOf(v: string, end: boolean): number {
  const day = parseLocalDate(v);
  if (day !== null && /^\d{4}-\d{2}-\d{2}$/.test(v)) return dayStartUtc(TIMEZONE, end ? day + 1 : day);
  return Date.parse(v);
}

const VerifyQuerySchema = z
  .object({
    deviceId: IdSchema.optional(),
    /** A district (or any group): its subtree's devices, as the Reports screen filters them. */
    groupId: IdSchema.optional(),
    from: Bound.optional(),
    to: Bound.optional(),
  })
  .refine((q) => !(q.deviceId && q.groupId), { path: ['groupId'], message: 'give deviceId or groupId, not both' });

/** The Vietnam date of an instant, `YYYY-MM-DD`, for file names. */
const localDay = (ms: number) => formatLocalDay(localDayOf(TIMEZONE, ms));

/** Longest compliance report: a quarter (the planned side resolves each bundle over the range). */
export const COMPLIANCE_MAX_DAYS = 92;

const ComplianceQuerySchema = z.object({
  campaignId: IdSchema,
  from: Bound,
  to: Bound,
  groupBy: z.enum(['district', 'device']).default('district'),
  groupId: IdSchema.optional(),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
});

function range(q: { from?: string | undefined; to?: string | undefined }): { from: number | null; to: number | null } {
  const from = q.from ? instantOf(q.from, false) : null;
  const to = q.to ? instantOf(q.to, true) : null;
  if (from !== null && to !== null && to <= from)
    throw new HttpError(400, 'invalid-input', 'to: must be after from', 'to');
  return { from, to };
}

/** The proof chains of these devices (null: every device), gaps final once a player's outbox is empty. */
export function verifyDevices(
  store: Store,
  deviceIds: readonly string[] | null,
  range: { from: number | null; to: number | null },
): VerifyResult {
  const devices = store.devices.list();
  const outbox = new Map(devices.map((d) => [d.id, d.outboxSize]));
  return store.proofChain.verify(deviceIds ?? devices.map((d) => d.id), range, (id) => outbox.get(id) === 0);
}

/** Tamper-evident proofs and planned vs delivered (issue 11). Any signed-in role; editors see their district. */
export function registerEvidenceRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/v1/proofs/verify', async (req) => {
    const scope = scopeOf(store, requireUser(req));
    const q = parse(VerifyQuerySchema, req.query);
    const r = range(q);
    const res = verifyDevices(
      store,
      q.groupId ? groupDeviceIds(store, scope, q.groupId) : visibleDeviceIds(store, scope, q.deviceId),
      r,
    );
    return {
      ok: res.ok,
      checked: res.checked,
      unchained: res.unchained,
      breaks: res.breaks.map((b) => ({
        seq: b.seq,
        kind: b.kind,
        at: toIso(b.at),
        deviceId: b.deviceId,
        output: b.output,
      })),
    };
  });

  app.get('/api/v1/reports/compliance', async (req, reply) => {
    const scope = scopeOf(store, requireUser(req));
    const q = parse(ComplianceQuerySchema, req.query);
    const r = range(q) as { from: number; to: number };
    if (r.to - r.from > COMPLIANCE_MAX_DAYS * 86_400_000)
      throw new HttpError(400, 'invalid-input', `to: the range must be at most ${COMPLIANCE_MAX_DAYS} days`, 'to');
    const campaign = store.campaigns.get(q.campaignId);
    if (!campaign) throw notFound('campaign', 'campaignId');
    const deviceIds = q.groupId ? groupDeviceIds(store, scope, q.groupId) : visibleDeviceIds(store, scope, undefined);
    const rows = deviceCompliance(store, { campaignId: campaign.id, from: r.from, to: r.to, deviceIds });
    const out = q.groupBy === 'device' ? byDevice(rows) : byDistrict(rows);
    if (q.format !== 'json') {
      const sheet = complianceSheet(q.groupBy, out);
      const file = `ke-hoach-thuc-te-${q.groupBy}-${localDay(r.from)}-${localDay(r.to - 1)}`;
      return q.format === 'xlsx' ? sendXlsx(reply, file, [sheet]) : sendCsv(reply, file, sheet);
    }
    return {
      campaignId: campaign.id,
      campaignName: campaign.name,
      from: toIso(r.from),
      to: toIso(r.to),
      groupBy: q.groupBy,
      generatedAt: toIso(Date.now()),
      thresholds: { green: 95, amber: 80 },
      rows: out,
    };
  });
}
