/**
 * EXPERIMENTAL — pure codec for Onbon "font cards" (字库卡: BX-5K1/5K2/5MK1/5MK2, BX-6K1/6K2/6K3), protocol
 * version 0x02. Never run against a real controller. No I/O here: the BX driver and the simulator wrap it.
 *
 * These cards draw text with their own built-in GB2312/ASCII fonts, so they cannot show Vietnamese with
 * diacritics at all. `fontTextRequest` therefore refuses anything that is not printable ASCII instead of
 * sending text the card would mangle; Vietnamese needs a graphic card (BX-5E/6E, see protocol.ts).
 *
 * SOURCED FACTS (public material; facts only, no code copied):
 *  [A] strongercjd/Onbon-Protocol-Analysis, "Onbon Protocol analysis/Form1.cs" (a protocol analyser by an Onbon
 *      engineer), class Protocol_Analysis, region Font_Card_Protocol_Analysis.
 *  [B] onbonlab/bx.k.java (Onbon's own BX-5K/6K Java sources): BxDataPack, BxCmd, BxCmdCode, BxCmdClearScreen,
 *      BxCmdSendDynamicArea, BxAreaDynamic, BxResp, Main (and the history of BxAreaDynamic, commit 46bc87c).
 *  [C] onbonlab/BX-K, bx.k.cplus/doc/SdkWord/appendix.md (device-type table, area-data table) and
 *      bx.k.cplus/doc/Led5KSDK接口说明文档.md (error codes 0–16).
 *  [D] A third-party C header (led.h, a parking-guidance project, found with the code search) that quotes the
 *      Onbon protocol document and carries CAPTURED EXAMPLE FRAMES (ping, lock/unlock programme, start write
 *      file, A3 06 real-time text). Their CRCs check out with CRC-16/ARC low byte first, so they are genuine
 *      (and they settle frame.ts's "low byte first" assumption).
 *  [E] Third-party C header bx4k.h (code search) quoting the Onbon document: run modes 0–5, text alignment bits,
 *      "multi-byte values are sent LSB first", response flag 0x01/0x02.
 *  [F] Third-party C# SerialTool.cs (code search) quoting the Onbon document: header field meanings (option bit 0 =
 *      16-byte barcode follows, check mode 0 CRC16 / 1 sum / 2 none, display mode 0/1, device types 0x61–0x66),
 *      broadcast addresses 0xFFFF / 0xFFFE, PC source addresses 0x8000–0xDFFF.
 *  [G] Onbon BX-6 (graphic) SDK error enumerations found with the code search: codes 17–19.
 *
 *  - Packet header, 14 bytes [A][B][D][F]: dst u16, src u16, 3 reserved, option (bit 0: a 16-byte barcode follows,
 *    only used by the set-IP command), check mode, display mode, device type, protocol version 0x02, data
 *    length u16 (length of the data field only). All multi-byte values little-endian [E][B][D].
 *  - Addresses [F][E][D]: screen default 0x0001, 0xFFFF broadcast without reply, 0xFFFE broadcast with reply,
 *    source default 0x8000.
 *  - Data field [A][B][D]: command group, command code, reply flag (0x01 must reply, 0x02 no reply), 2 reserved,
 *    then the command body. A3 06's first "reserved" byte is a process mode (0: keep areas, 1: clear and
 *    re-initialise areas on receipt) [B].
 *  - Commands: A2 00 ping, A1 02 controller status, A3 10 clear screen, A3 06 dynamic area update [A][B][D].
 *  - A3 06 body [A][B][D]: delete count (0x00 none, 0xFF all dynamic areas — [D]; no ids follow 0xFF [A]),
 *    the ids, update count, then per area: u16 area length + area data.
 *  - Area data [A][B][C][D][E]: type (0x00 dynamic), x u16, y u16, width u16, height u16, area id, line spacing,
 *    run mode (0–5), timeout u16 (seconds), sound mode (0 = no voice), extension length (0 = nothing follows),
 *    text alignment, single line (1 single / 2 multi), new line (1 manual / 2 auto wrap), display mode
 *    (1 static, 2 quick type, 3–6 move left/right/up/down), exit mode, speed (0 fastest … 0x18 slowest),
 *    stay time (units of 0.5 s), u32 text length, text (single bytes below 0x81, GB2312 pairs otherwise [A]).
 *    Older documents [C][D] call sound mode, extension length and alignment "3 reserved bytes, 0x00"; with all
 *    three at 0, as sent here, both readings give the same bytes (the captured A3 06 frame has them at 0).
 *    x and width are in bytes (8 px) on BX-5K [C][D][B]; a value with bit 15 set is read as pixels by the
 *    analyser [A], and Onbon's Java SDK used that flag until 2021, when it switched BX-5K to bytes because the
 *    flag had no effect there [B, commit 46bc87c]. y and height are pixels.
 *  - Replies [B][D]: group 0xA0, code 0x00 ACK / 0x01 NACK, error number, 2 reserved. Error numbers 0–16 [C][D],
 *    17–19 [G].
 *  - A2 03 set clock [A][B]: 8 BCD bytes, year (2, low byte first), month, day, hour, minute, second, weekday
 *    (1 Monday … 7 Sunday).
 *  - A1 02 status reply, from [A] ONLY (the analyser's parser; no capture): A1 02, error, 2 reserved, power
 *    (1 on, 2 off), brightness (0–15 [C]), clock as in A2 03, programme count, current programme name (4 ASCII),
 *    special-area flag, special-area page count, dynamic-area count, the ids, 16-byte barcode, 12-byte network id.
 *  - Inline colour escape "\C2" = green [B, Main.java]. "\C1" and "\C3" appear in a third-party tri-colour sample
 *    [F] without their meaning. The captured A3 06 frame [D] has 0x2D in the process-mode byte; we send 0.
 *  - Exact captured frames: ping and A3 06 from [D] (used verbatim in font-card.test.ts).
 *
 * ASSUMPTIONS, NOT VERIFIED ON HARDWARE:
 *  - "\C1" = red and "\C3" = yellow (the usual red/green/yellow order of tri-colour boards); only green is sourced.
 *  - A reply's header mirrors the request's addresses (dst/src swapped), same device type and version.
 *  - The "sum" check mode is the 16-bit sum of the same bytes the CRC covers.
 *  - Area ids 0–254 (0xFF means "not a dynamic area" in programme files [C]); no source gives the maximum count.
 *  - Exit mode 0 is a sane default; no source lists exit-mode values.
 *  - Whether BX-6K reads x/width as bytes, as flagged pixels, or as plain pixels: sources disagree ([B] after 2021
 *    sends plain pixels to non-5K cards). Default here is bytes (the documented 5K form); `xUnit: 'pixels'` sets
 *    bit 15.
 *  - A backslash in the text would start an escape on the card, so it is refused rather than guessed at.
 *  - Fonts: the only source for the font escape ("\FO000": language, encoding, family, size [E]) is too thin, so
 *    no font selection is offered; the card's default font is used.
 */
