import { describe, expect, it } from 'vitest';
import { formatTime } from '../i18n/format';
import {
  type AvailabilityReport,
  availabilityCsv,
  availabilityQuery,
  availabilityTotals,
  gapsOnDay,
  timelineSpan,
} from './availability';

const day = (date: string, online: number, offline: number) => ({
  date,
  observedSeconds: online + offline,
  onlineSeconds: online,
  offlineSeconds: offline,
});

// Two devices over 5–6 February 2027 (Vietnam): "LED" lost its link across midnight and in the morning.
const report: AvailabilityReport = {
  from: '2027-02-05',
  to: '2027-02-06',
  timeZone: 'Asia/Ho_Chi_Minh',
  generatedAt: '2027-02-07T00:00:00.000Z',
  devices: [
    {
      deviceId: 'd1',
      name: 'LED Tam Kỳ, cổng chính',
      groupId: null,
      observed: { from: '2027-02-04T17:00:00.000Z', to: '2027-02-06T17:00:00.000Z' },
      observedSeconds: 172_800,
      onlineSeconds: 172_800 - 7200 - 600,
      offlineSeconds: 7800,
      days: [day('2027-02-05', 86_400 - 3600, 3600), day('2027-02-06', 86_400 - 4200, 4200)],
      offline: [
        // 23:00 on the 5th to 01:00 on the 6th, local time.
        { from: '2027-02-05T16:00:00.000Z', to: '2027-02-05T18:00:00.000Z', seconds: 7200, ongoing: false },
        { from: '2027-02-06T01:00:00.000Z', to: '2027-02-06T01:10:00.000Z', seconds: 600, ongoing: false },
      ],
    },
    {
      deviceId: 'd2',
      name: 'Kiosk Hội An',
      groupId: null,
      observed: { from: '2027-02-05T17:00:00.000Z', to: '2027-02-06T17:00:00.000Z' },
      observedSeconds: 86_400,
      onlineSeconds: 86_400,
      offlineSeconds: 0,
      days: [day('2027-02-05', 0, 0), day('2027-02-06', 86_400, 0)],
      offline: [],
    },
  ],
};

describe('availability report in the browser', () => {
  it('asks for one device, or a group, never both', () => {
    expect(availabilityQuery({ from: '2027-02-05', to: '2027-02-06', deviceId: 'd1', groupId: 'g1' })).toBe(
      'from=2027-02-05&to=2027-02-06&deviceId=d1',
    );
    expect(availabilityQuery({ from: '2027-02-05', to: '2027-02-06', deviceId: '', groupId: 'g1' })).toBe(
      'from=2027-02-05&to=2027-02-06&groupId=g1',
    );
  });

  it('sums offline minutes per day over devices, and the share of time online', () => {
    const tot = availabilityTotals(report);
    expect(tot).toMatchObject({ devices: 2, gaps: 2 });
    expect(tot.offlineMinutesByDay).toEqual([
      { date: '2027-02-05', minutes: 60 },
      { date: '2027-02-06', minutes: 70 },
    ]);
    expect(tot.onlineShare).toBeCloseTo((259_200 - 7800) / 259_200, 6);
  });

  it('places gaps on the timeline of Vietnam days', () => {
    const s = timelineSpan(report, report.devices[0]!.offline[0]!.from, report.devices[0]!.offline[0]!.to);
    // 23:00 on the first of two days, two hours long.
    expect(s.x).toBeCloseTo(23 / 48, 9);
    expect(s.w).toBeCloseTo(2 / 48, 9);
    expect(timelineSpan(report, '2027-01-01T00:00:00Z', '2027-03-01T00:00:00Z')).toEqual({ x: 0, w: 1 });
  });

  it('splits a gap across midnight between the two days', () => {
    const parts = gapsOnDay(report.devices[0]!.offline, '2027-02-06');
    expect(parts.map(([a, b]) => [new Date(a).toISOString(), new Date(b).toISOString()])).toEqual([
      ['2027-02-05T17:00:00.000Z', '2027-02-05T18:00:00.000Z'],
      ['2027-02-06T01:00:00.000Z', '2027-02-06T01:10:00.000Z'],
    ]);
  });

  it('exports one CSV line per device and observed day, with the gaps in Vietnam time', () => {
    const csv = availabilityCsv(report, ['Thiết bị', 'Ngày', 'Kết nối', 'Mất kết nối', 'Các khoảng'], (ms) =>
      formatTime('vi', ms),
    );
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual([
      'Thiết bị,Ngày,Kết nối,Mất kết nối,Các khoảng',
      '"LED Tam Kỳ, cổng chính",2027-02-05,1380.00,60.00,23:00:00–00:00:00',
      '"LED Tam Kỳ, cổng chính",2027-02-06,1370.00,70.00,00:00:00–01:00:00; 08:00:00–08:10:00',
      'Kiosk Hội An,2027-02-06,1440.00,0.00,',
      '',
    ]);
  });
});
