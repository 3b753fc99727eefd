import { useI18n } from '../i18n/i18n';
import type { ContentView } from '../api/client';

/** An item's approval state as a badge, with the rejection reason or who approved it. */
export function ContentStatus({ item }: { item: ContentView }) {
  const { t, dateTime } = useI18n();
  const status = item.status ?? 'approved';
  return (
    <span className="content-status" data-status={status}>
      <span className={`badge badge-${status}`}>
        {status === 'rejected' && item.rejectionReason
          ? t('status.rejectedWhy', { reason: item.rejectionReason })
          : t(`status.${status}`)}
      </span>
      {status === 'approved' && item.approvedByName && item.approvedAt ? (
        <span className="hint">
          {' '}
          {t('status.approvedBy', { user: item.approvedByName, at: dateTime(item.approvedAt) })}
        </span>
      ) : null}
      {status !== 'approved' && item.airing ? <span className="hint"> {t('status.airingOld')}</span> : null}
    </span>
  );
}
