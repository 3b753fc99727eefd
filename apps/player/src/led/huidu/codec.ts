/**
 * Huidu (HD series) network protocol, pure: frame encoder, streaming frame decoder, the SDK XML envelope
 * and the program XML. No sockets here; the driver and the simulator share this module.
 *
 * Wire facts (from the public SDK clients, see README "Huidu"): every TCP frame is
 * `u16le total length (the length field included) · u16le command · payload`.
 */

export const HUIDU_PORT = 10001;

export const HuiduCmd = {
  heartbeatAsk: 0x005f,
  heartbeatAnswer: 0x0060,
  errorAnswer: 0x2000,
  serviceAsk: 0x2001,
  serviceAnswer: 0x2002,
  sdkAsk: 0x2003,
  sdkAnswer: 0x2004,
  fileStartAsk: 0x8001,
  fileStartAnswer: 0x8002,
  fileContentAsk: 0x8003,
  fileContentAnswer: 0x8004,
  fileEndAsk: 0x8005,
  fileEndAnswer: 0x8006,
} as const;

export type HuiduCmdName = keyof typeof HuiduCmd;
const KNOWN_CMDS = new Set<number>(Object.values(HuiduCmd));

/** The TCP version the public clients announce in the version exchange. */
export const HUIDU_TCP_VERSION = 0x1000007;

/** Card error codes in the order the SDK numbers them (index = code). */
export const HUIDU_ERROR_NAMES: readonly string[] = [
  'kSuccess',
  'kWriteFinish',
  'kProcessError',
  'kVersionTooLow',
  'kDeviceOccupa',
  'kFileOccupa',
  'kReadFileExcessive',
  'kInvalidPacketLen',
  'kInvalidParam',
  'kNotSpaceToSave',
  'kCreateFileFailed',
  'kWriteFileFailed',
  'kReadFileFailed',
  'kInvalidFileData',
  'kFileContentError',
  'kOpenFileFailed',
  'kSeekFileFailed',
  'kRenameFailed',
  'kFileNotFound',
  'kFileNotFinish',
  'kXmlCmdTooLong',
  'kInvalidXmlIndex',
  'kParseXmlFailed',
  'kInvalidMethod',
  'kMemoryFailed',
  'kSystemError',
];

export function huiduErrorName(code: number): string {
  return HUIDU_ERROR_NAMES[code] ?? `error-${code}`;
}

export function huiduErrorCode(name: string): number {
  const i = HUIDU_ERROR_NAMES.indexOf(name);
  if (i < 0) throw new RangeError(`unknown Huidu error name ${JSON.stringify(name)}`);
  return i;
}

/** File types of the file-transfer start message. */
export const HuiduFileType = { image: 0, video: 1, font: 2, firmware: 3, programXml: 9 } as const;

export const HEADER_BYTES = 4;
/** The length field is 16 bits: no frame can be longer. */
export const MAX_FRAME_BYTES = 0xffff;
/** File content per 0x8003 frame the public clients use. */
export const DEFAULT_CONTENT_CHUNK = 8000;

export class HuiduCodecError extends Error {
  override name = 'HuiduCodecError';
  constructor(
    readonly code: 'frame-too-long' | 'bad-field' | 'bad-xml',
    message: string,
  ) {
    super(message);
  }
}

export interface HuiduFrame {
  cmd: number;
  payload: Uint8Array;
}

export function encodeFrame(cmd: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (!Number.isInteger(cmd) || cmd < 0 || cmd > 0xffff) throw new HuiduCodecError('bad-field', `cmd must be u16`);
  const total = HEADER_BYTES + payload.length;
  if (total > MAX_FRAME_BYTES)
    throw new HuiduCodecError('frame-too-long', `frame of ${total} bytes exceeds the ${MAX_FRAME_BYTES}-byte limit`);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint16(0, total, true);
  v.setUint16(2, cmd, true);
  out.set(payload, HEADER_BYTES);
  return out;
}

function u32le(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
}

function u16le(n: number): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, n, true);
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

export const encodeVersionAsk = (version = HUIDU_TCP_VERSION): Uint8Array =>
  encodeFrame(HuiduCmd.serviceAsk, u32le(version));
