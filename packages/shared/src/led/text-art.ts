import { createBitmap, type Bitmap } from './bitmap';

// '.' off, '#' the usual colour 1, then one character per further palette index, so golden files stay
// readable for mono boards and still exact for colour ones.
const ART_CHARS = '.#23456789abcdefghijklmnopqrstuvwxyz';

/** One line per row: '.' off, '#' colour 1, '2'–'9' then 'a'… for higher palette indices. */
export function toTextArt(bitmap: Bitmap): string {
  const { width, height, data } = bitmap;
  const lines: string[] = new Array<string>(height);
  for (let y = 0; y < height; y++) {
    let line = '';
    for (let x = 0; x < width; x++) {
      const v = data[y * width + x]!;
      line += ART_CHARS[v] ?? '?';
    }
    lines[y] = line;
  }
  return lines.join('\n');
}

/** Inverse of toTextArt; ignores one trailing newline, rejects ragged or unknown characters. */
export function fromTextArt(art: string): Bitmap {
  if (typeof art !== 'string') throw new TypeError('text art must be a string');
  const lines = art.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  const width = lines[0]?.length ?? 0;
  if (width === 0) throw new RangeError('text art is empty');
  const bitmap = createBitmap(width, lines.length);
  lines.forEach((line, y) => {
    if (line.length !== width) throw new RangeError(`text art row ${y} has ${line.length} columns, expected ${width}`);
    for (let x = 0; x < width; x++) {
      const v = ART_CHARS.indexOf(line[x]!);
      if (v < 0) throw new RangeError(`text art row ${y} column ${x}: unknown pixel "${line[x]}"`);
      bitmap.data[y * width + x] = v;
    }
  });
  return bitmap;
}

export function bitmapsEqual(a: Bitmap, b: Bitmap): boolean {
  if (a.width !== b.width || a.height !== b.height || a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}
