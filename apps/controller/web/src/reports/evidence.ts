import type { DeviceGroup } from '@bangtin/shared';
import { addDays } from '../i18n/format';

/**
 * The evidence reports' three choices and the API queries they make (GET /reports/airtime,
 * /reports/compliance, /proofs/verify). Pure, so the queries and the day axis are unit-tested.
 */
export interface EvidenceFilter {
  /** A campaign id, `none` (plays outside campaigns) or '' (all). */
  campaignId: string;
  /** A district id, or '' for every district the user may see. */
  groupId: string;
  /** Vietnam local dates, both inclusive. */
  from: string;
  to: string;
}

export type Format = 'json' | 'csv' | 'xlsx';

/** One row of `GET /reports/airtime`. */
export interface AirtimeRowView {
  key: string | null;
  name: string;
  plays: number;
  airtimeSeconds: number;
  districtId?: string;
  districtName?: string;
}
export interface AirtimeAnswer {
  from: string;
  to: string;
  groupBy: string;
  generatedAt: string;
  rows: AirtimeRowView[];
  total: { plays: number; airtimeSeconds: number };
}

export type Level = 'green' | 'amber' | 'red';
export interface ComplianceRowView {
  groupId: string | null;
  groupName: string | null;
  deviceId?: string;
  deviceName?: string;
  devices: number;
  plannedSeconds: number;
  deliveredSeconds: number;
  percent: number | null;
  shortfallSeconds: number;
  causes: { offline: number; boardError: number; preempted: number; unexplained: number };
  level: Level | null;
}
export interface ComplianceAnswer {
  campaignId: string;
  campaignName: string;
  thresholds: { green: number; amber: number };
  rows: ComplianceRowView[];
}
export const CAUSES = ['offline', 'boardError', 'preempted', 'unexplained'] as const;

export interface VerifyAnswer {
  ok: boolean;
  checked: number;
  unchained: number;
  breaks: { seq: number; kind: 'missing' | 'hash-mismatch' | 'seq-reused'; at: string; deviceId: string }[];
}

/** The airtime table: per district for the whole province, per device once a district is chosen. */
export const tableGroupBy = (f: EvidenceFilter): 'district' | 'device' => (f.groupId ? 'device' : 'district');

export function airtimeQuery(
  f: EvidenceFilter,
  groupBy: 'day' | 'district' | 'device' | 'campaign',
  format: Format = 'json',
): string {
  const q = new URLSearchParams({ from: f.from, to: f.to, groupBy });
  if (f.campaignId) q.set('campaignId', f.campaignId);
  if (f.groupId) q.set('groupId', f.groupId);
  if (format !== 'json') q.set('format', format);
  return `/reports/airtime?${q.toString()}`;
}

/** Compliance needs one campaign; `groupId` narrows to a district (the drill-down asks per device). */
export function complianceQuery(
  f: EvidenceFilter,
  groupBy: 'district' | 'device',
  format: Format = 'json',
  groupId = f.groupId,
): string | null {
  if (!f.campaignId || f.campaignId === 'none') return null;
  const q = new URLSearchParams({ campaignId: f.campaignId, from: f.from, to: f.to, groupBy });
  if (groupId) q.set('groupId', groupId);
  if (format !== 'json') q.set('format', format);
  return `/reports/compliance?${q.toString()}`;
}

export function verifyQuery(
  range: { from: string; to: string },
  only: { groupId?: string; deviceId?: string } = {},
): string {
  const q = new URLSearchParams({ from: range.from, to: range.to });
  if (only.deviceId) q.set('deviceId', only.deviceId);
  else if (only.groupId) q.set('groupId', only.groupId);
  return `/proofs/verify?${q.toString()}`;
}

/** Seconds as minutes with one decimal, as the tables and the spreadsheets show them. */
export const minutesOf = (seconds: number): number => Math.round(seconds / 6) / 10;

/** Every local day of the range with its minutes: quiet days are bars of zero, not gaps. */
export function dayAxis(
  range: { from: string; to: string },
  rows: readonly AirtimeRowView[],
): { day: string; minutes: number }[] {
  const byDay = new Map(rows.map((r) => [r.key ?? '', r.airtimeSeconds]));
  const out: { day: string; minutes: number }[] = [];
  for (let d = range.from; d <= range.to && out.length < 400; d = addDays(d, 1))
    out.push({ day: d, minutes: minutesOf(byDay.get(d) ?? 0) });
  return out;
}

/**
 * The districts the district choice offers: the user's visible groups of kind district (the API
 * already leaves other districts out for an editor). An editor placed on an office gets that office.
 */
export function districtChoices(groups: readonly DeviceGroup[]): DeviceGroup[] {
  const districts = groups.filter((g) => g.kind === 'district');
  const list = districts.length > 0 ? districts : groups.filter((g) => !groups.some((p) => p.id === g.parentId));
  return [...list].sort((a, b) => a.name.localeCompare(b.name, 'vi'));
}

/** The file name of a download: ASCII, the report and its dates. */
export const fileName = (report: string, f: { from: string; to: string }, ext: 'csv' | 'xlsx') =>
  `bangtin-${report}-${f.from}-${f.to}.${ext}`;
