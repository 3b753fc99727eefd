import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import { formatLocalDate } from '../i18n/format';
import { api, saveBlob, type CampaignView } from '../api/client';
import { useDevices, useGroups } from '../api/queries';
import { errorText } from '../api/errors';
import { BarChart } from './airtime-chart';
import { districtOf, pivot, pivotCsv, surveyCounts } from './rollups';

interface Range {
  deviceId: string;
  from: string;
  to: string;
}

/**
 * Airtime per campaign or district per day from the nightly rollups (`/proofs/daily`), which keep
 * their totals after raw proofs are pruned; today's plays appear after the next night's run.
 */
export function RollupReport({ range }: { range: Range }) {
  const { t, locale, number } = useI18n();
  const devices = useDevices();
  const groups = useGroups();
  const campaigns = useQuery({ queryKey: ['campaigns'], queryFn: api.campaigns });
  const [by, setBy] = useState<'campaign' | 'district'>('campaign');
  const q = new URLSearchParams();
  if (range.deviceId) q.set('deviceId', range.deviceId);
  if (range.from) q.set('from', range.from);
  if (range.to) q.set('to', range.to);
  const rows = useQuery({ queryKey: ['proofs-daily', range], queryFn: () => api.proofsDaily(q.toString()) });

  const campaignById = useMemo(
    () => new Map((campaigns.data ?? []).map((c: CampaignView) => [c.id, c])),
    [campaigns.data],
  );
  const groupName = useMemo(() => new Map((groups.data ?? []).map((g) => [g.id, g.name])), [groups.data]);
  const deviceGroup = useMemo(() => new Map((devices.data ?? []).map((d) => [d.id, d.groupId])), [devices.data]);
  const p = useMemo(
    () =>
      pivot(rows.data ?? [], (r) =>
        by === 'campaign' ? (r.campaignId ?? '') : districtOf(deviceGroup.get(r.deviceId) ?? null, groups.data ?? []),
      ),
    [rows.data, by, deviceGroup, groups.data],
  );
  const label = (k: string) =>
    by === 'campaign'
      ? k
        ? (campaignById.get(k)?.name ?? k)
        : t('rollup.noCampaign')
      : k
        ? (groupName.get(k) ?? k)
        : t('common.noGroup');
  const minutes = (ms: number | undefined) => (ms === undefined ? '' : number(ms / 60_000, 1));

  const csv = () =>
    saveBlob(
      new Blob(
        [
          pivotCsv(p, label, [
            by === 'campaign' ? t('rollup.col.campaign') : t('rollup.col.district'),
            t('reports.col.day'),
            t('reports.plays'),
            t('reports.minutes'),
          ]),
        ],
        { type: 'text/csv;charset=utf-8' },
      ),
      `bangtin-airtime-${by}-${range.from}-${range.to}.csv`,
    );

  return (
    <div className="card" aria-labelledby="rollup-title">
      <h2 id="rollup-title">{t('rollup.title')}</h2>
      <p className="hint">{t('rollup.hint')}</p>
      <div className="row">
        <div className="field">
          <label htmlFor="rollup-by">{t('rollup.by')}</label>
          <select id="rollup-by" value={by} onChange={(e) => setBy(e.target.value as 'campaign' | 'district')}>
            <option value="campaign">{t('rollup.by.campaign')}</option>
            <option value="district">{t('rollup.by.district')}</option>
          </select>
        </div>
        <button type="button" onClick={csv} disabled={p.keys.length === 0}>
          {t('rollup.csv')}
        </button>
      </div>
      {rows.error ? <p className="error">{errorText(t, rows.error)}</p> : null}
      {rows.data && p.keys.length === 0 ? <p>{t('rollup.empty')}</p> : null}
      {p.keys.length ? (
        <>
          <BarChart
            labels={p.days.map((d) => formatLocalDate(locale, d))}
            values={p.days.map((d) => Math.round(((p.totalMsByDay.get(d) ?? 0) / 60_000) * 10) / 10)}
            title={t('rollup.title')}
            yLabel={t('reports.minutes')}
          />
          <div className="scroll-x">
            <table data-testid="rollup-table">
              <thead>
                <tr>
                  <th scope="col">{by === 'campaign' ? t('rollup.col.campaign') : t('rollup.col.district')}</th>
                  {p.days.map((d) => (
                    <th scope="col" key={d}>
                      {formatLocalDate(locale, d)}
                    </th>
                  ))}
                  <th scope="col">{t('rollup.col.total')}</th>
                </tr>
              </thead>
              <tbody>
                {p.keys.map((k) => (
                  <tr key={k}>
                    <th scope="row">
                      {by === 'campaign' && campaignById.get(k) ? (
                        <span
                          className="swatch"
                          style={{ background: campaignById.get(k)!.colour }}
                          aria-hidden="true"
                        />
                      ) : null}{' '}
                      {label(k)}
                    </th>
                    {p.days.map((d) => (
                      <td key={d}>{minutes(p.ms.get(k)?.get(d))}</td>
                    ))}
                    <td>{minutes(p.totalMsByKey.get(k))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </div>
  );
}

/** Kiosk survey answers: how many gave each rating and each choice. */
export function SurveyReport({ range }: { range: Range }) {
  const { t, number } = useI18n();
  const q = new URLSearchParams();
  if (range.deviceId) q.set('deviceId', range.deviceId);
  const answers = useQuery({ queryKey: ['surveys', range.deviceId], queryFn: () => api.surveys(q.toString()) });
  const counts = useMemo(() => surveyCounts(answers.data ?? []), [answers.data]);
  return (
    <div className="card" aria-labelledby="survey-title">
      <h2 id="survey-title">{t('survey.title')}</h2>
      {answers.error ? <p className="error">{errorText(t, answers.error)}</p> : null}
      {answers.data && counts.length === 0 ? <p>{t('survey.empty')}</p> : null}
      {counts.map((s) => (
        <div key={s.surveyId}>
          <h3>{t('survey.one', { id: s.surveyId, n: s.total, avg: number(s.average, 2) })}</h3>
          <table>
            <thead>
              <tr>
                {[1, 2, 3, 4, 5].map((r) => (
                  <th scope="col" key={r}>
                    {'★'.repeat(r)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                {s.ratings.map((n, i) => (
                  <td key={i}>{number(n)}</td>
                ))}
              </tr>
            </tbody>
          </table>
          {s.choices.length ? (
            <ul>
              {s.choices.map(([c, n]) => (
                <li key={c}>
                  {c}: {number(n)}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ))}
    </div>
  );
}
