import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { formatLocalDay, localDayOf, TIMEZONE } from '@bangtin/shared';
import { useI18n } from '../i18n/i18n';
import { api, download, openPage, type CampaignBody, type CampaignView } from '../api/client';
import type { RecurrenceBody } from '../schedules/recurrence';
import { keys, useDevices, useGroups, usePlaylists } from '../api/queries';
import { errorText, fieldError, formError } from '../api/errors';
import { DataTable } from '../components/data-table';
import { Field, FormError, Notice } from '../components/field';
import { TargetPicker, targetNames, type Targets } from '../components/target-picker';
import { CalendarView } from '../calendar/calendar-view';
import { useUser } from '../session';
import { DateInput } from '../components/date-input';
import { formatDmy } from '../i18n/dates';
import { CampaignAirtime, useCampaignTotals } from '../reports/campaign-airtime';

const campaignsKey = ['campaigns'] as const;

interface Draft {
  name: string;
  description: string;
  colour: string;
  startsOn: string;
  endsOn: string;
  priority: string;
  targets: Targets;
  playlistIds: string[];
  publish: boolean;
  /** The campaign's hours (issue 10): weekdays with one daypart, or none. */
  weekly: boolean;
  days: number[];
  from: string;
  to: string;
  /** A cron or multi-daypart recurrence set through the API, kept as it is when untouched. */
  otherRecurrence: RecurrenceBody | null;
}

function emptyDraft(): Draft {
  const today = localDayOf(TIMEZONE, Date.now());
  return {
    name: '',
    description: '',
    colour: '#c0392b',
    startsOn: formatLocalDay(today),
    endsOn: formatLocalDay(today + 30),
    priority: '50',
    targets: { deviceIds: [], groupIds: [] },
    playlistIds: [],
    publish: true,
    weekly: false,
    days: [1, 2, 3, 4, 5],
    from: '07:00',
    to: '17:00',
    otherRecurrence: null,
  };
}

function recurrenceOf(d: Draft): RecurrenceBody | null {
  if (d.weekly)
    return { kind: 'weekly', days: [...d.days].sort((a, b) => a - b), dayparts: [{ start: d.from, end: d.to }] };
  return d.otherRecurrence;
}

const fromCampaign = (c: CampaignView): Draft => ({
  name: c.name,
  description: c.description,
  colour: c.colour,
  startsOn: c.startsOn,
  endsOn: c.endsOn,
  priority: String(c.priority),
  targets: { deviceIds: c.target.deviceIds, groupIds: c.target.groupIds },
  playlistIds: c.playlistIds,
  publish: c.status !== 'draft',
  ...recurrenceDraft(c.recurrence ?? null),
});

function recurrenceDraft(r: RecurrenceBody | null): Pick<Draft, 'weekly' | 'days' | 'from' | 'to' | 'otherRecurrence'> {
  const base = emptyDraft();
  if (r?.kind === 'weekly' && r.dayparts.length === 1) {
    return { weekly: true, days: r.days, from: r.dayparts[0]!.start, to: r.dayparts[0]!.end, otherRecurrence: null };
  }
  return { weekly: false, days: base.days, from: base.from, to: base.to, otherRecurrence: r };
}

const FIELDS = [
  'name',
  'description',
  'colour',
  'startsOn',
  'endsOn',
  'priority',
  'target',
  'playlistIds',
  'status',
  'recurrence',
];

