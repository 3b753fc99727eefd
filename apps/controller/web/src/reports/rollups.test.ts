import { describe, expect, it } from 'vitest';
import type { DeviceGroup } from '@bangtin/shared';
import { districtOf, pivot, pivotCsv, surveyCounts, type DailyRow } from './rollups';

const g = (id: string, kind: DeviceGroup['kind'], parentId: string | null): DeviceGroup =>
  ({ id, name: id, kind, parentId }) as DeviceGroup;
const groups = [g('qn', 'province', null), g('dx', 'district', 'qn'), g('dx-ub', 'office', 'dx')];
const row = (deviceId: string, campaignId: string | null, localDate: string, minutes: number, plays = 1): DailyRow => ({
  deviceId,
  campaignId,
  contentId: 'c',
  localDate,
  plays,
  airtimeMs: minutes * 60_000,
});

describe('districtOf', () => {
  it('climbs from an office to its district, keeps a province, and has no district for no group', () => {
    expect(districtOf('dx-ub', groups)).toBe('dx');
    expect(districtOf('dx', groups)).toBe('dx');
    expect(districtOf('qn', groups)).toBe('qn');
    expect(districtOf(null, groups)).toBe('');
  });
});

describe('pivot', () => {
  const rows = [
    row('d1', 'tet', '2027-02-01', 30, 3),
    row('d2', 'tet', '2027-02-01', 15, 2),
    row('d1', null, '2027-02-02', 50, 5),
    row('d1', 'tet', '2027-02-02', 10, 1),
  ];

  it('sums airtime and plays per campaign and day, biggest first', () => {
    const p = pivot(rows, (r) => r.campaignId ?? '');
    expect(p.days).toEqual(['2027-02-01', '2027-02-02']);
    expect(p.keys).toEqual(['tet', '']);
    expect(p.ms.get('tet')?.get('2027-02-01')).toBe(45 * 60_000);
    expect(p.plays.get('tet')?.get('2027-02-01')).toBe(5);
    expect(p.totalMsByDay.get('2027-02-02')).toBe(60 * 60_000);
  });

  it('exports CSV with a BOM, quoting and formula-safe names', () => {
    const p = pivot(rows, (r) => r.campaignId ?? '');
    const csv = pivotCsv(p, (k) => (k === 'tet' ? '=Tết, "Xuân"' : 'Không chiến dịch'), [
      'Tên',
      'Ngày',
      'Lượt',
      'Phút',
    ]);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1).split('\r\n')).toEqual([
      'Tên,Ngày,Lượt,Phút',
      `"'=Tết, ""Xuân""",2027-02-01,5,45.00`,
      `"'=Tết, ""Xuân""",2027-02-02,1,10.00`,
      'Không chiến dịch,2027-02-02,5,50.00',
      '',
    ]);
  });
});

describe('surveyCounts', () => {
  it('counts ratings 1–5 and choices per survey, with the average', () => {
    const out = surveyCounts([
      { surveyId: 'hai-long', rating: 5, choice: 'nhanh' },
      { surveyId: 'hai-long', rating: 4, choice: null },
      { surveyId: 'hai-long', rating: 5, choice: 'nhanh' },
      { surveyId: 'hai-long', rating: 1, choice: 'cham' },
    ]);
    expect(out).toEqual([
      {
        surveyId: 'hai-long',
        total: 4,
        ratings: [1, 0, 0, 1, 2],
        average: 3.75,
        choices: [
          ['nhanh', 2],
          ['cham', 1],
        ],
      },
    ]);
  });
});
