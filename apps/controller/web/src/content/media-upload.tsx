import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import { uploadMedia } from '../api/client';
import { keys } from '../api/queries';
import { fieldError, formError } from '../api/errors';
import { Field, FormError, Notice } from '../components/field';
import { FilePicker } from '../components/file-picker';
import { setContentAudio } from './audio-toggle';

const ACCEPT = 'image/jpeg,image/png,image/webp,video/mp4,video/webm';

/** Image and video upload with a real progress bar (XMLHttpRequest reports bytes sent). */
export function MediaUpload() {
  const { t, number } = useI18n();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const [audio, setAudio] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [resets, setResets] = useState(0);

  const upload = useMutation({
    mutationFn: async () => {
      const item = await uploadMedia(file!, title.normalize('NFC').trim() || null, setProgress);
      // Sound is off unless asked for (lobby screens are usually silent); only videos have it.
      return audio && item.type === 'video' ? setContentAudio(item.id, true) : item;
    },
    onMutate: () => {
      setNotice(null);
      setProgress(0);
    },
    onSuccess: () => {
      setNotice(t('content.uploaded'));
      setFile(null);
      setTitle('');
      setAudio(false);
      setResets((n) => n + 1); // a fresh picker: no file, no name shown
      void qc.invalidateQueries({ queryKey: keys.content });
    },
    onError: () => setProgress(null),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (file) upload.mutate();
  };

  return (
    <form className="card" onSubmit={submit} aria-labelledby="upload-title">
      <h2 id="upload-title">{t('content.upload')}</h2>
      <div className="row">
        <Field
          label={t('content.upload.file')}
          error={fieldError(t, upload.error, 'file')}
          hint={t('content.upload.hint')}
        >
          <FilePicker
            key={resets}
            accept={ACCEPT}
            onFile={(f) => {
              setFile(f);
              setProgress(null);
            }}
          />
        </Field>
        <Field label={t('content.upload.title')} error={fieldError(t, upload.error, 'title')}>
          <input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
        </Field>
      </div>
      <div className="field inline">
        <label>
          <input type="checkbox" checked={audio} onChange={(e) => setAudio(e.target.checked)} /> {t('content.audio')}
        </label>
        <span className="hint">{t('content.audioHint')}</span>
      </div>
      <FormError message={formError(t, upload.error, ['file', 'title', 'audio'])} />
      <div className="row">
        <button type="submit" className="primary" disabled={!file || upload.isPending}>
          {upload.isPending ? t('content.upload.busy') : t('content.upload.send')}
        </button>
        {progress !== null ? (
          <label className="progress">
            <progress max={1} value={progress} aria-label={t('content.upload.progress')} /> {number(progress * 100, 0)}%
          </label>
        ) : null}
      </div>
      <Notice message={notice} />
    </form>
  );
}