export default function CampaignsScreen() {
  const { t } = useI18n();
  const user = useUser();
  const qc = useQueryClient();
  const campaigns = useQuery({ queryKey: campaignsKey, queryFn: api.campaigns });
  const groups = useGroups();
  const devices = useDevices();
  const playlists = usePlaylists();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [editing, setEditing] = useState<CampaignView | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const isAdmin = user.role === 'admin';
  const totals = useCampaignTotals(campaigns.data);
  const [airtimeOf, setAirtimeOf] = useState<CampaignView | null>(null);

  const refresh = () => {
    void qc.invalidateQueries({ queryKey: campaignsKey });
    void qc.invalidateQueries({ queryKey: keys.schedules });
    void qc.invalidateQueries({ queryKey: ['timeline'] });
  };

  const save = useMutation({
    mutationFn: async () => {
      const body: CampaignBody = {
        name: draft.name,
        description: draft.description,
        colour: draft.colour,
        startsOn: draft.startsOn,
        endsOn: draft.endsOn,
        // Sent as typed even when not a number: the API's message then shows beside the field.
        priority: draft.priority.trim() === '' ? Number.NaN : Number(draft.priority),
        target: draft.targets,
        playlistIds: draft.playlistIds,
        recurrence: recurrenceOf(draft),
      };
      if (!editing) {
        const c = await api.createCampaign({ ...body, status: draft.publish ? 'scheduled' : 'draft' });
        // A campaign airs through its schedule entries; one all-day entry per playlist over its dates.
        if (c.playlistIds.length > 0) await api.scheduleCampaign(c.id, {});
        return c;
      }
      const canRepublish = editing.status === 'draft' || editing.status === 'scheduled';
      return api.updateCampaign(editing.id, {
        ...body,
        ...(canRepublish ? { status: draft.publish ? 'scheduled' : 'draft' } : {}),
      });
    },
    onSuccess: () => {
      setNotice(editing ? t('campaigns.updated') : t('campaigns.created'));
      setEditing(null);
      setDraft(emptyDraft());
      refresh();
    },
    onError: () => setNotice(null),
  });
  const cancel = useMutation({ mutationFn: (id: string) => api.cancelCampaign(id), onSettled: refresh });
  const schedule = useMutation({
    mutationFn: (id: string) => api.scheduleCampaign(id, {}),
    onSuccess: () => setNotice(t('campaigns.scheduled')),
    onSettled: refresh,
  });
  const ics = useMutation({
    mutationFn: (c: CampaignView) => download(`/campaigns/${c.id}/calendar.ics`, `${c.name}.ics`),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const report = useMutation({ mutationFn: (c: CampaignView) => openPage(`/reports/campaigns/${c.id}/print`) });
  const actionError = cancel.error ?? schedule.error ?? ics.error ?? report.error;

  return (
    <section aria-labelledby="camp-title">
      <h1 id="camp-title">{t('campaigns.title')}</h1>
      {isAdmin ? (
        <form className="card" onSubmit={submit} aria-labelledby="camp-form">
          <h2 id="camp-form">{editing ? t('campaigns.edit', { name: editing.name }) : t('campaigns.new')}</h2>
          <div className="row">
            <Field label={t('campaigns.field.name')} error={fieldError(t, save.error, 'name')}>
              <input value={draft.name} onChange={(e) => set('name', e.target.value)} required maxLength={200} />
            </Field>
            <Field label={t('campaigns.field.colour')} error={fieldError(t, save.error, 'colour')}>
              <input type="color" value={draft.colour} onChange={(e) => set('colour', e.target.value)} />
            </Field>
            <Field label={t('campaigns.field.priority')} error={fieldError(t, save.error, 'priority')}>
              <input
                inputMode="numeric"
                className="narrow"
                value={draft.priority}
                onChange={(e) => set('priority', e.target.value)}
              />
            </Field>
          </div>
          <fieldset className="campaign-recurrence">
            <legend>{t('campaigns.recurrence')}</legend>
            <p className="hint">{t('campaigns.recurrenceHint')}</p>
            <label>
              <input
                type="radio"
                name="campaign-recurrence"
                checked={!draft.weekly}
                onChange={() => set('weekly', false)}
              />{' '}
              {t('campaigns.recurrence.none')}
            </label>{' '}
            <label>
              <input
                type="radio"
                name="campaign-recurrence"
                checked={draft.weekly}
                onChange={() => set('weekly', true)}
              />{' '}
              {t('campaigns.recurrence.weekly')}
            </label>
            {draft.weekly ? (
              <div className="row">
                <span role="group" aria-label={t('campaigns.days')}>
                  {[1, 2, 3, 4, 5, 6, 7].map((d) => (
                    <label key={d}>
                      <input
                        type="checkbox"
                        checked={draft.days.includes(d)}
                        onChange={(e) =>
                          set('days', e.target.checked ? [...draft.days, d] : draft.days.filter((x) => x !== d))
                        }
                      />{' '}
                      {d === 7 ? 'CN' : `T${d + 1}`}
                    </label>
                  ))}
                </span>
                <Field label={t('campaigns.from')} error={fieldError(t, save.error, 'recurrence')}>
                  <input type="time" value={draft.from} onChange={(e) => set('from', e.target.value)} />
                </Field>
                <Field label={t('campaigns.to')}>
                  <input type="time" value={draft.to} onChange={(e) => set('to', e.target.value)} />
                </Field>
              </div>
            ) : null}
          </fieldset>
          <Field label={t('campaigns.field.description')} error={fieldError(t, save.error, 'description')}>
            <textarea rows={2} value={draft.description} onChange={(e) => set('description', e.target.value)} />
          </Field>
          <div className="row">
            <Field label={t('campaigns.field.startsOn')} error={fieldError(t, save.error, 'startsOn')}>
              <DateInput value={draft.startsOn} onChange={(v) => set('startsOn', v)} required />
            </Field>
            <Field label={t('campaigns.field.endsOn')} error={fieldError(t, save.error, 'endsOn')}>
              <DateInput value={draft.endsOn} onChange={(v) => set('endsOn', v)} required />
            </Field>
          </div>
          <fieldset className={fieldError(t, save.error, 'playlistIds') ? 'field-invalid' : undefined}>
            <legend>{t('campaigns.field.playlists')}</legend>
            {(playlists.data ?? []).map((p) => (
              <label key={p.id} className="check">
                <input
                  type="checkbox"
                  checked={draft.playlistIds.includes(p.id)}
                  onChange={(e) =>
                    set(
                      'playlistIds',
                      e.target.checked ? [...draft.playlistIds, p.id] : draft.playlistIds.filter((x) => x !== p.id),
                    )
                  }
                />{' '}
                {p.name}
              </label>
            ))}
            {fieldError(t, save.error, 'playlistIds') ? (
              <div className="error" role="alert">
                {fieldError(t, save.error, 'playlistIds')}
              </div>
            ) : null}
          </fieldset>
          <TargetPicker
            legend={t('campaigns.field.targets')}
            groups={groups.data ?? []}
            devices={devices.data ?? []}
            value={draft.targets}
            onChange={(v) => set('targets', v)}
            error={fieldError(t, save.error, 'target')}
          />
          <label className="check">
            <input type="checkbox" checked={draft.publish} onChange={(e) => set('publish', e.target.checked)} />{' '}
            {t('campaigns.field.publish')}
          </label>
          {fieldError(t, save.error, 'status') ? <p className="error">{fieldError(t, save.error, 'status')}</p> : null}
          <FormError message={formError(t, save.error, FIELDS)} />
          <div className="row">
            <button type="submit" className="primary" disabled={save.isPending}>
              {save.isPending ? t('common.saving') : t('common.save')}
            </button>
            {editing ? (
              <button
                type="button"
                onClick={() => {
                  setEditing(null);
                  setDraft(emptyDraft());
                  save.reset();
                }}
              >
                {t('common.cancel')}
              </button>
            ) : null}
          </div>
          <Notice message={notice} />
        </form>
      ) : null}

      <h2>{t('campaigns.list')}</h2>
      {campaigns.error ? <p className="error">{errorText(t, campaigns.error)}</p> : null}
      {actionError ? (
        <p className="error" role="alert">
          {errorText(t, actionError)}
        </p>
      ) : null}
      <DataTable
        rows={campaigns.data}
        empty={t('campaigns.empty')}
        head={
          <>
            <th scope="col">{t('campaigns.field.name')}</th>
            <th scope="col">{t('campaigns.col.dates')}</th>
            <th scope="col">{t('campaigns.field.priority')}</th>
            <th scope="col">{t('campaigns.col.status')}</th>
            <th scope="col">{t('campaigns.field.targets')}</th>
            <th scope="col">{t('campaignAir.col')}</th>
            <th scope="col">{t('devices.col.actions')}</th>
          </>
        }
      >
        {(rows) =>
          [...rows]
            .sort((a, b) => b.priority - a.priority || a.startsOn.localeCompare(b.startsOn))
            .map((c) => {
              const open = c.status !== 'ended' && c.status !== 'cancelled';
              return (
                <tr key={c.id} data-campaign-row={c.name}>
                  <td>
                    <span className="swatch" style={{ background: c.colour }} aria-hidden="true" /> {c.name}
                  </td>
                  <td>
                    {formatDmy(c.startsOn)} – {formatDmy(c.endsOn)}
                  </td>
                  <td>{c.priority}</td>
                  <td>{t(`campaigns.status.${c.status}`)}</td>
                  <td>{targetNames(c.target, groups.data ?? [], devices.data ?? []).join(', ') || t('common.none')}</td>
                  <td data-airtime>
                    <button type="button" className="small link-like" onClick={() => setAirtimeOf(c)}>
                      <span className="visually-hidden">{t('campaignAir.show', { name: c.name })}: </span>
                      {totals ? t('campaignAir.minutes', { n: totals.get(c.id) ?? 0 }) : '…'}
                    </button>
                  </td>
                  <td className="actions">
                    {isAdmin && open ? (
                      <button
                        type="button"
                        className="small"
                        onClick={() => {
                          setEditing(c);
                          setDraft(fromCampaign(c));
                          save.reset();
                        }}
                      >
                        {t('campaigns.editBtn')}
                      </button>
                    ) : null}
                    {user.role !== 'viewer' && open && c.scheduleIds.length === 0 && c.playlistIds.length > 0 ? (
                      <button type="button" className="small" onClick={() => schedule.mutate(c.id)}>
                        {t('campaigns.schedule')}
                      </button>
                    ) : null}
                    {isAdmin && open ? (
                      <button
                        type="button"
                        className="small danger"
                        onClick={() => {
                          if (window.confirm(t('campaigns.confirmCancel', { name: c.name }))) cancel.mutate(c.id);
                        }}
                      >
                        {t('campaigns.cancel')}
                      </button>
                    ) : null}
                    <button type="button" className="small link-like" onClick={() => ics.mutate(c)}>
                      {t('campaigns.ics')}
                    </button>
                    <button type="button" className="small link-like" onClick={() => report.mutate(c)}>
                      {t('campaigns.print')}
                    </button>
                  </td>
                </tr>
              );
            })
        }
      </DataTable>

      {airtimeOf ? <CampaignAirtime campaign={airtimeOf} onClose={() => setAirtimeOf(null)} /> : null}
      <CalendarView campaigns={campaigns.data ?? []} />
    </section>
  );
}
