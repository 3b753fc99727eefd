import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  CreateGroupBodySchema,
  type DeviceGroup,
  GroupFallbackBodySchema,
  type GroupKind,
  IdSchema,
  UpdateGroupBodySchema,
} from '@bangtin/shared';
import type { Store } from '../store';
import type { Hub } from '../hub/hub';
import { HttpError, notFound, parse } from './errors';
import { requireRole, requireUser } from './auth';
import { scopeOf } from './scope';
import { scheduleView } from './schedules';

const IdParams = z.object({ id: IdSchema });
const RANK: Record<GroupKind, number> = { province: 0, district: 1, office: 2 };

export function registerGroupRoutes(app: FastifyInstance, store: Store, hub: () => Hub): void {
  const groupView = (g: DeviceGroup) => ({ ...g, fallbackScheduleId: store.groups.fallbackScheduleId(g.id) });

  app.get('/api/v1/groups', async (req) => {
    const scope = scopeOf(store, requireUser(req));
    return store.groups
      .list()
      .filter((g) => scope.all || scope.groupIds.has(g.id))
      .map(groupView);
  });

  app.get('/api/v1/groups/:id', async (req) => {
    const scope = scopeOf(store, requireUser(req));
    const g = store.groups.get(parse(IdParams, req.params).id);
    if (!g || !(scope.all || scope.groupIds.has(g.id))) throw notFound('group');
    return groupView(g);
  });

  app.post('/api/v1/groups', async (req, reply) => {
    requireRole(req, 'admin');
    const body = parse(CreateGroupBodySchema, req.body);
    if (body.parentId && !store.groups.get(body.parentId)) throw notFound('group', 'parentId');
    const g = store.groups.create({ name: body.name, kind: body.kind, parentId: body.parentId ?? null });
    return reply.status(201).send(groupView(g));
  });

  /** Rename and/or move. A move must keep the tree a tree and its levels in order. */
  app.patch('/api/v1/groups/:id', async (req) => {
    requireRole(req, 'admin');
    const g = store.groups.get(parse(IdParams, req.params).id);
    if (!g) throw notFound('group');
    const body = parse(UpdateGroupBodySchema, req.body);
    if (body.parentId !== undefined && body.parentId !== null) {
      const parent = store.groups.get(body.parentId);
      if (!parent) throw notFound('group', 'parentId');
      if (store.groups.subtree(g.id).has(parent.id)) {
        throw new HttpError(409, 'group-cycle', `parentId: ${parent.name} is inside ${g.name}`, 'parentId');
      }
      if (RANK[parent.kind] >= RANK[g.kind]) {
        throw new HttpError(
          409,
          'group-level',
          `parentId: a ${g.kind} cannot be placed under a ${parent.kind}`,
          'parentId',
        );
      }
    }
    const updated = store.groups.update(g.id, body)!;
    // A move changes which schedules reach the devices below it.
    if (body.parentId !== undefined) hub().requestRefresh();
    return groupView(updated);
  });

  app.delete('/api/v1/groups/:id', async (req, reply) => {
    requireRole(req, 'admin');
    const g = store.groups.get(parse(IdParams, req.params).id);
    if (!g) throw notFound('group');
    const why = [
      store.groups.children(g.id).length > 0 ? 'it has groups below it' : null,
      store.devices.countInGroup(g.id) > 0 ? 'it has devices' : null,
      store.groups.usersIn(g.id) > 0 ? 'editors belong to it' : null,
      store.schedules.referencing('group', g.id).filter((id) => id !== store.groups.fallbackScheduleId(g.id)).length > 0
        ? 'schedules target it'
        : null,
    ].filter(Boolean);
    if (why.length > 0) throw new HttpError(409, 'group-not-empty', `cannot delete ${g.name}: ${why.join(', ')}`, 'id');
    const fb = store.groups.fallbackScheduleId(g.id);
    if (fb) store.schedules.delete(fb);
    store.groups.delete(g.id);
    return reply.status(204).send();
  });

  // ── Default (fallback) playlist: plays on the group's devices whenever nothing else does ──────
  app.get('/api/v1/groups/:id/fallback', async (req) => {
    // Same reach as reading the group: an editor sees their district's subtree only.
    const scope = scopeOf(store, requireUser(req));
    const g = store.groups.get(parse(IdParams, req.params).id);
    if (!g || !(scope.all || scope.groupIds.has(g.id))) throw notFound('group');
    const id = store.groups.fallbackScheduleId(g.id);
    const s = id ? store.schedules.get(id) : null;
    if (!s) throw notFound('fallback playlist');
    return scheduleView(s);
  });

  app.put('/api/v1/groups/:id/fallback', async (req) => {
    const user = requireRole(req, 'admin', 'editor');
    const g = store.groups.get(parse(IdParams, req.params).id);
    const scope = scopeOf(store, user);
    if (!g || !(scope.all || scope.groupIds.has(g.id))) throw notFound('group');
    const body = parse(GroupFallbackBodySchema, req.body);
    if (!store.content.getPlaylist(body.playlistId)) throw notFound('playlist', 'playlistId');
    const existing = store.groups.fallbackScheduleId(g.id);
    const current = existing ? store.schedules.get(existing) : null;
    const s = current
      ? store.schedules.update(current.id, { playlistId: body.playlistId, priority: body.priority })!
      : store.schedules.create({
          playlistId: body.playlistId,
          target: { deviceIds: [], groupIds: [g.id], tags: [] },
          startsAt: null,
          endsAt: null,
          priority: body.priority,
          createdBy: user.id,
          fallback: true,
        });
    store.groups.setFallbackScheduleId(g.id, s.id);
    hub().requestRefresh();
    return scheduleView(s);
  });

  app.delete('/api/v1/groups/:id/fallback', async (req, reply) => {
    const user = requireRole(req, 'admin', 'editor');
    const g = store.groups.get(parse(IdParams, req.params).id);
    const scope = scopeOf(store, user);
    if (!g || !(scope.all || scope.groupIds.has(g.id))) throw notFound('group');
    const id = store.groups.fallbackScheduleId(g.id);
    if (!id) throw notFound('fallback playlist');
    store.schedules.delete(id);
    store.groups.setFallbackScheduleId(g.id, null);
    hub().requestRefresh();
    return reply.status(204).send();
  });
}
