/**
 * What a kiosk information page may contain, in one place for the controller's sanitiser and the
 * admin editor's cleaning of pasted HTML: if the two lists drifted, the editor's preview would show
 * what the controller then throws away.
 */

/** Text and layout tags kept; any other tag is unwrapped to its text. */
export const PAGE_ALLOWED_TAGS: readonly string[] = [
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
];

/** Attributes kept, by tag; every other attribute (event handlers, style, class…) goes. */
export const PAGE_ALLOWED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  img: ['src', 'alt', 'width', 'height'],
  a: ['href'],
  td: ['colspan', 'rowspan'],
};

/** URL schemes allowed in `src`/`href`, by tag: images only from the media store, links only on the web. */
export const PAGE_URL_SCHEMES: Readonly<Record<string, readonly string[]>> = {
  img: ['media'],
  a: ['https', 'http'],
};

/** An image source from the media store, `media:<sha256>`; the sha256 is group 1. */
export const PAGE_MEDIA_SRC = /^media:([0-9a-f]{64})$/;
