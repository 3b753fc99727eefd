import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ROLES, type DeviceGroup, type Role } from '@bangtin/shared';
import { useI18n } from '../i18n/i18n';
import { staffApi, type UserPatch, type UserRow } from '../api/staff';
import { keys } from '../api/queries';
import { fieldError, formError } from '../api/errors';
import { Field, FormError } from '../components/field';

/** An admin edits one account: role, district, disabled, a new password (issue 10). */
export function UserEditor({
  user,
  districts,
  onDone,
}: {
  user: UserRow;
  districts: DeviceGroup[];
  onDone: (message: string) => void;
}) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [role, setRole] = useState<Role>(user.role);
  const [groupId, setGroupId] = useState(user.groupId ?? '');
  const [disabled, setDisabled] = useState(user.disabled);
  const [password, setPassword] = useState('');
  const save = useMutation({
    mutationFn: () => {
      const patch: UserPatch = {};
      if (role !== user.role) patch.role = role;
      if ((groupId || null) !== user.groupId) patch.groupId = groupId || null;
      if (disabled !== user.disabled) patch.disabled = disabled;
      if (password) patch.password = password;
      return staffApi.updateUser(user.id, patch);
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.users });
      void qc.invalidateQueries({ queryKey: ['users', 'rows'] });
      onDone(t('users.saved', { user: user.username }));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (disabled && !user.disabled && !window.confirm(t('users.disableConfirm', { user: user.username }))) return;
    save.mutate();
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="user-edit-title" data-testid="user-editor">
      <h2 id="user-edit-title">{t('users.editOf', { user: user.username })}</h2>
      <div className="row">
        <Field label={t('users.field.role')} error={fieldError(t, save.error, 'role')}>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('users.field.group')} error={fieldError(t, save.error, 'groupId')}>
          <select value={groupId} onChange={(e) => setGroupId(e.target.value)}>
            <option value="">{t('common.none')}</option>
            {districts.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label={t('users.resetPassword')}
          hint={t('users.resetHint')}
          error={fieldError(t, save.error, 'password')}
        >
          <input
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
      </div>
      <label className="check">
        <input type="checkbox" checked={disabled} onChange={(e) => setDisabled(e.target.checked)} />{' '}
        {t('users.disable')}
      </label>
      <FormError message={formError(t, save.error, ['role', 'groupId', 'password', 'disabled'])} />
      {fieldError(t, save.error, 'disabled') ? (
        <p className="error" role="alert">
          {fieldError(t, save.error, 'disabled')}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? t('common.saving') : t('users.save')}
        </button>
        <button type="button" onClick={() => onDone('')}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
