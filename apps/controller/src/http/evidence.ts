import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  dayStartUtc,
  IdSchema,
  InstantSchema,
  LocalDateSchema,
  parseLocalDate,
  TIMEZONE,
  toIso,
} from '@bangtin/shared';
import type { Store } from '../store';
import { byDevice, byDistrict, deviceCompliance } from '../reports/compliance';
import { HttpError, notFound, parse } from './errors';
import { requireUser } from './auth';
import { inScope, scopeOf, visibleDeviceIds } from './scope';

/** A Vietnam local date (`to` inclusive: the whole day) or an ISO instant. */
const Bound = z.union([LocalDateSchema, InstantSchema]);

function instantOf(v: string, end: boolean): number {
  const day = parseLocalDate(v);
  if (day !== null && /^\d{4}-\d{2}-\d{2}$/.test(v)) return dayStartUtc(TIMEZONE, end ? day + 1 : day);
  return Date.parse(v);
}

const VerifyQuerySchema = z.object({
  deviceId: IdSchema.optional(),
  from: Bound.optional(),
  to: Bound.optional(),
});

/** Longest compliance report: a quarter (the planned side resolves each bundle over the range). */
export const COMPLIANCE_MAX_DAYS = 92;

const ComplianceQuerySchema = z.object({
  campaignId: IdSchema,
  from: Bound,
  to: Bound,
  groupBy: z.enum(['district', 'device']).default('district'),
  groupId: IdSchema.optional(),
});

function range(q: { from?: string | undefined; to?: string | undefined }): { from: number | null; to: number | null } {
  const from = q.from ? instantOf(q.from, false) : null;
  const to = q.to ? instantOf(q.to, true) : null;
  if (from !== null && to !== null && to <= from)
    throw new HttpError(400, 'invalid-input', 'to: must be after from', 'to');
  return { from, to };
}

/** Tamper-evident proofs and planned vs delivered (issue 11). Any signed-in role; editors see their district. */
export function registerEvidenceRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/v1/proofs/verify', async (req) => {
    const scope = scopeOf(store, requireUser(req));
    const q = parse(VerifyQuerySchema, req.query);
    const r = range(q);
    const ids = visibleDeviceIds(store, scope, q.deviceId) ?? store.devices.list().map((d) => d.id);
    const outbox = new Map(store.devices.list().map((d) => [d.id, d.outboxSize]));
    const res = store.proofChain.verify(ids, r, (id) => outbox.get(id) === 0);
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

  app.get('/api/v1/reports/compliance', async (req) => {
    const scope = scopeOf(store, requireUser(req));
    const q = parse(ComplianceQuerySchema, req.query);
    const r = range(q) as { from: number; to: number };
    if (r.to - r.from > COMPLIANCE_MAX_DAYS * 86_400_000)
      throw new HttpError(400, 'invalid-input', `to: the range must be at most ${COMPLIANCE_MAX_DAYS} days`, 'to');
    const campaign = store.campaigns.get(q.campaignId);
    if (!campaign) throw notFound('campaign', 'campaignId');
    let deviceIds = visibleDeviceIds(store, scope, undefined);
    if (q.groupId) {
      const g = store.groups.get(q.groupId);
      if (!g || !inScope(scope, g.id)) throw notFound('group', 'groupId');
      const sub = store.groups.subtree(g.id);
      deviceIds = store.devices
        .list()
        .filter((d) => d.groupId !== null && sub.has(d.groupId) && (!deviceIds || deviceIds.includes(d.id)))
        .map((d) => d.id);
    }
    const rows = deviceCompliance(store, { campaignId: campaign.id, from: r.from, to: r.to, deviceIds });
    const districts = byDistrict(rows);
    return {
      campaignId: campaign.id,
      campaignName: campaign.name,
      from: toIso(r.from),
      to: toIso(r.to),
      groupBy: q.groupBy,
      generatedAt: toIso(Date.now()),
      thresholds: { green: 95, amber: 80 },
      rows: q.groupBy === 'device' ? byDevice(rows) : districts,
    };
  });
}
