import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { IdSchema, LocalDateSchema } from '@bangtin/shared';
import type { Store } from '../store';
import { parse } from './errors';
import { requireUser } from './auth';
import { scopeOf, visibleDeviceIds } from './scope';

const DailyQuerySchema = z.object({
  deviceId: IdSchema.optional(),
  /** A campaign id, or `none` for plays outside any campaign. */
  campaignId: z.union([IdSchema, z.literal('none')]).optional(),
  from: LocalDateSchema.optional(),
  to: LocalDateSchema.optional(),
});

/**
 * The nightly rollups (`proof_daily`): plays and airtime per device, campaign, content and local date.
 * Today's figures appear after the next rollup run; raw proofs remain the source for the last hours.
 */
export function registerRollupRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/v1/proofs/daily', async (req) => {
    const scope = scopeOf(store, requireUser(req));
    const q = parse(DailyQuerySchema, req.query);
    const deviceIds = visibleDeviceIds(store, scope, q.deviceId);
    return store.rollups
      .daily({
        deviceIds,
        campaignId: q.campaignId === 'none' ? '' : (q.campaignId ?? null),
        ...(q.from && { from: q.from }),
        ...(q.to && { to: q.to }),
      })
      .map((r) => ({ ...r, campaignId: r.campaignId === '' ? null : r.campaignId }));
  });
}
