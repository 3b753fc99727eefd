import type { ComplianceDeviceRow, ComplianceGroupRow } from '../reports/compliance';
import { NO_DISTRICT } from '../reports/names';
import type { SheetColumn, SheetSpec } from './sheets';

/** The words the Reports screen shows beside the colour, so a printed sheet reads the same. */
export const LEVEL_LABEL: Record<NonNullable<ComplianceGroupRow['level']>, string> = {
  green: 'Đạt (≥ 95 %)',
  amber: 'Cần chú ý (80–95 %)',
  red: 'Không đạt (< 80 %)',
};

const minutes = (s: number) => Math.round(s / 6) / 10;

/**
 * Planned vs delivered as one sheet: per district (or per device with its district), minutes planned
 * and delivered, the percentage and its level in words, the shortfall and its causes, ids at the end.
 */
export function complianceSheet(
  groupBy: 'district' | 'device',
  rows: readonly (ComplianceGroupRow | ComplianceDeviceRow)[],
): SheetSpec<ComplianceGroupRow | ComplianceDeviceRow> {
  type Row = ComplianceGroupRow | ComplianceDeviceRow;
  const district = (r: Row) => r.groupName ?? NO_DISTRICT;
  const num = (header: string, value: (r: Row) => number): SheetColumn<Row> => ({
    header,
    width: Math.max(14, header.length + 2),
    kind: 'decimal',
    value,
    sum: true,
  });
  const columns: SheetColumn<Row>[] =
    groupBy === 'device'
      ? [
          { header: 'Thiết bị', width: 28, kind: 'text', value: (r) => ('deviceName' in r ? r.deviceName : '') },
          { header: 'Huyện', width: 24, kind: 'text', value: district },
        ]
      : [
          { header: 'Huyện', width: 28, kind: 'text', value: district },
          { header: 'Số thiết bị', width: 12, kind: 'integer', value: (r) => r.devices, sum: true },
        ];
  columns.push(
    num('Kế hoạch (phút)', (r) => minutes(r.plannedSeconds)),
    num('Đã phát (phút)', (r) => minutes(r.deliveredSeconds)),
    { header: 'Tỷ lệ (%)', width: 11, kind: 'decimal', value: (r) => r.percent },
    { header: 'Mức', width: 22, kind: 'text', value: (r) => (r.level ? LEVEL_LABEL[r.level] : '') },
    num('Thiếu (phút)', (r) => minutes(r.shortfallSeconds)),
    num('Do mất kết nối (phút)', (r) => minutes(r.causes.offline)),
    num('Do bảng LED lỗi (phút)', (r) => minutes(r.causes.boardError)),
    num('Do tin khẩn / ưu tiên cao hơn (phút)', (r) => minutes(r.causes.preempted)),
    num('Chưa rõ nguyên nhân (phút)', (r) => minutes(r.causes.unexplained)),
  );
  if (groupBy === 'device')
    columns.push({ header: 'Mã thiết bị', width: 38, kind: 'text', value: (r) => ('deviceId' in r ? r.deviceId : '') });
  columns.push({ header: 'Mã huyện', width: 38, kind: 'text', value: (r) => r.groupId ?? '' });
  return { name: 'Kế hoạch và thực tế', columns, rows, totals: 'Tổng cộng' };
}
