import { Readable } from 'node:stream';
import { csvCell, isoOrNull, toIso } from '@bangtin/shared';
import type { StoredProof } from '../store/proofs';
import { type NameBook, NO_DISTRICT } from '../reports/names';
import { formatLocalCell, type SheetColumn, type SheetSpec } from './sheets';

const END_REASON: Record<StoredProof['endReason'], string> = {
  completed: 'Phát hết',
  preempted: 'Bị thay thế',
  stopped: 'Dừng',
  'media-error': 'Lỗi tệp',
  'user-interaction': 'Người xem chạm màn hình',
};

/** The proof list as people read it: local times as dates, names beside ids, seconds, a totals row. */
export function proofSheet(rows: Iterable<StoredProof>, names: NameBook): SheetSpec<StoredProof> {
  const campaign = (p: StoredProof) => names.campaignOfSchedule(p.scheduleId);
  const district = (p: StoredProof) => names.districtOfDevice(p.deviceId);
  const columns: SheetColumn<StoredProof>[] = [
    { header: 'Bắt đầu (giờ Việt Nam)', width: 21, kind: 'datetime', value: (p) => p.startedAt },
    { header: 'Kết thúc (giờ Việt Nam)', width: 21, kind: 'datetime', value: (p) => p.endedAt },
    {
      header: 'Thời lượng (giây)',
      width: 16,
      kind: 'decimal',
      value: (p) => Math.round((p.endedAt - p.startedAt) / 100) / 10,
      sum: true,
    },
    { header: 'Thiết bị', width: 28, kind: 'text', value: (p) => names.deviceName(p.deviceId) },
    { header: 'Huyện', width: 22, kind: 'text', value: (p) => district(p)?.name ?? NO_DISTRICT },
    { header: 'Nội dung', width: 36, kind: 'text', value: (p) => names.contentTitle(p.contentId) },
    { header: 'Chiến dịch', width: 30, kind: 'text', value: (p) => names.campaignName(campaign(p)) },
    { header: 'Đầu ra', width: 10, kind: 'text', value: (p) => p.output },
    { header: 'Kết thúc do', width: 14, kind: 'text', value: (p) => END_REASON[p.endReason] },
    { header: 'Mã thiết bị', width: 38, kind: 'text', value: (p) => p.deviceId },
    { header: 'Mã huyện', width: 38, kind: 'text', value: (p) => district(p)?.id ?? '' },
    { header: 'Mã nội dung', width: 38, kind: 'text', value: (p) => p.contentId },
    { header: 'Mã chiến dịch', width: 38, kind: 'text', value: (p) => campaign(p) },
    { header: 'Mã lịch phát', width: 38, kind: 'text', value: (p) => p.scheduleId },
    { header: 'Mã lượt phát', width: 38, kind: 'text', value: (p) => p.id },
  ];
  return {
    name: 'Lượt phát',
    columns,
    rows,
    totals: (n) => `Tổng cộng: ${n.toLocaleString('vi-VN')} lượt`,
  };
}

/**
 * The proof CSV: the original columns unchanged (scripts read them), then names and local times added
 * at the end, so an office worker opening it in Excel sees who, what and when.
 */
const CSV_HEADER = [
  'id',
  'deviceId',
  'contentId',
  'playlistId',
  'scheduleId',
  'startedAt',
  'endedAt',
  'durationMs',
  'deviceStartedAt',
  'clockOffsetMs',
  'endReason',
  'output',
  'deviceName',
  'districtId',
  'districtName',
  'contentTitle',
  'campaignId',
  'campaignName',
  'startedAtLocal',
  'endedAtLocal',
];

export function proofsToCsv(rows: Iterable<StoredProof>, names: NameBook): Readable {
  function* lines(): Generator<string> {
    yield `\uFEFF${CSV_HEADER.join(',')}\r\n`;
    for (const p of rows) {
      const campaign = names.campaignOfSchedule(p.scheduleId);
      const district = names.districtOfDevice(p.deviceId);
      yield [
        p.id,
        p.deviceId,
        p.contentId,
        p.playlistId,
        p.scheduleId,
        toIso(p.startedAt),
        toIso(p.endedAt),
        p.endedAt - p.startedAt,
        // The device's own clock is not held to 2020 … 2100 (a board without a clock starts in 1970).
        isoOrNull(p.deviceStartedAt) ?? '',
        p.clockOffsetMs,
        p.endReason,
        p.output,
        names.deviceName(p.deviceId),
        district?.id ?? '',
        district?.name ?? NO_DISTRICT,
        names.contentTitle(p.contentId),
        campaign,
        names.campaignName(campaign),
        formatLocalCell(p.startedAt),
        formatLocalCell(p.endedAt),
      ]
        .map(csvCell)
        .join(',')
        .concat('\r\n');
    }
  }
  return Readable.from(lines());
}
