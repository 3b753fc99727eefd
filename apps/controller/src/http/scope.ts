import type { Store } from '../store';
import { notFound } from './errors';
import type { User } from '../store/users';

/**
 * The devices and groups a user may act on. Admins and viewers see the whole province; an editor sees
 * only the subtree of their district (and nothing at all when no district is set).
 */
export interface Scope {
  all: boolean;
  groupIds: Set<string>;
}

export function scopeOf(store: Store, user: User): Scope {
  if (user.role !== 'editor') return { all: true, groupIds: new Set() };
  return { all: false, groupIds: user.groupId ? store.groups.subtree(user.groupId) : new Set() };
}

export function inScope(scope: Scope, groupId: string | null): boolean {
  return scope.all || (groupId !== null && scope.groupIds.has(groupId));
}

/**
 * The device ids a proof query may read: the one asked for (404 if it is not visible), or every
 * device in scope, or null for "all devices" when the user sees the whole province.
 */
export function visibleDeviceIds(store: Store, scope: Scope, deviceId: string | undefined): string[] | null {
  if (deviceId) {
    const d = store.devices.get(deviceId);
    if (!d || !inScope(scope, d.groupId)) throw notFound('device', 'deviceId');
    return [d.id];
  }
  if (scope.all) return null;
  return store.devices
    .list()
    .filter((d) => inScope(scope, d.groupId))
    .map((d) => d.id);
}

/** The devices of a group's subtree that `scope` may see; another district answers like a missing one. */
export function groupDeviceIds(store: Store, scope: Scope, groupId: string): string[] {
  const g = store.groups.get(groupId);
  if (!g || !inScope(scope, g.id)) throw notFound('group', 'groupId');
  const sub = store.groups.subtree(g.id);
  return store.devices
    .list()
    .filter((d) => d.groupId !== null && sub.has(d.groupId) && inScope(scope, d.groupId))
    .map((d) => d.id);
}
