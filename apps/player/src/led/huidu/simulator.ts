/**
 * A Huidu card on a TCP port, for tests and demos: answers the version exchange, heartbeats, SDK commands
 * and file transfers as the public clients expect, checks each uploaded file's MD5, keeps the current
 * program and writes what is lit as a PNG (the LED-board look of sim/render.ts) and ASCII art.
 *
 * Knobs for tests: `mute(true)` makes it a card that hangs (reads and drops everything, answers nothing);
 * `corruptUploads(true)` flips a byte of every received file, so the MD5 check fails as on a bad link;
 * `refuseProgram(result)` answers AddProgram with that result instead of kSuccess.
 */
import { EventEmitter } from 'node:events';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import type { Bitmap } from '@bangtin/shared';
import type { BoardSize } from '../driver';
import { bitmapToAscii, bitmapToPng } from '../sim/render';
import {
  buildSdkAnswer,
  decodeFileStart,
  decodeSdkPayload,
  encodeErrorAnswer,
  encodeFileEndAnswer,
  encodeFileStartAnswer,
  encodeHeartbeatAnswer,
  encodeSdk,
  encodeVersionAnswer,
  type FileStart,
  HUIDU_TCP_VERSION,
  HuiduCmd,
  HuiduDecoder,
  huiduErrorCode,
  type HuiduFrame,
  parseScreenXml,
  parseSdkMessage,
  type ProgramPicture,
} from './codec';
import { cardPngToBitmap, md5Hex } from './picture';

export interface HuiduSimulatorOptions {
  host?: string;
  /** 0 = any free port. */
  port: number;
  size: BoardSize;
  /** Written with the first page of every program played (LED-board look). */
  png?: string;
  /** Written with ASCII art (`#` lit, `.` unlit) of the first page. */
  ascii?: string;
  /** The card's SDK session id, answered to GetIFVersion. */
  guid?: string;
}

export interface SimPage {
  file: string;
  durationMs: number;
  bitmap: Bitmap;
}

export interface SimProgram {
  name: string | null;
  pages: SimPage[];
  /** ms UTC when the card accepted it. */
  at: number;
}

export interface HuiduSimulatorEvents {
  /** A program was accepted and is now playing (empty `pages`: the board is dark). */
  display: [SimProgram];
  /** The card refused something; `stage` says what, `result` is the SDK error name it answered. */
  nack: [{ stage: 'file-start' | 'file-end' | 'sdk' | 'frame'; result: string; detail: string }];
  file: [{ name: string; size: number; md5: string }];
  connection: [{ remote: string }];
  heartbeat: [];
  sdk: [{ method: string }];
}

export interface HuiduSimulator extends EventEmitter<HuiduSimulatorEvents> {
  readonly port: number;
  /** The program playing now, null before the first. */
  readonly current: SimProgram | null;
  /** Uploaded files by name. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly stats: { connections: number; heartbeats: number; programs: number; garbageBytes: number };
  mute(on: boolean): void;
  corruptUploads(on: boolean): void;
  refuseProgram(result: string | null): void;
  /** Drops every client connection (as a card reboot would). */
  dropClients(): void;
  /** Resolves when the PNG/ASCII files of the last program are on disk. */
  flushed(): Promise<void>;
  close(): Promise<void>;
}

interface Upload {
  start: FileStart;
  chunks: Uint8Array[];
  received: number;
}

class Simulator extends EventEmitter<HuiduSimulatorEvents> implements HuiduSimulator {
  port = 0;
  current: SimProgram | null = null;
  readonly files = new Map<string, Uint8Array>();
  readonly stats = { connections: 0, heartbeats: 0, programs: 0, garbageBytes: 0 };
  private muted = false;
  private corrupt = false;
  private refuse: string | null = null;
  private readonly sockets = new Set<net.Socket>();
  readonly server: net.Server;
  private readonly guid: string;
  /** Writes of the PNG/ASCII files, chained so the last program wins on disk. */
  private output: Promise<void> = Promise.resolve();

  constructor(private readonly opts: HuiduSimulatorOptions) {
    super();
    this.guid = opts.guid ?? 'sim-card-0001';
    this.server = net.createServer((s) => this.accept(s));
  }

