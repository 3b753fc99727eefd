import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import { api, type ContentView } from '../api/client';
import { keys } from '../api/queries';
import { errorText, fieldError } from '../api/errors';
import { Field, Notice } from '../components/field';
import { LedPreview } from '../led/led-preview';
import { previewBoards, useBoardSizes } from '../led/fleet-boards';

const pendingKey = ['content', 'pending'] as const;

/** "Chờ duyệt": what editors wrote or changed, with its LED preview on every board size in use. */
export default function ApprovalsScreen() {
  const { t } = useI18n();
  const pending = useQuery({ queryKey: pendingKey, queryFn: api.pendingContent, refetchInterval: 15_000 });
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <section aria-labelledby="approvals-title">
      <h1 id="approvals-title">{t('approvals.title')}</h1>
      <Notice message={notice} />
      {pending.error ? <p className="error">{errorText(t, pending.error)}</p> : null}
      {pending.data && pending.data.length === 0 ? <p>{t('approvals.empty')}</p> : null}
      {(pending.data ?? []).map((c) => (
        <PendingItem key={`${c.id}-${c.updatedAt ?? ''}`} item={c} onDone={setNotice} />
      ))}
    </section>
  );
}

function PendingItem({ item, onDone }: { item: ContentView; onDone(m: string): void }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const fleet = useBoardSizes();
  const boards = useMemo(() => previewBoards(fleet.data), [fleet.data]);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const label = item.title ?? item.text ?? item.type;
  const done = (message: string) => {
    onDone(message);
    void qc.invalidateQueries({ queryKey: pendingKey });
    void qc.invalidateQueries({ queryKey: keys.content });
  };
  const approve = useMutation({
    mutationFn: () => api.approveContent(item.id),
    onSuccess: () => done(t('approvals.approved')),
  });
  const reject = useMutation({
    mutationFn: () => api.rejectContent(item.id, reason),
    onSuccess: () => done(t('approvals.rejected')),
  });
  return (
    <article className="approval-item card" aria-label={label} data-content-id={item.id}>
      <h2>{label}</h2>
      {item.type === 'slogan' ? <p className="slogan-text">{item.text}</p> : null}
      {item.airing ? (
        <p className="hint">{t('approvals.airing', { text: item.airing.text ?? item.airing.title ?? '' })}</p>
      ) : null}
      {item.type === 'slogan' && item.text
        ? boards.map((b) => <LedPreview key={b.id} text={item.text!} board={b} maxWidthPx={420} />)
        : null}
      <div className="row">
        <button
          type="button"
          className="primary"
          aria-label={t('approvals.approveOf', { title: label })}
          disabled={approve.isPending}
          onClick={() => approve.mutate()}
        >
          {t('approvals.approve')}
        </button>
        <button
          type="button"
          aria-label={t('approvals.rejectOf', { title: label })}
          aria-expanded={rejecting}
          onClick={() => setRejecting((r) => !r)}
        >
          {t('approvals.reject')}
        </button>
      </div>
      {approve.error ? <p className="error">{errorText(t, approve.error)}</p> : null}
      {rejecting ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            reject.mutate();
          }}
        >
          <Field label={t('approvals.reason')} error={fieldError(t, reject.error, 'reason')}>
            <textarea name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <button type="submit" disabled={reject.isPending}>
            {t('approvals.confirmReject')}
          </button>
        </form>
      ) : null}
    </article>
  );
}
