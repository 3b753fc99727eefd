import { useMemo, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import {
  formatLocalDay,
  isoWeekdayOfDay,
  localDayOf,
  localTimeToUtc,
  parseLocalDate,
  parseLocalTime,
  TIMEZONE,
} from '@bangtin/shared';
import { useI18n } from '../i18n/i18n';
import { api, type CampaignView, type TimelineView } from '../api/client';
import { useDevices, usePlaylists, useSchedules } from '../api/queries';
import { errorText } from '../api/errors';
import {
  campaignMinutesByDay,
  clock,
  daysWindow,
  findConflicts,
  mergeBlocks,
  mondayOf,
  monthGrid,
  segmentAt,
  splitByDay,
  type Block,
  type Segment,
} from './occurrences';
import { DateInput } from '../components/date-input';
import { formatDmy } from '../i18n/dates';
import { scheduleColour, weekdayShort } from './colours';

const MAX_DAYS_PER_CALL = 31;
const NEUTRAL = '#6b7785';

/** The timeline endpoint takes at most 31 days: a 6-week month grid is fetched in two calls. */
async function fetchSegments(deviceId: string, firstDay: number, lastDay: number): Promise<Segment[]> {
  const calls: Promise<TimelineView>[] = [];
  for (let d = firstDay; d <= lastDay; d += MAX_DAYS_PER_CALL) {
    const w = daysWindow(d, Math.min(lastDay, d + MAX_DAYS_PER_CALL - 1));
    calls.push(api.timeline(deviceId, new Date(w.from).toISOString(), new Date(w.to).toISOString()));
  }
  return (await Promise.all(calls)).flatMap((tl) =>
    tl.segments.map((s) => ({ ...s, start: Date.parse(s.start), end: Date.parse(s.end) })),
  );
}

const today = () => localDayOf(TIMEZONE, Date.now());

export function CalendarView({ campaigns }: { campaigns: readonly CampaignView[] }) {
  const { t, locale } = useI18n();
  const devices = useDevices();
  const schedules = useSchedules();
  const playlists = usePlaylists();
  const [deviceId, setDeviceId] = useState('');
  const [mode, setMode] = useState<'week' | 'month'>('week');
  const [anchor, setAnchor] = useState(today);
  const live = (devices.data ?? []).filter((d) => !d.revokedAt);
  const device = deviceId || live[0]?.id || '';

  const days = useMemo(
    () => (mode === 'week' ? Array.from({ length: 7 }, (_, i) => mondayOf(anchor) + i) : monthGrid(anchor)),
    [mode, anchor],
  );
  const first = days[0]!;
  const last = days.at(-1)!;
  const timeline = useQuery({
    queryKey: ['timeline', device, first, last],
    queryFn: () => fetchSegments(device, first, last),
    enabled: device !== '',
    // Other staff change schedules too; a calendar left open catches up on its own.
    refetchInterval: 30_000,
  });

  const byId = useMemo(() => new Map(campaigns.map((c) => [c.id, c])), [campaigns]);
  const playlistName = useMemo(() => new Map((playlists.data ?? []).map((p) => [p.id, p.name])), [playlists.data]);
  const schedulePlaylist = useMemo(
    () => new Map((schedules.data ?? []).map((s) => [s.id, s.playlistId])),
    [schedules.data],
  );
  const scheduleCampaign = useMemo(
    () => new Map((schedules.data ?? []).map((s) => [s.id, s.campaignId ?? null])),
    [schedules.data],
  );
  const segments = useMemo(() => timeline.data ?? [], [timeline.data]);
  const pieces = useMemo(() => splitByDay(mergeBlocks(segments)), [segments]);
  const conflicts = useMemo(() => findConflicts(segments), [segments]);
  // Minutes per campaign from the unmerged segments: a shared block counts for each campaign in it.
  const perDay = useMemo(() => campaignMinutesByDay(splitByDay(segments)), [segments]);

  const colourOf = (s: Segment) =>
    s.reason === 'interrupt'
      ? '#111'
      : s.campaignId
        ? (byId.get(s.campaignId)?.colour ?? NEUTRAL)
        : scheduleColour(s.scheduleId);
  const labelOf = (s: Segment) => {
    if (s.reason === 'interrupt') return t('calendar.urgent');
    const pl = playlistName.get(schedulePlaylist.get(s.scheduleId) ?? s.playlistId) ?? s.playlistId;
    const c = s.campaignId ? byId.get(s.campaignId)?.name : null;
    return c ? `${c}: ${pl}` : pl;
  };
  /** A block of shared airtime names every schedule in it. */
  const blockLabel = (b: Block) =>
    b.scheduleIds.length > 1
      ? b.scheduleIds
          .map((id) => labelOf({ ...b, scheduleId: id, campaignId: scheduleCampaign.get(id) ?? b.campaignId }))
          .join(' / ')
      : labelOf(b);
  const dayLabel = (day: number) =>
    `${weekdayShort(locale, isoWeekdayOfDay(day))} ${formatDmy(formatLocalDay(day)).slice(0, 5)}`;
  const step = (dir: 1 | -1) =>
    setAnchor((a) => {
      if (mode === 'week') return a + dir * 7;
      const d = new Date(a * 86_400_000);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + dir, 1) / 86_400_000;
    });

  return (
    <div className="card calendar" aria-labelledby="cal-title">
      <h2 id="cal-title">{t('calendar.title')}</h2>
      <div className="row">
        <div className="field">
          <label htmlFor="cal-device">{t('calendar.device')}</label>
          <select id="cal-device" value={device} onChange={(e) => setDeviceId(e.target.value)}>
            {live.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field" role="group" aria-label={t('calendar.view')}>
          <span className="label">{t('calendar.view')}</span>
          <div className="row">
            <button type="button" aria-pressed={mode === 'week'} onClick={() => setMode('week')}>
              {t('calendar.week')}
            </button>
            <button type="button" aria-pressed={mode === 'month'} onClick={() => setMode('month')}>
              {t('calendar.month')}
            </button>
            <button type="button" onClick={() => step(-1)} aria-label={t('calendar.prev')}>
              ‹
            </button>
            <button type="button" onClick={() => setAnchor(today())}>
              {t('calendar.today')}
            </button>
            <button type="button" onClick={() => step(1)} aria-label={t('calendar.next')}>
              ›
            </button>
          </div>
        </div>
      </div>
      <p className="summary">
        {formatDmy(formatLocalDay(first))} – {formatDmy(formatLocalDay(last))}
        {timeline.isFetching ? ` · ${t('common.loading')}` : ''}
      </p>
      {!device ? <p className="hint">{t('calendar.noDevice')}</p> : null}
      {timeline.error ? <p className="error">{errorText(t, timeline.error)}</p> : null}

      {mode === 'week' ? (
        <div className="week" data-testid="week-view">
          <div className="week-hours" aria-hidden="true">
            {[0, 3, 6, 9, 12, 15, 18, 21].map((h) => (
              <span key={h} style={{ top: `${(h / 24) * 100}%` }}>
                {clock(h * 60)}
              </span>
            ))}
          </div>
          {days.map((day) => (
            <div key={day} className={`week-day${day === today() ? ' is-today' : ''}`}>
              <div className="week-day-head">{dayLabel(day)}</div>
              <ul className="week-day-body" aria-label={formatLocalDay(day)}>
                {pieces
                  .filter((p) => p.day === day)
                  .map((p, i) => {
                    const s = p.segment;
                    const conflict = s.reason === 'share';
                    const label = `${clock(p.fromMin)}–${clock(p.toMin)} ${blockLabel(s)}${conflict ? ` (${t('calendar.conflict')})` : ''}`;
                    return (
                      <li
                        key={i}
                        className={`seg seg-${s.reason}${conflict ? ' conflict' : ''}`}
                        data-campaign={s.campaignId ? (byId.get(s.campaignId)?.name ?? s.campaignId) : ''}
                        title={label}
                        style={{
                          top: `${(p.fromMin / 1440) * 100}%`,
                          height: `${Math.max(((p.toMin - p.fromMin) / 1440) * 100, 0.4)}%`,
                          background: colourOf(s),
                        }}
                      >
                        <span className="seg-label">{label}</span>
                      </li>
                    );
                  })}
              </ul>
            </div>
          ))}
        </div>
      ) : (
        <div className="month" data-testid="month-view">
          {days.slice(0, 7).map((d) => (
            <div key={`h${d}`} className="month-head">
              {weekdayShort(locale, isoWeekdayOfDay(d))}
            </div>
          ))}
          {days.map((day) => {
            const mins = perDay.get(day);
            const inMonth = new Date(day * 86_400_000).getUTCMonth() === new Date(anchor * 86_400_000).getUTCMonth();
            return (
              <div
                key={day}
                className={`month-day${inMonth ? '' : ' other-month'}${day === today() ? ' is-today' : ''}`}
                data-weekday={isoWeekdayOfDay(day)}
              >
                <div className="month-date">{new Date(day * 86_400_000).getUTCDate()}</div>
                <ul>
                  {[...(mins ?? new Map<string | null, number>())]
                    .sort((a, b) => (byId.get(b[0] ?? '')?.priority ?? -1) - (byId.get(a[0] ?? '')?.priority ?? -1))
                    .map(([cid, m]) => {
                      const c = cid ? byId.get(cid) : undefined;
                      return (
                        <li
                          key={cid ?? 'none'}
                          data-campaign={c?.name ?? ''}
                          style={{ borderLeftColor: c?.colour ?? NEUTRAL }}
                        >
                          {c ? c.name : t('calendar.other')} · {Math.round(m / 60)} h
                        </li>
                      );
                    })}
                </ul>
              </div>
            );
          })}
        </div>
      )}

      <h3>{t('calendar.conflicts')}</h3>
      {conflicts.length === 0 ? (
        <p className="hint">{t('calendar.noConflicts')}</p>
      ) : (
        <ul className="conflicts">
          {conflicts.slice(0, 20).map((c) => (
            <li key={c.start} className="error">
              {new Date(c.start).toLocaleString(locale === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: TIMEZONE })} –{' '}
              {new Date(c.end).toLocaleString(locale === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: TIMEZONE })}:{' '}
              {c.scheduleIds
                .map((id) =>
                  labelOf({
                    start: c.start,
                    end: c.end,
                    scheduleId: id,
                    playlistId: schedulePlaylist.get(id) ?? id,
                    campaignId: scheduleCampaign.get(id) ?? null,
                    reason: 'share',
                  }),
                )
                .join(' / ')}
            </li>
          ))}
        </ul>
      )}
      {device ? <WhatAt deviceId={device} labelOf={labelOf} /> : null}
    </div>
  );
}

