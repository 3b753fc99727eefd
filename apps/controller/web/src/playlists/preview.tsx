import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Icon } from '../components/icon';
import type { ContentView } from '../api/client';
import { Field } from '../components/field';
import { KioskFrame } from '../components/kiosk-frame';
import { previewSrcdoc } from '../content/page-html';
import { useI18n } from '../i18n/i18n';
import { pickerBoards, type PreviewBoard, useBoardSizes } from '../led/fleet-boards';
import { LedPreview } from '../led/led-preview';
import { PreviewMedia } from './preview-media';
import { pause, positionAt, resume, retime, skip, startClock, type ClockItem } from './preview-clock';
import './preview.css';

/** One item of the playlist being edited, with its duration as typed (NaN while it is not a number). */
export interface PreviewEntry {
  key: number;
  contentId: string;
  durationMs: number;
}

/** The clock only needs re-drawing often enough for a seconds countdown and a smooth bar. */
const TICK_MS = 200;

/**
 * Plays the playlist being edited as devices will, looping: slogans on the chosen LED board (the
 * drivers' renderer) and as screen text, images, muted videos, pages in a script-free frame, streams
 * by name only (a preview must not pull a remote live stream).
 */
export default function PlaylistPreview({
  items,
  content,
}: {
  items: readonly PreviewEntry[];
  content: readonly ContentView[];
}) {
  const { t, number } = useI18n();
  const titleId = useId();
  const clockItems = useMemo<ClockItem<number>[]>(
    () => items.map((i) => ({ key: i.key, durationMs: i.durationMs })),
    [items],
  );
  const [clock, setClock] = useState(() => startClock(clockItems, performance.now()));
  const [now, setNow] = useState(() => performance.now());
  const fleet = useBoardSizes();
  const boards = useMemo(() => pickerBoards(fleet.data), [fleet.data]);
  // Until one is picked, the size with the most boards in use (or the first common size).
  const [boardId, setBoardId] = useState<string | null>(null);
  const board = boards.find((b) => b.id === boardId) ?? boards[0]!;
  const byId = useMemo(() => new Map(content.map((c) => [c.id, c])), [content]);
  const [media] = useState(() => new PreviewMedia());
  useEffect(() => () => media.close(), [media]);

  // Edits made while previewing (order, durations, items added or removed) apply from what is on screen.
  const shown = useRef(clockItems);
  useEffect(() => {
    if (shown.current === clockItems) return;
    const before = shown.current;
    shown.current = clockItems;
    setClock((s) => retime(s, before, clockItems, performance.now()));
  }, [clockItems]);

  useEffect(() => {
    if (!clock.playing) return;
    const id = setInterval(() => setNow(performance.now()), TICK_MS);
    return () => clearInterval(id);
  }, [clock.playing]);

  const act = (f: typeof pause<number>) => {
    const at = performance.now();
    setNow(at);
    setClock((s) => f(s, shown.current, at));
  };
  const step = (n: number) => act((s, list, at) => skip(s, list, at, n));
  const toggle = () => act(clock.playing ? pause : resume);

  // Arrow keys step through the items from anywhere in the player except the board picker.
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.target instanceof HTMLSelectElement || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      e.preventDefault();
      step(e.key === 'ArrowRight' ? 1 : -1);
    }
  };

  const pos = positionAt(clock, clockItems, Math.max(now, clock.at));
  const entry = pos ? items[pos.index] : undefined;
  const item = entry ? byId.get(entry.contentId) : undefined;
  const title = item ? itemTitle(item) : (entry?.contentId ?? '');
  const secondsLeft = pos ? Math.ceil(pos.remainingMs / 1000) : 0;

  return (
    <section className="pl-preview card" aria-labelledby={titleId} onKeyDown={onKeyDown}>
      <h3 id={titleId}>{t('plPreview.title')}</h3>
      <p className="hint">{t('plPreview.hint')}</p>
      <div className="row pl-preview-controls">
        <button type="button" onClick={() => step(-1)} disabled={!pos}>
          <Icon name="prev" /> {t('plPreview.prev')}
        </button>
        <button type="button" className="primary" onClick={toggle} disabled={!pos} aria-pressed={!clock.playing}>
          <Icon name={clock.playing ? 'pause' : 'play'} /> {clock.playing ? t('plPreview.pause') : t('plPreview.play')}
        </button>
        <button type="button" onClick={() => step(1)} disabled={!pos}>
          <Icon name="next" /> {t('plPreview.next')}
        </button>
        <Field label={t('plPreview.board')}>
          <select value={board.id} onChange={(e) => setBoardId(e.target.value)}>
            {boards.map((b) => (
              <option key={b.id} value={b.id}>
                {b.fleet
                  ? t('boards.sizeInUse', { size: `${b.width}×${b.height}`, n: number(b.fleet.boards) })
                  : `${b.width}×${b.height}`}
                {b.colour && b.colour !== 'mono' ? ` · ${t(`boards.colour.${b.colour}`)}` : ''}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {pos && entry ? (
        <>
          <p className="pl-preview-now" aria-live="polite" data-index={pos.index}>
            {t('plPreview.now', { n: pos.index + 1, total: items.length, title })}
            {clock.playing ? null : (
              <>
                {' · '}
                <span className="pl-preview-paused">{t('plPreview.paused')}</span>
              </>
            )}
          </p>
          <div className="pl-preview-time">
            <progress
              max={pos.durationMs}
              value={pos.offsetMs}
              aria-label={t('plPreview.progress')}
              data-offset-ms={Math.round(pos.offsetMs)}
            />
            <span data-testid="preview-left">{t('plPreview.left', { s: number(secondsLeft, 0) })}</span>
          </div>
          <div className="pl-preview-stage" data-type={item?.type ?? 'missing'}>
            {item ? (
              <ItemView key={entry.key} item={item} board={board} media={media} playing={clock.playing} title={title} />
            ) : (
              <p className="error">{t('plPreview.missing')}</p>
            )}
          </div>
        </>
      ) : null}
    </section>
  );
}

function itemTitle(c: ContentView): string {
  return c.title || c.text || c.id;
}

function ItemView({
  item,
  board,
  media,
  playing,
  title,
}: {
  item: ContentView;
  board: PreviewBoard;
  media: PreviewMedia;
  playing: boolean;
  title: string;
}) {
  const { t } = useI18n();
  switch (item.type) {
    case 'slogan':
      return (
        <div className="pl-preview-slogan">
          <LedPreview text={item.text ?? ''} board={board} />
          <figure className="pl-preview-screen">
            <figcaption>{t('plPreview.screen')}</figcaption>
            <p lang="vi">{item.text}</p>
          </figure>
        </div>
      );
    case 'image':
    case 'video':
      return item.sha256 ? (
        <MediaView sha256={item.sha256} video={item.type === 'video'} media={media} playing={playing} title={title} />
      ) : (
        <p className="error">{t('plPreview.mediaFailed')}</p>
      );
    case 'page':
      return <PageView item={item} media={media} title={title} />;
    case 'stream':
      return (
        <div className="pl-preview-stream">
          <p className="pl-preview-stream-title">
            <span aria-hidden="true">📡</span> {title}
          </p>
          <p>
            <code>{'url' in item ? String(item.url) : ''}</code>
          </p>
          <p className="hint">{t('plPreview.stream')}</p>
        </div>
      );
  }
}

function MediaView({
  sha256,
  video,
  media,
  playing,
  title,
}: {
  sha256: string;
  video: boolean;
  media: PreviewMedia;
  playing: boolean;
  title: string;
}) {
  const { t } = useI18n();
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const el = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    let live = true;
    media.objectUrl(sha256).then(
      (u) => live && setUrl(u),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [media, sha256]);
  // The clip pauses with the preview, so what is on screen matches the paused countdown.
  useEffect(() => {
    const v = el.current;
    if (!v) return;
    if (playing) void v.play().catch(() => undefined);
    else v.pause();
  }, [playing, url]);
  if (failed) return <p className="error">{t('plPreview.mediaFailed')}</p>;
  if (!url) return <p className="loading">{t('common.loading')}</p>;
  return video ? (
    <video ref={el} src={url} muted loop playsInline autoPlay={playing} aria-label={title} data-sha256={sha256} />
  ) : (
    <img src={url} alt={title} data-sha256={sha256} />
  );
}

function PageView({ item, media, title }: { item: ContentView; media: PreviewMedia; title: string }) {
  const { t } = useI18n();
  const html = 'html' in item ? String(item.html) : '';
  const shas = useMemo(() => ('media' in item && Array.isArray(item.media) ? (item.media as string[]) : []), [item]);
  const [images, setImages] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    let live = true;
    void Promise.allSettled(shas.map(async (s) => [s, await media.dataUrl(s)] as const)).then((all) => {
      const ok = all.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      if (live) setImages(new Map(ok));
    });
    return () => {
      live = false;
    };
  }, [media, shas]);
  // Stored QR codes are already figures in the HTML; only library images need resolving.
  const srcdoc = useMemo(() => previewSrcdoc(html, images, []), [html, images]);
  return <KioskFrame className="pl-preview-page" title={t('plPreview.frame', { title })} srcdoc={srcdoc} />;
}
