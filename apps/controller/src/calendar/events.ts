import {
  type Bundle,
  type BundleSchedule,
  describeRecurrence,
  formatLocalDay,
  type HolidayList,
  isoWeekdayOfDay,
  localDayOf,
  parseLocalDate,
  parseLocalTime,
  resolveTimeline,
  TIMEZONE,
  type TimelineSegment,
} from '@bangtin/shared';
import { formatLocal, formatUtc, HO_CHI_MINH, type IcalEvent } from './ical';

const BYDAY = ['', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
const REASON_VI: Record<TimelineSegment['reason'], string> = {
  interrupt: 'Thông báo khẩn',
  priority: 'Ưu tiên cao nhất',
  share: 'Chia sẻ thời lượng',
  fallback: 'Danh sách mặc định',
};

export interface Names {
  playlist(id: string): string;
  campaign(id: string | null): string | null;
}

/**
 * One schedule as calendar events: a weekly daypart in Asia/Ho_Chi_Minh becomes one VEVENT with an
 * RRULE (and EXDATEs for its exceptions and holidays) per daypart; anything else (cron, other zones,
 * always-on) is expanded with the shared engine into plain UTC events between `from` and `to`.
 */
export function scheduleEvents(
  s: BundleSchedule,
  holidayLists: HolidayList[],
  names: Names,
  from: number,
  to: number,
): IcalEvent[] {
  const title = names.playlist(s.playlistId);
  const campaign = names.campaign(s.campaignId ?? null);
  const summary = campaign ? `${campaign}: ${title}` : title;
  const description = [
    describeRecurrence(s.recurrence),
    `Mức ưu tiên ${s.priority}${s.weight && s.weight !== 1 ? `, trọng số ${s.weight}` : ''}`,
  ].join('\n');
  const rec = s.recurrence;
  const tz = s.timeZone ?? TIMEZONE;
  if (rec?.kind === 'weekly' && tz === HO_CHI_MINH.tzid) {
    const startDay = localDayOf(tz, Math.max(s.startsAt ?? from, from));
    const exceptions = new Set([
      ...(s.exceptions ?? []),
      ...holidayLists.filter((h) => (s.holidayListIds ?? []).includes(h.id)).flatMap((h) => h.dates),
    ]);
    const days = [...rec.days].sort((a, b) => a - b);
    return rec.dayparts.map((p, k) => {
      const a = parseLocalTime(p.start)!;
      const b0 = parseLocalTime(p.end)!;
      const b = b0 > a ? b0 : b0 + 1440;
      let first = startDay;
      while (!days.includes(isoWeekdayOfDay(first))) first++;
      const firstDate = formatLocalDay(first);
      const rrule = [`FREQ=WEEKLY`, `BYDAY=${days.map((d) => BYDAY[d]).join(',')}`];
      // UNTIL is inclusive and in UTC when DTSTART has a TZID: the last instant before the window ends.
      if (s.endsAt !== null) rrule.push(`UNTIL=${formatUtc(s.endsAt - 1000)}`);
      const exdates = [...exceptions]
        .filter((d) => {
          const day = parseLocalDate(d);
          return day !== null && day >= first && days.includes(isoWeekdayOfDay(day));
        })
        .sort()
        .map((d) => formatLocal(d, a));
      return {
        uid: `${s.id}-${k}@bangtin`,
        summary,
        description,
        start: { local: formatLocal(firstDate, a), tzid: tz },
        end: { local: formatLocal(firstDate, b), tzid: tz },
        rrule: rrule.join(';'),
        exdates,
        categories: campaign ? [campaign] : [],
      };
    });
  }
  // Expand with the engine on a bundle of this one schedule: exactly its active windows.
  const dummy = '00000000-0000-4000-8000-000000000000';
  const bundle: Bundle = {
    protocol: 1,
    version: 0,
    hash: '0'.repeat(64),
    generatedAt: from,
    content: [{ id: dummy, type: 'slogan', text: '-', title: null }],
    playlists: [{ id: s.playlistId, name: title, items: [{ contentId: dummy, durationMs: 3_600_000 }] }],
    schedules: [s],
    holidayLists,
  };
  return resolveTimeline(bundle, Math.max(from, s.startsAt ?? from), Math.min(to, s.endsAt ?? to)).map((seg) => ({
    uid: `${s.id}-${seg.start}@bangtin`,
    summary,
    description,
    start: { utc: seg.start },
    end: { utc: seg.end },
    categories: campaign ? [campaign] : [],
  }));
}

/**
 * What a device will play, as events: the resolved timeline of its own bundle, with the item-by-item
 * turns of schedules sharing airtime merged into one event naming them all.
 */
export function deviceEvents(deviceId: string, bundle: Bundle, names: Names, from: number, to: number): IcalEvent[] {
  const segs = resolveTimeline(bundle, from, to);
  const out: IcalEvent[] = [];
  let cur: {
    start: number;
    end: number;
    reason: TimelineSegment['reason'];
    titles: string[];
    campaign: string | null;
  } | null = null;
  const title = (seg: TimelineSegment) =>
    seg.reason === 'interrupt'
      ? (bundle.interrupts?.find((m) => m.id === seg.scheduleId)?.text ?? 'Thông báo khẩn')
      : names.playlist(seg.playlistId);
  const flush = () => {
    if (!cur) return;
    out.push({
      uid: `${deviceId}-${cur.start}@bangtin`,
      summary: cur.reason === 'interrupt' ? `KHẨN: ${cur.titles[0]}` : cur.titles.join(' + '),
      description: [REASON_VI[cur.reason], cur.campaign ? `Chiến dịch: ${cur.campaign}` : '']
        .filter(Boolean)
        .join('\n'),
      start: { utc: cur.start },
      end: { utc: cur.end },
      categories: cur.campaign ? [cur.campaign] : [],
    });
  };
  for (const seg of segs) {
    const t = title(seg);
    if (cur && seg.reason === 'share' && cur.reason === 'share' && cur.end === seg.start) {
      cur.end = seg.end;
      if (!cur.titles.includes(t)) cur.titles.push(t);
      continue;
    }
    flush();
    cur = { start: seg.start, end: seg.end, reason: seg.reason, titles: [t], campaign: names.campaign(seg.campaignId) };
  }
  flush();
  return out;
}