import { BX_HEADER_BYTE, frameBx, unescapeBx, unframeBx } from './frame';

export const FONT_CARD_PROTOCOL_VERSION = 0x02;
export const FONT_CARD_HEADER_LENGTH = 14;
export const FONT_CARD_BARCODE_LENGTH = 16;

/** Device-type byte of the packet header. */
export const FONT_CARD_DEVICE_TYPES = {
  /** Wildcard, accepted by every font card [B][C][D][F]. */
  wildcard: 0xfe,
  /** [C][D][F] */
  'BX-5K1': 0x51,
  /** [C][D][F] */
  'BX-5K2': 0x58,
  /** [C] table and [F]; [D]'s enum says 0x52 but its own comment says 0x53, so 0x53. */
  'BX-5MK2': 0x53,
  /** [C][D][F] */
  'BX-5MK1': 0x54,
  /** [C] */
  'BX-5K1Q-YY': 0x5c,
  /** [C][F] ([F]: compatible with 5K1) */
  'BX-6K1': 0x61,
  /** [C][F] ([F]: compatible with 5MK1) */
  'BX-6K2': 0x62,
  /** [C][F] ([F]: compatible with 5K2/5MK2) */
  'BX-6K3': 0x63,
  /** [C][F] */
  'BX-6K1-YY': 0x64,
  /** [C][F] */
  'BX-6K2-YY': 0x65,
  /** [C][F] */
  'BX-6K3-YY': 0x66,
  /** [C] */
  'BX-6K1-4G': 0x67,
  /** [C] */
  'BX-6K2-4G': 0x68,
} as const;
export type FontCardModel = keyof typeof FONT_CARD_DEVICE_TYPES;

/** [F][E][D] */
export const FONT_CARD_ADDRESSES = {
  defaultScreen: 0x0001,
  broadcastNoReply: 0xffff,
  broadcastWithReply: 0xfffe,
  defaultSource: 0x8000,
} as const;

/** [F] */
export const FONT_CARD_CHECK_MODES = { crc16: 0, sum: 1, none: 2 } as const;

/** Group and code of each command this codec knows [A][B][D]. */
export const FONT_CARD_COMMANDS = {
  ack: { group: 0xa0, code: 0x00 },
  nack: { group: 0xa0, code: 0x01 },
  status: { group: 0xa1, code: 0x02 },
  ping: { group: 0xa2, code: 0x00 },
  setClock: { group: 0xa2, code: 0x03 },
  dynamicArea: { group: 0xa3, code: 0x06 },
  clearScreen: { group: 0xa3, code: 0x10 },
} as const;

/** Reply flag byte [B][D][E]. */
export const FONT_CARD_REPLY = { must: 0x01, none: 0x02 } as const;

/** Error numbers in ACK/NACK replies: 0–16 [C][D], 17–19 [G] (same numbering as the graphic cards). */
export const FONT_CARD_ERRORS = [
  'ERR_NO',
  'ERR_OUTOFGROUP',
  'ERR_NOCMD',
  'ERR_BUSY',
  'ERR_MEMORYVOLUME',
  'ERR_CHECKSUM',
  'ERR_FILENOTEXIST',
  'ERR_FLASH',
  'ERR_FILE_DOWNLOAD',
  'ERR_FILE_NAME',
  'ERR_FILE_TYPE',
  'ERR_FILE_CRC16',
  'ERR_FONT_NOT_EXIST',
  'ERR_FIRMWARE_TYPE',
  'ERR_DATE_TIME_FORMAT',
  'ERR_FILE_EXIST',
  'ERR_FILE_BLOCK_NUM',
  'ERR_CONTROLLER_TYPE',
  'ERR_SCREEN_PARA',
  'ERR_CONTROLLER_ID',
] as const;
export type FontCardErrorName = (typeof FONT_CARD_ERRORS)[number];

/** Display (entry) modes of an area [B][C][D][E]. */
export const FONT_DISPLAY_MODES = {
  static: 0x01,
  'quick-type': 0x02,
  'move-left': 0x03,
  'move-right': 0x04,
  'move-up': 0x05,
  'move-down': 0x06,
} as const;
export type FontDisplayMode = keyof typeof FONT_DISPLAY_MODES;