  mute(on: boolean): void {
    this.muted = on;
  }

  corruptUploads(on: boolean): void {
    this.corrupt = on;
  }

  refuseProgram(result: string | null): void {
    this.refuse = result;
  }

  dropClients(): void {
    for (const s of this.sockets) s.destroy();
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    this.stats.connections++;
    this.emit('connection', { remote: `${socket.remoteAddress}:${socket.remotePort}` });
    const decoder = new HuiduDecoder();
    let upload: Upload | null = null;
    const send = (bytes: Uint8Array): void => {
      if (!socket.destroyed) socket.write(bytes);
    };
    socket.on('error', () => {});
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      // A hung card: bytes go nowhere, nothing comes back.
      if (this.muted) return;
      for (const ev of decoder.push(chunk)) {
        if (ev.type === 'garbage') {
          this.stats.garbageBytes += ev.bytes;
          continue;
        }
        try {
          upload = this.handle(ev.frame, upload, send);
        } catch (err) {
          this.emit('nack', { stage: 'frame', result: 'kInvalidParam', detail: (err as Error).message });
          send(encodeErrorAnswer(huiduErrorCode('kInvalidParam')));
        }
      }
    });
  }

  private nack(stage: 'file-start' | 'file-end' | 'sdk', result: string, detail: string): void {
    this.emit('nack', { stage, result, detail });
  }

  private handle(frame: HuiduFrame, upload: Upload | null, send: (b: Uint8Array) => void): Upload | null {
    switch (frame.cmd) {
      case HuiduCmd.serviceAsk:
        send(encodeVersionAnswer(HUIDU_TCP_VERSION));
        return upload;
      case HuiduCmd.heartbeatAsk:
        this.stats.heartbeats++;
        this.emit('heartbeat');
        send(encodeHeartbeatAnswer());
        return upload;
      case HuiduCmd.fileStartAsk: {
        const start = decodeFileStart(frame.payload);
        if (start.type !== 0) {
          this.nack('file-start', 'kInvalidParam', `file type ${start.type} is not an image`);
          send(encodeFileStartAnswer(huiduErrorCode('kInvalidParam')));
          return null;
        }
        const have = this.files.get(start.name);
        // Already stored with the same content: tell the client it has it all.
        const exist = have && md5Hex(have) === start.md5 ? have.length : 0;
        send(encodeFileStartAnswer(0, exist));
        return { start, chunks: exist ? [have!] : [], received: exist };
      }
      case HuiduCmd.fileContentAsk: {
        if (!upload) {
          this.nack('file-end', 'kProcessError', 'file content without a file start');
          send(encodeErrorAnswer(huiduErrorCode('kProcessError')));
          return null;
        }
        upload.chunks.push(Uint8Array.from(frame.payload));
        upload.received += frame.payload.length;
        return upload;
      }
      case HuiduCmd.fileEndAsk: {
        if (!upload) {
          this.nack('file-end', 'kProcessError', 'file end without a file start');
          send(encodeFileEndAnswer(huiduErrorCode('kProcessError')));
          return null;
        }
        const data = Buffer.concat(upload.chunks);
        if (this.corrupt && data.length > 0) data[data.length >> 1] = data[data.length >> 1]! ^ 0x01;
        if (data.length !== upload.start.size) {
          this.nack('file-end', 'kFileNotFinish', `${upload.start.name}: ${data.length} of ${upload.start.size} bytes`);
          send(encodeFileEndAnswer(huiduErrorCode('kFileNotFinish')));
          return null;
        }
        const md5 = md5Hex(data);
        if (md5 !== upload.start.md5) {
          this.nack('file-end', 'kFileContentError', `${upload.start.name}: md5 ${md5}, announced ${upload.start.md5}`);
          send(encodeFileEndAnswer(huiduErrorCode('kFileContentError')));
          return null;
        }
        this.files.set(upload.start.name, data);
        this.emit('file', { name: upload.start.name, size: data.length, md5 });
        send(encodeFileEndAnswer(0));
        return null;
      }
      case HuiduCmd.sdkAsk:
        this.handleSdk(decodeSdkPayload(frame.payload).xml, send);
        return upload;
      default:
        // Answers sent to a card are ignored, as a card would.
        return upload;
    }
  }

  private handleSdk(xml: string, send: (b: Uint8Array) => void): void {
    const answer = (method: string, result: string, inner = ''): void =>
      send(encodeSdk(buildSdkAnswer(this.guid, method, result, inner), HuiduCmd.sdkAnswer));
    let msg;
    try {
      msg = parseSdkMessage(xml);
    } catch (err) {
      this.nack('sdk', 'kParseXmlFailed', (err as Error).message);
      answer('', 'kParseXmlFailed');
      return;
    }
    this.emit('sdk', { method: msg.method });
    if (msg.method !== 'GetIFVersion' && msg.guid !== this.guid) {
      this.nack('sdk', 'kInvalidGUID', `guid ${msg.guid}`);
      answer(msg.method, 'kInvalidGUID');
      return;
    }
    switch (msg.method) {
      case 'GetIFVersion':
        answer(msg.method, 'kSuccess', '<version value="1000000"/>');
        return;
      case 'SetTimeInfo':
        answer(msg.method, 'kSuccess');
        return;
      case 'AddProgram': {
        if (this.refuse) {
          this.nack('sdk', this.refuse, 'AddProgram refused on purpose');
          answer(msg.method, this.refuse);
          return;
        }
        let program: SimProgram;
        try {
          program = this.program(msg.inner);
        } catch (err) {
          const result = (err as { result?: string }).result ?? 'kInvalidParam';
          this.nack('sdk', result, (err as Error).message);
          answer(msg.method, result);
          return;
        }
        this.current = program;
        this.stats.programs++;
        answer(msg.method, 'kSuccess');
        this.emit('display', program);
        this.writeOutputs(program);
        return;
      }
      default:
        this.nack('sdk', 'kInvalidMethod', msg.method);
        answer(msg.method, 'kInvalidMethod');
    }
  }

  private program(inner: string): SimProgram {
    const screen = parseScreenXml(inner);
    const pages = screen.pictures.map((p: ProgramPicture) => {
      const file = this.files.get(p.file);
      if (!file) throw Object.assign(new Error(`file ${p.file} was not uploaded`), { result: 'kFileNotFound' });
      const bitmap = cardPngToBitmap(file);
      const { width, height } = this.opts.size;
      if (bitmap.width !== width || bitmap.height !== height)
        throw new Error(`${p.file} is ${bitmap.width}×${bitmap.height}, the board is ${width}×${height}`);
      return { file: p.file, durationMs: p.durationMs, bitmap };
    });
    if (screen.area) {
      const a = screen.area;
      if (a.x !== 0 || a.y !== 0 || a.width !== this.opts.size.width || a.height !== this.opts.size.height)
        throw new Error(`area ${a.x},${a.y} ${a.width}×${a.height} is not the full board`);
    }
    return { name: screen.programName, pages, at: Date.now() };
  }

  private writeOutputs(program: SimProgram): void {
    const { png, ascii } = this.opts;
    if (!png && !ascii) return;
    const { width, height } = this.opts.size;
    const bitmap = program.pages[0]?.bitmap ?? { width, height, data: new Uint8Array(width * height) };
    this.output = this.output.then(async () => {
      if (png) await writeFile(png, bitmapToPng(bitmap));
      if (ascii) await writeFile(ascii, bitmapToAscii(bitmap) + '\n');
    });
    this.output.catch(() => {});
  }

  /** Resolves when the PNG/ASCII files of the last program are on disk. */
  flushed(): Promise<void> {
    return this.output;
  }

  async close(): Promise<void> {
    this.dropClients();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.output.catch(() => {});
  }
}

/** Starts a simulated Huidu card; resolves once it listens (see `port`). */
export async function createHuiduSimulator(options: HuiduSimulatorOptions): Promise<HuiduSimulator> {
  const { width, height } = options.size;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new RangeError(`size must be positive integers, got ${width}×${height}`);
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)
    throw new RangeError(`port must be 0–65535, got ${options.port}`);
  const sim = new Simulator(options);
  await new Promise<void>((resolve, reject) => {
    sim.server.once('error', reject);
    sim.server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  sim.port = (sim.server.address() as net.AddressInfo).port;
  return sim;
}
