import type { DeviceSummary } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { alertText } from './alerts';

/** One tile per district: online of total, alerts; choosing one filters the list on the controller. */
export function DistrictTiles({
  summary,
  selected,
  onSelect,
}: {
  summary: DeviceSummary;
  selected: string;
  onSelect(groupId: string): void;
}) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="dash-districts" className="district-tiles-wrap">
      <h2 id="dash-districts" className="visually-hidden">
        {t('dashboard.districts')}
      </h2>
      <ul className="district-tiles">
        {summary.districts.map((d) => {
          const id = d.id ?? 'none';
          const active = selected === id;
          return (
            <li key={id}>
              <button
                type="button"
                className={`district-tile${active ? ' active' : ''}${d.alerts > 0 ? ' has-alerts' : ''}`}
                aria-pressed={active}
                data-district={d.name ?? ''}
                onClick={() => onSelect(active ? '' : id)}
              >
                <strong>{d.name ?? t('dashboard.noDistrict')}</strong>
                <span>{t('dashboard.tile', { online: d.online, total: d.total })}</span>
                {d.alerts > 0 ? (
                  <span className="tile-alerts">{t('dashboard.tileAlerts', { count: d.alerts })}</span>
                ) : null}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** The alerts in Vietnamese sentences: boards and disks first, then devices offline too long. */
export function AlertsPanel({ summary }: { summary: DeviceSummary }) {
  const { t, dateTime, number } = useI18n();
  if (summary.alerts === 0) return null;
  const total =
    summary.alertCounts.offline + summary.alertCounts.board + summary.alertCounts.disk + summary.alertCounts.storage;
  const shown = summary.alertItems.slice(0, 8);
  return (
    <section className="alert dashboard-alerts" role="alert" aria-labelledby="dash-alerts">
      <h2 id="dash-alerts">
        {t('dashboard.alerts')}: {t('dashboard.alertCounts', summary.alertCounts)}
      </h2>
      <ul>
        {shown.map((a) => (
          <li key={`${a.kind}-${a.deviceId}-${a.detail ?? ''}`} className={`alert-${a.kind}`} data-alert={a.kind}>
            {alertText(a, t, { dateTime, number })}
          </li>
        ))}
      </ul>
      {total > shown.length ? (
        <p className="hint">{t('dashboard.alertsMore', { count: total - shown.length })}</p>
      ) : null}
    </section>
  );
}
