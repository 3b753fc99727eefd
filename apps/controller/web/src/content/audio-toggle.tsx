import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import { request, type ContentView } from '../api/client';
import { keys } from '../api/queries';
import { errorText } from '../api/errors';

/** Content as listed; `audio` is there for videos and streams (absent = muted). */
export type SoundContent = ContentView & { audio?: boolean };

/** Sets a video's or stream's sound on the controller (`PATCH /content/:id`); devices get it in their bundle. */
export function setContentAudio(id: string, audio: boolean): Promise<SoundContent> {
  return request<SoundContent>('PATCH', `/content/${id}`, { audio });
}

export function hasSound(c: ContentView): boolean {
  return c.type === 'video' || c.type === 'stream';
}

/** The "play with sound" switch of one video or stream in the content list. */
export function AudioToggle({ item, editable }: { item: SoundContent; editable: boolean }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (audio: boolean) => setContentAudio(item.id, audio),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.content }),
  });
  const on = save.isPending ? save.variables : item.audio === true;
  return (
    <span className="audio-toggle">
      <label>
        <input
          type="checkbox"
          checked={on}
          disabled={!editable || save.isPending}
          aria-label={t('content.audioOf', { title: item.title ?? t(`content.type.${item.type}`) })}
          onChange={(e) => save.mutate(e.target.checked)}
        />{' '}
        {t('content.audio')}
      </label>
      {save.error ? (
        <span className="error" role="alert">
          {' '}
          {errorText(t, save.error)}
        </span>
      ) : null}
    </span>
  );
}
