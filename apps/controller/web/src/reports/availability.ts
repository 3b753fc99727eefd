import { addDays, localDayStart } from '../i18n/format';

/** `GET /reports/availability`: per device, seconds online and offline per local day, and the gaps. */
export interface AvailabilityReport {
  from: string;
  to: string;
  timeZone: string;
  generatedAt: string;
  devices: DeviceAvailabilityView[];
}
export interface DeviceAvailabilityView {
  deviceId: string;
  name: string;
  groupId: string | null;
  observed: { from: string; to: string } | null;
  observedSeconds: number;
  onlineSeconds: number;
  offlineSeconds: number;
  days: { date: string; observedSeconds: number; onlineSeconds: number; offlineSeconds: number }[];
  offline: OfflineGap[];
}
export interface OfflineGap {
  from: string;
  to: string;
  seconds: number;
  ongoing: boolean;
}

/** Query string for the report: one device, or a group's devices, or everything the user sees. */
export function availabilityQuery(f: { from: string; to: string; deviceId: string; groupId: string }): string {
  const q = new URLSearchParams({ from: f.from, to: f.to });
  if (f.deviceId) q.set('deviceId', f.deviceId);
  else if (f.groupId) q.set('groupId', f.groupId);
  return q.toString();
}

export interface AvailabilityTotals {
  devices: number;
  gaps: number;
  /** Share of observed time online, 0–1; 1 when nothing was observed. */
  onlineShare: number;
  /** Offline minutes per local day, summed over devices, in the report's day order. */
  offlineMinutesByDay: { date: string; minutes: number }[];
}

export function availabilityTotals(r: AvailabilityReport): AvailabilityTotals {
  const byDay = new Map<string, number>();
  let observed = 0;
  let online = 0;
  let gaps = 0;
  for (const d of r.devices) {
    observed += d.observedSeconds;
    online += d.onlineSeconds;
    gaps += d.offline.length;
    for (const day of d.days) byDay.set(day.date, (byDay.get(day.date) ?? 0) + day.offlineSeconds);
  }
  const days: string[] = [];
  for (let d = r.from; d <= r.to; d = addDays(d, 1)) days.push(d);
  return {
    devices: r.devices.length,
    gaps,
    onlineShare: observed > 0 ? online / observed : 1,
    offlineMinutesByDay: days.map((date) => ({ date, minutes: Math.round(((byDay.get(date) ?? 0) / 60) * 10) / 10 })),
  };
}

/** Where a span sits on a timeline of the report's days, as fractions 0–1 of its width. */
export function timelineSpan(
  r: { from: string; to: string },
  fromIso: string,
  toIso: string,
): { x: number; w: number } {
  const start = localDayStart(r.from);
  const end = localDayStart(addDays(r.to, 1));
  const a = Math.max(start, Math.min(end, Date.parse(fromIso)));
  const b = Math.max(start, Math.min(end, Date.parse(toIso)));
  return { x: (a - start) / (end - start), w: Math.max(0, b - a) / (end - start) };
}

/** The parts of the gaps that fall on local day `date`, as [from, to] instants. */
export function gapsOnDay(gaps: readonly OfflineGap[], date: string): [number, number][] {
  const start = localDayStart(date);
  const end = localDayStart(addDays(date, 1));
  const out: [number, number][] = [];
  for (const g of gaps) {
    const a = Math.max(start, Date.parse(g.from));
    const b = Math.min(end, Date.parse(g.to));
    if (b > a) out.push([a, b]);
  }
  return out;
}

const cell = (v: string | number) => {
  const s = String(v);
  // Quote when needed, and defuse spreadsheet formulas (a name starting with = + - @).
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/**
 * The report as CSV for Excel (UTF-8 with BOM): one line per device and day with minutes online and
 * offline (dot decimals) and that day's gaps as local `HH:MM:SS–HH:MM:SS`.
 */
export function availabilityCsv(
  r: AvailabilityReport,
  header: [string, string, string, string, string],
  time: (instant: number) => string,
): string {
  const lines = [header.map(cell).join(',')];
  for (const d of r.devices) {
    for (const day of d.days) {
      if (day.observedSeconds === 0) continue;
      const gaps = gapsOnDay(d.offline, day.date)
        .map(([a, b]) => `${time(a)}–${time(b)}`)
        .join('; ');
      lines.push(
        [d.name, day.date, (day.onlineSeconds / 60).toFixed(2), (day.offlineSeconds / 60).toFixed(2), gaps]
          .map(cell)
          .join(','),
      );
    }
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Hours, minutes and seconds of a duration, largest first, for "1 giờ 5 phút" style labels. */
export function durationParts(seconds: number): { hours: number; minutes: number; seconds: number } {
  const s = Math.max(0, Math.round(seconds));
  return { hours: Math.floor(s / 3600), minutes: Math.floor((s % 3600) / 60), seconds: s % 60 };
}
