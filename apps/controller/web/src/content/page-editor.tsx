import { useDeferredValue, useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useI18n } from '../i18n/i18n';
import { dataUrl, kioskApi, type ApiError } from '../api/client';
import { KioskFrame } from '../components/kiosk-frame';
import { keys, useContent } from '../api/queries';
import { fieldError, formError } from '../api/errors';
import { Field, FormError, Notice } from '../components/field';
import type { MessageKey } from '../i18n/messages';
import { RichText, type RichTextHandle } from './rich-text';
import {
  isBlankPage,
  isHttpUrl,
  MAX_QR_CODES,
  previewSrcdoc,
  qrCodesBody,
  qrProblems,
  toPageHtml,
  type QrProblem,
  type QrRow,
} from './page-html';
import './kiosk-editors.css';

const QR_TEXT: Record<QrProblem, MessageKey> = {
  'url-required': 'page.qr.urlRequired',
  'url-invalid': 'page.qr.urlInvalid',
  'url-too-long': 'page.qr.urlTooLong',
  'label-required': 'page.qr.labelRequired',
  'label-too-long': 'page.qr.labelTooLong',
};

/** A stored page opened for editing. */
export interface EditedPage {
  id: string;
  title: string;
}

/**
 * A kiosk information page: title, formatted text with library images, QR codes (e.g. the VssID
 * app), and a live preview in a script-free frame styled like the kiosk. The controller sanitises
 * the HTML and draws the QR codes. With `page`, the stored page is loaded into the form and saving
 * changes it in place (the kiosks holding it get it anew); mount one editor per page (`key`).
 */
