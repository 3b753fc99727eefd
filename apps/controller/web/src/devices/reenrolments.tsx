import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { DEVICE_KINDS, type DeviceGroup, type DeviceKind } from '@bangtin/shared';
import { useI18n } from '../i18n/i18n';
import { request } from '../api/client';
import { errorText } from '../api/errors';
import { keys } from '../api/queries';
import { GroupOptions } from '../components/group-options';
import { flattenTree } from '../schedules/tree';

/** `GET /devices/reenrolments`: players whose token this (restored) database does not know. */
export interface ReenrolmentView {
  id: string;
  deviceId: string;
  name: string;
  groupId: string | null;
  fingerprint: string;
  status: 'pending' | 'rejected';
  address: string | null;
  lastSeenAt: string;
  known: { name: string; kind: DeviceKind; groupId: string | null } | null;
}

export const reenrolKey = ['devices', 'reenrolments'] as const;

/**
 * Admins only: the devices asking to reconnect, each approved into a group (and a kind when the
 * database has no row for it) or rejected. Hidden when there is nothing to decide.
 */
export function ReenrolmentList({ groups }: { groups: DeviceGroup[] }) {
  const { t, dateTime } = useI18n();
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: reenrolKey,
    queryFn: () => request<ReenrolmentView[]>('GET', '/devices/reenrolments'),
    refetchInterval: 10_000,
  });
  const [choice, setChoice] = useState<Record<string, { groupId: string; kind: DeviceKind }>>({});
  const done = () => {
    void qc.invalidateQueries({ queryKey: reenrolKey });
    void qc.invalidateQueries({ queryKey: keys.devices });
  };
  const approve = useMutation({
    mutationFn: (r: ReenrolmentView) => {
      const c = choiceOf(r);
      return request('POST', `/devices/reenrolments/${r.id}/approve`, {
        groupId: c.groupId || null,
        ...(r.known ? {} : { kind: c.kind }),
      });
    },
    onSettled: done,
  });
  const reject = useMutation({
    mutationFn: (id: string) => request('POST', `/devices/reenrolments/${id}/reject`),
    onSettled: done,
  });
  const choiceOf = (r: ReenrolmentView) =>
    choice[r.id] ?? { groupId: r.known?.groupId ?? r.groupId ?? '', kind: r.known?.kind ?? 'led' };
  const set = (r: ReenrolmentView, c: Partial<{ groupId: string; kind: DeviceKind }>) =>
    setChoice((all) => ({ ...all, [r.id]: { ...choiceOf(r), ...c } }));

  const rows = list.data ?? [];
  if (rows.length === 0) return null;
  const tree = flattenTree(groups);
  const error = approve.error ?? reject.error;
  return (
    <section className="card" aria-labelledby="reenrol-title">
      <h2 id="reenrol-title">{t('reenrol.title')}</h2>
      <p className="hint">{t('reenrol.hint')}</p>
      {error ? (
        <p className="error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
      <table>
        <thead>
          <tr>
            <th scope="col">{t('reenrol.col.device')}</th>
            <th scope="col">{t('reenrol.col.fingerprint')}</th>
            <th scope="col">{t('reenrol.col.address')}</th>
            <th scope="col">{t('reenrol.col.lastSeen')}</th>
            <th scope="col">{t('reenrol.col.status')}</th>
            <th scope="col">{t('devices.field.group')}</th>
            <th scope="col">{t('devices.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-reenrol-row={r.name}>
              <td>
                {r.name}
                {r.known ? <span className="hint"> ({t('reenrol.known', { name: r.known.name })})</span> : null}
              </td>
              <td>
                <code>{r.fingerprint}</code>
              </td>
              <td>{r.address ?? t('common.none')}</td>
              <td>{dateTime(r.lastSeenAt)}</td>
              <td>{t(`reenrol.status.${r.status}`)}</td>
              <td>
                {r.status === 'pending' ? (
                  <>
                    <select
                      aria-label={`${t('devices.field.group')}: ${r.name}`}
                      value={choiceOf(r).groupId}
                      onChange={(e) => set(r, { groupId: e.target.value })}
                    >
                      <option value="">{t('common.noGroup')}</option>
                      <GroupOptions tree={tree} />
                    </select>
                    {r.known ? null : (
                      <select
                        aria-label={`${t('devices.field.kind')}: ${r.name}`}
                        value={choiceOf(r).kind}
                        onChange={(e) => set(r, { kind: e.target.value as DeviceKind })}
                      >
                        {DEVICE_KINDS.map((k) => (
                          <option key={k} value={k}>
                            {t(`kind.${k}`)}
                          </option>
                        ))}
                      </select>
                    )}
                  </>
                ) : null}
              </td>
              <td className="actions">
                {r.status === 'pending' ? (
                  <>
                    <button
                      type="button"
                      className="small primary"
                      aria-label={`${t('reenrol.approve')}: ${r.name}`}
                      disabled={approve.isPending}
                      onClick={() => approve.mutate(r)}
                    >
                      {t('reenrol.approve')}
                    </button>
                    <button
                      type="button"
                      className="small danger"
                      aria-label={`${t('reenrol.reject')}: ${r.name}`}
                      disabled={reject.isPending}
                      onClick={() => reject.mutate(r.id)}
                    >
                      {t('reenrol.reject')}
                    </button>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
