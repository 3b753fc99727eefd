import { forwardRef, useEffect, useId, useImperativeHandle, useRef, useState, type KeyboardEvent } from 'react';
import { useI18n } from '../i18n/i18n';
import { isHttpUrl, toPageHtml } from './page-html';

export interface RichTextHandle {
  /** Inserts HTML where the caret was last (or at the end). */
  insertHtml(html: string): void;
  clear(): void;
  /** Replaces the whole text, e.g. with a stored page opened for editing. */
  setHtml(html: string): void;
  focus(): void;
}

const EMPTY = '<p><br></p>';

/**
 * A small rich-text box for kiosk pages: paragraph/heading style, bold, italic, lists, links. It is a
 * `contentEditable` with `document.execCommand` (deprecated on paper, but the one editing API every
 * Chromium ships, and enough for the few formats the controller keeps); pasted HTML is cleaned to
 * what the controller keeps before it reaches the page. Uncontrolled: React never rewrites the text
 * under the caret, and what was typed survives any error of the form around it.
 */
export const RichText = forwardRef<
  RichTextHandle,
  { label: string; error?: string | null; onChange(html: string): void }
>(function RichText({ label, error, onChange }, ref) {
  const { t } = useI18n();
  const id = useId();
  const box = useRef<HTMLDivElement>(null);
  const saved = useRef<Range | null>(null);
  const [linkOpen, setLinkOpen] = useState(false);
  const [linkUrl, setLinkUrl] = useState('');
  const [linkBad, setLinkBad] = useState(false);
  const [block, setBlock] = useState('p');

  // Keep the last caret position inside the box: toolbar buttons and the image picker take focus.
  useEffect(() => {
    const onSel = () => {
      const sel = document.getSelection();
      if (sel && sel.rangeCount && box.current?.contains(sel.anchorNode)) {
        saved.current = sel.getRangeAt(0).cloneRange();
        const el = sel.anchorNode instanceof Element ? sel.anchorNode : sel.anchorNode?.parentElement;
        const b = el?.closest('h2, h3, p, li');
        setBlock(b && box.current.contains(b) && b.tagName !== 'LI' ? b.tagName.toLowerCase() : 'p');
      }
    };
    document.addEventListener('selectionchange', onSel);
    return () => document.removeEventListener('selectionchange', onSel);
  }, []);

  useEffect(() => {
    if (box.current && !box.current.innerHTML) box.current.innerHTML = EMPTY;
  }, []);

  const changed = () => onChange(box.current?.innerHTML ?? '');

  const restore = () => {
    const el = box.current;
    if (!el) return;
    const sel = document.getSelection();
    // The live caret wins while it is still in the box (a toolbar select does not move it); the saved one
    // is for when focus went to a text field (the link address), and it may lag the last keystroke.
    const live = sel && sel.rangeCount > 0 && el.contains(sel.anchorNode) ? sel.getRangeAt(0).cloneRange() : null;
    el.focus();
    if (!sel) return;
    const range = live ?? (saved.current && el.contains(saved.current.startContainer) ? saved.current : null);
    sel.removeAllRanges();
    if (range) sel.addRange(range);
    else {
      const r = document.createRange();
      r.selectNodeContents(el);
      r.collapse(false);
      sel.addRange(r);
    }
  };

  const exec = (command: string, value?: string) => {
    restore();
    // Enter makes <p>, not <div>, so headings and paragraphs are what staff expect.
    document.execCommand('defaultParagraphSeparator', false, 'p');
    document.execCommand(command, false, value);
    changed();
  };

  useImperativeHandle(ref, () => ({
    insertHtml: (html: string) => exec('insertHTML', html),
    clear: () => {
      if (box.current) box.current.innerHTML = EMPTY;
      saved.current = null;
      changed();
    },
    setHtml: (html: string) => {
      if (box.current) box.current.innerHTML = html || EMPTY;
      saved.current = null;
      changed();
    },
    focus: () => box.current?.focus(),
  }));

  const addLink = () => {
    const url = linkUrl.trim();
    if (!isHttpUrl(url)) {
      setLinkBad(true);
      return;
    }
    const sel = saved.current;
    if (sel && !sel.collapsed) exec('createLink', url);
    else exec('insertHTML', `<a href="${url.replace(/"/g, '&quot;')}">${url.replace(/</g, '&lt;')}</a>&nbsp;`);
    setLinkOpen(false);
    setLinkUrl('');
    setLinkBad(false);
  };

  const keepCaret = (e: { preventDefault(): void }) => e.preventDefault(); // a mouse press must not blur the box

  const button = (text: string, command: string) => (
    <button type="button" onMouseDown={keepCaret} onClick={() => exec(command)}>
      {text}
    </button>
  );

  return (
    <div className={`field rich-text${error ? ' field-invalid' : ''}`}>
      <span className="label" id={`${id}-label`}>
        {label}
      </span>
      <div className="rt-toolbar" role="toolbar" aria-label={t('page.toolbar')} aria-controls={`${id}-box`}>
        <select
          aria-label={t('page.block')}
          value={block}
          onChange={(e) => {
            setBlock(e.target.value);
            exec('formatBlock', `<${e.target.value}>`);
          }}
        >
          <option value="p">{t('page.block.p')}</option>
          <option value="h2">{t('page.block.h2')}</option>
          <option value="h3">{t('page.block.h3')}</option>
        </select>
        {button(t('page.bold'), 'bold')}
        {button(t('page.italic'), 'italic')}
        {button(t('page.bullets'), 'insertUnorderedList')}
        {button(t('page.numbers'), 'insertOrderedList')}
        <button type="button" onMouseDown={keepCaret} aria-expanded={linkOpen} onClick={() => setLinkOpen((o) => !o)}>
          {t('page.link')}
        </button>
        {button(t('page.clearFormat'), 'removeFormat')}
      </div>
      {linkOpen ? (
        <div className="rt-link row">
          <div className={`field${linkBad ? ' field-invalid' : ''}`}>
            <label htmlFor={`${id}-link`}>{t('page.linkUrl')}</label>
            <input
              id={`${id}-link`}
              type="text"
              inputMode="url"
              value={linkUrl}
              placeholder="https://"
              aria-invalid={linkBad || undefined}
              aria-describedby={linkBad ? `${id}-link-err` : undefined}
              onChange={(e) => {
                setLinkUrl(e.target.value);
                setLinkBad(false);
              }}
              onKeyDown={(e: KeyboardEvent) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  addLink();
                }
              }}
            />
            {linkBad ? (
              <div className="error" id={`${id}-link-err`} role="alert">
                {t('page.linkInvalid')}
              </div>
            ) : null}
          </div>
          <button type="button" onClick={addLink}>
            {t('page.linkInsert')}
          </button>
        </div>
      ) : null}
      <div
        ref={box}
        id={`${id}-box`}
        className="rt-box"
        contentEditable
        suppressContentEditableWarning
        role="textbox"
        aria-multiline="true"
        aria-labelledby={`${id}-label`}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-err` : `${id}-hint`}
        tabIndex={0}
        onInput={changed}
        onPaste={(e) => {
          // Only what the controller keeps goes in: no scripts, styles or foreign images from the clipboard.
          const html = e.clipboardData.getData('text/html');
          const text = e.clipboardData.getData('text/plain');
          e.preventDefault();
          if (html) exec('insertHTML', toPageHtml(html) || text.replace(/</g, '&lt;'));
          else exec('insertText', text);
        }}
      />
      <div className="hint" id={`${id}-hint`}>
        {t('page.bodyHint')}
      </div>
      {error ? (
        <div className="error" id={`${id}-err`} role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
});
