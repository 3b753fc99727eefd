import type { FastifyRequest } from 'fastify';
import type { Store } from '../store';
import { ancestorsByGroup } from '../store/groups';
import { forbidden, notFound } from './errors';
import { requireUser } from './auth';
import { inScope, scopeOf } from './scope';

export interface TargetSet {
  deviceIds: string[];
  groupIds: string[];
  tags: string[];
}

/** 404 naming the first unknown device or group, e.g. `target.groupIds.1`. */
export function checkTargetsExist(store: Store, t: Partial<TargetSet>, prefix = 'target'): void {
  (t.deviceIds ?? []).forEach((id, i) => {
    if (!store.devices.get(id)) throw notFound('device', `${prefix}.deviceIds.${i}`);
  });
  (t.groupIds ?? []).forEach((id, i) => {
    if (!store.groups.get(id)) throw notFound('group', `${prefix}.groupIds.${i}`);
  });
}

/**
 * Whether the user may act on everything the target reaches. An editor's reach is their district: a
 * tag spans every district, so tags are for province staff (an editor targets their own groups).
 */
export function targetInScope(store: Store, req: FastifyRequest, t: Partial<TargetSet>): boolean {
  const scope = scopeOf(store, requireUser(req));
  if (scope.all) return true;
  return (
    (t.tags ?? []).length === 0 &&
    (t.groupIds ?? []).every((g) => scope.groupIds.has(g)) &&
    (t.deviceIds ?? []).every((d) => inScope(scope, store.devices.get(d)?.groupId ?? null))
  );
}

export function requireTargetInScope(store: Store, req: FastifyRequest, t: Partial<TargetSet>): void {
  if (!targetInScope(store, req, t)) {
    throw forbidden(
      (t.tags ?? []).length > 0 && scopeOf(store, requireUser(req)).all === false
        ? 'editors target their own district by group or device; tags reach every district'
        : 'you can only target devices of your own district',
    );
  }
}

/** The devices (not revoked) a target reaches right now. */
export function devicesForTarget(store: Store, t: TargetSet): string[] {
  const ancestors = ancestorsByGroup(store.groups.list());
  const groups = new Set(t.groupIds);
  const devices = new Set(t.deviceIds);
  const tags = new Set(t.tags);
  return store.devices
    .list()
    .filter(
      (d) =>
        d.revokedAt === null &&
        (devices.has(d.id) ||
          (d.groupId !== null && (ancestors.get(d.groupId) ?? []).some((g) => groups.has(g))) ||
          d.tags.some((x) => tags.has(x))),
    )
    .map((d) => d.id);
}
