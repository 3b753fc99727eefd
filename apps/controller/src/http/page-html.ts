import type SanitizeHtml from 'sanitize-html';
import type QRCodeLib from 'qrcode';
import { PAGE_ALLOWED_ATTRIBUTES, PAGE_ALLOWED_TAGS, PAGE_MEDIA_SRC, PAGE_URL_SCHEMES } from '@bangtin/shared';
import { esc as escapeHtml } from '../reports/print';
import { lazyRequire } from '../lazy';

const sanitizeHtml = lazyRequire<typeof SanitizeHtml>('sanitize-html');
const qrcode = lazyRequire<typeof QRCodeLib>('qrcode');

/**
 * Kiosk page HTML as staff write it, made safe to show: a fixed list of text tags, no script, style,
 * iframe, form or event handler, and images only from the media store (`media:<sha256>`), which the
 * player resolves from its verified cache. Links are kept as text targets only (a kiosk has no
 * browser to follow them); staff give URLs as QR codes instead.
 */
export function sanitizePageHtml(html: string): { html: string; media: string[] } {
  const media = new Set<string>();
  const clean = sanitizeHtml()(html.normalize('NFC'), {
    allowedTags: [...PAGE_ALLOWED_TAGS],
    allowedAttributes: copyLists(PAGE_ALLOWED_ATTRIBUTES),
    allowedSchemes: [],
    allowedSchemesByTag: copyLists(PAGE_URL_SCHEMES),
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    exclusiveFilter: (frame) => {
      if (frame.tag !== 'img') return false;
      const m = PAGE_MEDIA_SRC.exec(frame.attribs.src ?? '');
      if (m) media.add(m[1]!);
      return !m; // an image that is not from the media store is dropped entirely
    },
  });
  return { html: clean, media: [...media].sort() };
}

/** sanitize-html's options take mutable arrays; the shared policy is read-only. */
function copyLists(lists: Readonly<Record<string, readonly string[]>>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(lists).map(([k, v]) => [k, [...v]]));
}

/** QR codes as inline SVG figures, generated here so the kiosk needs no script to draw them. */
export async function qrFigures(codes: readonly { url: string; label: string }[]): Promise<string> {
  const parts: string[] = [];
  for (const c of codes) {
    const svg = await qrcode().toString(c.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
    const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    parts.push(
      `<figure class="qr"><img src="${src}" alt="${escapeHtml(c.label)}"><figcaption>${escapeHtml(c.label)}</figcaption></figure>`,
    );
  }
  return parts.join('');
}
