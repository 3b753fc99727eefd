import { lazy, Suspense, useDeferredValue, useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import { api, type ContentType } from '../api/client';
import { keys, useContent } from '../api/queries';
import { errorText, fieldError, formError, inUseText } from '../api/errors';
import { Field, FormError, Notice } from '../components/field';
import { LedPreview } from '../led/led-preview';
import { previewBoards, useBoardSizes } from '../led/fleet-boards';
import { canEdit, useUser } from '../session';
import { MediaThumb } from '../components/media-thumb';
import { MediaUpload } from '../content/media-upload';
import { formatDuration } from '../content/duration';
import { AudioToggle, hasSound } from '../content/audio-toggle';
import { VideoLength } from '../content/video-length';
import { ContentStatus } from '../content/status-badge';
import { fromLocalInput, toLocalInput } from '../content/validity';
import type { ContentView } from '../api/client';

// Kiosk pages and streams are made less often than slogans: their editors load when opened.
const PageEditor = lazy(() => import('../content/page-editor'));
const StreamForm = lazy(() => import('../content/stream-form'));

const TYPES: readonly ContentType[] = ['slogan', 'image', 'video', 'page', 'stream'];

export default function ContentScreen() {
  const { t, dateTime, number } = useI18n();
  const user = useUser();
  const qc = useQueryClient();
  const content = useContent();
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [search, setSearch] = useState('');
  const [typeFilter, setTypeFilter] = useState<ContentType | ''>('');
  const [notice, setNotice] = useState<string | null>(null);
  const [kioskForm, setKioskForm] = useState<'page' | 'stream' | null>(null);
  const [editedPage, setEditedPage] = useState<{ id: string; title: string } | null>(null);
  // The slogan open in the form: after a save the form stays on it (never half-reset).
  const [editing, setEditing] = useState<ContentView | null>(null);
  const [validFrom, setValidFrom] = useState('');
  const [validUntil, setValidUntil] = useState('');
  const [listNotice, setListNotice] = useState<string | null>(null);
  // Rendering three boards per keystroke is cheap, but typing must never wait for it.
  const previewText = useDeferredValue(text);
  // The slogan's boards are known only once it is scheduled: preview it on every size in use.
  const fleet = useBoardSizes();
  const boards = useMemo(() => previewBoards(fleet.data), [fleet.data]);

  const resetForm = () => {
    setEditing(null);
    setTitle('');
    setText('');
    setValidFrom('');
    setValidUntil('');
  };
  const openSlogan = (c: ContentView) => {
    setEditing(c);
    setTitle(c.title ?? '');
    setText(c.text ?? '');
    setValidFrom(toLocalInput(c.validFrom ?? null));
    setValidUntil(toLocalInput(c.validUntil ?? null));
    setNotice(null);
  };

  const create = useMutation({
    mutationFn: async () => {
      const window = { validFrom: fromLocalInput(validFrom), validUntil: fromLocalInput(validUntil) };
      if (editing) return api.updateSlogan(editing.id, { text, title: title.trim() || null, ...window });
      const made = await api.createSlogan({ text, title: title.trim() || null });
      return window.validFrom !== null || window.validUntil !== null ? api.updateSlogan(made.id, window) : made;
    },
    onSuccess: (saved) => {
      const pending = saved.status === 'pending';
      if (editing) {
        // Stays on the saved item, showing what was stored.
        openSlogan(saved);
        setNotice(t(pending ? 'content.updatedPending' : 'content.updated'));
      } else {
        resetForm();
        setNotice(t(pending ? 'content.createdPending' : 'content.created'));
      }
      void qc.invalidateQueries({ queryKey: keys.content });
    },
    onError: () => setNotice(null),
  });

  const remove = useMutation({
    mutationFn: (c: ContentView) => api.deleteContent(c.id),
    onSuccess: (_v, c) => {
      if (editing?.id === c.id) resetForm();
      setListNotice(t('content.deleted'));
      void qc.invalidateQueries({ queryKey: keys.content });
    },
    onError: () => setListNotice(null),
  });
  const removeError = remove.error ? inUseText(t, remove.error, 'content.inUse') : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  const shown = useMemo(() => {
    const q = search.trim().normalize('NFC').toLocaleLowerCase('vi');
    const list = (content.data ?? []).filter((c) => !typeFilter || c.type === typeFilter);
    return q ? list.filter((c) => `${c.title ?? ''} ${c.text ?? ''}`.toLocaleLowerCase('vi').includes(q)) : list;
  }, [content.data, search, typeFilter]);

  return (
    <section aria-labelledby="content-title">
      <h1 id="content-title">{t('content.title')}</h1>
      {canEdit(user) ? (
        <div className="editor-layout">
          <form className="card" onSubmit={submit} aria-labelledby="new-slogan">
            <h2 id="new-slogan">{editing ? t('content.editing') : t('content.new')}</h2>
            {editing ? <ContentStatus item={editing} /> : null}
            <Field label={t('content.field.title')} error={fieldError(t, create.error, 'title')}>
              <input name="title" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
            </Field>
            <Field label={t('content.field.text')} error={fieldError(t, create.error, 'text')}>
              <textarea name="text" rows={4} value={text} onChange={(e) => setText(e.target.value)} required />
            </Field>
            <div className="row">
              <Field label={t('content.validFrom')} error={fieldError(t, create.error, 'validFrom')}>
                <input
                  type="datetime-local"
                  name="validFrom"
                  value={validFrom}
                  onChange={(e) => setValidFrom(e.target.value)}
                />
              </Field>
              <Field label={t('content.validUntil')} error={fieldError(t, create.error, 'validUntil')}>
                <input
                  type="datetime-local"
                  name="validUntil"
                  value={validUntil}
                  onChange={(e) => setValidUntil(e.target.value)}
                />
              </Field>
            </div>
            <FormError message={formError(t, create.error, ['title', 'text', 'validFrom', 'validUntil'])} />
            <div className="row">
              <button type="submit" className="primary" disabled={create.isPending}>
                {create.isPending ? t('common.saving') : t('common.save')}
              </button>
              {editing ? (
                <button
                  type="button"
                  onClick={() => {
                    resetForm();
                    setNotice(null);
                  }}
                >
                  {t('content.newInstead')}
                </button>
              ) : null}
            </div>
            <Notice message={notice} />
          </form>
          <div className="card previews" aria-labelledby="preview-title">
            <h2 id="preview-title">{t('content.preview')}</h2>
            {fleet.isPending ? null : (
              <p className="hint">{fleet.data?.length ? t('content.previewFleet') : t('content.previewCommon')}</p>
            )}
            {previewText.trim() ? (
              boards.map((b) => (
                <div key={b.id} className="fleet-preview" data-fleet-size={b.fleet ? b.size : undefined}>
                  {b.fleet ? (
                    <p className="fleet-size">
                      <strong>
                        {t(b.fleet.boards === 1 ? 'content.fleetSizeOne' : 'content.fleetSize', {
                          size: `${b.width}×${b.height}`,
                          n: number(b.fleet.boards),
                        })}
                      </strong>
                      {b.fleet.colour !== 'mono' ? ` · ${t(`boards.colour.${b.fleet.colour}`)}` : null}
                      {b.fleet.districts.length ? (
                        <span className="hint"> · {b.fleet.districts.join(', ')}</span>
                      ) : null}
                    </p>
                  ) : null}
                  <LedPreview text={previewText} board={b} />
                </div>
              ))
            ) : (
              <p className="hint">{t('content.previewEmpty')}</p>
            )}
          </div>
        </div>
      ) : (
        <p className="hint">{t('content.readonly')}</p>
      )}
      {canEdit(user) ? <MediaUpload /> : null}
      {canEdit(user) ? (
        <div className="row kiosk-entry">
          <button
            type="button"
            aria-expanded={kioskForm === 'page'}
            onClick={() => {
              setEditedPage(null);
              setKioskForm((f) => (f === 'page' ? null : 'page'));
            }}
          >
            {t('page.open')}
          </button>
          <button
            type="button"
            aria-expanded={kioskForm === 'stream'}
            onClick={() => {
              setEditedPage(null);
              setKioskForm((f) => (f === 'stream' ? null : 'stream'));
            }}
          >
            {t('stream.open')}
          </button>
        </div>
      ) : null}
      {canEdit(user) && kioskForm ? (
        <Suspense fallback={<p className="loading">{t('common.loading')}</p>}>
          {kioskForm === 'page' ? <PageEditor /> : <StreamForm />}
        </Suspense>
      ) : null}
      {canEdit(user) && editedPage ? (
        <Suspense fallback={<p className="loading">{t('common.loading')}</p>}>
          <PageEditor key={editedPage.id} page={editedPage} onClose={() => setEditedPage(null)} />
        </Suspense>
      ) : null}

      <h2>{t('content.list')}</h2>
      <div className="field inline">
        <label htmlFor="content-search">{t('common.search')}</label>
        <input id="content-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      <div className="field inline">
        <label htmlFor="content-type">{t('content.filterType')}</label>
        <select
          id="content-type"
          value={typeFilter}
          onChange={(e) => setTypeFilter(e.target.value as ContentType | '')}
        >
          <option value="">{t('content.allTypes')}</option>
          {TYPES.map((ty) => (
            <option key={ty} value={ty}>
              {t(`content.type.${ty}`)}
            </option>
          ))}
        </select>
      </div>
      {content.error ? <p className="error">{errorText(t, content.error)}</p> : null}
      {removeError ? (
        <p className="error" role="alert">
          {removeError}
        </p>
      ) : null}
      <Notice message={listNotice} />
      {content.data && shown.length === 0 ? <p>{t('content.empty')}</p> : null}
      {shown.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('content.col.title')}</th>
              <th scope="col">{t('content.col.text')}</th>
              <th scope="col">{t('content.col.type')}</th>
              <th scope="col">{t('content.col.created')}</th>
              <th scope="col">{t('status.col')}</th>
              {canEdit(user) ? <th scope="col">{t('common.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {shown.map((c) => (
              <tr key={c.id} data-content-type={c.type}>
                <td>{c.title ?? t('common.none')}</td>
                <td className="slogan-text">
                  {c.type === 'slogan' ? c.text : null}
                  {(c.type === 'image' || c.type === 'video') && c.sha256 ? (
                    <span className="media-cell">
                      <MediaThumb
                        sha256={c.sha256}
                        type={c.type}
                        alt={t('content.thumbOf', { title: c.title ?? c.type })}
                      />
                      <span className="hint">
                        {c.width && c.height ? `${c.width}×${c.height}` : ''}
                        {c.type === 'video' && c.durationMs ? ` · ${formatDuration(c.durationMs)}` : ''}
                        {c.size ? ` · ${number(c.size / 1024, 0)} KB` : ''}
                      </span>
                    </span>
                  ) : null}
                  {c.type === 'stream' && 'url' in c ? <span className="hint">{String(c.url)} </span> : null}
                  {c.type === 'video' && !c.durationMs ? <VideoLength item={c} editable={canEdit(user)} /> : null}
                  {hasSound(c) ? <AudioToggle item={c} editable={canEdit(user)} /> : null}
                  {c.type === 'page' && canEdit(user) ? (
                    <button
                      type="button"
                      aria-label={t('page.editOf', { title: c.title ?? '' })}
                      onClick={() => {
                        setKioskForm(null);
                        setEditedPage({ id: c.id, title: c.title ?? '' });
                        window.scrollTo({ top: 0 });
                      }}
                    >
                      {t('page.edit')}
                    </button>
                  ) : null}
                </td>
                <td>{t(`content.type.${c.type}`)}</td>
                <td>{dateTime(c.createdAt)}</td>
                <td>
                  <ContentStatus item={c} />
                </td>
                {canEdit(user) ? (
                  <td className="row">
                    {c.type === 'slogan' ? (
                      <button
                        type="button"
                        aria-label={t('content.editOf', { title: c.title ?? t('content.type.slogan') })}
                        onClick={() => {
                          setKioskForm(null);
                          openSlogan(c);
                          window.scrollTo({ top: 0 });
                        }}
                      >
                        {t('content.edit')}
                      </button>
                    ) : null}
                    <button
                      type="button"
                      aria-label={t('content.deleteOf', { title: c.title ?? t(`content.type.${c.type}`) })}
                      disabled={remove.isPending}
                      onClick={() => remove.mutate(c)}
                    >
                      {t('content.delete')}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
