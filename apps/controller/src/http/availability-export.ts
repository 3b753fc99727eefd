import { fromIso } from '@bangtin/shared';
import { type NameBook, NO_DISTRICT } from '../reports/names';
import type { SheetSpec } from './sheets';

/** The fields of the availability answer the sheets use (see GET /reports/availability). */
export interface AvailabilityReport {
  devices: {
    deviceId: string;
    name: string;
    observedSeconds: number;
    onlineSeconds: number;
    offlineSeconds: number;
    controllerDownSeconds: number;
    offline: { from: string; to: string; seconds: number; ongoing: boolean }[];
  }[];
}

type Device = AvailabilityReport['devices'][number];
type Gap = Device['offline'][number] & { device: Device };

const hours = (s: number) => Math.round(s / 360) / 10;
const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);

/**
 * Availability as two sheets: one row per device (hours online, offline, controller down, the online
 * share), then every offline gap with local start and end times.
 */
export function availabilitySheets(r: AvailabilityReport, names: NameBook): [SheetSpec<Device>, SheetSpec<Gap>] {
  const district = (id: string) => names.districtOfDevice(id);
  return [
    {
      name: 'Tổng hợp',
      rows: r.devices,
      totals: 'Tổng cộng',
      columns: [
        { header: 'Thiết bị', width: 28, kind: 'text', value: (d) => d.name },
        { header: 'Huyện', width: 22, kind: 'text', value: (d) => district(d.deviceId)?.name ?? NO_DISTRICT },
        { header: 'Theo dõi (giờ)', width: 14, kind: 'decimal', value: (d) => hours(d.observedSeconds), sum: true },
        { header: 'Kết nối (giờ)', width: 14, kind: 'decimal', value: (d) => hours(d.onlineSeconds), sum: true },
        {
          header: 'Mất kết nối (giờ)',
          width: 16,
          kind: 'decimal',
          value: (d) => hours(d.offlineSeconds),
          sum: true,
        },
        {
          header: 'Máy chủ ngừng (giờ)',
          width: 18,
          kind: 'decimal',
          value: (d) => hours(d.controllerDownSeconds),
          sum: true,
        },
        {
          header: 'Tỷ lệ kết nối (%)',
          width: 16,
          kind: 'decimal',
          // The controller's own downtime is not held against the office.
          value: (d) => percent(d.onlineSeconds, d.observedSeconds - d.controllerDownSeconds),
        },
        { header: 'Số lần mất kết nối', width: 18, kind: 'integer', value: (d) => d.offline.length, sum: true },
        { header: 'Mã thiết bị', width: 38, kind: 'text', value: (d) => d.deviceId },
        { header: 'Mã huyện', width: 38, kind: 'text', value: (d) => district(d.deviceId)?.id ?? '' },
      ],
    },
    {
      name: 'Mất kết nối',
      rows: r.devices.flatMap((device) => device.offline.map((g) => ({ ...g, device }))),
      totals: (n) => `Tổng cộng: ${n} lần`,
      columns: [
        { header: 'Thiết bị', width: 28, kind: 'text', value: (g) => g.device.name },
        {
          header: 'Huyện',
          width: 22,
          kind: 'text',
          value: (g) => district(g.device.deviceId)?.name ?? NO_DISTRICT,
        },
        { header: 'Từ (giờ Việt Nam)', width: 21, kind: 'datetime', value: (g) => fromIso(g.from) },
        { header: 'Đến (giờ Việt Nam)', width: 21, kind: 'datetime', value: (g) => fromIso(g.to) },
        {
          header: 'Thời lượng (phút)',
          width: 16,
          kind: 'decimal',
          value: (g) => Math.round(g.seconds / 6) / 10,
          sum: true,
        },
        { header: 'Đang tiếp diễn', width: 14, kind: 'text', value: (g) => (g.ongoing ? 'Có' : 'Không') },
        { header: 'Mã thiết bị', width: 38, kind: 'text', value: (g) => g.device.deviceId },
      ],
    },
  ];
}
