import type { TreeNode } from '../schedules/tree';

/** The `<option>`s of a group select: every group in tree order, indented by its depth. */
export function GroupOptions({ tree }: { tree: readonly TreeNode[] }) {
  return (
    <>
      {tree.map(({ group, depth }) => (
        <option key={group.id} value={group.id}>
          {'\u00a0\u00a0'.repeat(depth)}
          {group.name}
        </option>
      ))}
    </>
  );
}
