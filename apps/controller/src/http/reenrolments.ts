import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { IdSchema, toIso } from '@bangtin/shared';
import type { Store } from '../store';
import type { Hub } from '../hub/hub';
import { type Reenrolment, ReenrolmentStore } from '../store/reenrolments';
import { HttpError, notFound, parse } from './errors';
import { requireRole } from './auth';

const IdParams = z.object({ id: IdSchema });

/** The group to put the device in (null: none) and its kind when the restored database has no row for it. */
const ApproveBodySchema = z
  .object({
    groupId: IdSchema.nullable().optional(),
    kind: z.enum(['led', 'kiosk', 'screen']).optional(),
  })
  .strict();

const view = (store: Store, r: Reenrolment) => {
  const device = store.devices.get(r.deviceId);
  return {
    id: r.id,
    deviceId: r.deviceId,
    name: r.name,
    groupId: r.groupId,
    fingerprint: r.fingerprint,
    status: r.status,
    address: r.address,
    playerVersion: r.playerVersion,
    attempts: r.attempts,
    createdAt: toIso(r.createdAt),
    lastSeenAt: toIso(r.lastSeenAt),
    decidedAt: r.decidedAt === null ? null : toIso(r.decidedAt),
    /** The device row the restored database has for this id (its token differs), or null. */
    known: device ? { name: device.name, kind: device.kind, groupId: device.groupId } : null,
  };
};

/**
 * Re-enrolment requests (issue 16, item 7): players whose token this database does not know. Admin
 * only: approving gives a device a new credential.
 */
export function registerReenrolmentRoutes(app: FastifyInstance, store: Store, hub: () => Hub): void {
  const reenrolments = new ReenrolmentStore(store.db);
  const get = (id: string) => {
    const r = reenrolments.get(id);
    if (!r) throw notFound('re-enrolment request');
    return r;
  };

  app.get('/api/v1/devices/reenrolments', async (req) => {
    requireRole(req, 'admin');
    return reenrolments.list().map((r) => view(store, r));
  });

  app.post('/api/v1/devices/reenrolments/:id/approve', async (req) => {
    requireRole(req, 'admin');
    const r = get(parse(IdParams, req.params).id);
    if (r.status !== 'pending') throw new HttpError(409, 'reenrolment-rejected', 'this request was rejected', 'id');
    const body = parse(ApproveBodySchema, req.body ?? {});
    const known = store.devices.get(r.deviceId);
    if (known?.revokedAt) throw new HttpError(409, 'device-revoked', 'the device has been revoked', 'id');
    if (body.groupId && !store.groups.get(body.groupId)) throw notFound('group', 'groupId');
    // The admin's choice, else the group the player believes it is in (if it exists here), else the
    // device row's own group.
    const claimed = r.groupId && store.groups.get(r.groupId) ? r.groupId : null;
    const groupId = body.groupId !== undefined ? body.groupId : (claimed ?? known?.groupId ?? null);
    const kind = body.kind ?? known?.kind;
    if (!kind) {
      throw new HttpError(
        400,
        'invalid-input',
        'kind: this device is not in the database; say led, kiosk or screen',
        'kind',
      );
    }
    const deviceId = reenrolments.approve(r.id, { kind, groupId });
    hub().requestRefresh();
    return { deviceId, groupId, kind };
  });

  app.post('/api/v1/devices/reenrolments/:id/reject', async (req) => {
    const user = requireRole(req, 'admin');
    const r = get(parse(IdParams, req.params).id);
    reenrolments.reject(r.id, user.id);
    return view(store, get(r.id));
  });
}
