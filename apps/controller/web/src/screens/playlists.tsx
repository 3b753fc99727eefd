import { lazy, Suspense, useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import { api } from '../api/client';
import { keys, useContent, usePlaylists } from '../api/queries';
import { errorText, fieldError, formError } from '../api/errors';
import { DataTable } from '../components/data-table';
import { Field, FormError, Notice } from '../components/field';
import { moveItem, secondsToMs, totalMs } from '../playlists/order';
import { canEdit, useUser } from '../session';

interface DraftItem {
  key: number;
  contentId: string;
  seconds: string;
}

let nextKey = 1;

// Loaded on demand: it pulls in the LED renderer and fonts, which the first screen does not need.
const PlaylistPreview = lazy(() => import('../playlists/preview'));

export default function PlaylistsScreen() {
  const { t, number } = useI18n();
  const user = useUser();
  const qc = useQueryClient();
  const content = useContent();
  const playlists = usePlaylists();
  const [name, setName] = useState('');
  const [pick, setPick] = useState('');
  const [items, setItems] = useState<DraftItem[]>([]);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [previewing, setPreviewing] = useState(false);

  const previewItems = useMemo(
    () => items.map((i) => ({ key: i.key, contentId: i.contentId, durationMs: secondsToMs(i.seconds) })),
    [items],
  );
  const titles = useMemo(() => new Map((content.data ?? []).map((c) => [c.id, c.title || c.text])), [content.data]);

  const create = useMutation({
    mutationFn: () =>
      api.createPlaylist({
        name,
        items: items.map((i) => ({ contentId: i.contentId, durationMs: secondsToMs(i.seconds) })),
      }),
    onSuccess: () => {
      setName('');
      setItems([]);
      setNotice(t('playlists.created'));
      void qc.invalidateQueries({ queryKey: keys.playlists });
    },
    onError: () => setNotice(null),
  });

  const add = () => {
    if (!pick) return;
    setItems((list) => [...list, { key: nextKey++, contentId: pick, seconds: '10' }]);
  };
  const move = (from: number, to: number) => setItems((list) => moveItem(list, from, to));
  const update = (i: number, seconds: string) =>
    setItems((list) => list.map((it, k) => (k === i ? { ...it, seconds } : it)));
  const remove = (i: number) => setItems((list) => list.filter((_, k) => k !== i));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  return (
    <section aria-labelledby="pl-title">
      <h1 id="pl-title">{t('playlists.title')}</h1>
      {canEdit(user) ? (
        <form className="card" onSubmit={submit} aria-labelledby="pl-new">
          <h2 id="pl-new">{t('playlists.new')}</h2>
          <Field label={t('playlists.field.name')} error={fieldError(t, create.error, 'name')}>
            <input name="name" value={name} onChange={(e) => setName(e.target.value)} required />
          </Field>
          <div className="row">
            <Field label={t('playlists.field.add')}>
              <select value={pick} onChange={(e) => setPick(e.target.value)}>
                <option value="">{t('playlists.pick')}</option>
                {(content.data ?? []).map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.title || c.text}
                  </option>
                ))}
              </select>
            </Field>
            <button type="button" onClick={add} disabled={!pick}>
              {t('playlists.add')}
            </button>
          </div>
          <h3 id="pl-items">{t('playlists.items')}</h3>
          {items.length === 0 ? <p className="hint">{t('playlists.noItems')}</p> : null}
          <ol className="playlist-items" aria-labelledby="pl-items">
            {items.map((it, i) => (
              <li
                key={it.key}
                draggable
                onDragStart={() => setDragFrom(i)}
                onDragOver={(e) => e.preventDefault()}
                onDrop={(e) => {
                  e.preventDefault();
                  if (dragFrom !== null) move(dragFrom, i);
                  setDragFrom(null);
                }}
                className={dragFrom === i ? 'dragging' : undefined}
              >
                <span className="drag-handle" aria-hidden="true">
                  ⋮⋮
                </span>
                <span className="item-title">{titles.get(it.contentId) ?? it.contentId}</span>
                <Field label={t('playlists.duration', { n: i + 1 })} error={fieldError(t, create.error, `items.${i}`)}>
                  <input
                    inputMode="decimal"
                    className="narrow"
                    value={it.seconds}
                    onChange={(e) => update(i, e.target.value)}
                  />
                </Field>
                <button type="button" className="small" onClick={() => move(i, i - 1)} disabled={i === 0}>
                  ↑ {t('common.moveUp')}
                </button>
                <button
                  type="button"
                  className="small"
                  onClick={() => move(i, i + 1)}
                  disabled={i === items.length - 1}
                >
                  ↓ {t('common.moveDown')}
                </button>
                <button type="button" className="small" onClick={() => remove(i)}>
                  {t('common.remove')}
                </button>
              </li>
            ))}
          </ol>
          {items.length ? (
            <button type="button" onClick={() => setPreviewing((p) => !p)} aria-expanded={previewing}>
              {previewing ? t('playlists.previewClose') : t('playlists.preview')}
            </button>
          ) : null}
          {previewing && items.length ? (
            <Suspense fallback={<p className="loading">{t('common.loading')}</p>}>
              <PlaylistPreview items={previewItems} content={content.data ?? []} />
            </Suspense>
          ) : null}
          <FormError message={formError(t, create.error, ['name', ...items.map((_, i) => `items.${i}`)])} />
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? t('common.saving') : t('common.save')}
          </button>
          <Notice message={notice} />
        </form>
      ) : null}

      <h2>{t('playlists.list')}</h2>
      {playlists.error ? <p className="error">{errorText(t, playlists.error)}</p> : null}
      <DataTable
        rows={playlists.data}
        empty={t('playlists.empty')}
        head={
          <>
            <th scope="col">{t('common.name')}</th>
            <th scope="col">{t('playlists.col.items')}</th>
            <th scope="col">{t('playlists.col.duration')}</th>
          </>
        }
      >
        {(rows) =>
          rows.map((p) => (
            <tr key={p.id}>
              <td>
                {p.name}
                <ul className="compact">
                  {p.items.map((i, k) => (
                    <li key={k}>
                      {titles.get(i.contentId) ?? i.contentId} — {number(i.durationMs / 1000)} {t('common.seconds')}
                    </li>
                  ))}
                </ul>
              </td>
              <td>{p.items.length}</td>
              <td>
                {number(totalMs(p.items) / 1000)} {t('common.seconds')}
              </td>
            </tr>
          ))
        }
      </DataTable>
    </section>
  );
}
