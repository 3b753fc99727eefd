import { describe, expect, it } from 'vitest';
import type { DeviceGroup } from '@bangtin/shared';
import { flattenTree } from './tree';

describe('flattenTree', () => {
  // Vietnamese order puts Đ after D: Duy Xuyên before Đại Lộc.
  it('orders the district tree the Vietnamese way and indents by depth', () => {
    const groups: DeviceGroup[] = [
      { id: 'o', parentId: 'b', name: 'Văn phòng 1', kind: 'office' },
      { id: 'b', parentId: 'p', name: 'Huyện Đại Lộc', kind: 'district' },
      { id: 'a', parentId: 'p', name: 'Huyện Duy Xuyên', kind: 'district' },
      { id: 'p', parentId: null, name: 'Tỉnh Quảng Nam', kind: 'province' },
    ];
    expect(flattenTree(groups).map((n) => `${n.depth}:${n.group.id}`)).toEqual(['0:p', '1:a', '1:b', '2:o']);
  });

  it('makes a group whose parent is hidden (an editor’s district) a root', () => {
    const groups: DeviceGroup[] = [{ id: 'b', parentId: 'p', name: 'Huyện Đại Lộc', kind: 'district' }];
    expect(flattenTree(groups)).toEqual([{ group: groups[0], depth: 0 }]);
  });
});
