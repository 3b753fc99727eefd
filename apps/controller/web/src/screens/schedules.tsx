import { useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { describeRecurrence, type DeviceView, type Recurrence } from '@bangtin/shared';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { isoToLocalInput, localInputToIso } from '../i18n/format';
import { api, ApiError, type ScheduleView } from '../api/client';
import { parseDateList, parseDecimal, recurrenceBody, type RecurrenceDraft } from '../schedules/recurrence';
import { HolidayLists } from '../schedules/holiday-lists';
import { keys, useDevices, useGroups, usePlaylists, useSchedules } from '../api/queries';
import { errorText, fieldError, formError } from '../api/errors';
import { DataTable } from '../components/data-table';
import { Field, FormError, Notice } from '../components/field';
import { flattenTree } from '../schedules/tree';
import { canEdit, useUser } from '../session';
import { DateInput } from '../components/date-input';

function toggle(list: string[], id: string, on: boolean): string[] {
  return on ? [...new Set([...list, id])] : list.filter((x) => x !== id);
}

export default function SchedulesScreen() {
  const { t, dateTime, locale } = useI18n();
  const user = useUser();
  const qc = useQueryClient();
  const playlists = usePlaylists();
  const groups = useGroups();
  const devices = useDevices();
  const schedules = useSchedules();

  const [playlistId, setPlaylistId] = useState('');
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const [deviceIds, setDeviceIds] = useState<string[]>([]);
  const [priority, setPriority] = useState('10');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  // Weekly recurrence (issue 3): weekdays 07:00–17:00 is what most offices want, so it is the default.
  const [rec, setRec] = useState<RecurrenceDraft>({
    kind: 'always',
    days: [1, 2, 3, 4, 5],
    dayparts: [{ start: '07:00', end: '17:00' }],
    cron: '0 7 * * 1-5',
    cronMinutes: '30',
  });
  const [weight, setWeight] = useState('1');
  const [fallback, setFallback] = useState(false);
  const [holidayListIds, setHolidayListIds] = useState<string[]>([]);
  const [exceptions, setExceptions] = useState('');
  const [campaignId, setCampaignId] = useState('');
  // The schedule open in the form; after a save the form stays on it, or resets completely for a new one.
  const [editingId, setEditingId] = useState<string | null>(null);
  const campaigns = useQuery({ queryKey: ['campaigns'], queryFn: api.campaigns });
  const holidayLists = useQuery({ queryKey: ['holiday-lists'], queryFn: api.holidayLists });
  const setDays = (f: (l: number[]) => number[]) => setRec((r) => ({ ...r, days: f(r.days) }));
  const setPart = (i: number, k: 'start' | 'end', v: string) =>
    setRec((r) => ({ ...r, dayparts: r.dayparts.map((p, j) => (j === i ? { ...p, [k]: v } : p)) }));

  const tree = useMemo(() => flattenTree(groups.data ?? []), [groups.data]);
  const devicesByGroup = useMemo(() => {
    const m = new Map<string | null, DeviceView[]>();
    for (const d of devices.data ?? []) {
      if (d.revokedAt) continue;
      const list = m.get(d.groupId) ?? [];
      list.push(d);
      m.set(d.groupId, list);
    }
    return m;
  }, [devices.data]);
  const playlistName = useMemo(() => new Map((playlists.data ?? []).map((p) => [p.id, p.name])), [playlists.data]);
  const groupName = useMemo(() => new Map((groups.data ?? []).map((g) => [g.id, g.name])), [groups.data]);
  const deviceName = useMemo(() => new Map((devices.data ?? []).map((d) => [d.id, d.name])), [devices.data]);

  const resetForm = () => {
    setEditingId(null);
    setPlaylistId('');
    setGroupIds([]);
    setDeviceIds([]);
    setPriority('10');
    setStartsAt('');
    setEndsAt('');
    setRec({
      kind: 'always',
      days: [1, 2, 3, 4, 5],
      dayparts: [{ start: '07:00', end: '17:00' }],
      cron: '0 7 * * 1-5',
      cronMinutes: '30',
    });
    setWeight('1');
    setFallback(false);
    setHolidayListIds([]);
    setExceptions('');
    setCampaignId('');
  };
  const open = (s: ScheduleView & { exceptions?: string[] }) => {
    setEditingId(s.id);
    setPlaylistId(s.playlistId);
    setGroupIds(s.target.groupIds);
    setDeviceIds(s.target.deviceIds);
    setPriority(String(s.priority));
    setStartsAt(isoToLocalInput(s.startsAt));
    setEndsAt(isoToLocalInput(s.endsAt));
    const r = s.recurrence as
      | {
          kind: string;
          days?: number[];
          dayparts?: { start: string; end: string }[];
          expression?: string;
          durationMs?: number;
        }
      | undefined;
    setRec((d) => ({
      kind: (r?.kind ?? 'always') as RecurrenceDraft['kind'],
      days: r?.days ?? d.days,
      dayparts: r?.dayparts ?? d.dayparts,
      cron: r?.expression ?? d.cron,
      cronMinutes: r?.durationMs ? String(r.durationMs / 60_000) : d.cronMinutes,
    }));
    setWeight(String(s.weight ?? 1));
    setFallback(s.fallback ?? false);
    setHolidayListIds(s.holidayListIds ?? []);
    setExceptions((s.exceptions ?? []).join(', '));
    setCampaignId(s.campaignId ?? '');
    setNotice(null);
    window.scrollTo({ top: 0 });
  };

  const create = useMutation({
    mutationFn: () => {
      const body = {
        playlistId,
        target: { groupIds, deviceIds },
        // Sent as typed, even when not a number: the API names the field and the message shows beside it.
        priority: priority.trim() === '' ? 10 : Number(priority),
        startsAt: localInputToIso(startsAt),
        endsAt: localInputToIso(endsAt),
        recurrence: recurrenceBody(rec),
        weight: weight.trim() === '' ? 1 : parseDecimal(weight),
        fallback,
        holidayListIds,
        exceptions: parseDateList(exceptions),
        campaignId: campaignId || null,
      };
      return editingId
        ? api.updateSchedule(editingId, { ...body, recurrence: body.recurrence ?? { kind: 'always' } })
        : api.createSchedule(body);
    },
    onSuccess: () => {
      if (editingId) setNotice(t('schedules.updated'));
      else {
        resetForm();
        setNotice(t('schedules.created'));
      }
      void qc.invalidateQueries({ queryKey: keys.schedules });
    },
    onError: () => setNotice(null),
  });

  const duplicate = useMutation({
    mutationFn: (id: string) => api.duplicateSchedule(id),
    onSuccess: () => {
      setNotice(t('schedules.duplicated'));
      void qc.invalidateQueries({ queryKey: keys.schedules });
    },
  });

  const remove = useMutation({
    mutationFn: (id: string) => api.deleteSchedule(id),
    onSettled: () => void qc.invalidateQueries({ queryKey: keys.schedules }),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  const targetError = fieldError(t, create.error, 'target');
  const windowText = (s: ScheduleView) => {
    // Described here rather than taken from the API's `recurrenceText` (Vietnamese, for exports and
    // older clients): English mode must read English. The controller sends recurrences it validated.
    const rule =
      s.recurrence && s.recurrence.kind !== 'always' ? describeRecurrence(s.recurrence as Recurrence, locale) : '';
    if (!s.startsAt && !s.endsAt) return rule || t('schedules.always');
    return [
      rule,
      s.startsAt ? t('schedules.from', { start: dateTime(s.startsAt) }) : '',
      s.endsAt ? t('schedules.until', { end: dateTime(s.endsAt) }) : '',
    ]
      .filter(Boolean)
      .join(' ');
  };

  const deviceBoxes = (groupId: string | null, depth: number) =>
    (devicesByGroup.get(groupId) ?? []).map((d) => (
      <li key={d.id} style={{ paddingLeft: `${(depth + 1) * 1.25}rem` }}>
        <label>
          <input
            type="checkbox"
            checked={deviceIds.includes(d.id)}
            onChange={(e) => setDeviceIds((l) => toggle(l, d.id, e.target.checked))}
          />{' '}
          {d.name} <span className="hint">({t(`kind.${d.kind}`)})</span>
        </label>
      </li>
    ));

  return (
    <section aria-labelledby="sch-title">
      <h1 id="sch-title">{t('schedules.title')}</h1>
      {canEdit(user) ? (
        <form className="card" onSubmit={submit} aria-labelledby="sch-new">
          <h2 id="sch-new">{t('schedules.new')}</h2>
          <Field label={t('schedules.field.playlist')} error={fieldError(t, create.error, 'playlistId')}>
            <select value={playlistId} onChange={(e) => setPlaylistId(e.target.value)} required>
              <option value="">{t('schedules.pick')}</option>
              {(playlists.data ?? []).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </Field>
          <fieldset
            className={`targets${targetError ? ' field-invalid' : ''}`}
            aria-describedby={targetError ? 'sch-target-err' : undefined}
          >
            <legend>{t('schedules.field.targets')}</legend>
            <ul className="tree">
              {tree.map(({ group, depth }) => (
                <li key={group.id} style={{ paddingLeft: `${depth * 1.25}rem` }}>
                  <label>
                    <input
                      type="checkbox"
                      checked={groupIds.includes(group.id)}
                      onChange={(e) => setGroupIds((l) => toggle(l, group.id, e.target.checked))}
                    />{' '}
                    <strong>{group.name}</strong>
                  </label>
                  <ul className="tree">{deviceBoxes(group.id, depth)}</ul>
                </li>
              ))}
              {deviceBoxes(null, -1)}
            </ul>
            {targetError ? (
              <div className="error" id="sch-target-err" role="alert">
                {targetError}
              </div>
            ) : null}
          </fieldset>
          <div className="row">
            <Field label={t('schedules.field.priority')} error={fieldError(t, create.error, 'priority')}>
              <input
                inputMode="numeric"
                className="narrow"
                value={priority}
                onChange={(e) => setPriority(e.target.value)}
              />
            </Field>
            <Field label={t('schedules.field.startsAt')} error={fieldError(t, create.error, 'startsAt')}>
              <DateInput kind="datetime" value={startsAt} onChange={setStartsAt} />
            </Field>
            <Field label={t('schedules.field.endsAt')} error={fieldError(t, create.error, 'endsAt')}>
              <DateInput kind="datetime" value={endsAt} onChange={setEndsAt} />
            </Field>
          </div>
          <fieldset className="recurrence">
            <legend>{t('schedules.recurrence')}</legend>
            {(['always', 'weekly', 'once', 'cron'] as const).map((k) => (
              <label key={k} className="check" title={k === 'cron' ? t('schedules.kind.cronTerm') : undefined}>
                <input
                  type="radio"
                  name="recurrence-kind"
                  checked={rec.kind === k}
                  onChange={() => setRec((r) => ({ ...r, kind: k }))}
                />{' '}
                {t(`schedules.kind.${k}`)}
              </label>
            ))}
            {rec.kind === 'weekly' ? (
              <>
                <div className="row weekdays" role="group" aria-label={t('schedules.days')}>
                  {[1, 2, 3, 4, 5, 6, 7].map((d) => (
                    <label key={d}>
                      <input
                        type="checkbox"
                        checked={rec.days.includes(d)}
                        onChange={(e) =>
                          setDays((l) =>
                            e.target.checked ? [...new Set([...l, d])].sort((a, b) => a - b) : l.filter((x) => x !== d),
                          )
                        }
                      />{' '}
                      {t(`weekday.${d}` as MessageKey)}
                    </label>
                  ))}
                </div>
                {fieldError(t, create.error, 'recurrence.days') ? (
                  <div className="error" role="alert">
                    {fieldError(t, create.error, 'recurrence.days')}
                  </div>
                ) : null}
                {rec.dayparts.map((p, i) => (
                  <div className="row daypart" key={i}>
                    <Field
                      label={t('schedules.dayStartN', { n: i + 1 })}
                      error={fieldError(t, create.error, `recurrence.dayparts.${i}.start`)}
                    >
                      <DateInput kind="time" value={p.start} onChange={(v) => setPart(i, 'start', v)} />
                    </Field>
                    <Field
                      label={t('schedules.dayEndN', { n: i + 1 })}
                      error={
                        fieldError(t, create.error, `recurrence.dayparts.${i}.end`) ??
                        (create.error instanceof ApiError && create.error.field === `recurrence.dayparts.${i}`
                          ? errorText(t, create.error)
                          : null)
                      }
                    >
                      <DateInput kind="time" value={p.end} onChange={(v) => setPart(i, 'end', v)} />
                    </Field>
                    {rec.dayparts.length > 1 ? (
                      <button
                        type="button"
                        className="small"
                        onClick={() => setRec((r) => ({ ...r, dayparts: r.dayparts.filter((_, j) => j !== i) }))}
                      >
                        {t('schedules.removeDaypart', { n: i + 1 })}
                      </button>
                    ) : null}
                  </div>
                ))}
                {fieldError(t, create.error, 'recurrence.dayparts') &&
                !/^recurrence\.dayparts\.\d/.test((create.error as ApiError).field ?? '') ? (
                  <div className="error" role="alert">
                    {fieldError(t, create.error, 'recurrence.dayparts')}
                  </div>
                ) : null}
                <button
                  type="button"
                  className="small"
                  onClick={() => setRec((r) => ({ ...r, dayparts: [...r.dayparts, { start: '17:00', end: '19:00' }] }))}
                >
                  {t('schedules.addDaypart')}
                </button>
              </>
            ) : null}
            {rec.kind === 'cron' ? (
              <div className="row">
                <Field
                  label={t('schedules.cron')}
                  term={t('schedules.cronTerm')}
                  hint={t('schedules.cronHint')}
                  error={fieldError(t, create.error, 'recurrence.expression')}
                >
                  <input value={rec.cron} onChange={(e) => setRec((r) => ({ ...r, cron: e.target.value }))} />
                </Field>
                <Field label={t('schedules.cronMinutes')} error={fieldError(t, create.error, 'recurrence.durationMs')}>
                  <input
                    inputMode="decimal"
                    className="narrow"
                    value={rec.cronMinutes}
                    onChange={(e) => setRec((r) => ({ ...r, cronMinutes: e.target.value }))}
                  />
                </Field>
              </div>
            ) : null}
            {rec.kind === 'once' ? <p className="hint">{t('schedules.onceHint')}</p> : null}
          </fieldset>
          <fieldset>
            <legend>{t('schedules.more')}</legend>
            <div className="row">
              <Field
                label={t('schedules.weight')}
                term={t('schedules.weightTerm')}
                hint={t('schedules.weightHint')}
                error={fieldError(t, create.error, 'weight')}
              >
                <input
                  inputMode="numeric"
                  className="narrow"
                  value={weight}
                  onChange={(e) => setWeight(e.target.value)}
                />
              </Field>
              <Field
                label={t('schedules.exceptions')}
                hint={t('schedules.exceptionsHint')}
                error={fieldError(t, create.error, 'exceptions')}
              >
                <textarea rows={2} value={exceptions} onChange={(e) => setExceptions(e.target.value)} />
              </Field>
            </div>
            <div role="group" aria-label={t('schedules.holidayLists')}>
              <span className="label">{t('schedules.holidayLists')}</span>
              {(holidayLists.data ?? []).length === 0 ? <p className="hint">{t('holidays.none')}</p> : null}
              {(holidayLists.data ?? []).map((h) => (
                <label key={h.id} className="check">
                  <input
                    type="checkbox"
                    checked={holidayListIds.includes(h.id)}
                    onChange={(e) => setHolidayListIds((l) => toggle(l, h.id, e.target.checked))}
                  />{' '}
                  {t('schedules.skipHolidays', { name: h.name, n: h.dates.length })}
                </label>
              ))}
              {fieldError(t, create.error, 'holidayListIds') ? (
                <div className="error" role="alert">
                  {fieldError(t, create.error, 'holidayListIds')}
                </div>
              ) : null}
            </div>
            <label className="check">
              <input type="checkbox" checked={fallback} onChange={(e) => setFallback(e.target.checked)} />{' '}
              {t('schedules.fallback')}
            </label>
          </fieldset>
          <FormError
            message={formError(t, create.error, [
              'playlistId',
              'target',
              'priority',
              'startsAt',
              'endsAt',
              'recurrence.days',
              'recurrence.dayparts',
              'recurrence.expression',
              'recurrence.durationMs',
              'weight',
              'exceptions',
              'holidayListIds',
              'fallback',
            ])}
          />
          <Field label={t('schedules.campaign')} error={fieldError(t, create.error, 'campaignId')}>
            <select name="campaignId" value={campaignId} onChange={(e) => setCampaignId(e.target.value)}>
              <option value="">{t('schedules.noCampaign')}</option>
              {(campaigns.data ?? [])
                .filter((c) => c.status !== 'ended' && c.status !== 'cancelled')
                .map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
            </select>
          </Field>
          <div className="row">
            <button type="submit" className="primary" disabled={create.isPending}>
              {create.isPending ? t('common.saving') : t('common.save')}
            </button>
            {editingId ? (
              <button
                type="button"
                onClick={() => {
                  resetForm();
                  setNotice(null);
                }}
              >
                {t('schedules.newInstead')}
              </button>
            ) : null}
          </div>
          <Notice message={notice} />
        </form>
      ) : null}

      <h2>{t('schedules.list')}</h2>
      {schedules.error ? <p className="error">{errorText(t, schedules.error)}</p> : null}
      {remove.error ? (
        <p className="error" role="alert">
          {errorText(t, remove.error)}
        </p>
      ) : null}
      <DataTable
        rows={schedules.data}
        empty={t('schedules.empty')}
        head={
          <>
            <th scope="col">{t('schedules.col.playlist')}</th>
            <th scope="col">{t('schedules.col.targets')}</th>
            <th scope="col">{t('schedules.col.priority')}</th>
            <th scope="col">{t('schedules.col.window')}</th>
            {canEdit(user) ? <th scope="col">{t('devices.col.actions')}</th> : null}
          </>
        }
      >
        {(rows) =>
          rows.map((s) => {
            const name = playlistName.get(s.playlistId) ?? s.playlistId;
            return (
              <tr key={s.id}>
                <td>{name}</td>
                <td>
                  {[
                    ...s.target.groupIds.map((g) => groupName.get(g) ?? g),
                    ...s.target.deviceIds.map((d) => deviceName.get(d) ?? d),
                  ].join(', ')}
                </td>
                <td>
                  {s.priority}
                  {s.weight && s.weight !== 1 ? ` · ${t('schedules.weightN', { n: s.weight })}` : ''}
                  {s.fallback ? ` · ${t('schedules.isFallback')}` : ''}
                </td>
                <td>{windowText(s)}</td>
                {canEdit(user) ? (
                  <td>
                    <button type="button" className="small" onClick={() => open(s)}>
                      {t('schedules.edit')}
                    </button>
                    <button
                      type="button"
                      className="small"
                      disabled={duplicate.isPending}
                      onClick={() => duplicate.mutate(s.id)}
                    >
                      {t('schedules.duplicate')}
                    </button>
                    <button
                      type="button"
                      className="small danger"
                      aria-label={`${t('common.delete')}: ${name}`}
                      onClick={() => {
                        if (window.confirm(t('schedules.confirmDelete', { name }))) remove.mutate(s.id);
                      }}
                    >
                      {t('common.delete')}
                    </button>
                  </td>
                ) : null}
              </tr>
            );
          })
        }
      </DataTable>
      <HolidayLists />
    </section>
  );
}
