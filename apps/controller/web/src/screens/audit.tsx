import { useMemo, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { download } from '../api/client';
import { staffApi } from '../api/staff';
import { errorText } from '../api/errors';
import { canEdit, useUser } from '../session';

const ENTITIES = ['users', 'auth', 'interrupts', 'devices', 'schedules', 'content', 'playlists', 'campaigns', 'groups'];
const ACTIONS = ['auth', 'users', 'interrupts', 'devices', 'schedules'];
const VN_OFFSET_MS = 7 * 3600_000;

/** `dd/mm/yyyy HH:mm` (Vietnam time, whatever the browser's locale) → ISO instant; '' → null; bad → undefined. */
export function parseVnDateTime(value: string): string | null | undefined {
  const v = value.trim();
  if (!v) return null;
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(v);
  if (!m) return undefined;
  const [d, mo, y, h, mi] = [+m[1]!, +m[2]!, +m[3]!, m[4] ? +m[4] : 0, m[5] ? +m[5] : 0];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi) - VN_OFFSET_MS;
  if (new Date(ms + VN_OFFSET_MS).getUTCDate() !== d) return undefined; // 31/02 and the like
  return new Date(ms).toISOString();
}

/** "Nhật ký": who changed what, filtered by time, user, item and action, with a CSV download. */
export default function AuditScreen() {
  const { t, dateTime } = useI18n();
  const me = useUser();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [userId, setUserId] = useState('');
  const [entity, setEntity] = useState('');
  const [action, setAction] = useState('');
  const [query, setQuery] = useState('');
  const [badDate, setBadDate] = useState(false);
  const users = useQuery({ queryKey: ['users', 'rows'], queryFn: staffApi.userRows, enabled: me.role === 'admin' });
  const entries = useQuery({ queryKey: ['audit', query], queryFn: () => staffApi.audit(query), enabled: canEdit(me) });
  const userName = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u.username])), [users.data]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const f = parseVnDateTime(from);
    const tt = parseVnDateTime(to);
    setBadDate(f === undefined || tt === undefined);
    if (f === undefined || tt === undefined) return;
    const q = new URLSearchParams();
    if (f) q.set('from', f);
    if (tt) q.set('to', tt);
    if (userId) q.set('userId', userId);
    if (entity) q.set('entity', entity);
    if (action) q.set('action', action);
    setQuery(q.toString());
  };

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('audit.title')}</h1>
      <form className="card row" onSubmit={apply} aria-label={t('audit.filter')}>
        <label>
          {t('audit.from')}
          <input value={from} onChange={(e) => setFrom(e.target.value)} placeholder="01/12/2026 07:00" />
        </label>
        <label>
          {t('audit.to')}
          <input value={to} onChange={(e) => setTo(e.target.value)} placeholder="31/12/2026 17:00" />
        </label>
        {me.role === 'admin' ? (
          <label>
            {t('audit.user')}
            <select value={userId} onChange={(e) => setUserId(e.target.value)}>
              <option value="">{t('audit.all')}</option>
              {(users.data ?? []).map((u) => (
                <option key={u.id} value={u.id}>
                  {u.username}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label>
          {t('audit.entity')}
          <select value={entity} onChange={(e) => setEntity(e.target.value)}>
            <option value="">{t('audit.all')}</option>
            {ENTITIES.map((x) => (
              <option key={x} value={x}>
                {t(`audit.entity.${x}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.action')}
          <select value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">{t('audit.all')}</option>
            {ACTIONS.map((x) => (
              <option key={x} value={x}>
                {t(`audit.action.${x}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary">
          {t('audit.filter')}
        </button>
        <button
          type="button"
          onClick={() => void download(`/audit?${query}${query ? '&' : ''}format=csv`, 'nhat-ky.csv')}
        >
          {t('audit.csv')}
        </button>
      </form>
      {badDate ? (
        <p className="error" role="alert">
          {t('audit.badDate')}
        </p>
      ) : null}
      {entries.error ? <p className="error">{errorText(t, entries.error)}</p> : null}
      {entries.data && entries.data.length === 0 ? <p>{t('audit.empty')}</p> : null}
      <table data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col">{t('audit.col.at')}</th>
            <th scope="col">{t('audit.col.user')}</th>
            <th scope="col">{t('audit.col.action')}</th>
            <th scope="col">{t('audit.col.entity')}</th>
            <th scope="col">{t('audit.col.changes')}</th>
          </tr>
        </thead>
        <tbody>
          {(entries.data ?? []).map((e) => (
            <tr key={e.id} data-action={e.action}>
              <td>{dateTime(e.at)}</td>
              <td>
                {e.username ?? (e.userId ? (userName.get(e.userId) ?? e.userId) : t('audit.unknownUser'))}
                {e.role ? ` (${t(`role.${e.role}` as MessageKey)})` : ''}
              </td>
              <td>{e.action}</td>
              <td>
                {e.entity ? (ENTITIES.includes(e.entity) ? t(`audit.entity.${e.entity}` as MessageKey) : e.entity) : ''}
                {e.entityId ? ` · ${e.entityId.slice(0, 8)}` : ''}
              </td>
              <td>{e.summary}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
