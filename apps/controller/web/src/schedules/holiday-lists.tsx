import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import { api } from '../api/client';
import { errorText, fieldError, formError } from '../api/errors';
import { Field, FormError, Notice } from '../components/field';
import { useUser } from '../session';
import { parseDateList } from './recurrence';

const KEY = ['holiday-lists'] as const;

/** Named lists of days off (Tết, 30/4–1/5, 2/9) that schedules skip; admins maintain them once for all. */
export function HolidayLists() {
  const { t } = useI18n();
  const user = useUser();
  const qc = useQueryClient();
  const lists = useQuery({ queryKey: KEY, queryFn: api.holidayLists });
  const [name, setName] = useState('');
  const [dates, setDates] = useState('');
  const [notice, setNotice] = useState<string | null>(null);

  const create = useMutation({
    mutationFn: () => api.createHolidayList({ name, dates: parseDateList(dates) }),
    onSuccess: () => {
      setName('');
      setDates('');
      setNotice(t('holidays.created'));
      void qc.invalidateQueries({ queryKey: KEY });
    },
    onError: () => setNotice(null),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.deleteHolidayList(id),
    onSettled: () => void qc.invalidateQueries({ queryKey: KEY }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  return (
    <div className="card" aria-labelledby="hol-title">
      <h2 id="hol-title">{t('holidays.title')}</h2>
      {user.role === 'admin' ? (
        <form onSubmit={submit} aria-label={t('holidays.new')}>
          <div className="row">
            <Field label={t('holidays.name')} error={fieldError(t, create.error, 'name')}>
              <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
            </Field>
            <Field
              label={t('holidays.dates')}
              hint={t('holidays.datesHint')}
              error={fieldError(t, create.error, 'dates')}
            >
              <textarea rows={3} value={dates} onChange={(e) => setDates(e.target.value)} />
            </Field>
          </div>
          <FormError message={formError(t, create.error, ['name', 'dates'])} />
          <button type="submit" disabled={create.isPending}>
            {t('holidays.create')}
          </button>
          <Notice message={notice} />
        </form>
      ) : null}
      {lists.error ? <p className="error">{errorText(t, lists.error)}</p> : null}
      {remove.error ? (
        <p className="error" role="alert">
          {errorText(t, remove.error)}
        </p>
      ) : null}
      {lists.data?.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('holidays.name')}</th>
              <th scope="col">{t('holidays.dates')}</th>
              {user.role === 'admin' ? <th scope="col">{t('devices.col.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {lists.data.map((h) => (
              <tr key={h.id}>
                <td>{h.name}</td>
                <td>{h.dates.join(', ')}</td>
                {user.role === 'admin' ? (
                  <td>
                    <button
                      type="button"
                      className="small danger"
                      aria-label={`${t('common.delete')}: ${h.name}`}
                      onClick={() => remove.mutate(h.id)}
                    >
                      {t('common.delete')}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="hint">{t('holidays.none')}</p>
      )}
    </div>
  );
}
