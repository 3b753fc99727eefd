import type { DeviceGroup } from '@bangtin/shared';

export interface TreeNode {
  group: DeviceGroup;
  depth: number;
}

/**
 * Groups in tree order (province, then its districts, each followed by its offices), names sorted
 * the Vietnamese way. Groups whose parent the user cannot see (an editor's district) become roots.
 */
export function flattenTree(groups: readonly DeviceGroup[]): TreeNode[] {
  const ids = new Set(groups.map((g) => g.id));
  const children = new Map<string | null, DeviceGroup[]>();
  for (const g of groups) {
    const parent = g.parentId && ids.has(g.parentId) ? g.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(g);
    children.set(parent, list);
  }
  const collator = new Intl.Collator('vi');
  const out: TreeNode[] = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number) => {
    const list = (children.get(parent) ?? []).sort((a, b) => collator.compare(a.name, b.name));
    for (const g of list) {
      if (seen.has(g.id)) continue; // a cycle in bad data must not hang the page
      seen.add(g.id);
      out.push({ group: g, depth });
      walk(g.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}
