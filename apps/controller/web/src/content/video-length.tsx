import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import { request, type ContentView } from '../api/client';
import { keys } from '../api/queries';
import { errorText } from '../api/errors';

/**
 * A video the controller could not measure (no ffprobe on the server): the warning staff must see,
 * and a field to type the length in (`PATCH /content/:id {durationMs}`).
 */
export function VideoLength({ item, editable }: { item: ContentView; editable: boolean }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [seconds, setSeconds] = useState('');
  const save = useMutation({
    mutationFn: (durationMs: number) => request<ContentView>('PATCH', `/content/${item.id}`, { durationMs }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.content }),
  });
  return (
    <span className="video-length">
      <span className="warning" role="status">
        ⚠ {t('content.durationUnknown')}
      </span>
      {editable ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            // Sent as typed (rounded to ms): the controller checks the range and names the field.
            save.mutate(Math.round(Number(seconds.replace(',', '.')) * 1000));
          }}
        >
          <input
            type="number"
            min={1}
            step="any"
            inputMode="decimal"
            value={seconds}
            placeholder={t('content.durationSeconds')}
            aria-label={t('content.durationOf', { title: item.title ?? t('content.type.video') })}
            onChange={(e) => setSeconds(e.target.value)}
          />
          <button type="submit" disabled={save.isPending || seconds.trim() === ''}>
            {t('content.durationSave')}
          </button>
        </form>
      ) : null}
      {save.error ? (
        <span className="error" role="alert">
          {' '}
          {errorText(t, save.error)}
        </span>
      ) : null}
    </span>
  );
}
