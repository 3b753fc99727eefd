/**
 * EXPERIMENTAL — Onbon BX-5/BX-6 serial framing only, as far as public descriptions go; never verified
 * against a real controller. No BX commands (area, display, file) are implemented: their layouts could
 * not be sourced honestly, so there is no BX driver yet.
 *
 * Frame: 8 × 0xA5 header, escaped (payload + CRC), 0x5A tail. Escaping inside the frame:
 * A5 → A6 02, A6 → A6 01, 5A → 5B 02, 5B → 5B 01. CRC-16/ARC (poly 0x8005 reflected, init 0) over the
 * unescaped payload. ASSUMPTION (unverified): the CRC is appended low byte first.
 */
export const BX_HEADER_BYTE = 0xa5;
export const BX_HEADER_LENGTH = 8;
export const BX_TAIL = 0x5a;

export class BxFrameError extends Error {
  override name = 'BxFrameError';
  constructor(
    readonly code: 'bx-bad-header' | 'bx-bad-tail' | 'bx-bad-escape' | 'bx-too-short',
    message: string,
  ) {
    super(message);
  }
}

/** CRC-16/ARC: reflected polynomial 0xA001, initial value 0, no final xor. Check value for "123456789" is 0xBB3D. */
export function crc16Arc(bytes: ArrayLike<number>): number {
  let crc = 0;
  for (let i = 0; i < bytes.length; i++) {
    crc ^= bytes[i]!;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc & 0xffff;
}

export function escapeBx(bytes: ArrayLike<number>): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0xa5) out.push(0xa6, 0x02);
    else if (b === 0xa6) out.push(0xa6, 0x01);
    else if (b === 0x5a) out.push(0x5b, 0x02);
    else if (b === 0x5b) out.push(0x5b, 0x01);
    else out.push(b);
  }
  return Uint8Array.from(out);
}

export function unescapeBx(bytes: ArrayLike<number>): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0xa6 || b === 0x5b) {
      const next = bytes[i + 1];
      if (next !== 0x01 && next !== 0x02)
        throw new BxFrameError('bx-bad-escape', `bad escape 0x${b.toString(16)} at ${i}`);
      out.push(b === 0xa6 ? (next === 0x02 ? 0xa5 : 0xa6) : next === 0x02 ? 0x5a : 0x5b);
      i++;
    } else if (b === 0xa5 || b === 0x5a) {
      throw new BxFrameError('bx-bad-escape', `unescaped 0x${b.toString(16)} at ${i}`);
    } else {
      out.push(b);
    }
  }
  return Uint8Array.from(out);
}

/** Wraps a BX packet (addresses, command and data, already laid out by the caller) in a serial frame. */
export function frameBx(payload: ArrayLike<number>): Uint8Array {
  const crc = crc16Arc(payload);
  const body = escapeBx([...Array.from(payload), crc & 0xff, crc >>> 8]);
  const out = new Uint8Array(BX_HEADER_LENGTH + body.length + 1);
  out.fill(BX_HEADER_BYTE, 0, BX_HEADER_LENGTH);
  out.set(body, BX_HEADER_LENGTH);
  out[out.length - 1] = BX_TAIL;
  return out;
}

/** Inverse of `frameBx`: header (one or more 0xA5), body, tail; reports whether the CRC matches. */
export function unframeBx(frame: ArrayLike<number>): { payload: Uint8Array; crcOk: boolean } {
  let i = 0;
  while (i < frame.length && frame[i] === BX_HEADER_BYTE) i++;
  if (i === 0) throw new BxFrameError('bx-bad-header', 'frame does not start with 0xA5');
  if (frame[frame.length - 1] !== BX_TAIL) throw new BxFrameError('bx-bad-tail', 'frame does not end with 0x5A');
  const body = unescapeBx(Array.prototype.slice.call(frame, i, frame.length - 1) as number[]);
  if (body.length < 2) throw new BxFrameError('bx-too-short', 'frame has no CRC');
  const payload = body.subarray(0, body.length - 2);
  const crc = body[body.length - 2]! | (body[body.length - 1]! << 8);
  return { payload, crcOk: crc === crc16Arc(payload) };
}