export default function PageEditor({ page, onClose }: { page?: EditedPage; onClose?: () => void } = {}) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const content = useContent();
  const editor = useRef<RichTextHandle>(null);
  const pickId = useId();
  const [title, setTitle] = useState('');
  const [editorHtml, setEditorHtml] = useState('');
  const [qrRows, setQrRows] = useState<QrRow[]>([]);
  const [checked, setChecked] = useState(false);
  const [pick, setPick] = useState('');
  const [images, setImages] = useState<ReadonlyMap<string, string>>(new Map());
  const [imageError, setImageError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [qrSvgs, setQrSvgs] = useState<{ svgDataUrl: string; label: string }[]>([]);
  const [loaded, setLoaded] = useState(!page);
  const [loadError, setLoadError] = useState(false);
  const pageId = page?.id;

  // The stored text names its images `media:<sha256>`; the editor shows them as data URLs (the media
  // route needs the session header) and `toPageHtml` turns them back by their data-sha256.
  useEffect(() => {
    if (!pageId) return;
    let live = true;
    void (async () => {
      try {
        const source = await kioskApi.pageSource(pageId);
        const tpl = document.createElement('template');
        tpl.innerHTML = source.html;
        const urls = new Map<string, string>();
        for (const img of tpl.content.querySelectorAll('img')) {
          const sha = /^media:([0-9a-f]{64})$/.exec(img.getAttribute('src') ?? '')?.[1];
          if (!sha) continue;
          const url = urls.get(sha) ?? (await dataUrl(`/media/${sha}`));
          urls.set(sha, url);
          img.setAttribute('src', url);
          img.setAttribute('data-sha256', sha);
        }
        if (!live) return;
        setTitle(source.title);
        setQrRows(source.qrCodes.map((c) => ({ url: c.url, label: c.label })));
        setImages(urls);
        editor.current?.setHtml(tpl.innerHTML);
        setLoaded(true);
      } catch {
        if (live) setLoadError(true);
      }
    })();
    return () => {
      live = false;
    };
  }, [pageId]);

  const libraryImages = useMemo(
    () => (content.data ?? []).filter((c) => c.type === 'image' && c.sha256),
    [content.data],
  );
  const pageHtml = useMemo(() => toPageHtml(editorHtml), [editorHtml]);
  const problems = qrProblems(qrRows);
  const qrBody = useMemo(() => qrCodesBody(qrRows), [qrRows]);
  const deferredHtml = useDeferredValue(pageHtml);

  // QR codes drawn here the way the controller draws them (same library, same options) for the preview.
  useEffect(() => {
    let live = true;
    const valid = qrBody.filter((c) => isHttpUrl(c.url) && c.label);
    void Promise.all(
      valid.map(async (c) => {
        const svg = await QRCode.toString(c.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
        return { svgDataUrl: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, label: c.label };
      }),
    ).then((list) => live && setQrSvgs(list));
    return () => {
      live = false;
    };
  }, [qrBody]);

  const srcdoc = useMemo(() => previewSrcdoc(deferredHtml, images, qrSvgs), [deferredHtml, images, qrSvgs]);

  const save = useMutation({
    mutationFn: () => {
      const body = { title: title.normalize('NFC').trim(), html: pageHtml, qrCodes: qrBody };
      return pageId ? kioskApi.updatePage(pageId, body) : kioskApi.createPage(body);
    },
    onMutate: () => setNotice(null),
    onSuccess: (saved) => {
      if (pageId) {
        setNotice(t('page.updated', { title: saved.title ?? '' }));
        void qc.invalidateQueries({ queryKey: keys.content });
        return;
      }
      setNotice(t('page.saved', { title: saved.title ?? '' }));
      setTitle('');
      setQrRows([]);
      setChecked(false);
      editor.current?.clear();
      void qc.invalidateQueries({ queryKey: keys.content });
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    if (!loaded || problems.some((p) => p.url || p.label)) return;
    save.mutate();
  };

  const insertImage = async () => {
    const item = libraryImages.find((c) => c.id === pick);
    if (!item?.sha256) return;
    setImageError(null);
    try {
      const url = images.get(item.sha256) ?? (await dataUrl(`/media/${item.sha256}`));
      setImages((m) => new Map(m).set(item.sha256!, url));
      const alt = (item.title ?? '').replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
      editor.current?.insertHtml(`<img src="${url}" data-sha256="${item.sha256}" alt="${alt}">`);
    } catch {
      setImageError(t('page.imageFailed'));
    }
  };

  const setRow = (i: number, patch: Partial<QrRow>) =>
    setQrRows((rows) => rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const qrFieldError = (i: number, part: 'url' | 'label') => {
    const local = checked ? problems[i]?.[part] : null;
    return local ? t(QR_TEXT[local]) : fieldError(t, save.error, `qrCodes.${i}.${part}`);
  };

  const bodyError =
    fieldError(t, save.error, 'html') ?? (checked && isBlankPage(pageHtml) ? t('page.bodyEmpty') : null);

  return (
    <form
      className="card page-editor"
      onSubmit={submit}
      aria-labelledby="page-editor-title"
      data-page-id={pageId}
      aria-busy={!loaded}
    >
      <h2 id="page-editor-title">{page ? t('page.editTitle', { title: page.title }) : t('page.new')}</h2>
      {loadError ? (
        <p className="error" role="alert">
          {t('page.loadFailed')}
        </p>
      ) : null}
      <div className="editor-layout">
        <div>
          <Field label={t('page.title')} error={fieldError(t, save.error, 'title')}>
            <input value={title} maxLength={200} required onChange={(e) => setTitle(e.target.value)} />
          </Field>
          <RichText ref={editor} label={t('page.body')} error={bodyError} onChange={setEditorHtml} />
          <div className="row">
            <div className="field">
              <label htmlFor={pickId}>{t('page.image')}</label>
              <select id={pickId} value={pick} onChange={(e) => setPick(e.target.value)}>
                <option value="">{libraryImages.length ? t('page.imagePick') : t('page.imageNone')}</option>
                {libraryImages.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.title ?? c.sha256!.slice(0, 12)}
                  </option>
                ))}
              </select>
              {imageError ? (
                <div className="error" role="alert">
                  {imageError}
                </div>
              ) : null}
            </div>
            <button type="button" disabled={!pick} onClick={() => void insertImage()}>
              {t('page.imageInsert')}
            </button>
          </div>

          <fieldset className="qr-list">
            <legend>{t('page.qr.legend')}</legend>
            <p className="hint">{t('page.qr.hint')}</p>
            {qrRows.map((r, i) => (
              <div className="row qr-row" key={i}>
                <Field label={t('page.qr.url', { n: i + 1 })} error={qrFieldError(i, 'url')}>
                  <input
                    type="text"
                    inputMode="url"
                    placeholder="https://"
                    value={r.url}
                    maxLength={1000}
                    onChange={(e) => setRow(i, { url: e.target.value })}
                  />
                </Field>
                <Field label={t('page.qr.label', { n: i + 1 })} error={qrFieldError(i, 'label')}>
                  <input value={r.label} maxLength={200} onChange={(e) => setRow(i, { label: e.target.value })} />
                </Field>
                <button
                  type="button"
                  aria-label={t('page.qr.remove', { n: i + 1 })}
                  onClick={() => setQrRows((rows) => rows.filter((_, j) => j !== i))}
                >
                  {t('common.remove')}
                </button>
              </div>
            ))}
            {fieldError(t, save.error, 'qrCodes') && !/^qrCodes\.\d/.test(String((save.error as ApiError).field)) ? (
              <div className="error" role="alert">
                {fieldError(t, save.error, 'qrCodes')}
              </div>
            ) : null}
            <button
              type="button"
              disabled={qrRows.length >= MAX_QR_CODES}
              onClick={() => setQrRows((rows) => [...rows, { url: '', label: '' }])}
            >
              {t('page.qr.add')}
            </button>
            {qrRows.length >= MAX_QR_CODES ? (
              <span className="hint"> {t('page.qr.max', { n: MAX_QR_CODES })}</span>
            ) : null}
          </fieldset>

          <FormError message={formError(t, save.error, ['title', 'html', 'qrCodes'])} />
          <button type="submit" className="primary" disabled={save.isPending || !loaded}>
            {save.isPending ? t('common.saving') : t(page ? 'page.update' : 'page.save')}
          </button>
          {onClose ? (
            <button type="button" onClick={onClose}>
              {t('page.cancelEdit')}
            </button>
          ) : null}
          <Notice message={notice} />
        </div>
        <div className="page-preview" aria-labelledby="page-preview-title">
          <h3 id="page-preview-title">{t('page.preview')}</h3>
          <p className="hint">{t('page.previewHint')}</p>
          <div className="kiosk-frame">
            <div className="kiosk-page-title" aria-hidden="true">
              {title.trim() || t('page.previewNoTitle')}
            </div>
            <KioskFrame className="scaled-frame" testId="page-preview" title={t('page.previewFrame')} srcdoc={srcdoc} />
          </div>
        </div>
      </div>
    </form>
  );
}