export const encodeVersionAnswer = (version = HUIDU_TCP_VERSION): Uint8Array =>
  encodeFrame(HuiduCmd.serviceAnswer, u32le(version));
export const encodeHeartbeatAsk = (): Uint8Array => encodeFrame(HuiduCmd.heartbeatAsk);
export const encodeHeartbeatAnswer = (): Uint8Array => encodeFrame(HuiduCmd.heartbeatAnswer);
export const encodeErrorAnswer = (code: number): Uint8Array => encodeFrame(HuiduCmd.errorAnswer, u16le(code));

/**
 * An SDK command (or its answer): `u32le XML byte length · u32le offset · UTF-8 XML`. The length is the
 * real UTF-8 byte count (one public client counted 2 bytes for every non-ASCII char, which cuts off
 * Vietnamese: "ề" is 3 bytes).
 */
export function encodeSdk(xml: string, cmd: number = HuiduCmd.sdkAsk): Uint8Array {
  const bytes = utf8.encode(xml.normalize('NFC'));
  return encodeFrame(cmd, concat(u32le(bytes.length), u32le(0), bytes));
}

export interface SdkPayload {
  /** Total XML byte length announced. */
  total: number;
  offset: number;
  xml: string;
}

export function decodeSdkPayload(payload: Uint8Array): SdkPayload {
  if (payload.length < 8) throw new HuiduCodecError('bad-field', `sdk payload: ${payload.length} bytes, need ≥ 8`);
  const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const total = v.getUint32(0, true);
  const offset = v.getUint32(4, true);
  const body = payload.subarray(8);
  // Only single-frame XML is supported (the public clients never page either).
  if (offset !== 0 || total !== body.length)
    throw new HuiduCodecError(
      'bad-field',
      `sdk payload: xml length field says ${total} at offset ${offset}, frame carries ${body.length}`,
    );
  let xml: string;
  try {
    xml = utf8Strict.decode(body);
  } catch {
    throw new HuiduCodecError('bad-xml', 'sdk payload: xml is not valid UTF-8');
  }
  return { total, offset, xml };
}

export interface FileStart {
  /** 32 lowercase hex digits. */
  md5: string;
  size: number;
  type: number;
  name: string;
}

const FILE_START_HEAD = 47;

/** `md5 hex (32 B) · pad · u32le size @37 · pad · u16le type @45 · name, NUL-terminated @47`. */
export function encodeFileStart(f: FileStart): Uint8Array {
  if (!/^[0-9a-f]{32}$/.test(f.md5)) throw new HuiduCodecError('bad-field', `md5 must be 32 hex digits`);
  if (!Number.isInteger(f.size) || f.size < 0 || f.size > 0xffffffff)
    throw new HuiduCodecError('bad-field', `size must be a u32`);
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(f.name))
    throw new HuiduCodecError('bad-field', `file name must be 1–100 ASCII letters, digits, . _ -`);
  const name = utf8.encode(f.name);
  const p = new Uint8Array(FILE_START_HEAD - HEADER_BYTES + name.length + 1);
  p.set(utf8.encode(f.md5), 0);
  const v = new DataView(p.buffer);
  v.setUint32(37 - HEADER_BYTES, f.size, true);
  v.setUint16(45 - HEADER_BYTES, f.type, true);
  p.set(name, FILE_START_HEAD - HEADER_BYTES);
  return encodeFrame(HuiduCmd.fileStartAsk, p);
}

export function decodeFileStart(payload: Uint8Array): FileStart {
  const head = FILE_START_HEAD - HEADER_BYTES;
  if (payload.length < head + 2 || payload[payload.length - 1] !== 0)
    throw new HuiduCodecError('bad-field', 'file start: too short or name not NUL-terminated');
  const md5 = String.fromCharCode(...payload.subarray(0, 32));
  if (!/^[0-9a-fA-F]{32}$/.test(md5)) throw new HuiduCodecError('bad-field', 'file start: md5 is not 32 hex digits');
  const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let name: string;
  try {
    name = utf8Strict.decode(payload.subarray(head, payload.length - 1));
  } catch {
    throw new HuiduCodecError('bad-field', 'file start: name is not UTF-8');
  }
  if (name.length === 0 || name.includes('\0') || name.includes('/'))
    throw new HuiduCodecError('bad-field', `file start: bad name ${JSON.stringify(name)}`);
  return {
    md5: md5.toLowerCase(),
    size: v.getUint32(37 - HEADER_BYTES, true),
    type: v.getUint16(45 - HEADER_BYTES, true),
    name,
  };
}

