import { useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { DeviceGroup, DeviceView } from '@bangtin/shared';
import { useI18n } from '../i18n/i18n';
import { useContent, useDevices, useGroups } from '../api/queries';
import { errorText } from '../api/errors';
import { ALERT_OFFLINE_MS, byDistrict, deviceStatus, type DeviceStatus } from '../devices/status';

type Row =
  | { kind: 'district'; key: string; name: string; count: number }
  | { kind: 'device'; key: string; device: DeviceView; status: DeviceStatus };

const ROW_PX = 40;

export function DashboardScreen() {
  const { t, dateTime, number } = useI18n();
  const devices = useDevices(true);
  const groups = useGroups();
  const content = useContent();
  const [filter, setFilter] = useState('');
  const scroller = useRef<HTMLDivElement>(null);

  const now = devices.dataUpdatedAt || Date.now();
  const groupMap = useMemo(() => new Map((groups.data ?? []).map((g: DeviceGroup) => [g.id, g])), [groups.data]);
  const titles = useMemo(() => new Map((content.data ?? []).map((c) => [c.id, c.title || c.text])), [content.data]);

  const { rows, counts, alerts } = useMemo(() => {
    const list = devices.data ?? [];
    const q = filter.trim().toLocaleLowerCase('vi');
    const counts = { online: 0, stale: 0, offline: 0, revoked: 0 };
    let alerts = 0;
    const statuses = new Map<string, DeviceStatus>();
    for (const d of list) {
      const s = deviceStatus(d, now);
      statuses.set(d.id, s);
      counts[s]++;
      if (s === 'offline' && (!d.lastSeenAt || now - Date.parse(d.lastSeenAt) > ALERT_OFFLINE_MS)) alerts++;
    }
    const shown = q ? list.filter((d) => d.name.toLocaleLowerCase('vi').includes(q)) : list;
    const rows: Row[] = [];
    for (const b of byDistrict(shown, groupMap)) {
      rows.push({
        kind: 'district',
        key: `g-${b.district?.id ?? 'none'}`,
        name: b.district?.name ?? t('common.noGroup'),
        count: b.devices.length,
      });
      for (const d of b.devices) rows.push({ kind: 'device', key: d.id, device: d, status: statuses.get(d.id)! });
    }
    return { rows, counts, alerts };
  }, [devices.data, filter, groupMap, now, t]);

  // Ten thousand devices must scroll smoothly: only the rows in view are in the DOM.
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    overscan: 10,
  });

  return (
    <section aria-labelledby="dash-title">
      <div className="row spread">
        <h1 id="dash-title">{t('dashboard.title')}</h1>
        {devices.dataUpdatedAt ? (
          <span className="hint">{t('dashboard.refreshed', { time: dateTime(devices.dataUpdatedAt) })}</span>
        ) : null}
      </div>
      <p className="summary" aria-live="polite">
        {t('dashboard.summary', {
          online: counts.online,
          stale: counts.stale,
          offline: counts.offline,
          total: (devices.data ?? []).length,
        })}
      </p>
      {alerts > 0 ? (
        <p className="alert" role="alert">
          {t('dashboard.alertOffline', { count: alerts })}
        </p>
      ) : null}
      {devices.error ? <p className="error">{errorText(t, devices.error)}</p> : null}
      <div className="field inline">
        <label htmlFor="dash-filter">{t('dashboard.filter')}</label>
        <input id="dash-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </div>
      {devices.isLoading ? <p>{t('common.loading')}</p> : null}
      {devices.data && devices.data.length === 0 ? <p>{t('dashboard.empty')}</p> : null}
      <div className="device-grid-head" aria-hidden="true">
        <span>{t('dashboard.col.device')}</span>
        <span>{t('dashboard.col.kind')}</span>
        <span>{t('dashboard.col.status')}</span>
        <span>{t('dashboard.col.nowPlaying')}</span>
        <span>{t('dashboard.col.lastSeen')}</span>
        <span>{t('dashboard.col.outbox')}</span>
      </div>
      <div ref={scroller} className="device-scroller" role="list" aria-label={t('dashboard.title')}>
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((v) => {
            const r = rows[v.index]!;
            const style = {
              position: 'absolute' as const,
              top: 0,
              left: 0,
              right: 0,
              height: v.size,
              transform: `translateY(${v.start}px)`,
            };
            if (r.kind === 'district') {
              return (
                <div key={r.key} role="listitem" className="district-row" style={style}>
                  <strong>{r.name}</strong> <span className="hint">({number(r.count)})</span>
                </div>
              );
            }
            const d = r.device;
            const playing = d.nowPlaying ? (titles.get(d.nowPlaying.contentId) ?? d.nowPlaying.contentId) : null;
            return (
              <div key={r.key} role="listitem" className="device-row" style={style} data-device={d.name}>
                <span className="name">{d.name}</span>
                <span>{t(`kind.${d.kind}`)}</span>
                <span className={`status status-${r.status}`}>{t(`status.${r.status}`)}</span>
                <span className="now-playing" title={playing ?? ''}>
                  {playing ?? t('common.none')}
                </span>
                <span>{d.lastSeenAt ? dateTime(d.lastSeenAt) : t('common.never')}</span>
                <span>{d.outboxSize ?? t('common.none')}</span>
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
