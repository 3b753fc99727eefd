import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import { addDays, formatLocalDate, formatTime } from '../i18n/format';
import { request, saveBlob } from '../api/client';
import { useGroups } from '../api/queries';
import { formError } from '../api/errors';
import { FormError } from '../components/field';
import { GroupOptions } from '../components/group-options';
import { flattenTree } from '../schedules/tree';
import { BarChart } from './airtime-chart';
import { DownloadButtons } from './downloads';
import { fileName } from './evidence';
import {
  type AvailabilityReport as Report,
  availabilityCsv,
  availabilityQuery,
  availabilityTotals,
  type DeviceAvailabilityView,
  durationParts,
  timelineSpan,
} from './availability';

export interface AvailabilityFilter {
  deviceId: string;
  groupId: string;
  from: string;
  to: string;
}

/** The report query; the screen shows its parameter errors beside its own date fields. */
export function useAvailability(f: AvailabilityFilter) {
  return useQuery({
    queryKey: ['availability', f],
    queryFn: () => request<Report>('GET', `/reports/availability?${availabilityQuery(f)}`),
    enabled: Boolean(f.from && f.to),
    refetchInterval: 30_000,
  });
}

/** At most this many rows are drawn on the timeline and in the gap table; the CSV has them all. */
const MAX_ROWS = 60;
const MAX_GAPS = 500;

function useDuration() {
  const { t } = useI18n();
  return (seconds: number) => {
    const p = durationParts(seconds);
    const parts = [
      p.hours ? t('duration.hours', { n: p.hours }) : '',
      p.minutes ? t('duration.minutes', { n: p.minutes }) : '',
      p.seconds || (!p.hours && !p.minutes) ? t('duration.seconds', { n: p.seconds }) : '',
    ];
    return parts.filter(Boolean).join(' ');
  };
}

/**
 * Connection time of the devices and the gaps where each was offline: minutes offline per day, a
 * timeline per device with the gaps in red, the gaps as a table in Vietnam time, and a CSV.
 */
