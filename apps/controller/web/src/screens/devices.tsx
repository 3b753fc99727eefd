import { useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { DEVICE_KINDS, type DeviceKind } from '@bangtin/shared';
import { useI18n } from '../i18n/i18n';
import { api } from '../api/client';
import { keys, useDevices, useGroups } from '../api/queries';
import { errorText, fieldError, formError } from '../api/errors';
import { Field, FormError } from '../components/field';
import { deviceStatus } from '../devices/status';
import { GroupOptions } from '../components/group-options';
import { flattenTree } from '../schedules/tree';
import { canEdit, useUser } from '../session';
import { CacheCell, DeviceManager, OutputsCell } from '../devices/device-manager';
import { ReenrolmentList } from '../devices/reenrolments';

export default function DevicesScreen() {
  const { t, dateTime } = useI18n();
  const user = useUser();
  const qc = useQueryClient();
  const devices = useDevices(true);
  const groups = useGroups();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<DeviceKind>('led');
  // An editor's only choice is their own district; preselect it so they cannot enrol out of scope.
  const [groupId, setGroupId] = useState(user.role === 'editor' ? (user.groupId ?? '') : '');
  const [issued, setIssued] = useState<{ name: string; token: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [managed, setManaged] = useState<string | null>(null);

  const tree = useMemo(() => flattenTree(groups.data ?? []), [groups.data]);
  const groupName = useMemo(() => new Map((groups.data ?? []).map((g) => [g.id, g.name])), [groups.data]);

  const enrol = useMutation({
    mutationFn: () => api.createDevice({ name, kind, groupId: groupId || null }),
    onSuccess: (r) => {
      setIssued({ name, token: r.token });
      setCopied(false);
      setName('');
      void qc.invalidateQueries({ queryKey: keys.devices });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.revokeDevice(id),
    onSettled: () => void qc.invalidateQueries({ queryKey: keys.devices }),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    enrol.mutate();
  };
  const now = devices.dataUpdatedAt || Date.now();
  const managedDevice = (devices.data ?? []).find((d) => d.id === managed && !d.revokedAt);

  return (
    <section aria-labelledby="dev-title">
      <h1 id="dev-title">{t('devices.title')}</h1>
      {canEdit(user) ? (
        <form className="card" onSubmit={submit} aria-labelledby="dev-new">
          <h2 id="dev-new">{t('devices.new')}</h2>
          <div className="row">
            <Field label={t('devices.field.name')} error={fieldError(t, enrol.error, 'name')}>
              <input value={name} onChange={(e) => setName(e.target.value)} required />
            </Field>
            <Field label={t('devices.field.kind')} error={fieldError(t, enrol.error, 'kind')}>
              <select value={kind} onChange={(e) => setKind(e.target.value as DeviceKind)}>
                {DEVICE_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`kind.${k}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('devices.field.group')} error={fieldError(t, enrol.error, 'groupId')}>
              <select value={groupId} onChange={(e) => setGroupId(e.target.value)}>
                {user.role === 'admin' ? <option value="">{t('common.noGroup')}</option> : null}
                <GroupOptions tree={tree} />
              </select>
            </Field>
          </div>
          <FormError message={formError(t, enrol.error, ['name', 'kind', 'groupId'])} />
          <button type="submit" className="primary" disabled={enrol.isPending}>
            {enrol.isPending ? t('common.saving') : t('common.create')}
          </button>
          {issued ? (
            <div className="token-box" role="status">
              <p>
                <strong>{t('devices.token', { name: issued.name })}</strong>
              </p>
              <code data-testid="device-token">{issued.token}</code>{' '}
              <button
                type="button"
                className="small"
                onClick={() =>
                  void navigator.clipboard?.writeText(issued.token).then(
                    () => setCopied(true),
                    () => setCopied(false),
                  )
                }
              >
                {t('devices.copy')}
              </button>
              {copied ? <span className="hint"> {t('devices.copied')}</span> : null}
            </div>
          ) : null}
        </form>
      ) : null}
      {user.role === 'admin' ? <ReenrolmentList groups={groups.data ?? []} /> : null}
      {devices.error ? <p className="error">{errorText(t, devices.error)}</p> : null}
      {revoke.error ? (
        <p className="error" role="alert">
          {errorText(t, revoke.error)}
        </p>
      ) : null}
      <table>
        <thead>
          <tr>
            <th scope="col">{t('dashboard.col.device')}</th>
            <th scope="col">{t('dashboard.col.kind')}</th>
            <th scope="col">{t('devices.col.group')}</th>
            <th scope="col">{t('dashboard.col.status')}</th>
            <th scope="col">{t('devices.col.tags')}</th>
            <th scope="col">{t('devices.outputs')}</th>
            <th scope="col">{t('devices.cache')}</th>
            <th scope="col">{t('dashboard.col.lastSeen')}</th>
            {canEdit(user) ? <th scope="col">{t('devices.col.actions')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {(devices.data ?? []).map((d) => {
            const status = deviceStatus(d, now);
            return (
              <tr key={d.id} data-device-row={d.name}>
                <td>{d.name}</td>
                <td>{t(`kind.${d.kind}`)}</td>
                <td>{d.groupId ? (groupName.get(d.groupId) ?? d.groupId) : t('common.noGroup')}</td>
                <td>
                  <span className={`status status-${status}`}>{t(`status.${status}`)}</span>
                </td>
                <td>{d.tags?.length ? d.tags.join(', ') : t('common.none')}</td>
                <td>
                  <OutputsCell outputs={d.outputs} />
                </td>
                <td>
                  <CacheCell deviceId={d.id} />
                </td>
                <td>{d.lastSeenAt ? dateTime(d.lastSeenAt) : t('common.never')}</td>
                {canEdit(user) ? (
                  <td className="actions">
                    {d.revokedAt ? null : (
                      <button
                        type="button"
                        className="small"
                        aria-label={`${t('devices.manageBtn')}: ${d.name}`}
                        onClick={() => setManaged(d.id)}
                      >
                        {t('devices.manageBtn')}
                      </button>
                    )}
                    {d.revokedAt ? null : (
                      <button
                        type="button"
                        className="small danger"
                        aria-label={`${t('devices.revoke')}: ${d.name}`}
                        onClick={() => {
                          if (window.confirm(t('devices.confirmRevoke', { name: d.name }))) revoke.mutate(d.id);
                        }}
                      >
                        {t('devices.revoke')}
                      </button>
                    )}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
      {managedDevice ? (
        <DeviceManager
          key={managedDevice.id}
          device={managedDevice}
          groups={groups.data ?? []}
          onClose={() => setManaged(null)}
        />
      ) : null}
    </section>
  );
}
