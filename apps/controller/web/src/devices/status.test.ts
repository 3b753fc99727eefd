import { describe, expect, it } from 'vitest';
import type { DeviceGroup } from '@bangtin/shared';
import { byDistrict, deviceStatus, districtOf, listStatus } from './status';

const NOW = Date.parse('2026-01-05T03:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe('deviceStatus', () => {
  it('tells online, stale, offline and revoked apart', () => {
    expect(deviceStatus({ online: true, lastSeenAt: ago(5_000), revokedAt: null }, NOW)).toBe('online');
    expect(deviceStatus({ online: true, lastSeenAt: ago(120_000), revokedAt: null }, NOW)).toBe('stale');
    expect(deviceStatus({ online: false, lastSeenAt: ago(120_000), revokedAt: null }, NOW)).toBe('stale');
    expect(deviceStatus({ online: false, lastSeenAt: ago(11 * 60_000), revokedAt: null }, NOW)).toBe('offline');
    expect(deviceStatus({ online: false, lastSeenAt: null, revokedAt: null }, NOW)).toBe('offline');
    expect(deviceStatus({ online: false, lastSeenAt: ago(1000), revokedAt: ago(500) }, NOW)).toBe('revoked');
  });
});

describe('listStatus', () => {
  it("keeps the controller's status and shows revoked devices as revoked", () => {
    expect(listStatus({ status: 'stale', revokedAt: null })).toBe('stale');
    expect(listStatus({ status: 'online', revokedAt: ago(1000) })).toBe('revoked');
  });
});

describe('grouping by district', () => {
  const groups = new Map<string, DeviceGroup>(
    [
      { id: 'p', parentId: null, name: 'Tỉnh Quảng Nam', kind: 'province' },
      { id: 'd1', parentId: 'p', name: 'Huyện Đại Lộc', kind: 'district' },
      { id: 'd2', parentId: 'p', name: 'Huyện Duy Xuyên', kind: 'district' },
      { id: 'o1', parentId: 'd1', name: 'Văn phòng Ái Nghĩa', kind: 'office' },
    ].map((g) => [g.id, g as DeviceGroup]),
  );

  it('walks an office up to its district and stops above districts', () => {
    expect(districtOf('o1', groups)?.id).toBe('d1');
    expect(districtOf('d2', groups)?.id).toBe('d2');
    expect(districtOf('p', groups)).toBeNull();
    expect(districtOf(null, groups)).toBeNull();
  });

  // Vietnamese order puts Đ after D: Duy Xuyên before Đại Lộc.
  it('sorts districts and devices in Vietnamese order, ungrouped last', () => {
    const rows = byDistrict(
      [
        { name: 'Kiosk', groupId: 'o1' },
        { name: 'Bảng LED', groupId: 'd1' },
        { name: 'Màn hình', groupId: 'd2' },
        { name: 'Thử nghiệm', groupId: null },
      ],
      groups,
    );
    expect(rows.map((r) => r.district?.name ?? null)).toEqual(['Huyện Duy Xuyên', 'Huyện Đại Lộc', null]);
    expect(rows[1]!.devices.map((d) => d.name)).toEqual(['Bảng LED', 'Kiosk']);
  });
});
