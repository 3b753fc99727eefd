import type { DevicePageView, DeviceListItem, DeviceSummary } from '../api/client';

/** What staff filter the dashboard by; every field goes to the controller, none is applied here. */
export interface DashboardFilter {
  /** Part of a device name; the controller ignores case and diacritics. */
  q: string;
  /** A district id, `none` (outside any district), or '' for all. */
  groupId: string;
  status: '' | 'online' | 'stale' | 'offline' | 'revoked';
  alertsOnly: boolean;
}

export const NO_FILTER: DashboardFilter = { q: '', groupId: '', status: '', alertsOnly: false };

/** Rows fetched per request; the virtualised list asks for the pages it shows. */
export const PAGE_SIZE = 100;

/** The filter as query parameters (without the page), in a stable order so it can key a cache. */
export function filterQuery(f: DashboardFilter): string {
  const p = new URLSearchParams();
  const q = f.q.normalize('NFC').trim();
  if (q) p.set('q', q);
  if (f.groupId) p.set('groupId', f.groupId);
  if (f.status) p.set('status', f.status);
  if (f.alertsOnly) p.set('alert', 'any');
  p.set('sort', 'district');
  return p.toString();
}

export const pageQuery = (filter: string, page: number, size = PAGE_SIZE) =>
  `${filter}&limit=${size}&offset=${page * size}`;

/** Page numbers holding rows first..last (inclusive); none for an empty range. */
export function pagesInView(first: number, last: number, size = PAGE_SIZE): number[] {
  if (last < first || first < 0) return [];
  const out: number[] = [];
  for (let p = Math.floor(first / size); p <= Math.floor(last / size); p++) out.push(p);
  return out;
}

/** A page with the rows that changed replaced; the same object when none of its rows did. */
export function patchPage(page: DevicePageView, changed: ReadonlyMap<string, DeviceListItem>): DevicePageView {
  if (!page.items.some((d) => changed.has(d.id))) return page;
  return { ...page, items: page.items.map((d) => changed.get(d.id) ?? d) };
}

/**
 * What in a summary can change which devices a filtered list holds, or in what order: the counts.
 * When it changes, the list's pages are fetched again; the time of the summary alone changes nothing.
 */
export function countsSignature(s: DeviceSummary): string {
  return JSON.stringify([
    s.total,
    s.online,
    s.stale,
    s.offline,
    s.revoked,
    s.alerts,
    s.districts.map((d) => [d.id, d.total, d.online, d.stale, d.offline, d.revoked, d.alerts]),
  ]);
}
