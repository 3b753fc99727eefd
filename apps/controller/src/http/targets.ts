import type { FastifyRequest } from 'fastify';
import type { Store } from '../store';
import { ancestorsByGroup, subtreesOf } from '../store/groups';
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
 * The group an entity the user creates is bound to: an editor's district (their reach is their
 * district, so a tag they target means "that tag inside my district"), null for province staff.
 */
export function creatorScope(req: FastifyRequest): string | null {
  const user = requireUser(req);
  return user.role === 'editor' ? user.groupId : null;
}

/**
 * Whether the user may act on everything the target reaches. Groups and devices must lie in an
 * editor's district. A tag spans every district, so a tag target is within an editor's reach only when
 * the entity is bound (`scopeGroupId`) to a group inside that district: resolution then keeps it there.
 */
export function targetInScope(
  store: Store,
  req: FastifyRequest,
  t: Partial<TargetSet>,
  scopeGroupId: string | null = null,
): boolean {
  const scope = scopeOf(store, requireUser(req));
  if (scope.all) return true;
  return (
    ((t.tags ?? []).length === 0 || (scopeGroupId !== null && scope.groupIds.has(scopeGroupId))) &&
    (t.groupIds ?? []).every((g) => scope.groupIds.has(g)) &&
    (t.deviceIds ?? []).every((d) => inScope(scope, store.devices.get(d)?.groupId ?? null))
  );
}

export function requireTargetInScope(
  store: Store,
  req: FastifyRequest,
  t: Partial<TargetSet>,
  scopeGroupId: string | null = null,
  prefix = 'target',
): void {
  if (targetInScope(store, req, t, scopeGroupId)) return;
  const scope = scopeOf(store, requireUser(req));
  // The first target outside the district, named as the form names it (`target.groupIds.1`).
  const group = (t.groupIds ?? []).findIndex((g) => !scope.groupIds.has(g));
  const device = (t.deviceIds ?? []).findIndex((d) => !inScope(scope, store.devices.get(d)?.groupId ?? null));
  const field = group >= 0 ? `${prefix}.groupIds.${group}` : device >= 0 ? `${prefix}.deviceIds.${device}` : null;
  if (field) throw forbidden(`${field}: you can only target devices of your own district`, field);
  throw forbidden(
    `${prefix}.tags: a tag reaches every district: an editor needs a district of their own to target tags in it`,
    `${prefix}.tags`,
  );
}

/** The devices (not revoked) a target reaches right now, inside the subtree of `scopeGroupId` if set. */
export function devicesForTarget(store: Store, t: TargetSet, scopeGroupId: string | null = null): string[] {
  const groupsList = store.groups.list();
  const ancestors = ancestorsByGroup(groupsList);
  const reach = scopeGroupId ? (subtreesOf(groupsList).get(scopeGroupId) ?? new Set<string>()) : null;
  const groups = new Set(t.groupIds);
  const devices = new Set(t.deviceIds);
  const tags = new Set(t.tags);
  return store.devices
    .list()
    .filter(
      (d) =>
        d.revokedAt === null &&
        (reach === null || (d.groupId !== null && reach.has(d.groupId))) &&
        (devices.has(d.id) ||
          (d.groupId !== null && (ancestors.get(d.groupId) ?? []).some((g) => groups.has(g))) ||
          d.tags.some((x) => tags.has(x))),
    )
    .map((d) => d.id);
}
