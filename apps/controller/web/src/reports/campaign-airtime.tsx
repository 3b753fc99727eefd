import { useMemo } from 'react';
import { useI18n } from '../i18n/i18n';
import { localDayOf } from '../i18n/format';
import { formatDmy } from '../i18n/dates';
import type { CampaignView } from '../api/client';
import { errorText } from '../api/errors';
import { useAirtime } from './airtime-report';
import { airtimeQuery, minutesOf } from './evidence';

/** The dates a campaign has aired so far: its start up to today (or its end, when over); null before it starts. */
export function airedSoFar(
  c: Pick<CampaignView, 'startsOn' | 'endsOn'>,
  today: string,
): { from: string; to: string } | null {
  if (c.startsOn > today) return null;
  return { from: c.startsOn, to: c.endsOn < today ? c.endsOn : today };
}

/**
 * Minutes aired so far per campaign, for the list: one airtime query grouped by campaign from the
 * earliest start to today (a campaign's plays all fall within its own dates).
 */
export function useCampaignTotals(campaigns: readonly CampaignView[] | undefined): Map<string, number> | null {
  const today = localDayOf(Date.now());
  const from = campaigns?.reduce<string | null>((m, c) => (m === null || c.startsOn < m ? c.startsOn : m), null);
  const q = useAirtime(
    from && from <= today ? airtimeQuery({ campaignId: '', groupId: '', from, to: today }, 'campaign') : null,
  );
  return useMemo(() => {
    if (!campaigns) return null;
    if (!q.data) return from && from <= today ? null : new Map();
    return new Map(q.data.rows.map((r) => [r.key ?? '', minutesOf(r.airtimeSeconds)]));
  }, [campaigns, q.data, from, today]);
}

/** One campaign's airtime so far: the total and a row per district, by name. */
export function CampaignAirtime({ campaign, onClose }: { campaign: CampaignView; onClose(): void }) {
  const { t, number } = useI18n();
  const range = airedSoFar(campaign, localDayOf(Date.now()));
  const q = useAirtime(range ? airtimeQuery({ campaignId: campaign.id, groupId: '', ...range }, 'district') : null);
  const n1 = (s: number) => number(minutesOf(s), 1);
  return (
    <section className="card" aria-labelledby="camp-air-title" data-testid="campaign-airtime">
      <h2 id="camp-air-title">
        {range
          ? t('campaignAir.title', { name: campaign.name, from: formatDmy(range.from), to: formatDmy(range.to) })
          : campaign.name}
      </h2>
      {!range ? <p>{t('campaignAir.notStarted')}</p> : null}
      {q.error ? <p className="error">{errorText(t, q.error)}</p> : null}
      {q.data ? (
        <>
          <p className="summary">
            {t('campaignAir.total', { minutes: n1(q.data.total.airtimeSeconds), plays: q.data.total.plays })}
          </p>
          {q.data.rows.length === 0 ? (
            <p>{t('air.empty')}</p>
          ) : (
            <table aria-labelledby="camp-air-title">
              <thead>
                <tr>
                  <th scope="col">{t('air.col.district')}</th>
                  <th scope="col" className="num">
                    {t('air.col.plays')}
                  </th>
                  <th scope="col" className="num">
                    {t('air.col.minutes')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {q.data.rows.map((r) => (
                  <tr key={r.key ?? ''} data-row={r.name}>
                    <th scope="row">{r.name}</th>
                    <td className="num">{number(r.plays)}</td>
                    <td className="num">{n1(r.airtimeSeconds)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
      <button type="button" className="small" onClick={onClose}>
        {t('campaignAir.close')}
      </button>
    </section>
  );
}
