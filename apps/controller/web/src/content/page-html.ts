/**
 * Kiosk page HTML on the staff side: what the rich-text editor produces, turned into what the
 * controller's sanitiser keeps (apps/controller/src/http/page-html.ts), and the preview document
 * built the way the kiosk builds its frame. The controller sanitises again; doing it here too means
 * the preview shows what will be stored, not what was typed or pasted.
 */
import { PAGE_ALLOWED_ATTRIBUTES, PAGE_ALLOWED_TAGS, PAGE_MEDIA_SRC } from '@bangtin/shared';
// The kiosk's own stylesheet (a plain string module, no imports), so the preview looks like the lobby screen.
import { PAGE_CSS } from '../../../../player/src/renderer/page-frame';

/** Dropped with everything inside them (sanitize-html's non-text tags, plus embeds). */
const DROP_WITH_CONTENT = new Set([
  'script',
  'style',
  'textarea',
  'option',
  'noscript',
  'iframe',
  'object',
  'embed',
  'template',
  'svg',
  'math',
  'head',
  'title',
  'meta',
  'link',
]);
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The editor's HTML as the controller will keep it: images inserted from the library carry
 * `data-sha256` and become `media:<sha256>`; scripts, styles, event handlers, foreign images and
 * non-http links go. Block `div`s (what some browsers make on Enter) stay: the server keeps them.
 */
export function toPageHtml(editorHtml: string): string {
  const tpl = document.createElement('template');
  tpl.innerHTML = editorHtml.normalize('NFC');
  cleanChildren(tpl.content);
  return tpl.innerHTML.trim();
}

function cleanChildren(parent: ParentNode): void {
  for (const node of [...parent.childNodes]) {
    if (node.nodeType === Node.COMMENT_NODE) node.remove();
    else if (node.nodeType === Node.ELEMENT_NODE) cleanElement(node as Element);
  }
}

function cleanElement(el: Element): void {
  const tag = el.tagName.toLowerCase();
  if (DROP_WITH_CONTENT.has(tag)) {
    el.remove();
    return;
  }
  cleanChildren(el);
  if (!PAGE_ALLOWED_TAGS.includes(tag)) {
    el.replaceWith(...el.childNodes);
    return;
  }
  if (tag === 'img') {
    const sha = el.getAttribute('data-sha256') ?? '';
    const src = SHA256.test(sha) ? `media:${sha}` : (el.getAttribute('src') ?? '');
    if (!PAGE_MEDIA_SRC.test(src)) {
      el.remove(); // an image not from the media store would be dropped by the controller anyway
      return;
    }
    el.setAttribute('src', src);
  }
  const keep = PAGE_ALLOWED_ATTRIBUTES[tag] ?? [];
  for (const attr of [...el.attributes]) if (!keep.includes(attr.name)) el.removeAttribute(attr.name);
  if (tag === 'a') {
    const href = el.getAttribute('href');
    if (href !== null && !isHttpUrl(href)) el.removeAttribute('href');
  }
}

/** `http(s)://host/…` as the controller's `z.url({ protocol: /^https?$/ })` accepts it. */
export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s.trim());
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** The sha256 of every library image the page HTML refers to. */
export function mediaRefs(pageHtml: string): string[] {
  return [...new Set([...pageHtml.matchAll(/["']media:([0-9a-f]{64})["']/g)].map((m) => m[1]!))].sort();
}

/** True when the page has no text and no image: the editor's "empty" state. */
export function isBlankPage(pageHtml: string): boolean {
  return !/<img\b/i.test(pageHtml) && pageHtml.replace(/<[^>]*>/g, '').replace(/&nbsp;|\s/g, '') === '';
}

export interface QrRow {
  url: string;
  label: string;
}
export type QrProblem = 'url-required' | 'url-invalid' | 'label-required' | 'label-too-long' | 'url-too-long';
export const MAX_QR_CODES = 10;

/**
 * What is wrong with each QR row, checked like the controller does (http(s) URL up to 1000 chars,
 * label 1–200 chars), so staff see it beside the row before sending. Empty rows are fine: they are
 * left out by `qrCodesBody`.
 */
export function qrProblems(rows: readonly QrRow[]): { url: QrProblem | null; label: QrProblem | null }[] {
  return rows.map((r) => {
    const url = r.url.trim();
    const label = r.label.normalize('NFC').trim();
    if (!url && !label) return { url: null, label: null };
    return {
      url: !url ? 'url-required' : url.length > 1000 ? 'url-too-long' : !isHttpUrl(url) ? 'url-invalid' : null,
      label: !label ? 'label-required' : label.length > 200 ? 'label-too-long' : null,
    };
  });
}

/** The `qrCodes` of the create-page body: trimmed, NFC, without empty rows. */
export function qrCodesBody(rows: readonly QrRow[]): QrRow[] {
  return rows
    .map((r) => ({ url: r.url.trim(), label: r.label.normalize('NFC').trim() }))
    .filter((r) => r.url || r.label);
}

/**
 * The preview document: the kiosk frame's stylesheet and CSP, with library images and QR codes as
 * data URLs (a `sandbox=""` frame has an opaque origin and no bearer token, so it cannot fetch
 * `/api/v1/media` itself). Images not loaded yet show their alt text.
 */
export function previewSrcdoc(
  pageHtml: string,
  images: ReadonlyMap<string, string>,
  qr: readonly { svgDataUrl: string; label: string }[],
): string {
  const body = pageHtml.replace(/(["'])media:([0-9a-f]{64})\1/g, (m, q: string, sha: string) => {
    const url = images.get(sha);
    return url ? `${q}${url}${q}` : m;
  });
  const figures = qr
    .map(
      (c) =>
        `<figure class="qr"><img src="${escapeHtml(c.svgDataUrl)}" alt="${escapeHtml(c.label)}"><figcaption>${escapeHtml(c.label)}</figcaption></figure>`,
    )
    .join('');
  const csp = `default-src 'none'; img-src data:; style-src 'unsafe-inline'`;
  return (
    `<!doctype html><html lang="vi"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    `<style>${PAGE_CSS}</style></head><body>${body}${figures}</body></html>`
  );
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