/** Dynamic-area run modes [B][E]. */
export const FONT_RUN_MODES = {
  cycle: 0,
  'stay-on-last-page': 1,
  'cycle-then-delete-after-timeout': 2,
  'cycle-then-logo-after-timeout': 3,
  once: 4,
  'once-then-hide-after-count': 5,
} as const;
export type FontRunMode = keyof typeof FONT_RUN_MODES;

/** Inline colour escape digit ("\C<n>"): green sourced [B]; red and yellow are ASSUMPTIONS (see top). */
export const FONT_COLOURS = { red: 1, green: 2, yellow: 3 } as const;
export type FontColour = keyof typeof FONT_COLOURS;

export const FONT_SPEED_SLOWEST = 0x18;
export const VIETNAMESE_NOT_SUPPORTED_MESSAGE =
  'thẻ BX-5K không hiển thị được tiếng Việt có dấu; cần thẻ đồ hoạ (BX-5E/6E)'.normalize('NFC');

export type FontCardErrorCode =
  'vietnamese-not-supported' | 'backslash-not-supported' | 'invalid-field' | 'malformed-packet' | 'unsupported';

export class FontCardError extends Error {
  override name = 'FontCardError';
  constructor(
    readonly code: FontCardErrorCode,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** True when every character is printable ASCII (0x20–0x7E): the only text a font card shows faithfully here. */
export function isPlainAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Header and packet (PHY1: header + data field; frame.ts adds the check, the escaping, A5… and 5A)

export interface FontCardHeader {
  dst: number;
  src: number;
  /** Bit 0 set: `barcode` follows the option byte. */
  option: number;
  barcode?: Uint8Array;
  checkMode: number;
  /** 0 normal (areas may not overlap), 1 dynamic areas take priority over programmes [F]. */
  displayMode: number;
  deviceType: number;
  protocolVersion: number;
  dataLength: number;
}

export interface FontCardAddress {
  dst?: number;
  src?: number;
  deviceType?: number;
  displayMode?: 0 | 1;
  barcode?: Uint8Array;
}

function invalid(field: string, message: string): never {
  throw new FontCardError('invalid-field', field, `${field}: ${message}`);
}

function malformed(field: string, message: string): never {
  throw new FontCardError('malformed-packet', field, `${field}: ${message}`);
}

function checkInt(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    invalid(field, `must be an integer from ${min} to ${max}, got ${String(value)}`);
  return value;
}

function pushU16(out: number[], value: number): void {
  out.push(value & 0xff, (value >>> 8) & 0xff);
}

function pushU32(out: number[], value: number): void {
  out.push(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
}

/** Encodes the 14-byte header (30 with a barcode) for a data field of `dataLength` bytes, CRC check mode. */
export function encodeFontHeader(dataLength: number, address: FontCardAddress = {}): Uint8Array {
  const dst = checkInt('dst', address.dst ?? FONT_CARD_ADDRESSES.defaultScreen, 0, 0xffff);
  const src = checkInt('src', address.src ?? FONT_CARD_ADDRESSES.defaultSource, 0, 0xffff);
  const deviceType = checkInt('deviceType', address.deviceType ?? FONT_CARD_DEVICE_TYPES.wildcard, 0, 0xff);
  const displayMode = checkInt('displayMode', address.displayMode ?? 0, 0, 1);
  checkInt('dataLength', dataLength, 0, 0xffff);
  const out: number[] = [];
  pushU16(out, dst);
  pushU16(out, src);
  out.push(0, 0, 0);
  if (address.barcode !== undefined) {
    if (address.barcode.length !== FONT_CARD_BARCODE_LENGTH)
      invalid('barcode', `must be ${FONT_CARD_BARCODE_LENGTH} bytes, got ${address.barcode.length}`);
    out.push(0x01, ...address.barcode);
  } else {
    out.push(0x00);
  }
  out.push(FONT_CARD_CHECK_MODES.crc16, displayMode, deviceType, FONT_CARD_PROTOCOL_VERSION);
  pushU16(out, dataLength);
  return Uint8Array.from(out);
}

/** Decodes a header at the start of a PHY1 packet; `length` is 14, or 30 with a barcode. */
export function decodeFontHeader(packet: ArrayLike<number>): { header: FontCardHeader; length: number } {
  if (packet.length < FONT_CARD_HEADER_LENGTH)
    malformed('header', `needs ${FONT_CARD_HEADER_LENGTH} bytes, got ${packet.length}`);
  const at = (i: number) => packet[i]!;
  const option = at(7);
  let i = 8;
  let barcode: Uint8Array | undefined;
  if (option & 0x01) {
    if (packet.length < FONT_CARD_HEADER_LENGTH + FONT_CARD_BARCODE_LENGTH)
      malformed('barcode', 'option bit 0 is set but the 16-byte barcode is missing');
    barcode = Uint8Array.from(Array.prototype.slice.call(packet, 8, 8 + FONT_CARD_BARCODE_LENGTH) as number[]);
    i += FONT_CARD_BARCODE_LENGTH;
  }
  const header: FontCardHeader = {
    dst: at(0) | (at(1) << 8),
    src: at(2) | (at(3) << 8),
    option,
    checkMode: at(i),
    displayMode: at(i + 1),
    deviceType: at(i + 2),
    protocolVersion: at(i + 3),
    dataLength: at(i + 4) | (at(i + 5) << 8),
  };
  if (barcode) header.barcode = barcode;
  if (header.protocolVersion !== FONT_CARD_PROTOCOL_VERSION)
    throw new FontCardError(
      'unsupported',
      'protocolVersion',
      `protocolVersion: 0x${header.protocolVersion.toString(16)} is not the font-card protocol (0x02)`,
    );
  return { header, length: i + 6 };
}

/** Header + data field (the PHY1 packet, before check bytes and escaping). */
export function encodeFontPacket(data: ArrayLike<number>, address: FontCardAddress = {}): Uint8Array {
  const header = encodeFontHeader(data.length, address);
  const out = new Uint8Array(header.length + data.length);
  out.set(header, 0);
  out.set(Array.from(data), header.length);
  return out;
}

export function decodeFontPacket(packet: ArrayLike<number>): { header: FontCardHeader; data: Uint8Array } {
  const { header, length } = decodeFontHeader(packet);
  const data = Uint8Array.from(Array.prototype.slice.call(packet, length) as number[]);
  if (data.length !== header.dataLength)
    malformed('dataLength', `header says ${header.dataLength} bytes, packet carries ${data.length}`);
  return { header, data };
}

/** The wire frame for a data field: A5×8, escaped header + data + CRC-16 (low byte first), 5A. */
export function encodeFontFrame(data: ArrayLike<number>, address: FontCardAddress = {}): Uint8Array {
  return frameBx(encodeFontPacket(data, address));
}

/**
 * Inverse of `encodeFontFrame`. `checkOk` follows the header's check mode: CRC-16 (0), 16-bit sum (1,
 * ASSUMPTION: over the same bytes), none (2).
 */
export function decodeFontFrame(frame: ArrayLike<number>): {
  header: FontCardHeader;
  data: Uint8Array;
  checkOk: boolean;
} {
  const { payload, crcOk } = unframeBx(frame);
  const { header, data } = decodeFontPacket(payload);
  let checkOk: boolean;
  if (header.checkMode === FONT_CARD_CHECK_MODES.crc16) checkOk = crcOk;
  else if (header.checkMode === FONT_CARD_CHECK_MODES.none) checkOk = true;
  else if (header.checkMode === FONT_CARD_CHECK_MODES.sum) {
    let start = 0;
    while (frame[start] === BX_HEADER_BYTE) start++;
    const body = unescapeBx(Array.prototype.slice.call(frame, start, frame.length - 1) as number[]);
    const check = body[body.length - 2]! | (body[body.length - 1]! << 8);
    let sum = 0;
    for (const b of payload) sum = (sum + b) & 0xffff;
    checkOk = sum === check;
  } else {
    malformed('checkMode', `unknown check mode ${header.checkMode}`);
  }
  return { header, data, checkOk };
}

/** Header for a card's reply to `request` (ASSUMPTION: addresses swapped, same device type). */
export function fontReplyAddress(request: FontCardHeader): FontCardAddress {
  return {
    dst: request.src,
    src: request.dst,
    deviceType: request.deviceType,
    displayMode: request.displayMode === 1 ? 1 : 0,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Requests (data fields)

export interface FontRequestOptions {
  /** Ask the card to answer (0x01, default) or not (0x02). */
  reply?: boolean;
}

function commandHead(command: { group: number; code: number }, options: FontRequestOptions, r0 = 0): number[] {
  return [command.group, command.code, options.reply === false ? FONT_CARD_REPLY.none : FONT_CARD_REPLY.must, r0, 0];
}

/** A2 00: ping. */
export function fontPingRequest(options: FontRequestOptions = {}): Uint8Array {
  return Uint8Array.from(commandHead(FONT_CARD_COMMANDS.ping, options));
}

/** A1 02: controller status query; the card answers with an A1 02 reply (see `decodeFontStatusReply`). */
export function fontStatusRequest(options: FontRequestOptions = {}): Uint8Array {
  return Uint8Array.from(commandHead(FONT_CARD_COMMANDS.status, options));
}

export interface FontClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 1 Monday … 7 Sunday. */
  weekday: number;
}

const bcd = (v: number) => ((Math.floor(v / 10) % 10) << 4) | (v % 10);
const fromBcd = (b: number, field: string) => {
  const hi = b >>> 4;
  const lo = b & 0x0f;
  if (hi > 9 || lo > 9) malformed(field, `0x${b.toString(16)} is not BCD`);
  return hi * 10 + lo;
};

function encodeClock(clock: FontClock): number[] {
  const year = checkInt('clock.year', clock.year, 1900, 2099);
  const fields = [
    checkInt('clock.month', clock.month, 1, 12),
    checkInt('clock.day', clock.day, 1, 31),
    checkInt('clock.hour', clock.hour, 0, 23),
    checkInt('clock.minute', clock.minute, 0, 59),
    checkInt('clock.second', clock.second, 0, 59),
    checkInt('clock.weekday', clock.weekday, 1, 7),
  ];
  return [bcd(year % 100), bcd(Math.floor(year / 100)), ...fields.map(bcd)];
}

function decodeClock(r: Reader): FontClock {
  const b = r.take(8, 'clock');
  const v = (i: number, field: string) => fromBcd(b[i]!, `clock.${field}`);
  return {
    year: v(1, 'year') * 100 + v(0, 'year'),
    month: v(2, 'month'),
    day: v(3, 'day'),
    hour: v(4, 'hour'),
    minute: v(5, 'minute'),
    second: v(6, 'second'),
    weekday: v(7, 'weekday'),
  };
}

/** A2 03: set the card's clock to the given wall-clock time (the card has no time zone; the caller picks one). */
export function fontClockRequest(clock: FontClock, options: FontRequestOptions = {}): Uint8Array {
  return Uint8Array.from([...commandHead(FONT_CARD_COMMANDS.setClock, options), ...encodeClock(clock)]);
}

/** A3 10: clear screen. */
export function fontClearRequest(options: FontRequestOptions = {}): Uint8Array {
  return Uint8Array.from(commandHead(FONT_CARD_COMMANDS.clearScreen, options));
}

function checkAreaIds(ids: readonly number[]): number[] {
  if (ids.length === 0 || ids.length > 254) invalid('areaIds', `needs 1 to 254 ids, got ${ids.length}`);
  const seen = new Set<number>();
  return ids.map((id, i) => {
    checkInt(`areaIds[${i}]`, id, 0, 254);
    if (seen.has(id)) invalid(`areaIds[${i}]`, `duplicate id ${id}`);
    seen.add(id);
    return id;
  });
}

/** A3 06 with no area to update: deletes the given dynamic areas, or all of them (count 0xFF). */
export function fontDeleteAreasRequest(
  areaIds: readonly number[] | 'all',
  options: FontRequestOptions = {},
): Uint8Array {
  const out = commandHead(FONT_CARD_COMMANDS.dynamicArea, options);
  if (areaIds === 'all') out.push(0xff);
  else {
    const ids = checkAreaIds(areaIds);
    out.push(ids.length, ...ids);
  }
  out.push(0);
  return Uint8Array.from(out);
}

export interface FontTextArea {
  /** Dynamic area id, 0–254. */
  areaId: number;
  /** Pixels. With xUnit 'bytes' (default) x and width must be multiples of 8. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Printable ASCII only, no backslash. */
  text: string;
  colour?: FontColour;
  displayMode: FontDisplayMode;
  /** 0 fastest … 24 slowest. */
  speed: number;
  /** Seconds, in steps of 0.5, up to 127.5. */
  stayTime: number;
  runMode?: FontRunMode;
  /** Seconds for run modes 2 and 3, update count for run mode 5; 0–65535. */
  timeoutSeconds?: number;
  singleLine?: boolean;
  autoWrap?: boolean;
  horizontalAlign?: 'left' | 'right' | 'center';
  verticalAlign?: 'top' | 'bottom' | 'middle';
  lineSpacing?: number;
  xUnit?: 'bytes' | 'pixels';
}

export interface FontTextOptions extends FontRequestOptions {
  /** 1: the card clears and re-initialises areas on receipt; 0 (default): it does not [B]. */
  processMode?: 0 | 1;
  /** Dynamic areas to delete before updating (none by default). */
  deleteAreaIds?: readonly number[] | 'all';
}

const HORIZONTAL_ALIGN = { left: 0x00, right: 0x01, center: 0x02 } as const;
const VERTICAL_ALIGN = { top: 0x00, bottom: 0x04, middle: 0x08 } as const;

function textBytes(area: FontTextArea, field: string): number[] {
  if (typeof area.text !== 'string' || area.text.length === 0) invalid(`${field}.text`, 'must be a non-empty string');
  if (!isPlainAscii(area.text))
    throw new FontCardError('vietnamese-not-supported', `${field}.text`, VIETNAMESE_NOT_SUPPORTED_MESSAGE);
  if (area.text.includes('\\'))
    throw new FontCardError(
      'backslash-not-supported',
      `${field}.text`,
      'thẻ BX-5K hiểu dấu "\\" là mã điều khiển; hãy bỏ dấu "\\" khỏi nội dung'.normalize('NFC'),
    );
  const out: number[] = [];
  if (area.colour !== undefined) {
    if (!Object.hasOwn(FONT_COLOURS, area.colour)) invalid(`${field}.colour`, `unknown colour ${String(area.colour)}`);
    out.push(0x5c, 0x43, 0x30 + FONT_COLOURS[area.colour]);
  }
  for (let i = 0; i < area.text.length; i++) out.push(area.text.charCodeAt(i));
  return out;
}

function encodeArea(area: FontTextArea, field: string): number[] {
  if (typeof area !== 'object' || area === null) invalid(field, 'must be an object');
  const unit = area.xUnit ?? 'bytes';
  if (unit !== 'bytes' && unit !== 'pixels') invalid(`${field}.xUnit`, `must be 'bytes' or 'pixels'`);
  const areaId = checkInt(`${field}.areaId`, area.areaId, 0, 254);
  let x = checkInt(`${field}.x`, area.x, 0, 0x7fff);
  let width = checkInt(`${field}.width`, area.width, 1, 0x7fff);
  if (unit === 'bytes') {
    if (x % 8 !== 0) invalid(`${field}.x`, `must be a multiple of 8 pixels on a BX-5K, got ${x}`);
    if (width % 8 !== 0) invalid(`${field}.width`, `must be a multiple of 8 pixels on a BX-5K, got ${width}`);
    x /= 8;
    width /= 8;
  } else {
    x |= 0x8000;
    width |= 0x8000;
  }
  const y = checkInt(`${field}.y`, area.y, 0, 0xffff);
  const height = checkInt(`${field}.height`, area.height, 1, 0xffff);
  if (!Object.hasOwn(FONT_DISPLAY_MODES, area.displayMode))
    invalid(`${field}.displayMode`, `unknown display mode ${String(area.displayMode)}`);
  const runMode = area.runMode ?? 'cycle';
  if (!Object.hasOwn(FONT_RUN_MODES, runMode)) invalid(`${field}.runMode`, `unknown run mode ${String(runMode)}`);
  const speed = checkInt(`${field}.speed`, area.speed, 0, FONT_SPEED_SLOWEST);
  const stay = typeof area.stayTime === 'number' ? area.stayTime * 2 : NaN;
  if (!Number.isInteger(stay) || stay < 0 || stay > 255)
    invalid(`${field}.stayTime`, `must be 0 to 127.5 seconds in steps of 0.5, got ${String(area.stayTime)}`);
  const timeout = checkInt(`${field}.timeoutSeconds`, area.timeoutSeconds ?? 0, 0, 0xffff);
  const lineSpacing = checkInt(`${field}.lineSpacing`, area.lineSpacing ?? 0, 0, 0xff);
  const h = area.horizontalAlign ?? 'left';
  const v = area.verticalAlign ?? 'top';
  if (!Object.hasOwn(HORIZONTAL_ALIGN, h)) invalid(`${field}.horizontalAlign`, `unknown value ${String(h)}`);
  if (!Object.hasOwn(VERTICAL_ALIGN, v)) invalid(`${field}.verticalAlign`, `unknown value ${String(v)}`);
  const text = textBytes(area, field);

  const out: number[] = [0x00];
  pushU16(out, x);
  pushU16(out, y);
  pushU16(out, width);
  pushU16(out, height);
  out.push(areaId, lineSpacing, FONT_RUN_MODES[runMode]);
  pushU16(out, timeout);
  out.push(
    0x00, // sound mode: no voice
    0x00, // extension length: none
    HORIZONTAL_ALIGN[h] | VERTICAL_ALIGN[v],
    area.singleLine === true ? 0x01 : 0x02,
    area.autoWrap === false ? 0x01 : 0x02,
    FONT_DISPLAY_MODES[area.displayMode],
    0x00, // exit mode
    speed,
    stay,
  );
  pushU32(out, text.length);
  out.push(...text);
  return out;
}

/**
 * A3 06 with one text area. Refuses (FontCardError 'vietnamese-not-supported') any text that is not printable
 * ASCII: the card's GB2312/ASCII fonts would show Vietnamese wrongly, and wrong text on a public board is worse
 * than none.
 */
export function fontTextRequest(area: FontTextArea, options: FontTextOptions = {}): Uint8Array {
  return fontTextAreasRequest([area], options);
}

/** A3 06 with several text areas (same checks as `fontTextRequest`). */
export function fontTextAreasRequest(areas: readonly FontTextArea[], options: FontTextOptions = {}): Uint8Array {
  if (areas.length === 0 || areas.length > 254) invalid('areas', `needs 1 to 254 areas, got ${areas.length}`);
  const processMode = checkInt('processMode', options.processMode ?? 0, 0, 1);
  const out = commandHead(FONT_CARD_COMMANDS.dynamicArea, options, processMode);
  const del = options.deleteAreaIds;
  if (del === undefined) out.push(0);
  else if (del === 'all') out.push(0xff);
  else {
    const ids = checkAreaIds(del);
    out.push(ids.length, ...ids);
  }
  out.push(areas.length);
  const seen = new Set<number>();
  areas.forEach((area, i) => {
    const field = areas.length === 1 ? 'area' : `areas[${i}]`;
    const bytes = encodeArea(area, field);
    if (seen.has(area.areaId)) invalid(`${field}.areaId`, `duplicate id ${area.areaId}`);
    seen.add(area.areaId);
    if (bytes.length > 0xffff) invalid(`${field}.text`, 'area data exceeds 65535 bytes');
    pushU16(out, bytes.length);
    out.push(...bytes);
  });
  if (out.length > 0xffff) invalid('areas', 'data field exceeds 65535 bytes');
  return Uint8Array.from(out);
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding requests (for a simulated card)

export interface DecodedFontArea {
  areaType: number;
  areaId: number;
  /** Pixels (converted from bytes unless `xUnit` is 'pixels'). */
  x: number;
  y: number;
  width: number;
  height: number;
  xUnit: 'bytes' | 'pixels';
  lineSpacing: number;
  runMode: number;
  timeoutSeconds: number;
  soundMode: number;
  alignment: number;
  singleLine: boolean;
  autoWrap: boolean;
  displayMode: number;
  exitMode: number;
  speed: number;
  /** Seconds. */
  stayTime: number;
  /** The text bytes exactly as sent (escapes included). */
  textBytes: Uint8Array;
  /** Text without a leading colour escape; GB2312 bytes decoded. */
  text: string;
  colour?: FontColour;
}

export type DecodedFontRequest =
  | { kind: 'ping'; reply: boolean }
  | { kind: 'status'; reply: boolean }
  | { kind: 'clear-screen'; reply: boolean }
  | { kind: 'set-clock'; reply: boolean; clock: FontClock }
  | {
      kind: 'dynamic-area';
      reply: boolean;
      processMode: number;
      deleteAreaIds: number[] | 'all';
      areas: DecodedFontArea[];
    }
  | { kind: 'other'; reply: boolean; group: number; code: number; body: Uint8Array };

class Reader {
  i = 0;
  constructor(private readonly bytes: Uint8Array) {}
  need(n: number, field: string): void {
    if (this.i + n > this.bytes.length)
      malformed(field, `needs ${n} byte(s) at offset ${this.i}, only ${this.bytes.length - this.i} left`);
  }
  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.i++]!;
  }
  u16(field: string): number {
    this.need(2, field);
    const v = this.bytes[this.i]! | (this.bytes[this.i + 1]! << 8);
    this.i += 2;
    return v;
  }
  u32(field: string): number {
    this.need(4, field);
    const b = this.bytes;
    const v = (b[this.i]! | (b[this.i + 1]! << 8) | (b[this.i + 2]! << 16) | (b[this.i + 3]! << 24)) >>> 0;
    this.i += 4;
    return v;
  }
  take(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = this.bytes.slice(this.i, this.i + n);
    this.i += n;
    return out;
  }
  get left(): number {
    return this.bytes.length - this.i;
  }
}

const gbDecoder = new TextDecoder('gb18030');

function decodeArea(bytes: Uint8Array, field: string): DecodedFontArea {
  const r = new Reader(bytes);
  const areaType = r.u8(`${field}.areaType`);
  const rawX = r.u16(`${field}.x`);
  const y = r.u16(`${field}.y`);
  const rawWidth = r.u16(`${field}.width`);
  const height = r.u16(`${field}.height`);
  const xUnit = rawX & 0x8000 ? 'pixels' : 'bytes';
  if ((rawWidth & 0x8000 ? 'pixels' : 'bytes') !== xUnit)
    malformed(`${field}.width`, 'x and width use different units (bit 15)');
  const toPixels = (v: number) => (xUnit === 'pixels' ? v & 0x7fff : v * 8);
  const areaId = r.u8(`${field}.areaId`);
  const lineSpacing = r.u8(`${field}.lineSpacing`);
  const runMode = r.u8(`${field}.runMode`);
  const timeoutSeconds = r.u16(`${field}.timeout`);
  const soundMode = r.u8(`${field}.soundMode`);
  if (soundMode === 1 || soundMode === 2) {
    r.take(3, `${field}.sound`); // speaker/repeat, volume, speed [A][B]
    if (soundMode === 2) r.take(r.u32(`${field}.soundDataLength`), `${field}.soundData`);
  } else if (soundMode !== 0) malformed(`${field}.soundMode`, `must be 0, 1 or 2, got ${soundMode}`);
  const extensionLength = r.u8(`${field}.extensionLength`);
  if (extensionLength !== 0)
    throw new FontCardError(
      'unsupported',
      `${field}.extensionLength`,
      `${field}.extensionLength: extension parameters (${extensionLength}) are not decoded`,
    );
  const alignment = r.u8(`${field}.alignment`);
  const singleLine = r.u8(`${field}.singleLine`);
  const newLine = r.u8(`${field}.newLine`);
  const displayMode = r.u8(`${field}.displayMode`);
  const exitMode = r.u8(`${field}.exitMode`);
  const speed = r.u8(`${field}.speed`);
  const stay = r.u8(`${field}.stayTime`);
  const textBytes = r.take(r.u32(`${field}.textLength`), `${field}.text`);
  if (r.left !== 0) malformed(`${field}.length`, `${r.left} byte(s) after the text`);

  let body = textBytes;
  let colour: FontColour | undefined;
  if (body.length >= 3 && body[0] === 0x5c && body[1] === 0x43) {
    const digit = body[2]! - 0x30;
    const name = (Object.keys(FONT_COLOURS) as FontColour[]).find((k) => FONT_COLOURS[k] === digit);
    if (name) {
      colour = name;
      body = body.subarray(3);
    }
  }
  const area: DecodedFontArea = {
    areaType,
    areaId,
    x: toPixels(rawX),
    y,
    width: toPixels(rawWidth),
    height,
    xUnit,
    lineSpacing,
    runMode,
    timeoutSeconds,
    soundMode,
    alignment,
    singleLine: singleLine === 0x01,
    autoWrap: newLine === 0x02,
    displayMode,
    exitMode,
    speed,
    stayTime: stay / 2,
    textBytes,
    text: gbDecoder.decode(body),
  };
  if (colour) area.colour = colour;
  return area;
}

/** Decodes a request data field (what a card receives after `decodeFontFrame`). */
export function decodeFontRequest(data: ArrayLike<number>): DecodedFontRequest {
  const r = new Reader(Uint8Array.from(Array.from(data)));
  const group = r.u8('group');
  const code = r.u8('code');
  const flag = r.u8('reply');
  if (flag !== FONT_CARD_REPLY.must && flag !== FONT_CARD_REPLY.none)
    malformed('reply', `must be 0x01 or 0x02, got 0x${flag.toString(16)}`);
  const reply = flag === FONT_CARD_REPLY.must;
  const r0 = r.u8('reserved');
  r.u8('reserved');
  const is = (c: { group: number; code: number }) => c.group === group && c.code === code;
  const noBody = (kind: 'ping' | 'status' | 'clear-screen') => {
    if (r.left !== 0) malformed('length', `${kind} carries ${r.left} unexpected byte(s)`);
    return { kind, reply };
  };
  if (is(FONT_CARD_COMMANDS.ping)) return noBody('ping');
  if (is(FONT_CARD_COMMANDS.status)) return noBody('status');
  if (is(FONT_CARD_COMMANDS.clearScreen)) return noBody('clear-screen');
  if (is(FONT_CARD_COMMANDS.setClock)) {
    const clock = decodeClock(r);
    if (r.left !== 0) malformed('length', `set-clock carries ${r.left} unexpected byte(s)`);
    return { kind: 'set-clock', reply, clock };
  }
  if (!is(FONT_CARD_COMMANDS.dynamicArea)) return { kind: 'other', reply, group, code, body: r.take(r.left, 'body') };

  const deleteCount = r.u8('deleteCount');
  let deleteAreaIds: number[] | 'all';
  if (deleteCount === 0xff) deleteAreaIds = 'all';
  else deleteAreaIds = Array.from(r.take(deleteCount, 'deleteAreaIds'));
  const areaCount = r.u8('areaCount');
  const areas: DecodedFontArea[] = [];
  for (let i = 0; i < areaCount; i++) {
    const length = r.u16(`areas[${i}].length`);
    areas.push(decodeArea(r.take(length, `areas[${i}]`), `areas[${i}]`));
  }
  if (r.left !== 0) malformed('length', `${r.left} byte(s) after the last area`);
  return { kind: 'dynamic-area', reply, processMode: r0, deleteAreaIds, areas };
}

// ---------------------------------------------------------------------------------------------------------------
// Replies

export function fontErrorName(error: number): FontCardErrorName | undefined {
  return FONT_CARD_ERRORS[error];
}

/** ACK (error 0) or NACK (error 1–255) data field: A0 00|01, error, 2 reserved [B][D]. */
export function encodeFontReply(error = 0): Uint8Array {
  checkInt('error', error, 0, 0xff);
  const command = error === 0 ? FONT_CARD_COMMANDS.ack : FONT_CARD_COMMANDS.nack;
  return Uint8Array.from([command.group, command.code, error, 0, 0]);
}

export type DecodedFontReply =
  | { kind: 'ack'; error: number; errorName: FontCardErrorName | undefined }
  | { kind: 'nack'; error: number; errorName: FontCardErrorName | undefined }
  | {
      kind: 'data';
      group: number;
      code: number;
      error: number;
      errorName: FontCardErrorName | undefined;
      body: Uint8Array;
    };

/** Decodes a reply data field: ACK/NACK, or another command's answer (e.g. status) with its body undecoded. */
export function decodeFontReply(data: ArrayLike<number>): DecodedFontReply {
  const r = new Reader(Uint8Array.from(Array.from(data)));
  const group = r.u8('group');
  const code = r.u8('code');
  const error = r.u8('error');
  r.u16('reserved');
  const errorName = fontErrorName(error);
  if (group === FONT_CARD_COMMANDS.ack.group && (code === 0x00 || code === 0x01)) {
    if (r.left !== 0) malformed('length', `ACK/NACK carries ${r.left} unexpected byte(s)`);
    return { kind: code === 0x00 ? 'ack' : 'nack', error, errorName };
  }
  return { kind: 'data', group, code, error, errorName, body: r.take(r.left, 'body') };
}

/** Controller status as the A1 02 reply carries it (layout from the analyser [A] only; see the top). */
export interface FontStatus {
  powerOn: boolean;
  /** 0–15. */
  brightness: number;
  clock: FontClock;
  programmeCount: number;
  /** 4 ASCII characters, e.g. "P000". */
  currentProgramme: string;
  specialAreaFlag: number;
  specialAreaPages: number;
  dynamicAreaIds: number[];
  barcode: Uint8Array;
  networkId: Uint8Array;
}

/** A1 02 reply data field, for a simulated card. */
export function encodeFontStatusReply(status: FontStatus, error = 0): Uint8Array {
  checkInt('error', error, 0, 0xff);
  const name = status.currentProgramme;
  if (typeof name !== 'string' || name.length !== 4 || !isPlainAscii(name))
    invalid('currentProgramme', 'must be 4 printable ASCII characters');
  if (status.barcode.length !== FONT_CARD_BARCODE_LENGTH) invalid('barcode', 'must be 16 bytes');
  if (status.networkId.length !== 12) invalid('networkId', 'must be 12 bytes');
  if (status.dynamicAreaIds.length > 255) invalid('dynamicAreaIds', 'at most 255 ids');
  const out = [FONT_CARD_COMMANDS.status.group, FONT_CARD_COMMANDS.status.code, error, 0, 0];
  out.push(status.powerOn ? 1 : 2, checkInt('brightness', status.brightness, 0, 15), ...encodeClock(status.clock));
  out.push(checkInt('programmeCount', status.programmeCount, 0, 255));
  for (let i = 0; i < 4; i++) out.push(name.charCodeAt(i));
  out.push(checkInt('specialAreaFlag', status.specialAreaFlag, 0, 255));
  out.push(checkInt('specialAreaPages', status.specialAreaPages, 0, 255));
  out.push(
    status.dynamicAreaIds.length,
    ...status.dynamicAreaIds.map((id, i) => checkInt(`dynamicAreaIds[${i}]`, id, 0, 255)),
  );
  out.push(...status.barcode, ...status.networkId);
  return Uint8Array.from(out);
}

/** Decodes an A1 02 reply data field. */
export function decodeFontStatusReply(data: ArrayLike<number>): FontStatus & { error: number } {
  const r = new Reader(Uint8Array.from(Array.from(data)));
  const group = r.u8('group');
  const code = r.u8('code');
  if (group !== FONT_CARD_COMMANDS.status.group || code !== FONT_CARD_COMMANDS.status.code)
    malformed('group', `expected A1 02, got ${group.toString(16)} ${code.toString(16)}`);
  const error = r.u8('error');
  r.u16('reserved');
  const power = r.u8('powerOn');
  if (power !== 1 && power !== 2) malformed('powerOn', `must be 1 (on) or 2 (off), got ${power}`);
  const brightness = r.u8('brightness');
  const clock = decodeClock(r);
  const programmeCount = r.u8('programmeCount');
  const currentProgramme = String.fromCharCode(...r.take(4, 'currentProgramme'));
  const specialAreaFlag = r.u8('specialAreaFlag');
  const specialAreaPages = r.u8('specialAreaPages');
  const dynamicAreaIds = Array.from(r.take(r.u8('dynamicAreaCount'), 'dynamicAreaIds'));
  const barcode = r.take(FONT_CARD_BARCODE_LENGTH, 'barcode');
  const networkId = r.take(12, 'networkId');
  if (r.left !== 0) malformed('length', `${r.left} byte(s) after the network id`);
  return {
    error,
    powerOn: power === 1,
    brightness,
    clock,
    programmeCount,
    currentProgramme,
    specialAreaFlag,
    specialAreaPages,
    dynamicAreaIds,
    barcode,
    networkId,
  };
}