/** `u16le error · u64le bytes the card already has` (a resume point). */
export function encodeFileStartAnswer(error: number, existBytes = 0): Uint8Array {
  const p = new Uint8Array(10);
  const v = new DataView(p.buffer);
  v.setUint16(0, error, true);
  v.setBigUint64(2, BigInt(existBytes), true);
  return encodeFrame(HuiduCmd.fileStartAnswer, p);
}

export function decodeFileStartAnswer(payload: Uint8Array): { error: number; existBytes: number } {
  if (payload.length < 6) throw new HuiduCodecError('bad-field', 'file start answer: too short');
  const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  return { error: v.getUint16(0, true), existBytes: v.getUint32(2, true) };
}

export const encodeFileContent = (chunk: Uint8Array): Uint8Array => encodeFrame(HuiduCmd.fileContentAsk, chunk);
export const encodeFileEnd = (): Uint8Array => encodeFrame(HuiduCmd.fileEndAsk);
export const encodeFileEndAnswer = (error: number): Uint8Array => encodeFrame(HuiduCmd.fileEndAnswer, u16le(error));

/** The first u16le of a payload: the error code of error/file-end answers. */
export function decodeU16(payload: Uint8Array, what: string): number {
  if (payload.length < 2) throw new HuiduCodecError('bad-field', `${what}: too short`);
  return payload[0]! | (payload[1]! << 8);
}

export function decodeU32(payload: Uint8Array, what: string): number {
  if (payload.length < 4) throw new HuiduCodecError('bad-field', `${what}: too short`);
  return new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0, true);
}

/** Payload shape checks, so a frame whose length field was garbage is rejected and the decoder resyncs. */
function plausible(cmd: number, payload: Uint8Array): boolean {
  switch (cmd) {
    case HuiduCmd.heartbeatAsk:
    case HuiduCmd.heartbeatAnswer:
    case HuiduCmd.fileEndAsk:
      return payload.length === 0;
    case HuiduCmd.serviceAsk:
    case HuiduCmd.serviceAnswer:
      return payload.length === 4;
    case HuiduCmd.errorAnswer:
    case HuiduCmd.fileEndAnswer:
      return payload.length >= 2 && payload.length <= 8;
    case HuiduCmd.sdkAsk:
    case HuiduCmd.sdkAnswer:
      return payload.length >= 8 && decodeU32(payload, 'sdk') === payload.length - 8;
    case HuiduCmd.fileStartAsk:
      return payload.length >= FILE_START_HEAD - HEADER_BYTES + 2 && payload[payload.length - 1] === 0;
    case HuiduCmd.fileStartAnswer:
      return payload.length >= 6 && payload.length <= 12;
    default:
      return true;
  }
}

export type DecodeEvent =
  | { type: 'frame'; frame: HuiduFrame }
  /** Bytes skipped while looking for a frame start (noise, or a frame whose header was impossible). */
  | { type: 'garbage'; bytes: number; reason: 'unknown-cmd' | 'bad-length' | 'oversize' | 'bad-payload' };

export interface DecoderOptions {
  /** Frames announcing more than this are refused (the byte is skipped and the decoder resyncs). */
  maxFrameBytes?: number;
}

/**
 * Streaming decoder: feed it chunks as they arrive (any split), get whole frames. The protocol has no
 * sync byte, so a frame start is recognised by a known command, a sane length and a payload of the right
 * shape; anything else is skipped one byte at a time.
 */
export class HuiduDecoder {
  private buf: Uint8Array = new Uint8Array(0);
  private readonly maxFrame: number;

  constructor(options: DecoderOptions = {}) {
    this.maxFrame = Math.min(options.maxFrameBytes ?? MAX_FRAME_BYTES, MAX_FRAME_BYTES);
  }

  /** Bytes held while waiting for the rest of a frame. */
  get pending(): number {
    return this.buf.length;
  }

