const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Width and height of a PNG from its signature and IHDR chunk, or null when the bytes are not a PNG.
 * Screenshots are checked by their bytes (not by what the player claims) before they are stored and
 * served to staff browsers as image/png.
 */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Signature, then the first chunk: length 13, type IHDR, width, height (big-endian).
  if (b.length < 33 || !b.subarray(0, 8).equals(SIGNATURE)) return null;
  if (b.readUInt32BE(8) !== 13 || b.toString('latin1', 12, 16) !== 'IHDR') return null;
  const width = b.readUInt32BE(16);
  const height = b.readUInt32BE(20);
  if (width === 0 || height === 0 || width > 16_384 || height > 16_384) return null;
  // The file must end with IEND: a truncated upload is refused, not shown half grey.
  if (b.toString('latin1', b.length - 8, b.length - 4) !== 'IEND') return null;
  return { width, height };
}
