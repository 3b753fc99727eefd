import { useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ROLES, type Role } from '@bangtin/shared';
import { useI18n } from '../i18n/i18n';
import { api } from '../api/client';
import { keys, useGroups, useUsers } from '../api/queries';
import { errorText, fieldError, formError } from '../api/errors';
import { Field, FormError, Notice } from '../components/field';
import { useQuery } from '@tanstack/react-query';
import { staffApi } from '../api/staff';
import { UserEditor } from './user-editor';

export default function UsersScreen() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const users = useUsers();
  const groups = useGroups();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [groupId, setGroupId] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  // The same list with the disabled state (issue 10); the plain list stays for other screens' cache.
  const rows = useQuery({ queryKey: ['users', 'rows'], queryFn: staffApi.userRows });
  const edited = (rows.data ?? []).find((u) => u.id === editing) ?? null;

  const districts = useMemo(() => (groups.data ?? []).filter((g) => g.kind === 'district'), [groups.data]);
  const groupName = useMemo(() => new Map((groups.data ?? []).map((g) => [g.id, g.name])), [groups.data]);

  const create = useMutation({
    mutationFn: () => api.createUser({ username, password, role, groupId: groupId || null }),
    onSuccess: () => {
      setUsername('');
      setPassword('');
      setNotice(t('users.created'));
      void qc.invalidateQueries({ queryKey: keys.users });
      void qc.invalidateQueries({ queryKey: ['users', 'rows'] });
    },
    onError: () => setNotice(null),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">{t('users.title')}</h1>
      <form className="card" onSubmit={submit} aria-labelledby="users-new">
        <h2 id="users-new">{t('users.new')}</h2>
        <div className="row">
          <Field label={t('users.field.username')} error={fieldError(t, create.error, 'username')}>
            <input value={username} autoComplete="off" onChange={(e) => setUsername(e.target.value)} required />
          </Field>
          <Field label={t('users.field.password')} error={fieldError(t, create.error, 'password')}>
            <input
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </Field>
          <Field label={t('users.field.role')} error={fieldError(t, create.error, 'role')}>
            <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('users.field.group')} error={fieldError(t, create.error, 'groupId')}>
            <select value={groupId} onChange={(e) => setGroupId(e.target.value)}>
              <option value="">{t('common.none')}</option>
              {districts.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <FormError message={formError(t, create.error, ['username', 'password', 'role', 'groupId'])} />
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? t('common.saving') : t('common.create')}
        </button>
        <Notice message={notice} />
      </form>
      {users.error ? <p className="error">{errorText(t, users.error)}</p> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">{t('users.col.username')}</th>
            <th scope="col">{t('users.col.role')}</th>
            <th scope="col">{t('users.col.group')}</th>
            <th scope="col">{t('users.col.state')}</th>
            <th scope="col">{t('users.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {(rows.data ?? []).map((u) => (
            <tr key={u.id} data-user={u.username}>
              <td>{u.username}</td>
              <td>{t(`role.${u.role}`)}</td>
              <td>{u.groupId ? (groupName.get(u.groupId) ?? u.groupId) : t('common.none')}</td>
              <td>
                <span className={`status ${u.disabled ? 'status-offline' : 'status-online'}`}>
                  {u.disabled ? t('users.disabled') : t('users.active')}
                </span>
              </td>
              <td>
                <button
                  type="button"
                  onClick={() => {
                    setNotice(null);
                    setEditing(u.id);
                  }}
                >
                  {t('users.edit')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {edited ? (
        <UserEditor
          key={edited.id}
          user={edited}
          districts={districts}
          onDone={(message) => {
            setEditing(null);
            if (message) setNotice(message);
          }}
        />
      ) : null}
    </section>
  );
}
