import sanitizeHtml from 'sanitize-html';
import QRCode from 'qrcode';

/**
 * Kiosk page HTML as staff write it, made safe to show: a fixed list of text tags, no script, style,
 * iframe, form or event handler, and images only from the media store (`media:<sha256>`), which the
 * player resolves from its verified cache. Links are kept as text targets only (a kiosk has no
 * browser to follow them); staff give URLs as QR codes instead.
 */
export function sanitizePageHtml(html: string): { html: string; media: string[] } {
  const media = new Set<string>();
  const clean = sanitizeHtml(html.normalize('NFC'), {
    allowedTags: [
      'h1',
      'h2',
      'h3',
      'h4',
      'p',
      'br',
      'hr',
      'strong',
      'b',
      'em',
      'i',
      'u',
      's',
      'small',
      'mark',
      'ul',
      'ol',
      'li',
      'blockquote',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
      'figure',
      'figcaption',
      'img',
      'span',
      'div',
      'a',
    ],
    allowedAttributes: { img: ['src', 'alt', 'width', 'height'], a: ['href'], td: ['colspan', 'rowspan'] },
    allowedSchemes: [],
    allowedSchemesByTag: { img: ['media'], a: ['https', 'http'] },
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    exclusiveFilter: (frame) => {
      if (frame.tag !== 'img') return false;
      const m = /^media:([0-9a-f]{64})$/.exec(frame.attribs.src ?? '');
      if (m) media.add(m[1]!);
      return !m; // an image that is not from the media store is dropped entirely
    },
  });
  return { html: clean, media: [...media].sort() };
}

/** QR codes as inline SVG figures, generated here so the kiosk needs no script to draw them. */
export async function qrFigures(codes: readonly { url: string; label: string }[]): Promise<string> {
  const parts: string[] = [];
  for (const c of codes) {
    const svg = await QRCode.toString(c.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
    const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    parts.push(
      `<figure class="qr"><img src="${src}" alt="${escapeHtml(c.label)}"><figcaption>${escapeHtml(c.label)}</figcaption></figure>`,
    );
  }
  return parts.join('');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