  /** Drops a held partial frame (e.g. after a reconnect); returns how many bytes were dropped. */
  reset(): number {
    const n = this.buf.length;
    this.buf = new Uint8Array(0);
    return n;
  }

  push(chunk: Uint8Array): DecodeEvent[] {
    this.buf = this.buf.length === 0 ? Uint8Array.from(chunk) : concat(this.buf, chunk);
    const out: DecodeEvent[] = [];
    let pos = 0;
    let skipped = 0;
    let reason: 'unknown-cmd' | 'bad-length' | 'oversize' | 'bad-payload' = 'unknown-cmd';
    const flushGarbage = (): void => {
      if (skipped > 0) out.push({ type: 'garbage', bytes: skipped, reason });
      skipped = 0;
    };
    const skip = (why: typeof reason): void => {
      if (skipped === 0) reason = why;
      skipped++;
      pos++;
    };
    while (this.buf.length - pos >= HEADER_BYTES) {
      const len = this.buf[pos]! | (this.buf[pos + 1]! << 8);
      const cmd = this.buf[pos + 2]! | (this.buf[pos + 3]! << 8);
      if (!KNOWN_CMDS.has(cmd)) {
        skip('unknown-cmd');
        continue;
      }
      if (len < HEADER_BYTES) {
        skip('bad-length');
        continue;
      }
      if (len > this.maxFrame) {
        skip('oversize');
        continue;
      }
      if (this.buf.length - pos < len) break; // truncated so far: wait for more
      const payload = this.buf.slice(pos + HEADER_BYTES, pos + len);
      if (!plausible(cmd, payload)) {
        skip('bad-payload');
        continue;
      }
      flushGarbage();
      out.push({ type: 'frame', frame: { cmd, payload } });
      pos += len;
    }
    flushGarbage();
    this.buf = this.buf.slice(pos);
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------------
// SDK XML

export function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function xmlUnescape(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[e]!;
  });
}

const XML_DECL = '<?xml version="1.0" encoding="utf-8"?>';

/** `<sdk guid="…"><in method="…">inner</in></sdk>`: what the client sends. */
export function buildSdkRequest(guid: string, method: string, inner = ''): string {
  if (!/^[A-Za-z]{1,64}$/.test(method)) throw new HuiduCodecError('bad-field', `sdk method must be letters`);
  return `${XML_DECL}<sdk guid="${xmlEscape(guid)}"><in method="${method}">${inner}</in></sdk>`;
}

/** `<sdk guid="…"><out method="…" result="kSuccess">inner</out></sdk>`: what the card answers. */
export function buildSdkAnswer(guid: string, method: string, result: string, inner = ''): string {
  return `${XML_DECL}<sdk guid="${xmlEscape(guid)}"><out method="${xmlEscape(method)}" result="${xmlEscape(result)}">${inner}</out></sdk>`;
}

export interface SdkMessage {
  guid: string;
  direction: 'in' | 'out';
  method: string;
  result: string | null;
  /** Raw XML between `<in>`/`<out>` and its end tag. */
  inner: string;
}

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([A-Za-z_][\w.-]*)\s*=\s*"([^"]*)"/g)) out[m[1]!] = xmlUnescape(m[2]!);
  return out;
}

/** Parses the SDK envelope; throws a `bad-xml` error naming what is missing. */
export function parseSdkMessage(xml: string): SdkMessage {
  const body = xml.replace(/^\uFEFF?\s*<\?xml[^>]*\?>\s*/, '');
  const sdk = /^<sdk\b([^>]*)>([\s\S]*)<\/sdk>\s*$/.exec(body);
  if (!sdk) throw new HuiduCodecError('bad-xml', 'sdk xml: no <sdk> root element');
  const guid = attrs(sdk[1]!).guid;
  if (guid === undefined) throw new HuiduCodecError('bad-xml', 'sdk xml: <sdk> has no guid');
  const inner = sdk[2]!.trim();
  const m = /^<(in|out)\b([^>]*?)(\/>|>([\s\S]*)<\/\1>)$/.exec(inner);
  if (!m) throw new HuiduCodecError('bad-xml', 'sdk xml: no <in> or <out> element');
  const a = attrs(m[2]!);
  if (!a.method) throw new HuiduCodecError('bad-xml', `sdk xml: <${m[1]}> has no method`);
  return { guid, direction: m[1] as 'in' | 'out', method: a.method, result: a.result ?? null, inner: m[4] ?? '' };
}

