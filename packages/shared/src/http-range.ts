/**
 * A single HTTP byte range (`Range: bytes=a-b`, `bytes=a-`, `bytes=-n`), resolved against a file of
 * `size` bytes. Players resume downloads and Chromium seeks videos with these; multi-range requests
 * are answered with the whole file (RFC 9110 allows ignoring Range), so they return null too.
 */
export type RangeResult = { start: number; end: number } | 'unsatisfiable' | null;

export function parseByteRange(header: string | undefined, size: number): RangeResult {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a, b] = m;
  if (a === '' && b === '') return null;
  if (a === '') {
    const n = Number(b);
    if (n === 0) return 'unsatisfiable';
    return size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
