import { useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import { api, type InterruptView } from '../api/client';
import { useDevices, useGroups } from '../api/queries';
import { errorText, fieldError, formError } from '../api/errors';
import { DataTable } from '../components/data-table';
import { Field, FormError, Notice } from '../components/field';
import { TargetPicker, targetNames, type Targets } from '../components/target-picker';
import { useUser } from '../session';

/** Deliveries are polled fast: staff watch the acks arrive within seconds of sending. */
const DELIVERY_POLL_MS = 1000;

function interruptState(m: InterruptView): 'active' | 'cancelled' | 'ended' {
  if (m.cancelledAt) return 'cancelled';
  return m.active ? 'active' : 'ended';
}

export default function UrgentScreen() {
  const { t, dateTime } = useI18n();
  const user = useUser();
  // Sending and stopping are the admin's (the API refuses anyone else); others watch and read.
  const admin = user.role === 'admin';
  const qc = useQueryClient();
  const groups = useGroups();
  const devices = useDevices();
  const [text, setText] = useState('');
  const [minutes, setMinutes] = useState('');
  const [targets, setTargets] = useState<Targets>({ deviceIds: [], groupIds: [] });
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);

  const list = useQuery({ queryKey: ['interrupts'], queryFn: api.interrupts, refetchInterval: 5000 });
  const current = useQuery({
    queryKey: ['interrupts', selected],
    queryFn: () => api.interrupt(selected!),
    enabled: selected !== null,
    // Also after a stop, until every device has confirmed it.
    refetchInterval: (q) =>
      q.state.data &&
      interruptState(q.state.data) !== 'active' &&
      (q.state.data.stopPendingDeviceIds ?? []).length === 0
        ? false
        : DELIVERY_POLL_MS,
  });

  const send = useMutation({
    mutationFn: () =>
      api.createInterrupt({
        text: text.normalize('NFC').trim(),
        target: targets,
        // Typed as minutes; blank means "until cancelled". A bad number goes through so the API names it.
        durationMs: minutes.trim() ? Math.round(Number(minutes.replace(',', '.')) * 60_000) : undefined,
      }),
    onSuccess: (m) => {
      setSelected(m.id);
      setText('');
      setNotice(t('urgent.sent'));
      qc.setQueryData(['interrupts', m.id], m);
      void qc.invalidateQueries({ queryKey: ['interrupts'], exact: true });
    },
    onError: () => setNotice(null),
  });
  const cancel = useMutation({
    mutationFn: (id: string) => api.cancelInterrupt(id),
    onSuccess: (m) => {
      qc.setQueryData(['interrupts', m.id], m);
      setNotice(t('urgent.cancelled'));
      void qc.invalidateQueries({ queryKey: ['interrupts'], exact: true });
    },
  });

  const names = targetNames(targets, groups.data ?? [], devices.data ?? []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setNotice(null);
    dialog.current?.showModal();
  };
  const m = current.data;
  const acked = m ? m.deliveries.filter((d) => d.acked).length : 0;
  const stopDialog = useRef<HTMLDialogElement>(null);
  const stopped = m ? m.cancelledAt !== null : false;
  const stopAcked = m ? m.deliveries.filter((d) => d.stopAcked).length : 0;

  return (
    <section aria-labelledby="urgent-title">
      <h1 id="urgent-title">{t('urgent.title')}</h1>
      {admin ? (
        <form className="card" onSubmit={submit} aria-labelledby="urgent-new">
          <h2 id="urgent-new">{t('urgent.new')}</h2>
          <Field label={t('urgent.field.text')} error={fieldError(t, send.error, 'text')}>
            <textarea rows={3} value={text} onChange={(e) => setText(e.target.value)} required maxLength={1000} />
          </Field>
          <Field
            label={t('urgent.field.minutes')}
            hint={t('urgent.field.minutesHint')}
            error={fieldError(t, send.error, 'durationMs')}
          >
            <input
              inputMode="decimal"
              className="narrow"
              value={minutes}
              onChange={(e) => setMinutes(e.target.value)}
            />
          </Field>
          <TargetPicker
            legend={t('urgent.field.targets')}
            groups={groups.data ?? []}
            devices={devices.data ?? []}
            value={targets}
            onChange={setTargets}
            error={fieldError(t, send.error, 'target')}
          />
          <FormError message={formError(t, send.error, ['text', 'durationMs', 'target'])} />
          <button type="submit" className="primary danger" disabled={send.isPending}>
            {t('urgent.send')}
          </button>
          <Notice message={notice} />
          <dialog ref={dialog} aria-labelledby="urgent-confirm-title" className="confirm">
            <h2 id="urgent-confirm-title">{t('urgent.confirm.title')}</h2>
            <p className="slogan-text">{text}</p>
            <p>{names.length ? t('urgent.confirm.to', { targets: names.join(', ') }) : t('urgent.confirm.none')}</p>
            <div className="row">
              <button
                type="button"
                className="primary danger"
                onClick={() => {
                  dialog.current?.close();
                  send.mutate();
                }}
              >
                {t('urgent.confirm.yes')}
              </button>
              <button type="button" onClick={() => dialog.current?.close()}>
                {t('common.cancel')}
              </button>
            </div>
          </dialog>
        </form>
      ) : (
        <p className="summary" data-testid="urgent-admin-only">
          {t('urgent.adminOnly')}
        </p>
      )}

      {m ? (
        <div className="card" aria-labelledby="urgent-live">
          <h2 id="urgent-live">{t('urgent.live')}</h2>
          <p className="slogan-text">{m.text}</p>
          <p className="summary" role="status">
            {t(`urgent.state.${interruptState(m)}`)} · {t('urgent.ackCount', { acked, total: m.deliveries.length })}
          </p>
          {stopped ? (
            <p className="summary" data-testid="urgent-stopped">
              {m.stoppedBy
                ? t('urgent.stoppedBy', { user: m.stoppedBy.username ?? m.stoppedBy.id, at: dateTime(m.cancelledAt) })
                : null}
              {m.stoppedBy ? ' · ' : null}
              {t('urgent.stopAckCount', { acked: stopAcked, total: m.deliveries.length })}
            </p>
          ) : null}
          {admin && interruptState(m) === 'active' ? (
            <button
              type="button"
              className="danger"
              disabled={cancel.isPending}
              onClick={() => stopDialog.current?.showModal()}
            >
              {t('urgent.stop')}
            </button>
          ) : null}
          <dialog ref={stopDialog} aria-labelledby="urgent-stop-title" className="confirm">
            <h2 id="urgent-stop-title">{t('urgent.stopConfirm.title')}</h2>
            <p>{t('urgent.stopConfirm.body')}</p>
            <div className="row">
              <button
                type="button"
                className="primary danger"
                onClick={() => {
                  stopDialog.current?.close();
                  cancel.mutate(m.id);
                }}
              >
                {t('urgent.stopConfirm.yes')}
              </button>
              <button type="button" onClick={() => stopDialog.current?.close()}>
                {t('common.cancel')}
              </button>
            </div>
          </dialog>
          {cancel.error ? <p className="error">{errorText(t, cancel.error)}</p> : null}
          <table>
            <thead>
              <tr>
                <th scope="col">{t('dashboard.col.device')}</th>
                <th scope="col">{t('urgent.col.state')}</th>
                <th scope="col">{t('urgent.col.ackedAt')}</th>
                <th scope="col">{t('urgent.col.shownAt')}</th>
                {stopped ? <th scope="col">{t('urgent.col.stopAck')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {m.deliveries.map((d) => (
                <tr key={d.deviceId} data-delivery={d.deviceName ?? d.deviceId}>
                  <td>{d.deviceName ?? d.deviceId}</td>
                  <td>
                    <span className={`status ${d.acked ? 'status-online' : 'status-stale'}`}>
                      {d.acked ? t('urgent.acked') : t('urgent.pending')}
                    </span>
                  </td>
                  <td>{d.ackedAt ? dateTime(d.ackedAt) : t('common.none')}</td>
                  <td>{d.shownAt ? dateTime(d.shownAt) : t('common.none')}</td>
                  {stopped ? (
                    <td data-stop-ack={d.stopAcked ? 'yes' : 'no'}>
                      <span className={`status ${d.stopAcked ? 'status-online' : 'status-stale'}`}>
                        {d.stopAcked ? t('urgent.stopAcked') : t('urgent.stopPending')}
                      </span>
                      {d.stopAckedAt ? ` ${dateTime(d.stopAckedAt)}` : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      <h2>{t('urgent.history')}</h2>
      {list.error ? <p className="error">{errorText(t, list.error)}</p> : null}
      <DataTable
        rows={list.data}
        empty={t('urgent.empty')}
        head={
          <>
            <th scope="col">{t('urgent.col.text')}</th>
            <th scope="col">{t('urgent.col.sentAt')}</th>
            <th scope="col">{t('urgent.col.state')}</th>
            <th scope="col">{t('urgent.col.acks')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('devices.col.actions')}</span>
            </th>
          </>
        }
      >
        {(rows) =>
          [...rows]
            .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
            .map((x) => (
              <tr key={x.id}>
                <td className="slogan-text">{x.text ?? t('common.none')}</td>
                <td>{dateTime(x.createdAt)}</td>
                <td>{t(`urgent.state.${interruptState(x)}`)}</td>
                <td>
                  {t('urgent.ackCount', {
                    acked: x.deliveries.filter((d) => d.acked).length,
                    total: x.deliveries.length,
                  })}
                </td>
                <td>
                  <button type="button" className="small" onClick={() => setSelected(x.id)}>
                    {t('urgent.view')}
                  </button>
                </td>
              </tr>
            ))
        }
      </DataTable>
    </section>
  );
}
