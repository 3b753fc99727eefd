import { describe, expect, it } from 'vitest';
import type { DeviceGroup } from '@bangtin/shared';
import {
  airtimeQuery,
  complianceQuery,
  dayAxis,
  districtChoices,
  minutesOf,
  tableGroupBy,
  verifyQuery,
} from './evidence';

const f = { campaignId: 'c1', groupId: '', from: '2026-12-01', to: '2026-12-03' };

describe('evidence report queries', () => {
  it('asks the airtime API for the three choices, per district until a district is chosen', () => {
    expect(airtimeQuery(f, tableGroupBy(f))).toBe(
      '/reports/airtime?from=2026-12-01&to=2026-12-03&groupBy=district&campaignId=c1',
    );
    const d = { ...f, groupId: 'g1' };
    expect(airtimeQuery(d, tableGroupBy(d), 'xlsx')).toBe(
      '/reports/airtime?from=2026-12-01&to=2026-12-03&groupBy=device&campaignId=c1&groupId=g1&format=xlsx',
    );
    expect(airtimeQuery({ ...f, campaignId: '' }, 'day')).toBe(
      '/reports/airtime?from=2026-12-01&to=2026-12-03&groupBy=day',
    );
  });

  it('asks for compliance only with one campaign, and drills down into one district', () => {
    expect(complianceQuery({ ...f, campaignId: '' }, 'district')).toBeNull();
    expect(complianceQuery({ ...f, campaignId: 'none' }, 'district')).toBeNull();
    expect(complianceQuery(f, 'district', 'csv')).toBe(
      '/reports/compliance?campaignId=c1&from=2026-12-01&to=2026-12-03&groupBy=district&format=csv',
    );
    expect(complianceQuery(f, 'device', 'json', 'g2')).toBe(
      '/reports/compliance?campaignId=c1&from=2026-12-01&to=2026-12-03&groupBy=device&groupId=g2',
    );
  });

  it('verifies a device, a district or everything in range', () => {
    expect(verifyQuery(f)).toBe('/proofs/verify?from=2026-12-01&to=2026-12-03');
    expect(verifyQuery(f, { groupId: 'g1' })).toBe('/proofs/verify?from=2026-12-01&to=2026-12-03&groupId=g1');
    expect(verifyQuery(f, { groupId: 'g1', deviceId: 'd1' })).toBe(
      '/proofs/verify?from=2026-12-01&to=2026-12-03&deviceId=d1',
    );
  });
});

describe('dayAxis and minutes', () => {
  it('gives every day of the range, quiet days as zero, minutes with one decimal', () => {
    expect(minutesOf(90)).toBe(1.5);
    expect(minutesOf(4)).toBe(0.1);
    expect(
      dayAxis(f, [
        { key: '2026-12-03', name: '2026-12-03', plays: 3, airtimeSeconds: 150 },
        { key: '2026-12-01', name: '2026-12-01', plays: 1, airtimeSeconds: 30 },
      ]),
    ).toEqual([
      { day: '2026-12-01', minutes: 0.5 },
      { day: '2026-12-02', minutes: 0 },
      { day: '2026-12-03', minutes: 2.5 },
    ]);
  });
});

describe('districtChoices', () => {
  const g = (id: string, name: string, kind: DeviceGroup['kind'], parentId: string | null = null) =>
    ({ id, name, kind, parentId }) as DeviceGroup;
  it('offers districts only, sorted the Vietnamese way', () => {
    const groups = [
      g('p', 'Quảng Nam', 'province'),
      g('b', 'Tam Kỳ', 'district', 'p'),
      g('a', 'Hội An', 'district', 'p'),
      g('o', 'Phường An Mỹ', 'office', 'b'),
    ];
    expect(districtChoices(groups).map((x) => x.name)).toEqual(['Hội An', 'Tam Kỳ']);
  });
  it('an editor placed on an office sees that office', () => {
    expect(districtChoices([g('o', 'Phường An Mỹ', 'office', 'b')]).map((x) => x.id)).toEqual(['o']);
  });
});
