import { useEffect, useMemo, useRef, useState } from 'react';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { api, type DeviceListItem } from '../api/client';
import { keys, useContent } from '../api/queries';
import { errorText } from '../api/errors';
import { useI18n } from '../i18n/i18n';
import { canEdit, useUser } from '../session';
import { listStatus } from '../devices/status';
import { type DashboardFilter, filterQuery, NO_FILTER, PAGE_SIZE, pageQuery, pagesInView } from '../dashboard/filters';
import { useDashboardLive } from '../dashboard/live';
import { AlertsPanel, DistrictTiles } from '../dashboard/summary-panels';
import { ScreenshotThumb } from '../dashboard/screenshot-thumb';
import '../dashboard/dashboard.css';

const ROW_PX = 40;
/** While the live link is down the screen polls, as it did before there was one. */
export const POLL_MS = 3000;

/**
 * Devices of the whole province (or an editor's district) with their state, live. The controller
 * filters, sorts and pages (10,000 devices never reach the browser at once); the list is virtualised
 * and fetches only the pages in view; counts and alerts come from the summary endpoint and then the
 * `/admin` socket, with polling while the socket is down.
 */
export function DashboardScreen() {
  const { t, dateTime, number } = useI18n();
  const user = useUser();
  const content = useContent();
  const live = useDashboardLive();
  const poll = live.connected ? false : POLL_MS;
  const [filter, setFilter] = useState<DashboardFilter>(NO_FILTER);
  const [typed, setTyped] = useState('');
  const scroller = useRef<HTMLDivElement>(null);

  // The name search goes to the controller once typing pauses, not on every key.
  useEffect(() => {
    const timer = setTimeout(() => setFilter((f) => (f.q === typed ? f : { ...f, q: typed })), 300);
    return () => clearTimeout(timer);
  }, [typed]);

  const summary = useQuery({ queryKey: keys.deviceSummary, queryFn: api.deviceSummary, refetchInterval: poll });
  const query = filterQuery(filter);
  const first = useQuery({
    queryKey: [...keys.devicePages, query, 0],
    queryFn: () => api.devicePage(pageQuery(query, 0)),
    refetchInterval: poll,
    placeholderData: (prev) => prev,
  });
  const total = first.data?.total ?? 0;

  // Ten thousand devices must scroll smoothly: only the rows in view are in the DOM.
  const virtual = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    overscan: 10,
  });
  const items = virtual.getVirtualItems();
  const pageNumbers = pagesInView(items[0]?.index ?? 0, items.at(-1)?.index ?? -1).filter((p) => p > 0);
  const pages = useQueries({
    queries: pageNumbers.map((p) => ({
      queryKey: [...keys.devicePages, query, p],
      queryFn: () => api.devicePage(pageQuery(query, p)),
      refetchInterval: poll,
    })),
  });
  const rowAt = (index: number): DeviceListItem | undefined => {
    const p = Math.floor(index / PAGE_SIZE);
    const data = p === 0 ? first.data : pages[pageNumbers.indexOf(p)]?.data;
    return data?.items[index - p * PAGE_SIZE];
  };

  const visibleIds = items.map((v) => rowAt(v.index)?.id).filter((id): id is string => id !== undefined);
  const watchKey = visibleIds.join(',');
  const { watch } = live;
  useEffect(() => watch(watchKey ? watchKey.split(',') : []), [watch, watchKey]);

  const titles = useMemo(() => new Map((content.data ?? []).map((c) => [c.id, c.title || c.text])), [content.data]);
  const districtOptions = summary.data?.districts ?? [];
  const s = summary.data;
  const error = first.error ?? summary.error;
  const canShot = canEdit(user);

  return (
    <section aria-labelledby="dash-title" className="dashboard">
      <div className="row spread">
        <h1 id="dash-title">{t('dashboard.title')}</h1>
        <span className={`hint live-state ${live.connected ? 'is-live' : 'is-polling'}`} data-live={live.connected}>
          {live.connected ? t('dashboard.live') : t('dashboard.polling')}
          {s ? ` · ${t('dashboard.refreshed', { time: dateTime(s.at) })}` : ''}
        </span>
      </div>
      {s ? (
        <p className="summary" aria-live="polite">
          {t('dashboard.summary', { online: s.online, stale: s.stale, offline: s.offline, total: s.total })}
        </p>
      ) : null}
      {s ? <AlertsPanel summary={s} /> : null}
      {s && s.districts.length > 0 ? (
        <DistrictTiles
          summary={s}
          selected={filter.groupId}
          onSelect={(groupId) => setFilter((f) => ({ ...f, groupId }))}
        />
      ) : null}
      {error ? <p className="error">{errorText(t, error)}</p> : null}

      <div className="row dashboard-filters">
        <div className="field inline">
          <label htmlFor="dash-filter">{t('dashboard.filter')}</label>
          <input id="dash-filter" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </div>
        <div className="field inline">
          <label htmlFor="dash-district">{t('dashboard.filterDistrict')}</label>
          <select
            id="dash-district"
            value={filter.groupId}
            onChange={(e) => setFilter((f) => ({ ...f, groupId: e.target.value }))}
          >
            <option value="">{t('dashboard.allDistricts')}</option>
            {districtOptions.map((d) => (
              <option key={d.id ?? 'none'} value={d.id ?? 'none'}>
                {d.name ?? t('dashboard.noDistrict')}
              </option>
            ))}
          </select>
        </div>
        <div className="field inline">
          <label htmlFor="dash-status">{t('dashboard.filterStatus')}</label>
          <select
            id="dash-status"
            value={filter.status}
            onChange={(e) => setFilter((f) => ({ ...f, status: e.target.value as DashboardFilter['status'] }))}
          >
            <option value="">{t('dashboard.allStatuses')}</option>
            {(['online', 'stale', 'offline', 'revoked'] as const).map((st) => (
              <option key={st} value={st}>
                {t(`status.${st}`)}
              </option>
            ))}
          </select>
        </div>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={filter.alertsOnly}
            onChange={(e) => setFilter((f) => ({ ...f, alertsOnly: e.target.checked }))}
          />{' '}
          {t('dashboard.alertsOnly')}
        </label>
      </div>

      {first.isLoading ? <p>{t('common.loading')}</p> : null}
      {s && s.total === 0 ? <p>{t('dashboard.empty')}</p> : null}
      {first.data ? (
        <p className="hint" data-testid="dash-shown">
          {t('dashboard.shown', { count: total })}
        </p>
      ) : null}
      <div className="device-grid-head" aria-hidden="true">
        <span>{t('dashboard.col.device')}</span>
        <span>{t('dashboard.col.district')}</span>
        <span>{t('dashboard.col.kind')}</span>
        <span>{t('dashboard.col.status')}</span>
        <span>{t('dashboard.col.boards')}</span>
        <span>{t('dashboard.col.nowPlaying')}</span>
        <span>{t('dashboard.col.lastSeen')}</span>
        <span title={t('dashboard.col.outboxTerm')}>{t('dashboard.col.outbox')}</span>
      </div>
      <div ref={scroller} className="device-scroller" role="list" aria-label={t('dashboard.title')}>
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {items.map((v) => {
            const style = {
              position: 'absolute' as const,
              top: 0,
              left: 0,
              right: 0,
              height: v.size,
              transform: `translateY(${v.start}px)`,
            };
            const d = rowAt(v.index);
            if (!d) {
              return (
                <div key={`loading-${v.index}`} role="listitem" className="device-row loading-row" style={style}>
                  <span className="hint">{t('common.loading')}</span>
                </div>
              );
            }
            const status = listStatus(d);
            const playing = d.nowPlaying ? (titles.get(d.nowPlaying.contentId) ?? d.nowPlaying.contentId) : null;
            const boards = d.outputs.filter((o) => o.kind === 'led');
            const lost = boards.filter((o) => o.state !== 'online').length;
            return (
              <div
                key={d.id}
                role="listitem"
                className={`device-row${d.alerts.length > 0 ? ' has-alerts' : ''}`}
                style={style}
                data-device={d.name}
              >
                <span className="name">
                  {canShot && d.kind !== 'led' && d.screenshotAt ? (
                    <ScreenshotThumb
                      deviceId={d.id}
                      capturedAt={d.screenshotAt}
                      label={t('dashboard.screenshot', { device: d.name })}
                    />
                  ) : null}
                  {d.name}
                </span>
                <span className="district">{d.district?.name ?? t('dashboard.noDistrict')}</span>
                <span>{t(`kind.${d.kind}`)}</span>
                <span>
                  <span className={`status status-${status}`}>{t(`status.${status}`)}</span>
                </span>
                <span className="boards">
                  {boards.length > 0 ? (
                    <span className={lost > 0 ? 'board-lost' : 'board-ok'}>
                      {lost > 0
                        ? t('dashboard.boardsLost', { count: lost })
                        : t('dashboard.boardsOk', { count: boards.length })}
                    </span>
                  ) : null}
                  {d.media && d.media.needed > 0 && d.media.ready < d.media.needed ? (
                    <>
                      {' '}
                      <progress
                        max={Math.max(d.media.bytesNeeded, 1)}
                        value={d.media.bytesReady}
                        aria-label={t('dashboard.cacheLabel', { device: d.name })}
                      />{' '}
                      {t('dashboard.cache', { ready: d.media.ready, needed: d.media.needed })}
                    </>
                  ) : null}
                  {d.alerts.includes('disk') ? <span className="board-lost"> {t('dashboard.diskLow')}</span> : null}
                  {d.alerts.includes('storage') ? (
                    <span className="board-lost"> {t('dashboard.storageTrouble')}</span>
                  ) : null}
                  {d.clock?.warning ? (
                    <span className="board-lost clock-warning">
                      {' '}
                      {d.clock.warning === 'jumped'
                        ? t('dashboard.clockJumped', {
                            jump: clockAmount(t, d.clock.jumpMs ?? 0),
                            amount: clockAmount(t, d.clock.offsetMs ?? 0),
                          })
                        : t('dashboard.clockSkewed', { amount: clockAmount(t, d.clock.offsetMs ?? 0) })}
                    </span>
                  ) : null}
                </span>
                <span className="now-playing" title={playing ?? ''}>
                  {playing ?? t('common.none')}
                </span>
                <span>{d.lastSeenAt ? dateTime(d.lastSeenAt) : t('common.never')}</span>
                <span>{d.outboxSize === null ? t('common.none') : number(d.outboxSize)}</span>
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}

/** `2 giờ`, `8 ngày`, `5 phút`: a clock offset or jump for the warning, rounded to its largest unit. */
function clockAmount(t: ReturnType<typeof useI18n>['t'], ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= 86_400_000) return t('dashboard.unit.days', { n: Math.round(abs / 86_400_000) });
  if (abs >= 3_600_000) return t('dashboard.unit.hours', { n: Math.round(abs / 3_600_000) });
  return t('dashboard.unit.minutes', { n: Math.max(1, Math.round(abs / 60_000)) });
}
