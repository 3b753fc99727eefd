import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  IdSchema,
  MAX_TIMELINE_MS,
  resolveTimeline,
  resolveTimelineBySchedule,
  TIMEZONE,
  TimelineQuerySchema,
  toIso,
  UpdateDeviceBodySchema,
} from '@bangtin/shared';
import type { Store } from '../store';
import type { DeviceRecord } from '../store/devices';
import type { Hub } from '../hub/hub';
import { forbidden, HttpError, notFound, parse } from './errors';
import { requireRole, requireUser } from './auth';
import { inScope, scopeOf } from './scope';

const IdParams = z.object({ id: IdSchema });
const DAY_MS = 86_400_000;

/** Out of scope looks the same as missing: an editor learns nothing about other districts. */
export function visibleDevice(store: Store, req: FastifyRequest, id: string): DeviceRecord {
  const scope = scopeOf(store, requireUser(req));
  const d = store.devices.get(id);
  if (!d || !inScope(scope, d.groupId)) throw notFound('device');
  return d;
}

export function registerTimelineRoutes(app: FastifyInstance, store: Store, hub: () => Hub): void {
  /**
   * The device's resolved timeline: its own compiled bundle through the shared engine, i.e. exactly
   * the computation the player runs. Default window: the next 24 hours.
   */
  app.get('/api/v1/devices/:id/timeline', async (req) => {
    const d = visibleDevice(store, req, parse(IdParams, req.params).id);
    const q = parse(TimelineQuerySchema, req.query);
    const now = Date.now();
    const from = q.from ? Date.parse(q.from) : q.to ? Date.parse(q.to) - DAY_MS : now;
    const to = q.to ? Date.parse(q.to) : from + DAY_MS;
    if (to - from > MAX_TIMELINE_MS) {
      throw new HttpError(400, 'invalid-input', 'to: the window must be at most 31 days', 'to');
    }
    if (to <= from) throw new HttpError(400, 'invalid-input', 'to: must be after from', 'to');
    const bundle = hub().bundleFor(d.id);
    const resolve = q.granularity === 'schedule' ? resolveTimelineBySchedule : resolveTimeline;
    const segments = bundle ? resolve(bundle, from, to) : [];
    return {
      deviceId: d.id,
      bundleVersion: bundle?.version ?? null,
      bundleHash: bundle?.hash ?? null,
      from: toIso(from),
      to: toIso(to),
      granularity: q.granularity ?? 'slot',
      /** The zone the device's schedules without a zone of their own are read in. */
      timeZone: bundle?.timeZone ?? TIMEZONE,
      segments: segments.map((s) => ({ ...s, start: toIso(s.start), end: toIso(s.end) })),
    };
  });

  /**
   * Rename, move to another group, re-tag or re-zone. Editors keep their devices inside their
   * district. Only a change that can alter bundles triggers a refresh, which pushes a new bundle to
   * the devices whose bundle actually changed (for a zone: this device only).
   */
  app.patch('/api/v1/devices/:id', async (req) => {
    const user = requireRole(req, 'admin', 'editor');
    const d = visibleDevice(store, req, parse(IdParams, req.params).id);
    const body = parse(UpdateDeviceBodySchema, req.body);
    if (body.groupId && !store.groups.get(body.groupId)) throw notFound('group', 'groupId');
    if (body.groupId !== undefined && !inScope(scopeOf(store, user), body.groupId)) {
      throw forbidden('groupId: you can only move devices within your own district', 'groupId');
    }
    const u = store.devices.update(d.id, body)!;
    if (body.groupId !== undefined || body.tags !== undefined || body.timeZone !== undefined) hub().requestRefresh();
    return { id: u.id, name: u.name, kind: u.kind, groupId: u.groupId, tags: u.tags, timeZone: u.timeZone ?? TIMEZONE };
  });
}
