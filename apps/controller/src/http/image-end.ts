import fs from 'node:fs';

/**
 * Where the image data of an uploaded PNG or WebP file ends, by its own structure, or null when the
 * structure is broken. Bytes after that end are another file hidden behind an image (a polyglot: a
 * PNG that is also an HTML page or a ZIP), which sharp decodes happily and which would then be served
 * as image/png; uploads refuse them. JPEG is not checked: cameras legitimately append data after the
 * end-of-image marker (multi-picture and motion photos).
 *
 * Reads only chunk headers (8 bytes each), so a 500 MB file costs a few thousand small reads.
 */
export function imageDataEnd(file: string, mime: string): number | null {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(12);
    const read = (at: number, n: number) => fs.readSync(fd, head, 0, n, at) === n;
    if (mime === 'image/webp') {
      // RIFF size counts everything after its own 8-byte header; a chunk of odd size is padded.
      if (!read(0, 12)) return null;
      const riff = head.readUInt32LE(4);
      return 8 + riff + (riff % 2);
    }
    if (mime !== 'image/png') return size;
    let at = 8; // after the signature
    while (at + 12 <= size) {
      if (!read(at, 8)) return null;
      const length = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      at += 12 + length; // length, type, data, CRC
      if (type === 'IEND') return at <= size ? at : null;
    }
    return null;
  } finally {
    fs.closeSync(fd);
  }
}
