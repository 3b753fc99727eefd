import { lazy, Suspense, useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import { api } from '../api/client';
import { keys, useContent, usePlaylists } from '../api/queries';
import { errorText, fieldError, formError, inUseText } from '../api/errors';
import { DataTable } from '../components/data-table';
import { Field, FormError, Notice } from '../components/field';
import { moveItem, secondsToMs, totalMs } from '../playlists/order';
import { canEdit, useUser } from '../session';
import { previewBoards, useBoardSizes, usePlaylistBoards } from '../led/fleet-boards';
import { defaultSeconds, sloganShowMs, smallestBoard, timingBoards } from '../playlists/slogan-duration';

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
  // The playlist open in the form; after a save the form stays on it.
  const [editingId, setEditingId] = useState<string | null>(null);
  const [listNotice, setListNotice] = useState<string | null>(null);

  const previewItems = useMemo(
    () => items.map((i) => ({ key: i.key, contentId: i.contentId, durationMs: secondsToMs(i.seconds) })),
    [items],
  );
  const fleet = useBoardSizes();
  const targeted = usePlaylistBoards(editingId);
  // A saved playlist's slogans are timed on the boards its schedules and campaigns reach; a new or
  // unscheduled one's on every board in use.
  const timing = useMemo(
    () => timingBoards(editingId ? targeted.data : undefined, previewBoards(fleet.data)),
    [editingId, targeted.data, fleet.data],
  );
  const timedOn = smallestBoard(timing.boards);
  /** Each slogan's time to show once on the smallest of those boards (ms), for defaults and warnings. */
  const showMs = useMemo(
    () =>
      new Map(
        (content.data ?? [])
          .filter((c) => c.type === 'slogan' && c.text)
          .map((c) => [c.id, sloganShowMs(c.text!, timing.boards)] as const),
      ),
    [content.data, timing.boards],
  );
  const titles = useMemo(() => new Map((content.data ?? []).map((c) => [c.id, c.title || c.text])), [content.data]);

  const create = useMutation({
    mutationFn: () => {
      const body = {
        name,
        items: items.map((i) => ({ contentId: i.contentId, durationMs: secondsToMs(i.seconds) })),
      };
      return editingId ? api.updatePlaylist(editingId, body) : api.createPlaylist(body);
    },
    onSuccess: () => {
      if (editingId) {
        setNotice(t('playlists.updated'));
      } else {
        setName('');
        setItems([]);
        setNotice(t('playlists.created'));
      }
      void qc.invalidateQueries({ queryKey: keys.playlists });
    },
    onError: () => setNotice(null),
  });
  const open = (p: { id: string; name: string; items: { contentId: string; durationMs: number }[] }) => {
    setEditingId(p.id);
    setName(p.name);
    setItems(p.items.map((i) => ({ key: nextKey++, contentId: i.contentId, seconds: String(i.durationMs / 1000) })));
    setNotice(null);
    window.scrollTo({ top: 0 });
  };
  const startNew = () => {
    setEditingId(null);
    setName('');
    setItems([]);
    setNotice(null);
  };
  const duplicate = useMutation({
    mutationFn: (id: string) => api.duplicatePlaylist(id),
    onSuccess: () => {
      setListNotice(t('playlists.duplicated'));
      void qc.invalidateQueries({ queryKey: keys.playlists });
    },
  });
  const archive = useMutation({
    mutationFn: (id: string) => api.deletePlaylist(id),
    onSuccess: (_v, id) => {
      if (editingId === id) startNew();
      setListNotice(t('playlists.deleted'));
      void qc.invalidateQueries({ queryKey: keys.playlists });
    },
    onError: () => setListNotice(null),
  });
  const listError = duplicate.error ?? archive.error;

  const add = () => {
    if (!pick) return;
    const seconds = String(defaultSeconds(showMs.get(pick) ?? null));
    setItems((list) => [...list, { key: nextKey++, contentId: pick, seconds }]);
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
          <h2 id="pl-new">{editingId ? t('playlists.editing', { name }) : t('playlists.new')}</h2>
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
          {timedOn ? (
            <p className="hint" data-testid="timing-board">
              {t(
                timing.targeted
                  ? 'playlists.timing.targeted'
                  : fleet.data?.length
                    ? 'playlists.timing.inUse'
                    : 'playlists.timing.common',
                { size: `${timedOn.width}×${timedOn.height}` },
              )}
            </p>
          ) : null}
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
                {(() => {
                  const need = showMs.get(it.contentId);
                  return need && secondsToMs(it.seconds) < need ? (
                    <span className="warning" role="status">
                      {t('playlists.tooShort', { seconds: number(Math.ceil(need / 1000)) })}
                    </span>
                  ) : null;
                })()}
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
          {editingId ? (
            <button type="button" onClick={startNew}>
              {t('playlists.newInstead')}
            </button>
          ) : null}
          <Notice message={notice} />
        </form>
      ) : null}

      <h2>{t('playlists.list')}</h2>
      {playlists.error ? <p className="error">{errorText(t, playlists.error)}</p> : null}
      {listError ? (
        <p className="error" role="alert">
          {inUseText(t, listError, 'playlists.inUse')}
        </p>
      ) : null}
      <Notice message={listNotice} />
      <DataTable
        rows={playlists.data}
        empty={t('playlists.empty')}
        head={
          <>
            <th scope="col">{t('common.name')}</th>
            <th scope="col">{t('playlists.col.items')}</th>
            <th scope="col">{t('playlists.col.duration')}</th>
            {canEdit(user) ? <th scope="col">{t('common.actions')}</th> : null}
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
              {canEdit(user) ? (
                <td className="row" data-playlist={p.name}>
                  <button type="button" onClick={() => open(p)}>
                    {t('playlists.edit')}
                  </button>
                  <button type="button" onClick={() => duplicate.mutate(p.id)} disabled={duplicate.isPending}>
                    {t('playlists.duplicate')}
                  </button>
                  <button type="button" onClick={() => archive.mutate(p.id)} disabled={archive.isPending}>
                    {t('playlists.delete')}
                  </button>
                </td>
              ) : null}
            </tr>
          ))
        }
      </DataTable>
    </section>
  );
}
