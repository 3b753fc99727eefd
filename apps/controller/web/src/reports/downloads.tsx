import { useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { download } from '../api/client';
import { errorText } from '../api/errors';

export interface DownloadItem {
  label: string;
  /** API path with its query (`format=xlsx|csv` included). */
  path: string;
  filename: string;
}

/**
 * Buttons that download what a report shows, from the controller's own export (names beside ids,
 * Vietnam times, a totals row): the API answers with a file; the bearer token rules out plain links.
 */
export function DownloadButtons({ items, disabled = false }: { items: DownloadItem[]; disabled?: boolean }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async (item: DownloadItem) => {
    setBusy(item.path);
    setError(null);
    try {
      await download(item.path, item.filename);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="row downloads">
      {items.map((item) => (
        <button
          key={item.label}
          type="button"
          onClick={() => void run(item)}
          disabled={disabled || busy !== null}
          aria-busy={busy === item.path || undefined}
        >
          {busy === item.path ? t('download.busy') : item.label}
        </button>
      ))}
      {error ? (
        <p className="error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
    </div>
  );
}
