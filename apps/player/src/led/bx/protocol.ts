/**
 * Onbon BX-5/BX-6 graphic dynamic-area protocol (version 0xF0), pure: packet header, the requests bangtin
 * sends (ping A2 00, brightness A2 07, update dynamic area A7 00, delete areas A7 01), the card's
 * ACK/NACK replies, and the inverse parsers a simulated card uses.
 *
 * Facts from Onbon's public manuals "5th/6th 动态区域用户手册" (repository onbonlab/BX-V-VI) and the
 * field order of their MIT Java packer (onbonlab/bx.dual.dyn.java); see ../README.md for what is and is
 * not verified on hardware. Every multi-byte field is little-endian.
 *
 * PHY1 packet = 16-byte header + data + CRC; `frame.ts` adds the 0xA5 × 8 header, escaping and 0x5A tail.
 */
import { crc16Arc, frameBx, unframeBx } from './frame';

export const BX_PROTOCOL_GRAPHIC = 0xf0;
export const BX_SOURCE_PC = 0x8000;
/** Destination address that every card answers. */
export const BX_ADDRESS_WILDCARD = 0xfffe;
export const BX_DEVICE_WILDCARD = 0xfffe;
export const BX_HEADER_SIZE = 16;

export interface BxHeader {
  dst: number;
  src: number;
  protocol: number;
  deviceType: number;
  dataLength: number;
}

export class BxProtocolError extends Error {
  override name = 'BxProtocolError';
  constructor(
    /** The error number a card answers this with (see BX_ERRORS), so the simulator NACKs like a card. */
    readonly errorNumber: number,
    message: string,
  ) {
    super(message);
  }
}

/** Error register values 0–19 as the manual names them, with what staff see on the device panel. */
export const BX_ERRORS: readonly { name: string; vi: string }[] = [
  { name: 'ERR_NO', vi: 'không lỗi' },
  { name: 'ERR_OUTOFGROUP', vi: 'nhóm lệnh không hợp lệ' },
  { name: 'ERR_NOCMD', vi: 'thẻ không có lệnh này' },
  { name: 'ERR_BUSY', vi: 'thẻ đang bận' },
  { name: 'ERR_MEMORYVOLUME', vi: 'ảnh quá lớn cho bộ nhớ thẻ' },
  { name: 'ERR_CHECKSUM', vi: 'sai mã kiểm tra CRC của gói tin' },
  { name: 'ERR_FILENOTEXIST', vi: 'tệp không tồn tại' },
  { name: 'ERR_FLASH', vi: 'lỗi truy cập bộ nhớ flash' },
  { name: 'ERR_FILE_DOWNLOAD', vi: 'lỗi tải tệp' },
  { name: 'ERR_FILE_NAME', vi: 'tên tệp sai' },
  { name: 'ERR_FILE_TYPE', vi: 'loại tệp sai' },
  { name: 'ERR_FILE_CRC16', vi: 'sai mã kiểm tra của tệp' },
  { name: 'ERR_FONT_NOT_EXIST', vi: 'thẻ không có phông chữ' },
  { name: 'ERR_FIRMWARE_TYPE', vi: 'firmware không hợp với loại thẻ' },
  { name: 'ERR_DATE_TIME_FORMAT', vi: 'sai định dạng ngày giờ' },
  { name: 'ERR_FILE_EXIST', vi: 'tệp đã tồn tại' },
  { name: 'ERR_FILE_BLOCK_NUM', vi: 'sai số khối tệp' },
  { name: 'ERR_CONTROLLER_TYPE', vi: 'loại thẻ không khớp (kiểm tra card= trong cấu hình)' },
  { name: 'ERR_SCREEN_PARA', vi: 'tham số màn hình sai hoặc vượt giới hạn (kiểm tra kích thước bảng)' },
  { name: 'ERR_CONTROLLER_ID', vi: 'sai số hiệu màn hình (address)' },
];

export const BX_ERR = {
  NO: 0,
  OUTOFGROUP: 1,
  NOCMD: 2,
  BUSY: 3,
  MEMORYVOLUME: 4,
  CHECKSUM: 5,
  CONTROLLER_TYPE: 17,
  SCREEN_PARA: 18,
  CONTROLLER_ID: 19,
} as const;

/** "ERR_MEMORYVOLUME: ảnh quá lớn cho bộ nhớ thẻ" */
export function describeBxError(n: number): string {
  const e = BX_ERRORS[n];
  return e ? `${e.name}: ${e.vi}` : `ERR_${n}: lỗi không rõ của thẻ`;
}

