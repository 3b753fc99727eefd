import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import { formatLocalDate } from '../i18n/format';
import { api, request, type CampaignView } from '../api/client';
import { errorText, fieldError } from '../api/errors';
import { Field } from '../components/field';
import { DateInput } from '../components/date-input';
import type { DeviceGroup } from '@bangtin/shared';
import { type RangePreset, RANGE_PRESETS } from './ranges';
import {
  type AirtimeAnswer,
  airtimeQuery,
  dayAxis,
  type EvidenceFilter,
  fileName,
  minutesOf,
  tableGroupBy,
} from './evidence';
import { SvgBars } from './svg-bars';
import { DownloadButtons } from './downloads';
import { VerifyLabel } from './verify-label';

export interface EvidenceChoice {
  campaignId: string;
  groupId: string;
  preset: RangePreset;
  /** The dates of the `custom` preset. */
  custom: { from: string; to: string };
}

/**
 * The three choices of the evidence reports: campaign, district, period (a preset, or two dates).
 * Editors get their district only, without an "all districts" choice that would suggest more.
 */
export function EvidenceChoices({
  value,
  onChange,
  campaigns,
  districts,
  allowAllDistricts,
  error,
}: {
  value: EvidenceChoice;
  onChange(v: EvidenceChoice): void;
  campaigns: readonly CampaignView[];
  districts: readonly DeviceGroup[];
  allowAllDistricts: boolean;
  error: unknown;
}) {
  const { t } = useI18n();
  return (
    <div className="row" role="group" aria-label={t('air.title')}>
      <Field label={t('air.field.campaign')} error={fieldError(t, error, 'campaignId')}>
        <select value={value.campaignId} onChange={(e) => onChange({ ...value, campaignId: e.target.value })}>
          <option value="">{t('air.allCampaigns')}</option>
          {campaigns.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
          <option value="none">{t('air.noCampaign')}</option>
        </select>
      </Field>
      <Field label={t('air.field.district')} error={fieldError(t, error, 'groupId')}>
        <select value={value.groupId} onChange={(e) => onChange({ ...value, groupId: e.target.value })}>
          {allowAllDistricts ? <option value="">{t('air.allDistricts')}</option> : null}
          {districts.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('air.field.range')}>
        <select value={value.preset} onChange={(e) => onChange({ ...value, preset: e.target.value as RangePreset })}>
          {RANGE_PRESETS.map((p) => (
            <option key={p} value={p}>
              {t(`air.range.${p}`)}
            </option>
          ))}
        </select>
      </Field>
      {value.preset === 'custom' ? (
        <>
          <Field label={t('reports.field.from')} error={fieldError(t, error, 'from')}>
            <DateInput
              value={value.custom.from}
              onChange={(v) => onChange({ ...value, custom: { ...value.custom, from: v } })}
            />
          </Field>
          <Field label={t('reports.field.to')} error={fieldError(t, error, 'to')}>
            <DateInput
              value={value.custom.to}
              onChange={(v) => onChange({ ...value, custom: { ...value.custom, to: v } })}
            />
          </Field>
        </>
      ) : null}
    </div>
  );
}

export const useAirtime = (path: string | null) =>
  useQuery({
    queryKey: ['airtime', path],
    queryFn: () => request<AirtimeAnswer>('GET', path!),
    enabled: path !== null,
    // Today's figures grow by the minute (the open day is rolled up every minute).
    refetchInterval: 60_000,
  });

/**
 * "Phút phát của chiến dịch X ở huyện Y hôm nay / tuần trước": the sentence answered, a bar per day,
 * and a table per district (or per device of the district chosen) with plays and minutes, by name.
 */
export function AirtimeReport({
  filter,
  campaignLabel,
  districtLabel,
}: {
  filter: EvidenceFilter;
  campaignLabel: string;
  districtLabel: string;
}) {
  const { t, locale, number } = useI18n();
  const by = tableGroupBy(filter);
  const valid = Boolean(filter.from && filter.to);
  const table = useAirtime(valid ? airtimeQuery(filter, by) : null);
  const days = useAirtime(valid ? airtimeQuery(filter, 'day') : null);
  const axis = useMemo(() => (days.data ? dayAxis(filter, days.data.rows) : []), [days.data, filter]);
  const range = t('air.rangeText', {
    from: formatLocalDate(locale, filter.from),
    to: formatLocalDate(locale, filter.to),
  });
  const total = table.data?.total;
  const n1 = (v: number) => number(v, 1);
  const report = `phut-phat-${by}`;

  return (
    <div className="card" aria-labelledby="air-title" data-testid="airtime">
      <h2 id="air-title">{t('air.title')}</h2>
      <p className="hint">{t('air.hint')}</p>
      {table.error ? (
        <p className="error" role="alert">
          {errorText(t, table.error)}
        </p>
      ) : null}
      {total ? (
        <p className="summary" aria-live="polite" data-testid="airtime-summary">
          {t('air.summary', {
            campaign: campaignLabel,
            district: districtLabel,
            range,
            minutes: n1(minutesOf(total.airtimeSeconds)),
            plays: total.plays,
          })}
        </p>
      ) : null}
      {valid ? (
        <p>
          <VerifyLabel range={filter} {...(filter.groupId && { groupId: filter.groupId })} />
        </p>
      ) : null}
      {axis.length > 0 ? (
        <>
          <h3>{t('air.chart')}</h3>
          <SvgBars
            labels={axis.map((d) => formatLocalDate(locale, d.day))}
            values={axis.map((d) => d.minutes)}
            title={t('air.chartLabel', {
              from: formatLocalDate(locale, filter.from),
              to: formatLocalDate(locale, filter.to),
            })}
            unit={t('reports.minutes')}
            format={n1}
            testId="airtime-chart"
          />
        </>
      ) : null}
      {table.data && table.data.rows.length === 0 ? <p>{t('air.empty')}</p> : null}
      {table.data && table.data.rows.length > 0 ? (
        <table data-testid="airtime-table" aria-labelledby="air-title">
          <thead>
            <tr>
              <th scope="col">{by === 'device' ? t('air.col.device') : t('air.col.district')}</th>
              <th scope="col" className="num">
                {t('air.col.plays')}
              </th>
              <th scope="col" className="num">
                {t('air.col.minutes')}
              </th>
            </tr>
          </thead>
          <tbody>
            {table.data.rows.map((r) => (
              <tr key={r.key ?? ''} data-row={r.name}>
                <th scope="row">{r.name}</th>
                <td className="num">{number(r.plays)}</td>
                <td className="num">{n1(minutesOf(r.airtimeSeconds))}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-row="total">
              <th scope="row">{t('air.total')}</th>
              <td className="num">{number(total!.plays)}</td>
              <td className="num">{n1(minutesOf(total!.airtimeSeconds))}</td>
            </tr>
          </tfoot>
        </table>
      ) : null}
      <DownloadButtons
        disabled={!valid}
        items={[
          { label: t('air.xlsx'), path: airtimeQuery(filter, by, 'xlsx'), filename: fileName(report, filter, 'xlsx') },
          { label: t('air.csv'), path: airtimeQuery(filter, by, 'csv'), filename: fileName(report, filter, 'csv') },
        ]}
      />
    </div>
  );
}

/** Campaign names for the choices, loaded once for the screen. */
export const useCampaigns = () => useQuery({ queryKey: ['campaigns'], queryFn: api.campaigns });