export function AvailabilityReport({
  filter,
  query,
  onGroupChange,
}: {
  filter: AvailabilityFilter;
  query: ReturnType<typeof useAvailability>;
  onGroupChange(groupId: string): void;
}) {
  const { t, locale, dateTime, number } = useI18n();
  const groups = useGroups();
  const tree = useMemo(() => flattenTree(groups.data ?? []), [groups.data]);
  const duration = useDuration();
  const r = query.data;
  const totals = useMemo(() => (r ? availabilityTotals(r) : null), [r]);
  const labels = useMemo(
    () => totals?.offlineMinutesByDay.map((d) => formatLocalDate(locale, d.date)) ?? [],
    [totals, locale],
  );
  const values = useMemo(() => totals?.offlineMinutesByDay.map((d) => d.minutes) ?? [], [totals]);
  // Devices with the most time offline first: those are the ones staff look for.
  const rows = useMemo(
    () => (r ? [...r.devices].sort((a, b) => b.offlineSeconds - a.offlineSeconds).slice(0, MAX_ROWS) : []),
    [r],
  );
  const gaps = useMemo(
    () =>
      (r?.devices ?? [])
        .flatMap((d) => d.offline.map((g) => ({ device: d, gap: g })))
        .sort((a, b) => Date.parse(b.gap.from) - Date.parse(a.gap.from)),
    [r],
  );

  const csv = () => {
    if (!r) return;
    const body = availabilityCsv(
      r,
      [t('avail.col.device'), t('avail.col.day'), t('avail.col.online'), t('avail.col.offline'), t('avail.col.gaps')],
      (ms) => formatTime(locale, ms),
    );
    saveBlob(new Blob([body], { type: 'text/csv;charset=utf-8' }), `bangtin-availability-${r.from}-${r.to}.csv`);
  };

  return (
    <div className="card" aria-labelledby="avail-title" data-testid="availability">
      <h2 id="avail-title">{t('avail.title')}</h2>
      <p className="hint">{t('avail.hint')}</p>
      <div className="row">
        {filter.deviceId ? null : (
          <div className="field">
            <label htmlFor="avail-group">{t('avail.group')}</label>
            <select id="avail-group" value={filter.groupId} onChange={(e) => onGroupChange(e.target.value)}>
              <option value="">{t('avail.allGroups')}</option>
              <GroupOptions tree={tree} />
            </select>
          </div>
        )}
        <button type="button" onClick={csv} disabled={!r || r.devices.length === 0}>
          {t('avail.csv')}
        </button>
        <DownloadButtons
          disabled={!r || r.devices.length === 0}
          items={(['xlsx', 'csv'] as const).map((format) => ({
            label: format === 'xlsx' ? t('avail.xlsx') : t('avail.csvApi'),
            path: `/reports/availability?${availabilityQuery(filter)}&format=${format}`,
            filename: fileName('kha-dung', filter, format),
          }))}
        />
      </div>
      {/* Date errors are shown beside the screen's date fields. */}
      <FormError message={formError(t, query.error, ['from', 'to'])} />
      {query.isLoading ? <p>{t('common.loading')}</p> : null}
      {r && totals ? (
        <>
          <p className="summary" aria-live="polite">
            {t('avail.summary', {
              devices: totals.devices,
              gaps: totals.gaps,
              pct: number(totals.onlineShare * 100, 1),
            })}
          </p>
          {r.devices.length === 0 ? <p>{t('avail.empty')}</p> : null}
          {r.devices.length > 0 ? (
            <>
              <h3>{t('avail.chart')}</h3>
              <BarChart
                labels={labels}
                values={values}
                title={t('avail.chart')}
                yLabel={t('avail.col.offline')}
                colour="#c62828"
              />
              <h3>{t('avail.timeline')}</h3>
              <Timeline report={r} rows={rows} duration={duration} />
            </>
          ) : null}
          <h3>{t('avail.gaps')}</h3>
          {gaps.length === 0 && r.devices.length > 0 ? <p>{t('avail.noGaps')}</p> : null}
          {gaps.length > 0 ? (
            <div className="scroll-x">
              <table data-testid="availability-gaps">
                <thead>
                  <tr>
                    <th scope="col">{t('avail.col.device')}</th>
                    <th scope="col">{t('avail.col.from')}</th>
                    <th scope="col">{t('avail.col.to')}</th>
                    <th scope="col">{t('avail.col.duration')}</th>
                  </tr>
                </thead>
                <tbody>
                  {gaps.slice(0, MAX_GAPS).map(({ device, gap }) => (
                    <tr key={`${device.deviceId}-${gap.from}`}>
                      <td>{device.name}</td>
                      <td>{dateTime(gap.from)}</td>
                      <td>{gap.ongoing ? t('avail.ongoing') : dateTime(gap.to)}</td>
                      <td>{duration(gap.seconds)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

const W = 1000;
const LABEL_W = 180;
const ROW_H = 22;
const HEAD_H = 20;

/**
 * One bar per device across the report's days: grey where it was not tracked (before enrolment, the
 * future), green while connected, red while offline; each gap says its times on hover.
 */
function Timeline({
  report,
  rows,
  duration,
}: {
  report: Report;
  rows: DeviceAvailabilityView[];
  duration: (s: number) => string;
}) {
  const { t, locale, dateTime, number } = useI18n();
  const days: string[] = [];
  for (let d = report.from; d <= report.to; d = addDays(d, 1)) days.push(d);
  const plot = W - LABEL_W;
  const every = Math.max(1, Math.ceil(days.length / 10));
  const h = HEAD_H + rows.length * ROW_H;
  const x = (f: number) => LABEL_W + f * plot;
  return (
    <figure className="availability-timeline">
      <svg
        viewBox={`0 0 ${W} ${h}`}
        width="100%"
        role="img"
        aria-label={t('avail.timeline')}
        style={{ maxWidth: '1100px', font: '11px sans-serif' }}
      >
        {days.map((d, i) => {
          // Vietnam has no daylight saving: every day is the same width.
          const fx = i / days.length;
          return (
            <g key={d}>
              <line x1={x(fx)} x2={x(fx)} y1={HEAD_H - 4} y2={h} stroke="#bbb" strokeWidth={1} />
              {i % every === 0 ? (
                <text x={x(fx) + 3} y={12} fill="#333">
                  {formatLocalDate(locale, d).slice(0, 5)}
                </text>
              ) : null}
            </g>
          );
        })}
        {rows.map((d, i) => {
          const y = HEAD_H + i * ROW_H;
          const seen = d.observed ? timelineSpan(report, d.observed.from, d.observed.to) : null;
          const pct = d.observedSeconds ? (d.onlineSeconds / d.observedSeconds) * 100 : 100;
          return (
            <g
              key={d.deviceId}
              data-device={d.deviceId}
              aria-label={t('avail.rowLabel', { device: d.name, pct: number(pct, 1), gaps: d.offline.length })}
            >
              <text x={4} y={y + 15} fill="#222">
                {d.name.length > 26 ? `${d.name.slice(0, 25)}…` : d.name}
              </text>
              <rect x={LABEL_W} y={y + 4} width={plot} height={ROW_H - 8} fill="#e0e0e0" />
              {seen ? <rect x={x(seen.x)} y={y + 4} width={seen.w * plot} height={ROW_H - 8} fill="#2e7d32" /> : null}
              {d.offline.map((g) => {
                const s = timelineSpan(report, g.from, g.to);
                return (
                  <rect
                    key={g.from}
                    className="gap"
                    x={x(s.x)}
                    y={y + 2}
                    // A gap of seconds in a week is thinner than a pixel: keep it visible.
                    width={Math.max(1.5, s.w * plot)}
                    height={ROW_H - 4}
                    fill="#c62828"
                  >
                    <title>
                      {`${dateTime(g.from)} – ${g.ongoing ? t('avail.ongoing') : dateTime(g.to)} (${duration(g.seconds)})`}
                    </title>
                  </rect>
                );
              })}
            </g>
          );
        })}
      </svg>
      <figcaption className="hint">
        <span style={{ color: '#2e7d32' }}>■</span> {t('avail.legend.online')}{' '}
        <span style={{ color: '#c62828' }}>■</span> {t('avail.legend.offline')}{' '}
        <span style={{ color: '#9e9e9e' }}>■</span> {t('avail.legend.none')}
      </figcaption>
    </figure>
  );
}
