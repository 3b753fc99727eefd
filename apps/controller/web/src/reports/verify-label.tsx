import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import { request } from '../api/client';
import { errorText } from '../api/errors';
import { type VerifyAnswer, verifyQuery } from './evidence';

/** How many breaks of each kind are named on the label before "…". */
const NAMED = 3;

/**
 * "Đã xác minh" or the number of breaks in the proof chains of the devices a report covers (GET
 * /proofs/verify): a leader sees at once whether the figures rest on proofs nobody edited or deleted.
 */
export function VerifyLabel({
  range,
  groupId,
  deviceId,
  compact = false,
}: {
  range: { from: string; to: string };
  groupId?: string;
  deviceId?: string;
  compact?: boolean;
}) {
  const { t, dateTime } = useI18n();
  const path = verifyQuery(range, { ...(groupId && { groupId }), ...(deviceId && { deviceId }) });
  const v = useQuery({
    queryKey: ['verify', path],
    queryFn: () => request<VerifyAnswer>('GET', path),
    refetchInterval: 60_000,
  });
  if (v.error) return <span className="error">{errorText(t, v.error)}</span>;
  if (!v.data) return <span className="verify">{t('verify.busy')}</span>;
  const r = v.data;
  const text =
    r.breaks.length > 0
      ? t('verify.breaks', { n: r.breaks.length, checked: r.checked })
      : r.checked > 0
        ? t('verify.ok', { n: r.checked })
        : t('verify.none');
  return (
    <span className={`verify ${r.breaks.length ? 'verify-broken' : 'verify-ok'}`} data-testid="verify" data-ok={r.ok}>
      <span aria-hidden="true">{r.breaks.length ? '⚠ ' : '✓ '}</span>
      {compact ? null : <strong>{t('verify.label')}: </strong>}
      {text}
      {!compact && r.breaks.length > 0 ? (
        <span className="verify-detail">
          {' ('}
          {r.breaks
            .slice(0, NAMED)
            .map((b) => `${t(`verify.kind.${b.kind}`, { seq: String(b.seq) })}, ${dateTime(b.at)}`)
            .join('; ')}
          {r.breaks.length > NAMED ? '; …' : ''})
        </span>
      ) : null}
      {!compact && r.unchained > 0 ? (
        <span className="hint"> · {t('verify.unchained', { n: r.unchained })}</span>
      ) : null}
    </span>
  );
}
