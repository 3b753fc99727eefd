import type { Store } from '../store';
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
