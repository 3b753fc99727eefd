import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import { ApiError, kioskApi } from '../api/client';
import { keys } from '../api/queries';
import { fieldError, formError } from '../api/errors';
import { Field, FormError, Notice } from '../components/field';
import './kiosk-editors.css';

/**
 * A livestream (HLS `.m3u8` URL) for screens, e.g. a televised dialogue. The controller validates
 * the URL; its refusal is shown beside the field, in the UI language when it is the `.m3u8` rule.
 */
export default function StreamForm() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const audioId = useId();
  const [title, setTitle] = useState('');
  const [url, setUrl] = useState('');
  const [audio, setAudio] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const save = useMutation({
    mutationFn: () => kioskApi.createStream({ title: title.normalize('NFC').trim() || null, url: url.trim(), audio }),
    onMutate: () => setNotice(null),
    onSuccess: () => {
      setNotice(t('stream.saved'));
      setTitle('');
      setUrl('');
      setAudio(false);
      void qc.invalidateQueries({ queryKey: keys.content });
    },
  });

  const urlError = () => {
    const e = save.error;
    if (e instanceof ApiError && e.field === 'url' && /\.m3u8/.test(e.message)) return t('stream.urlNotHls');
    return fieldError(t, e, 'url');
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };

  return (
    <form className="card stream-form" onSubmit={submit} aria-labelledby="stream-form-title">
      <h2 id="stream-form-title">{t('stream.new')}</h2>
      <Field label={t('stream.title')} error={fieldError(t, save.error, 'title')}>
        <input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
      </Field>
      <Field label={t('stream.url')} error={urlError()} hint={t('stream.urlHint')}>
        <input
          type="text"
          inputMode="url"
          placeholder="https://…/index.m3u8"
          value={url}
          required
          onChange={(e) => setUrl(e.target.value)}
        />
      </Field>
      <div className="field inline">
        <input id={audioId} type="checkbox" checked={audio} onChange={(e) => setAudio(e.target.checked)} />
        <label htmlFor={audioId}>{t('stream.audio')}</label>
        <span className="hint">{t('content.audioHint')}</span>
      </div>
      <FormError message={formError(t, save.error, ['title', 'url', 'audio'])} />
      <button type="submit" className="primary" disabled={save.isPending}>
        {save.isPending ? t('common.saving') : t('stream.save')}
      </button>
      <Notice message={notice} />
    </form>
  );
}