/** "What will this device show at time T": one minute of its timeline, from the same engine the player runs. */
function WhatAt({ deviceId, labelOf }: { deviceId: string; labelOf(s: Segment): string }) {
  const { t } = useI18n();
  const [date, setDate] = useState(() => formatLocalDay(today()));
  const [time, setTime] = useState('08:00');
  const [answer, setAnswer] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const ask = async (e: FormEvent) => {
    e.preventDefault();
    const day = parseLocalDate(date);
    const min = parseLocalTime(time);
    if (day === null || min === null) {
      setError(t('calendar.at.bad'));
      return;
    }
    setError(null);
    const at = localTimeToUtc(TIMEZONE, day, min);
    try {
      const tl = await api.timeline(deviceId, new Date(at).toISOString(), new Date(at + 60_000).toISOString());
      const segs = tl.segments.map((s) => ({ ...s, start: Date.parse(s.start), end: Date.parse(s.end) }));
      const s = segmentAt(segs, at);
      setAnswer(s ? `${labelOf(s)} (${t(`calendar.reason.${s.reason}`)})` : t('calendar.at.nothing'));
    } catch (err) {
      setAnswer(null);
      setError(errorText(t, err));
    }
  };

  return (
    <form className="what-at" onSubmit={(e) => void ask(e)} aria-labelledby="what-at-title">
      <h3 id="what-at-title">{t('calendar.at.title')}</h3>
      <div className="row">
        <div className="field">
          <label htmlFor="what-at-date">{t('calendar.at.date')}</label>
          <DateInput id="what-at-date" value={date} onChange={setDate} />
        </div>
        <div className="field">
          <label htmlFor="what-at-time">{t('calendar.at.time')}</label>
          <DateInput id="what-at-time" kind="time" value={time} onChange={setTime} />
        </div>
        <button type="submit">{t('calendar.at.ask')}</button>
      </div>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      <output className="notice" aria-live="polite" data-testid="what-at-answer">
        {answer}
      </output>
    </form>
  );
}