// ---------------------------------------------------------------------------------------------------------
// Program XML (AddProgram replaces everything the card plays)

export interface ProgramPicture {
  /** Name of an uploaded file. */
  file: string;
  durationMs: number;
}

export interface ProgramSpec {
  name: string;
  width: number;
  height: number;
  pictures: readonly ProgramPicture[];
  /** ms, becomes the screen's `timeStamps`. */
  at: number;
}

/** Effect duration is in tenths of a second; the card's minimum is taken to be one tenth. */
function tenths(ms: number): number {
  return Math.max(1, Math.round(ms / 100));
}

/**
 * The `<screen>` element AddProgram takes: one program, one full-board area, one picture item per frame
 * shown immediately (effect 0) for its duration. No pictures = an empty screen (the board goes dark).
 */
export function buildScreenXml(spec: ProgramSpec): string {
  const ts = `timeStamps="${Math.trunc(spec.at)}"`;
  if (spec.pictures.length === 0) return `<screen ${ts}></screen>`;
  const images = spec.pictures
    .map(
      (p, i) =>
        `<image guid="img-${i}" name="${i}" fit="stretch">` +
        `<effect in="0" inSpeed="4" out="0" outSpeed="4" duration="${tenths(p.durationMs)}"/>` +
        `<file name="${xmlEscape(p.file)}"/></image>`,
    )
    .join('');
  return (
    `<screen ${ts}><program type="normal" id="0" guid="bangtin-program" name="${xmlEscape(spec.name.normalize('NFC'))}">` +
    `<playControl count="1" disabled="false"/>` +
    `<area guid="bangtin-area" name="" alpha="255"><rectangle x="0" y="0" width="${spec.width}" height="${spec.height}"/>` +
    `<resources>${images}</resources></area></program></screen>`
  );
}

export interface ParsedScreen {
  programName: string | null;
  area: { x: number; y: number; width: number; height: number } | null;
  pictures: ProgramPicture[];
}

/** Reads back what `buildScreenXml` writes (the simulator's view of an AddProgram). */
export function parseScreenXml(xml: string): ParsedScreen {
  const screen = /<screen\b[^>]*?(\/>|>([\s\S]*)<\/screen>)/.exec(xml);
  if (!screen) throw new HuiduCodecError('bad-xml', 'AddProgram: no <screen> element');
  const body = screen[2] ?? '';
  const programs = [...body.matchAll(/<program\b([^>]*)>/g)];
  if (programs.length === 0) return { programName: null, area: null, pictures: [] };
  if (programs.length > 1) throw new HuiduCodecError('bad-xml', 'AddProgram: more than one program');
  const rect = /<rectangle\b([^>]*)\/?>/.exec(body);
  if (!rect) throw new HuiduCodecError('bad-xml', 'AddProgram: area has no <rectangle>');
  const r = attrs(rect[1]!);
  const num = (k: string): number => {
    const n = Number(r[k]);
    if (!Number.isInteger(n) || n < 0)
      throw new HuiduCodecError('bad-xml', `AddProgram: rectangle ${k} is not an integer`);
    return n;
  };
  const pictures: ProgramPicture[] = [];
  for (const img of body.matchAll(/<image\b[^>]*>([\s\S]*?)<\/image>/g)) {
    const eff = /<effect\b([^>]*)\/?>/.exec(img[1]!);
    const file = /<file\b([^>]*)\/?>/.exec(img[1]!);
    const name = file ? attrs(file[1]!).name : undefined;
    if (!name) throw new HuiduCodecError('bad-xml', 'AddProgram: image has no <file name>');
    const d = Number(eff ? attrs(eff[1]!).duration : NaN);
    if (!Number.isFinite(d) || d <= 0) throw new HuiduCodecError('bad-xml', 'AddProgram: image effect has no duration');
    pictures.push({ file: name, durationMs: d * 100 });
  }
  return {
    programName: attrs(programs[0]![1]!).name ?? null,
    area: { x: num('x'), y: num('y'), width: num('width'), height: num('height') },
    pictures,
  };
}
