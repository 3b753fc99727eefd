import { describe, expect, it } from 'vitest';
import type { Bundle } from '../domain';
import { BundleSchema } from '../schemas';
import { itemAt } from './playback';
import { resolveTimeline } from './timeline';

// The device's zone (`bundle.timeZone`) is where schedules without a zone of their own are read.
// Asia/Bangkok has Vietnam's offset (UTC+7) and must change nothing; Asia/Tokyo (UTC+9) must move
// every local boundary two hours earlier in UTC.
const Z = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const id = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;

const DAYPART = id(21);
const PINNED = id(22);
const FALLBACK = id(23);

const weekdayMorning = { kind: 'weekly', days: [1, 2, 3, 4, 5], dayparts: [{ start: '07:00', end: '11:30' }] };
const base = { startsAt: null, endsAt: null, createdAt: Z('2025-12-01T00:00:00Z') };
const fallback = { ...base, id: FALLBACK, playlistId: id(13), priority: 0, fallback: true };

function bundle(schedules: unknown[], timeZone?: string): Bundle {
  return BundleSchema.parse({
    protocol: 1,
    version: 1,
    hash: '0'.repeat(64),
    generatedAt: Z('2026-01-01T00:00:00Z'),
    content: [1, 2, 3].map((n) => ({ id: id(n), type: 'slogan', text: `Khẩu hiệu số ${n}`, title: null })),
    playlists: [
      { id: id(11), name: 'Buổi sáng', items: [{ contentId: id(1), durationMs: 10_000 }] },
      { id: id(12), name: 'Giờ Việt Nam', items: [{ contentId: id(2), durationMs: 10_000 }] },
      { id: id(13), name: 'Mặc định', items: [{ contentId: id(3), durationMs: 30_000 }] },
    ],
    schedules,
    ...(timeZone !== undefined && { timeZone }),
  });
}

const morning = { ...base, id: DAYPART, playlistId: id(11), priority: 10, recurrence: weekdayMorning };
// Monday 2026-01-05 seen from 2026-01-04T12:00Z to 2026-01-05T12:00Z: covers the local morning in
// every zone from UTC+7 to UTC+9.
const FROM = Z('2026-01-04T12:00:00Z');
const TO = Z('2026-01-05T12:00:00Z');
const shape = (b: Bundle) =>
  resolveTimeline(b, FROM, TO).map((s) => [iso(s.start), iso(s.end), s.scheduleId === DAYPART ? 'morning' : s.reason]);

describe("recurrence in the device's zone", () => {
  it('reads a schedule without its own zone in the bundle zone: Tokyo mornings start two hours earlier in UTC', () => {
    expect(shape(bundle([morning, fallback]))).toEqual([
      ['2026-01-04T12:00:00.000Z', '2026-01-05T00:00:00.000Z', 'fallback'],
      ['2026-01-05T00:00:00.000Z', '2026-01-05T04:30:00.000Z', 'morning'],
      ['2026-01-05T04:30:00.000Z', '2026-01-05T12:00:00.000Z', 'fallback'],
    ]);
    expect(shape(bundle([morning, fallback], 'Asia/Tokyo'))).toEqual([
      ['2026-01-04T12:00:00.000Z', '2026-01-04T22:00:00.000Z', 'fallback'],
      ['2026-01-04T22:00:00.000Z', '2026-01-05T02:30:00.000Z', 'morning'],
      ['2026-01-05T02:30:00.000Z', '2026-01-05T12:00:00.000Z', 'fallback'],
    ]);
  });

  it('gives the same answer as the default zone in a zone with the same offset (Asia/Bangkok)', () => {
    const b = [morning, fallback];
    expect(resolveTimeline(bundle(b, 'Asia/Bangkok'), FROM, TO)).toEqual(resolveTimeline(bundle(b), FROM, TO));
  });

  it('keeps the zone a schedule names itself, whatever the device zone', () => {
    const pinned = { ...morning, id: PINNED, playlistId: id(12), priority: 20, timeZone: 'Asia/Ho_Chi_Minh' };
    const segs = resolveTimeline(bundle([pinned, morning, fallback], 'Asia/Tokyo'), FROM, TO);
    expect(segs.map((s) => [iso(s.start), iso(s.end), s.scheduleId])).toEqual([
      ['2026-01-04T12:00:00.000Z', '2026-01-04T22:00:00.000Z', FALLBACK],
      // 07:00 Tokyo: the device-zone morning; 07:00 Vietnam (two hours later) the pinned one wins.
      ['2026-01-04T22:00:00.000Z', '2026-01-05T00:00:00.000Z', DAYPART],
      ['2026-01-05T00:00:00.000Z', '2026-01-05T04:30:00.000Z', PINNED],
      ['2026-01-05T04:30:00.000Z', '2026-01-05T12:00:00.000Z', FALLBACK],
    ]);
  });

  it('reads exceptions (local dates) in the device zone too', () => {
    // 2026-01-05 in Tokyo is 2026-01-04T15:00Z to 2026-01-05T15:00Z: the whole morning is cut.
    const off = { ...morning, exceptions: ['2026-01-05'] };
    expect(shape(bundle([off, fallback], 'Asia/Tokyo'))).toEqual([
      ['2026-01-04T12:00:00.000Z', '2026-01-05T12:00:00.000Z', 'fallback'],
    ]);
    // Tuesday's morning still plays, from 07:00 Tokyo.
    const tuesday = resolveTimeline(bundle([off, fallback], 'Asia/Tokyo'), Z('2026-01-05T21:00:00Z'), TO + 86_400_000);
    expect(tuesday.find((s) => s.scheduleId === DAYPART)?.start).toBe(Z('2026-01-05T22:00:00Z'));
  });

  it('itemAt follows the same zone as the timeline, to the millisecond', () => {
    const b = bundle([morning, fallback], 'Asia/Tokyo');
    expect(itemAt(b, Z('2026-01-04T21:59:59.999Z'))!.schedule.id).toBe(FALLBACK);
    expect(itemAt(b, Z('2026-01-04T22:00:00.000Z'))!.schedule.id).toBe(DAYPART);
    expect(itemAt(b, Z('2026-01-05T02:29:59.999Z'))!.schedule.id).toBe(DAYPART);
    expect(itemAt(b, Z('2026-01-05T02:30:00.000Z'))!.schedule.id).toBe(FALLBACK);
  });

  it('refuses a bundle whose zone is not a real IANA zone, naming the field', () => {
    const r = BundleSchema.safeParse({ ...bundle([morning]), timeZone: 'Asia/Ha_Noi' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['timeZone']);
  });
});
