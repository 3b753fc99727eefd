import { describe, expect, it } from 'vitest';
import type { DeviceListItem, DevicePageView, DeviceSummary } from '../api/client';
import { countsSignature, filterQuery, NO_FILTER, pageQuery, pagesInView, patchPage } from './filters';

describe('dashboard filters', () => {
  it('sends every filter to the controller, NFC and trimmed', () => {
    expect(filterQuery(NO_FILTER)).toBe('sort=district');
    const q = filterQuery({ q: ' Đại Lộc '.normalize('NFD'), groupId: 'none', status: 'offline', alertsOnly: true });
    const p = new URLSearchParams(q);
    expect(p.get('q')).toBe('Đại Lộc'.normalize('NFC'));
    expect([p.get('groupId'), p.get('status'), p.get('alert'), p.get('sort')]).toEqual([
      'none',
      'offline',
      'any',
      'district',
    ]);
    expect(pageQuery('sort=district', 3)).toBe('sort=district&limit=100&offset=300');
  });

  it('asks for the pages that hold the rows in view', () => {
    expect(pagesInView(0, 39)).toEqual([0]);
    expect(pagesInView(95, 130)).toEqual([0, 1]);
    expect(pagesInView(9990, 10_000)).toEqual([99, 100]);
    expect(pagesInView(0, -1)).toEqual([]);
  });

  it('patches changed rows into a page and leaves other pages untouched', () => {
    const row = (id: string, online: boolean) => ({ id, online }) as DeviceListItem;
    const page: DevicePageView = {
      items: [row('a', false), row('b', false)],
      total: 2,
      offset: 0,
      limit: 100,
      nextCursor: null,
    };
    const patched = patchPage(page, new Map([['b', row('b', true)]]));
    expect(patched.items.map((d) => d.online)).toEqual([false, true]);
    expect(patchPage(page, new Map([['z', row('z', true)]]))).toBe(page);
  });

  it('tells a change of counts from a new summary time', () => {
    const s = {
      at: '2026-01-05T03:00:00.000Z',
      total: 2,
      online: 1,
      stale: 0,
      offline: 1,
      revoked: 0,
      alerts: 1,
      districts: [{ id: 'd', name: 'Huyện Đại Lộc', total: 2, online: 1, stale: 0, offline: 1, revoked: 0, alerts: 1 }],
      alertCounts: { offline: 1, board: 0, disk: 0, storage: 0 },
      alertItems: [],
    } satisfies DeviceSummary;
    expect(countsSignature({ ...s, at: '2026-01-05T03:00:01.000Z' })).toBe(countsSignature(s));
    expect(countsSignature({ ...s, online: 2, offline: 0 })).not.toBe(countsSignature(s));
  });
});
