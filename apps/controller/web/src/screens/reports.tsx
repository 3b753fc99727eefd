import { useMemo, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import { addDays, formatLocalDate, localDayOf, localDayStart } from '../i18n/format';
import { api, download } from '../api/client';
import { useDevices, useGroups } from '../api/queries';
import { errorText, fieldError, formError } from '../api/errors';
import { Field, FormError } from '../components/field';
import { airtimeByDay, dayMinutes } from '../reports/airtime';
import { BarChart } from '../reports/airtime-chart';
import { RollupReport, SurveyReport } from '../reports/rollup-report';
import { AvailabilityReport, useAvailability } from '../reports/availability-report';
import { DateInput } from '../components/date-input';
import { useUser } from '../session';
import { AirtimeReport, EvidenceChoices, type EvidenceChoice, useCampaigns } from '../reports/airtime-report';
import { ComplianceReport } from '../reports/compliance-report';
import { DownloadButtons } from '../reports/downloads';
import { districtChoices, type EvidenceFilter, fileName } from '../reports/evidence';
import { presetRange } from '../reports/ranges';

/** The most GET /proofs answers as JSON (its cap); the CSV export has no limit: it streams every row. */
const LIMIT = 10_000;

interface Filter {
  deviceId: string;
  from: string;
  to: string;
}

/** Query string for GET /proofs: local days, `to` inclusive, as UTC instants. */
function proofQuery(f: Filter, format: 'json' | 'csv' | 'xlsx'): string {
  const q = new URLSearchParams(format === 'json' ? { format, limit: String(LIMIT) } : { format });
  if (f.deviceId) q.set('deviceId', f.deviceId);
  if (f.from) q.set('from', new Date(localDayStart(f.from)).toISOString());
  if (f.to) q.set('to', new Date(localDayStart(addDays(f.to, 1))).toISOString());
  return q.toString();
}

/**
 * The evidence a leader asks for first (issue 11): the campaign's minutes in a district over a period,
 * planned vs delivered with causes, whether the proofs are intact, each downloadable as xlsx or CSV.
 */
function EvidenceReports() {
  const { t } = useI18n();
  const user = useUser();
  const groups = useGroups();
  const campaigns = useCampaigns();
  const today = localDayOf(Date.now());
  const [choice, setChoice] = useState<EvidenceChoice>({
    campaignId: '',
    groupId: '',
    preset: 'today',
    custom: { from: addDays(today, -6), to: today },
  });
  const districts = useMemo(() => districtChoices(groups.data ?? []), [groups.data]);
  // Editors see their district only (the API scopes them; the choice does not pretend otherwise).
  const allowAll = user.role !== 'editor';
  const groupId = allowAll || choice.groupId ? choice.groupId : (districts[0]?.id ?? '');
  const range = presetRange(choice.preset, today, choice.custom);
  const filter = useMemo<EvidenceFilter>(
    () => ({ campaignId: choice.campaignId, groupId, from: range.from, to: range.to }),
    [choice.campaignId, groupId, range.from, range.to],
  );
  const campaignLabel =
    choice.campaignId === ''
      ? t('air.allCampaigns')
      : choice.campaignId === 'none'
        ? t('air.noCampaign')
        : (campaigns.data?.find((c) => c.id === choice.campaignId)?.name ?? '…');
  const districtLabel = groupId ? (districts.find((g) => g.id === groupId)?.name ?? '…') : t('air.allDistricts');
  return (
    <>
      <div className="card">
        <EvidenceChoices
          value={{ ...choice, groupId }}
          onChange={setChoice}
          campaigns={campaigns.data ?? []}
          districts={districts}
          allowAllDistricts={allowAll}
          error={null}
        />
      </div>
      <AirtimeReport filter={filter} campaignLabel={campaignLabel} districtLabel={districtLabel} />
      <ComplianceReport filter={filter} />
    </>
  );
}

export default function ReportsScreen() {
  const { t, locale, number } = useI18n();
  const devices = useDevices();
  const today = localDayOf(Date.now());
  const [draft, setDraft] = useState<Filter>({ deviceId: '', from: addDays(today, -6), to: today });
  const [filter, setFilter] = useState<Filter>(draft);
  const [csvBusy, setCsvBusy] = useState(false);
  const [csvError, setCsvError] = useState<unknown>(null);
  const [groupId, setGroupId] = useState('');
  const availabilityFilter = useMemo(() => ({ ...filter, groupId }), [filter, groupId]);
  const availability = useAvailability(availabilityFilter);

  const proofs = useQuery({
    queryKey: ['proofs', filter],
    queryFn: () => api.proofs(proofQuery(filter, 'json')),
    refetchInterval: 10_000,
  });

  const airtime = useMemo(
    () => airtimeByDay(proofs.data ?? [], filter.from && filter.to ? { from: filter.from, to: filter.to } : undefined),
    [proofs.data, filter],
  );
  const labels = useMemo(() => airtime.days.map((d) => formatLocalDate(locale, d)), [airtime, locale]);
  const values = useMemo(() => airtime.days.map((d) => Math.round(dayMinutes(airtime, d) * 10) / 10), [airtime]);
  const deviceName = useMemo(() => new Map((devices.data ?? []).map((d) => [d.id, d.name])), [devices.data]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFilter(draft);
  };
  const csv = async () => {
    setCsvBusy(true);
    setCsvError(null);
    try {
      await download(`/proofs?${proofQuery(filter, 'csv')}`, `bangtin-proofs-${filter.from}-${filter.to}.csv`);
    } catch (err) {
      setCsvError(err);
    } finally {
      setCsvBusy(false);
    }
  };
  const err = proofs.error;
  // The date fields answer for both reports: a bad range is refused by either API, beside the field.
  const dateError = (f: 'from' | 'to') => fieldError(t, err, f) ?? fieldError(t, availability.error, f);

  return (
    <section aria-labelledby="rep-title">
      <h1 id="rep-title">{t('reports.title')}</h1>
      <EvidenceReports />
      <h2>{t('reports.proofs')}</h2>
      <form className="card row" onSubmit={submit}>
        <Field label={t('reports.field.device')} error={fieldError(t, err, 'deviceId')}>
          <select value={draft.deviceId} onChange={(e) => setDraft({ ...draft, deviceId: e.target.value })}>
            <option value="">{t('reports.allDevices')}</option>
            {(devices.data ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('reports.field.from')} error={dateError('from')}>
          <DateInput value={draft.from} onChange={(v) => setDraft({ ...draft, from: v })} />
        </Field>
        <Field label={t('reports.field.to')} error={dateError('to')}>
          <DateInput value={draft.to} onChange={(v) => setDraft({ ...draft, to: v })} />
        </Field>
        <button type="submit" className="primary">
          {t('reports.show')}
        </button>
        <button type="button" onClick={() => void csv()} disabled={csvBusy}>
          {csvBusy ? t('reports.csvBusy') : t('reports.csv')}
        </button>
        <DownloadButtons
          items={[
            {
              label: t('proofs.xlsx'),
              path: `/proofs?${proofQuery(filter, 'xlsx')}`,
              filename: fileName('luot-phat', filter, 'xlsx'),
            },
          ]}
        />
      </form>
      <FormError message={formError(t, err, ['deviceId', 'from', 'to'])} />
      {csvError ? <FormError message={errorText(t, csvError)} /> : null}
      {proofs.isLoading ? <p>{t('common.loading')}</p> : null}
      {proofs.data ? (
        <>
          <p className="summary" aria-live="polite">
            {t('reports.totals', { plays: airtime.totalPlays, minutes: number(airtime.totalMs / 60_000) })}
          </p>
          {proofs.data.length >= LIMIT ? <p className="alert">{t('reports.truncated', { limit: LIMIT })}</p> : null}
          <h2>{t('reports.chart')}</h2>
          <BarChart labels={labels} values={values} title={t('reports.chart')} yLabel={t('reports.minutes')} />
          {airtime.totalPlays === 0 ? <p>{t('reports.empty')}</p> : null}
          {airtime.totalPlays > 0 ? (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('reports.col.day')}</th>
                  <th scope="col">{t('reports.col.device')}</th>
                  <th scope="col">{t('reports.plays')}</th>
                  <th scope="col">{t('reports.minutes')}</th>
                </tr>
              </thead>
              <tbody>
                {airtime.days.flatMap((day) =>
                  Object.entries(airtime.ms[day] ?? {}).map(([deviceId, ms]) => (
                    <tr key={`${day}-${deviceId}`}>
                      <td>{formatLocalDate(locale, day)}</td>
                      <td>{deviceName.get(deviceId) ?? deviceId}</td>
                      <td>{number(airtime.plays[day]?.[deviceId] ?? 0)}</td>
                      <td>{number(ms / 60_000, 2)}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          ) : null}
        </>
      ) : null}
      <AvailabilityReport filter={availabilityFilter} query={availability} onGroupChange={setGroupId} />
      <RollupReport range={filter} />
      <SurveyReport range={filter} />
    </section>
  );
}