// ---------------------------------------------------------------------------------------------------------
// Little-endian byte writer and reader

class Writer {
  private bytes: number[] = [];
  u8(n: number): this {
    this.bytes.push(n & 0xff);
    return this;
  }
  u16(n: number): this {
    return this.u8(n).u8(n >>> 8);
  }
  u32(n: number): this {
    return this.u16(n & 0xffff).u16(n >>> 16);
  }
  raw(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.bytes.push(b[i]!);
    return this;
  }
  get length(): number {
    return this.bytes.length;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

export class Reader {
  offset = 0;
  constructor(private readonly b: Uint8Array) {}
  private need(n: number, what: string): void {
    if (this.offset + n > this.b.length)
      throw new BxProtocolError(BX_ERR.SCREEN_PARA, `packet ends inside ${what} (offset ${this.offset})`);
  }
  u8(what = 'a byte'): number {
    this.need(1, what);
    return this.b[this.offset++]!;
  }
  u16(what = 'a 16-bit field'): number {
    this.need(2, what);
    const v = this.b[this.offset]! | (this.b[this.offset + 1]! << 8);
    this.offset += 2;
    return v;
  }
  u32(what = 'a 32-bit field'): number {
    this.need(4, what);
    const v =
      (this.b[this.offset]! | (this.b[this.offset + 1]! << 8) | (this.b[this.offset + 2]! << 16)) +
      this.b[this.offset + 3]! * 0x1000000;
    this.offset += 4;
    return v;
  }
  bytes(n: number, what = 'data'): Uint8Array {
    this.need(n, what);
    const v = this.b.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }
  get remaining(): number {
    return this.b.length - this.offset;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Packets

export function encodeHeader(h: BxHeader): Uint8Array {
  return new Writer().u16(h.dst).u16(h.src).u8(h.protocol).u8(0).u16(h.deviceType).u32(0).u32(h.dataLength).done();
}

export function decodeHeader(b: Uint8Array): BxHeader {
  if (b.length < BX_HEADER_SIZE)
    throw new BxProtocolError(BX_ERR.SCREEN_PARA, `packet shorter than its ${BX_HEADER_SIZE}-byte header`);
  const r = new Reader(b);
  const dst = r.u16();
  const src = r.u16();
  const protocol = r.u8();
  r.u8();
  const deviceType = r.u16();
  r.u32();
  const dataLength = r.u32();
  return { dst, src, protocol, deviceType, dataLength };
}

export interface BxTarget {
  /** Screen number (1…65534), or BX_ADDRESS_WILDCARD. */
  address: number;
  deviceType: number;
  protocol?: number;
}

/** A whole frame on the wire: header + data, CRC, escaping, 0xA5 × 8 and 0x5A. */
export function encodePacket(target: BxTarget, data: Uint8Array, src = BX_SOURCE_PC): Uint8Array {
  const header = encodeHeader({
    dst: target.address,
    src,
    protocol: target.protocol ?? BX_PROTOCOL_GRAPHIC,
    deviceType: target.deviceType,
    dataLength: data.length,
  });
  const phy1 = new Uint8Array(header.length + data.length);
  phy1.set(header);
  phy1.set(data, header.length);
  return frameBx(phy1);
}

export interface BxPacket {
  header: BxHeader;
  data: Uint8Array;
}

/** Splits an unescaped PHY1 payload (CRC already checked) into header and data; checks DataLen. */
export function splitPacket(payload: Uint8Array): BxPacket {
  const header = decodeHeader(payload);
  const data = payload.subarray(BX_HEADER_SIZE);
  if (data.length !== header.dataLength)
    throw new BxProtocolError(BX_ERR.SCREEN_PARA, `DataLen says ${header.dataLength} bytes, packet has ${data.length}`);
  return { header, data };
}

/** A whole frame back to header + data; throws BxProtocolError(ERR_CHECKSUM) on a bad CRC. */
export function decodePacket(frame: Uint8Array): BxPacket {
  const { payload, crcOk } = unframeBx(frame);
  if (!crcOk) throw new BxProtocolError(BX_ERR.CHECKSUM, 'CRC does not match');
  return splitPacket(payload);
}

export { crc16Arc };

// ---------------------------------------------------------------------------------------------------------
// Requests

export const CMD = {
  ping: [0xa2, 0x00],
  brightness: [0xa2, 0x07],
  updateArea: [0xa7, 0x00],
  deleteAreas: [0xa7, 0x01],
  ack: [0xa0, 0x00],
  nack: [0xa0, 0x01],
} as const;

function request(cmd: readonly [number, number]): Writer {
  return new Writer().u8(0x01).u8(cmd[0]).u8(cmd[1]);
}

/** A2 00: RtnReq, group, command, 2 reserved bytes. */
export function pingRequest(): Uint8Array {
  return request(CMD.ping).u16(0).done();
}

/** A2 07, manual mode: one level 0–15 for all 48 half-hours. */
export function brightnessRequest(level: number): Uint8Array {
  if (!Number.isInteger(level) || level < 0 || level > 15)
    throw new RangeError(`BX brightness level must be 0–15, got ${level}`);
  const w = request(CMD.brightness).u16(0x31).u8(0x00);
  for (let i = 0; i < 48; i++) w.u8(level);
  return w.done();
}

/** A7 01: delete the given areas, or every dynamic area when `areas` is 'all'. */
export function deleteAreasRequest(areas: readonly number[] | 'all'): Uint8Array {
  const w = request(CMD.deleteAreas).u16(0);
  if (areas === 'all') return w.u8(0xff).done();
  if (areas.length === 0 || areas.length > 32) throw new RangeError('delete 1–32 areas');
  w.u8(areas.length);
  for (const a of areas) w.u8(a);
  return w.done();
}

export type BxGeneration = 5 | 6;

/** One page of a dynamic area: how it enters, how long it stays, and its encoded picture. */
export interface BxPage {
  /** 0x01 static, 0x03 move left, 0x04 continuous left, … (manual table). */
  displayMode: number;
  clearMode?: number;
  /** 0 fastest. */
  speed: number;
  /** Units of 10 ms. */
  stayTime: number;
  repeat?: number;
  validLength?: number;
  bitmap: Uint8Array;
}

export interface BxArea {
  id: number;
  /** 0 loop; 1 stop on the last page; 2 loop until timeout, then dark; 3 …then the last page; 4 once. */
  runMode: number;
  timeoutSeconds: number;
  /** 1: the card's own programmes stop and only this area plays (urgent); 0: plays with them. */
  immediate: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
  pages: readonly BxPage[];
}

const PAGE_PARAMS_5 = 13; // style, mode, clear, speed, stay(2), repeat, validLen(2), reserved(4)
const PAGE_PARAMS_6 = 18; // …, reserved(9)

function areaCommon(w: Writer, a: BxArea): void {
  if (a.pages.length < 1 || a.pages.length > 0xffff) throw new RangeError('a dynamic area needs 1–65535 pages');
  w.u8(a.id).u8(a.runMode).u16(a.timeoutSeconds);
  // RelateAllPro 1, no related programme numbers; ImmePlay; 4 reserved.
  w.u8(a.immediate ? 0 : 1)
    .u16(0)
    .u8(a.immediate ? 1 : 0)
    .u32(0);
  w.u8(0x10).u16(a.x).u16(a.y).u16(a.width).u16(a.height);
  w.u8(0x00); // AreaFFlag: no frame border
}

function pageParams(w: Writer, p: BxPage, width: number, reserved: number): void {
  w.u8(0x00)
    .u8(p.displayMode)
    .u8(p.clearMode ?? 0)
    .u8(p.speed)
    .u16(Math.min(0xffff, Math.max(0, Math.round(p.stayTime))))
    .u8(p.repeat ?? 1)
    .u16(Math.min(p.validLength ?? width, width));
  for (let i = 0; i < reserved; i++) w.u8(0);
}

/**
 * A7 00 for a 5th-generation card (BX-5E, BX-5Q): area parameters then pages, each page's picture inline.
 * PageDataLen counts the page's parameters and picture (not itself).
 */
export function updateAreaRequest5(a: BxArea): Uint8Array {
  const body = new Writer();
  areaCommon(body, a);
  body.u16(a.pages.length);
  for (const p of a.pages) {
    body.u32(PAGE_PARAMS_5 + p.bitmap.length);
    pageParams(body, p, a.width, 4);
    body.raw(p.bitmap);
  }
  const area = body.done();
  return request(CMD.updateArea).u16(0).u32(area.length).raw(area).done();
}

/**
 * A7 00 for a 6th-generation card (BX-6E, BX-6Q): AreaNum, AreaDataLen of the parameters only, each page's
 * parameters with DataOffset/DataLen, then every page's picture after all parameters.
 */
export function updateAreaRequest6(a: BxArea): Uint8Array {
  const params = new Writer();
  areaCommon(params, a);
  // BackGroundFlag, Transparency, AreaEqual, SoundFlag 0 (so no sound fields), 5 reserved.
  params.u8(0).u8(0).u8(0).u8(0).u32(0).u8(0);
  params.u16(a.pages.length);
  let offset = 0;
  for (const p of a.pages) {
    params.u32(PAGE_PARAMS_6 + 8);
    pageParams(params, p, a.width, 9);
    params.u32(offset).u32(p.bitmap.length);
    offset += p.bitmap.length;
  }
  const head = params.done();
  const w = request(CMD.updateArea).u16(0).u16(1).u32(head.length).raw(head);
  for (const p of a.pages) w.raw(p.bitmap);
  return w.done();
}

export function updateAreaRequest(generation: BxGeneration, a: BxArea): Uint8Array {
  return generation === 5 ? updateAreaRequest5(a) : updateAreaRequest6(a);
}

// ---------------------------------------------------------------------------------------------------------
// Replies

export interface BxReply {
  group: number;
  command: number;
  status: number;
  error: number;
  data: Uint8Array;
}

export function isAck(r: BxReply): boolean {
  return r.group === 0xa0 && r.command === 0x00 && (r.status & 1) === 0;
}

export function encodeReply(r: Omit<BxReply, 'data'> & { data?: Uint8Array }): Uint8Array {
  const data = r.data ?? new Uint8Array(0);
  return new Writer().u8(0).u8(r.group).u8(r.command).u16(r.status).u16(r.error).u16(data.length).raw(data).done();
}

export function ackReply(): Uint8Array {
  return encodeReply({ group: CMD.ack[0], command: CMD.ack[1], status: 0, error: 0 });
}

export function nackReply(error: number): Uint8Array {
  return encodeReply({ group: CMD.nack[0], command: CMD.nack[1], status: 1, error });
}

export function decodeReply(data: Uint8Array): BxReply {
  const r = new Reader(data);
  r.u8('Reserved');
  const group = r.u8('CmdGroup');
  const command = r.u8('Cmd');
  const status = r.u16('Status');
  const error = r.u16('Error');
  const len = r.u16('DataLen');
  return { group, command, status, error, data: r.bytes(len, 'reply data') };
}

// ---------------------------------------------------------------------------------------------------------
// Requests as a card reads them (the simulator, and round-trip tests)

export type BxRequest =
  | { kind: 'ping' }
  | { kind: 'brightness'; mode: number; levels: number[] }
  | { kind: 'delete'; areas: number[] | 'all' }
  | { kind: 'update'; areas: BxArea[] };

function readAreaCommon(r: Reader): Omit<BxArea, 'pages'> {
  const id = r.u8('AreaId');
  const runMode = r.u8('RunMode');
  const timeoutSeconds = r.u16('Timeout');
  r.u8('RelateAllPro');
  const related = r.u16('RelateProNum');
  r.bytes(related * 2, 'RelateProSerial');
  const imme = r.u8('ImmePlay');
  r.u32('Reserved');
  const type = r.u8('AreaType');
  if (type !== 0x10) throw new BxProtocolError(BX_ERR.SCREEN_PARA, `AreaType must be 0x10, got 0x${type.toString(16)}`);
  const x = r.u16('AreaX');
  const y = r.u16('AreaY');
  const width = r.u16('AreaWidth');
  const height = r.u16('AreaHeight');
  const frameFlag = r.u8('AreaFFlag');
  if (frameFlag !== 0) {
    r.bytes(4, 'AreaFrame');
    const unit = r.u8('AreaFWidth');
    r.bytes(2 + unit, 'AreaFrame');
  }
  return { id, runMode, timeoutSeconds, immediate: imme === 1, x, y, width, height };
}

function readPageParams(r: Reader, reserved: number): Omit<BxPage, 'bitmap'> {
  r.u8('PageStyle');
  const displayMode = r.u8('DisplayMode');
  const clearMode = r.u8('ClearMode');
  const speed = r.u8('Speed');
  const stayTime = r.u16('StayTime');
  const repeat = r.u8('RepeatTime');
  const validLength = r.u16('ValidLen');
  r.bytes(reserved, 'Reserved');
  return { displayMode, clearMode, speed, stayTime, repeat, validLength };
}

export function decodeRequest(data: Uint8Array, generation: BxGeneration): BxRequest {
  const r = new Reader(data);
  r.u8('RtnReq');
  const group = r.u8('CmdGroup');
  const cmd = r.u8('Cmd');
  if (group === 0xa2 && cmd === 0x00) return { kind: 'ping' };
  if (group === 0xa2 && cmd === 0x07) {
    r.u16('DataLen');
    const mode = r.u8('BrightnessMode');
    const levels = [...r.bytes(Math.min(48, r.remaining), 'HalfHourValue')];
    return { kind: 'brightness', mode, levels };
  }
  if (group === 0xa7 && cmd === 0x01) {
    r.u16('Reserved');
    const n = r.u8('DeleteAreaNum');
    if (n === 0xff) return { kind: 'delete', areas: 'all' };
    return { kind: 'delete', areas: [...r.bytes(n, 'DeleteAreaId')] };
  }
  if (group === 0xa7 && cmd === 0x00) {
    r.u16('Reserved');
    return { kind: 'update', areas: generation === 5 ? [readArea5(r)] : readAreas6(r) };
  }
  if (group !== 0xa2 && group !== 0xa7)
    throw new BxProtocolError(BX_ERR.OUTOFGROUP, `unknown command group 0x${group.toString(16)}`);
  throw new BxProtocolError(BX_ERR.NOCMD, `unknown command 0x${group.toString(16)} 0x${cmd.toString(16)}`);
}

function readArea5(r: Reader): BxArea {
  const len = r.u32('AreaDataLen');
  if (len !== r.remaining)
    throw new BxProtocolError(BX_ERR.SCREEN_PARA, `AreaDataLen says ${len}, ${r.remaining} follow`);
  const common = readAreaCommon(r);
  const n = r.u16('PageNum');
  if (n === 0) throw new BxProtocolError(BX_ERR.SCREEN_PARA, 'PageNum must not be 0');
  const pages: BxPage[] = [];
  for (let i = 0; i < n; i++) {
    const pageLen = r.u32('PageDataLen');
    if (pageLen < PAGE_PARAMS_5) throw new BxProtocolError(BX_ERR.SCREEN_PARA, `PageDataLen ${pageLen} is too short`);
    const params = readPageParams(r, 4);
    pages.push({ ...params, bitmap: r.bytes(pageLen - PAGE_PARAMS_5, 'PicPageData') });
  }
  return { ...common, pages };
}

function readAreas6(r: Reader): BxArea[] {
  const areaNum = r.u16('AreaNum');
  const len = r.u32('AreaDataLen');
  const dataStart = r.offset + len;
  const heads: {
    common: Omit<BxArea, 'pages'>;
    pages: (Omit<BxPage, 'bitmap'> & { offset: number; length: number })[];
  }[] = [];
  for (let a = 0; a < areaNum; a++) {
    const common = readAreaCommon(r);
    r.u8('BackGroundFlag');
    r.u8('Transparency');
    r.u8('AreaEqual');
    const sound = r.u8('SoundFlag');
    if (sound !== 0) throw new BxProtocolError(BX_ERR.SCREEN_PARA, 'sound in a dynamic area is not modelled');
    r.bytes(5, 'Reserved');
    const n = r.u16('PageNum');
    if (n === 0) throw new BxProtocolError(BX_ERR.SCREEN_PARA, 'PageNum must not be 0');
    const pages = [];
    for (let i = 0; i < n; i++) {
      r.u32('PageDataLen');
      const params = readPageParams(r, 9);
      pages.push({ ...params, offset: r.u32('DataOffset'), length: r.u32('DataLen') });
    }
    heads.push({ common, pages });
  }
  if (r.offset !== dataStart)
    throw new BxProtocolError(
      BX_ERR.SCREEN_PARA,
      `AreaDataLen says ${len}, parameters took ${r.offset - (dataStart - len)}`,
    );
  const data = r.bytes(r.remaining, 'PicPageData');
  return heads.map(({ common, pages }) => ({
    ...common,
    pages: pages.map(({ offset, length, ...p }) => {
      if (offset + length > data.length)
        throw new BxProtocolError(BX_ERR.SCREEN_PARA, `page data at ${offset}+${length} is past the end`);
      return { ...p, bitmap: data.subarray(offset, offset + length) };
    }),
  }));
}
