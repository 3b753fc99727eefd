import { useDeferredValue, useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import { api } from '../api/client';
import { keys, useContent } from '../api/queries';
import { errorText, fieldError, formError } from '../api/errors';
import { Field, FormError, Notice } from '../components/field';
import { LedPreview } from '../led/led-preview';
import { PREVIEW_BOARDS } from '../led/boards';
import { canEdit, useUser } from '../session';

export default function ContentScreen() {
  const { t, dateTime } = useI18n();
  const user = useUser();
  const qc = useQueryClient();
  const content = useContent();
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [search, setSearch] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  // Rendering three boards per keystroke is cheap, but typing must never wait for it.
  const previewText = useDeferredValue(text);

  const create = useMutation({
    mutationFn: () => api.createSlogan({ text, title: title.trim() || null }),
    onSuccess: () => {
      setTitle('');
      setText('');
      setNotice(t('content.created'));
      void qc.invalidateQueries({ queryKey: keys.content });
    },
    onError: () => setNotice(null),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  const shown = useMemo(() => {
    const q = search.trim().normalize('NFC').toLocaleLowerCase('vi');
    const list = content.data ?? [];
    return q ? list.filter((c) => `${c.title ?? ''} ${c.text}`.toLocaleLowerCase('vi').includes(q)) : list;
  }, [content.data, search]);

  return (
    <section aria-labelledby="content-title">
      <h1 id="content-title">{t('content.title')}</h1>
      {canEdit(user) ? (
        <div className="editor-layout">
          <form className="card" onSubmit={submit} aria-labelledby="new-slogan">
            <h2 id="new-slogan">{t('content.new')}</h2>
            <Field label={t('content.field.title')} error={fieldError(t, create.error, 'title')}>
              <input name="title" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
            </Field>
            <Field label={t('content.field.text')} error={fieldError(t, create.error, 'text')}>
              <textarea name="text" rows={4} value={text} onChange={(e) => setText(e.target.value)} required />
            </Field>
            <FormError message={formError(t, create.error, ['title', 'text'])} />
            <button type="submit" className="primary" disabled={create.isPending}>
              {create.isPending ? t('common.saving') : t('common.save')}
            </button>
            <Notice message={notice} />
          </form>
          <div className="card previews" aria-labelledby="preview-title">
            <h2 id="preview-title">{t('content.preview')}</h2>
            {previewText.trim() ? (
              PREVIEW_BOARDS.map((b) => <LedPreview key={b.id} text={previewText} board={b} />)
            ) : (
              <p className="hint">{t('content.previewEmpty')}</p>
            )}
          </div>
        </div>
      ) : (
        <p className="hint">{t('content.readonly')}</p>
      )}

      <h2>{t('content.list')}</h2>
      <div className="field inline">
        <label htmlFor="content-search">{t('common.search')}</label>
        <input id="content-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      {content.error ? <p className="error">{errorText(t, content.error)}</p> : null}
      {content.data && shown.length === 0 ? <p>{t('content.empty')}</p> : null}
      {shown.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('content.col.title')}</th>
              <th scope="col">{t('content.col.text')}</th>
              <th scope="col">{t('content.col.type')}</th>
              <th scope="col">{t('content.col.created')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((c) => (
              <tr key={c.id}>
                <td>{c.title ?? t('common.none')}</td>
                <td className="slogan-text">{c.text}</td>
                <td>{t('content.type.slogan')}</td>
                <td>{dateTime(c.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
