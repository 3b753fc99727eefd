/**
 * Serial port transport for LED boards: the only module here that touches `serialport`.
 *
 * One transport owns one port. Several boards on one RS-485 bus share it (each driver adds its own
 * address to its packets), so the write queue and the pacing between packets are per port, not per board.
 * When the port disappears (USB adapter pulled, pty removed) the transport reports it, rejects queued
 * writes and keeps trying to reopen with capped exponential backoff; drivers re-send when it reopens.
 */
import { EventEmitter } from 'node:events';
import { realpath } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialPort } from 'serialport';
import { type LedLogger, silentLogger } from './driver';

export type TransportErrorCode =
  'port-closed' | 'open-failed' | 'write-timeout' | 'write-failed' | 'disconnected' | 'stopped';

export class TransportError extends Error {
  override name = 'TransportError';
  constructor(
    readonly code: TransportErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
}

export interface TransportOptions {
  path: string;
  baudRate?: number;
  dataBits?: 7 | 8;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
  /** Minimum quiet time between two queued writes (Alpha signs need ≥ 250 ms between packets). */
  interPacketMs?: number;
  /** Allowance on top of the wire time (bytes × 10 / baud) before a write counts as stuck. */
  writeTimeoutMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** Stops reading for this long after every chunk: emulates a slow device, so writers must wait on drain. */
  readDelayMs?: number;
  /**
   * How often to check that the device node is still the one we opened. A pty whose other side vanished
   * can leave a read pending forever instead of failing, and a re-plugged adapter may come back as a new
   * node behind the same stable link; either way the port is reopened.
   */
  presenceCheckMs?: number;
  logger?: LedLogger;
}

/** One queued write: its parts go out with `partGapMs` between them, then the line rests `settleMs`. */
export interface WireWrite {
  parts: readonly Uint8Array[];
  partGapMs?: number;
  settleMs?: number;
}

export type TransportState = 'idle' | 'opening' | 'open' | 'retrying' | 'stopped';

export interface TransportEvents {
  open: [];
  /** The port went away (error says why) or was closed on purpose (null). */
  close: [TransportError | null];
  data: [Uint8Array];
  error: [TransportError];
  written: [{ bytes: number }];
}

interface Pending {
  item: WireWrite;
  resolve: () => void;
  reject: (err: TransportError) => void;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 10_000, factor: 2 };

/**
 * What serial and TCP links share: one queue of writes sent strictly in order with their pauses, queued
 * writes rejected when the link drops (drivers re-send after `open`), and reconnects with capped, jittered
 * exponential backoff. A subclass opens its link (`attempt`) and writes one buffer to it (`writeBytes`).
 */
export abstract class LinkTransport<L> extends EventEmitter<TransportEvents> {
  /** The link's name in logs and board status (a device path, or `host:port`). */
  abstract readonly path: string;
  protected readonly backoff: BackoffOptions;
  protected readonly log: LedLogger;
  protected link: L | null = null;
  private queue: Pending[] = [];
  private pumping = false;
  protected retryTimer: NodeJS.Timeout | null = null;
  protected failures = 0;
  /** Aborts pauses of the current connection so a lost link or `stop()` never waits out a long settle. */
  protected connection = new AbortController();
  private firstAttempt: Promise<void> | null = null;
  state: TransportState = 'idle';
  opens = 0;

  constructor(
    backoff: Partial<BackoffOptions> | undefined,
    logger: LedLogger | undefined,
    /** Minimum quiet time between two queued writes. */
    private readonly interPacketMs: number,
  ) {
    super();
    this.backoff = { ...DEFAULT_BACKOFF, ...backoff };
    this.log = logger ?? silentLogger;
  }

  /** How the link is named in error messages ("serial port /dev/ttyUSB0", "192.168.1.50:5005"). */
  protected abstract get linkName(): string;
  /** One connection attempt; on failure it calls `scheduleRetry`. */
  protected abstract attempt(): Promise<void>;
  /** Writes one buffer and resolves once it has left (drained), emitting `written`. */
  protected abstract writeBytes(link: L, bytes: Uint8Array): Promise<void>;

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Starts opening; resolves after the first attempt whatever its outcome (a missing link is retried). */
  start(): Promise<void> {
    if (this.state === 'stopped') return Promise.reject(new TransportError('stopped', 'transport was stopped'));
    this.firstAttempt ??= this.attempt();
    return this.firstAttempt;
  }

  protected emitError(err: TransportError): void {
    // An 'error' event without listeners would throw; the drivers always listen, a bare transport may not.
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  protected scheduleRetry(): void {
    if (this.state === 'stopped') return;
    this.state = 'retrying';
    const base = Math.min(this.backoff.maxMs, this.backoff.initialMs * this.backoff.factor ** this.failures);
    // Jitter keeps several players from hammering a shared USB hub or card in lockstep.
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.failures++;
    this.log.debug({ path: this.path, delay, failures: this.failures }, 'reopen scheduled');
    this.retryTimer = setTimeout(() => void this.attempt(), delay);
    this.retryTimer.unref?.();
  }

  /** The link is up: reset the backoff, announce it, send what waits. */
  protected linkOpened(link: L): void {
    this.link = link;
    this.connection = new AbortController();
    this.failures = 0;
    this.opens++;
    this.state = 'open';
    this.emit('open');
    void this.pump();
  }

  /** The link went away: reject what waits and reconnect, unless stopped. */
  protected linkClosed(reason: TransportError): void {
    this.link = null;
    this.connection.abort();
    this.rejectQueue(new TransportError('port-closed', reason.message));
    if (this.state === 'stopped') {
      this.emit('close', null);
      return;
    }
    this.log.warn({ path: this.path, err: reason.message }, 'LED link lost');
    this.emit('close', reason);
    this.scheduleRetry();
  }

  /** Marks the transport stopped and rejects everything queued; the subclass then closes its link. */
  protected beginStop(): void {
    this.state = 'stopped';
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connection.abort();
    this.rejectQueue(new TransportError('stopped', 'transport stopped'));
  }

  private rejectQueue(err: TransportError): void {
    const queued = this.queue;
    this.queue = [];
    for (const p of queued) p.reject(err);
  }

  /** Queues a write; rejects at once when the link is not open, so callers know to re-send after `open`. */
  write(item: WireWrite): Promise<void> {
    if (this.state !== 'open') {
      return Promise.reject(
        new TransportError(this.state === 'stopped' ? 'stopped' : 'port-closed', `${this.linkName} is not open`),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      void this.pump();
    });
  }

  get queued(): number {
    return this.queue.length;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && this.link) {
        const next = this.queue.shift()!;
        try {
          await this.writeItem(this.link, next.item, this.connection.signal);
          next.resolve();
        } catch (err) {
          next.reject(err instanceof TransportError ? err : new TransportError('write-failed', (err as Error).message));
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private async writeItem(link: L, item: WireWrite, signal: AbortSignal): Promise<void> {
    const pause = async (ms: number): Promise<void> => {
      if (ms <= 0) return;
      try {
        await sleep(ms, undefined, { signal });
      } catch {
        throw new TransportError('port-closed', `${this.linkName} closed during a pause`);
      }
    };
    for (const [i, part] of item.parts.entries()) {
      await this.writeBytes(link, part);
      if (i < item.parts.length - 1) await pause(item.partGapMs ?? 0);
    }
    await pause(Math.max(item.settleMs ?? 0, this.interPacketMs));
  }
}

export class SerialTransport extends LinkTransport<SerialPort> {
  readonly path: string;
  readonly baudRate: number;
  private readonly options: TransportOptions;
  private presenceTimer: NodeJS.Timeout | null = null;

  constructor(options: TransportOptions) {
    super(options.backoff, options.logger, options.interPacketMs ?? 250);
    this.options = options;
    this.path = options.path;
    this.baudRate = options.baudRate ?? 9600;
  }

  protected get linkName(): string {
    return `serial port ${this.path}`;
  }

  protected async attempt(): Promise<void> {
    this.retryTimer = null;
    if (this.state === 'stopped') return;
    this.state = 'opening';
    const port = new SerialPort({
      path: this.path,
      baudRate: this.baudRate,
      dataBits: this.options.dataBits ?? 8,
      parity: this.options.parity ?? 'none',
      stopBits: this.options.stopBits ?? 1,
      autoOpen: false,
    });
    try {
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    } catch (err) {
      const e = new TransportError('open-failed', `cannot open ${this.path}: ${(err as Error).message}`);
      if (this.failures === 0)
        this.log.warn({ path: this.path, err: e.message }, 'serial port unavailable; retrying with backoff');
      this.emitError(e);
      this.scheduleRetry();
      return;
    }
    const device = await realpath(this.path).catch(() => this.path);
    if ((this.state as TransportState) === 'stopped') {
      port.close(() => {});
      return;
    }
    this.watchPresence(port, device);
    const readDelayMs = this.options.readDelayMs ?? 0;
    port.on('data', (chunk: Buffer) => {
      if (readDelayMs > 0) {
        port.pause();
        setTimeout(() => port.isOpen && port.resume(), readDelayMs).unref?.();
      }
      this.emit('data', new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
    // serialport reports read/write failures both as 'error' and as a disconnect 'close'; the close drives recovery.
    port.on('error', (err) => this.log.debug({ path: this.path, err: err.message }, 'serial port error'));
    port.on('close', (err: (Error & { disconnected?: boolean }) | null) => this.onPortClosed(port, err));
    // A pty whose other side vanished may read as end-of-file instead of failing: that is a disconnect too.
    port.on('end', () => {
      if (port.isOpen) port.close(() => {});
    });
    this.log.info({ path: this.path, opens: this.opens + 1 }, 'serial port open');
    this.linkOpened(port);
  }

  private watchPresence(port: SerialPort, device: string): void {
    if (this.presenceTimer) clearInterval(this.presenceTimer);
    const every = this.options.presenceCheckMs ?? 1000;
    if (every <= 0) return;
    this.presenceTimer = setInterval(() => {
      void realpath(this.path)
        .catch(() => null)
        .then((now) => {
          if (this.link !== port || now === device) return;
          this.log.warn({ path: this.path, was: device, now }, 'serial device node changed or vanished');
          if (port.isOpen) port.close(() => {});
        });
    }, every);
    this.presenceTimer.unref?.();
  }

  private onPortClosed(port: SerialPort, err: Error | null): void {
    if (this.link !== port) return;
    if (this.presenceTimer) clearInterval(this.presenceTimer);
    this.presenceTimer = null;
    port.removeAllListeners('data');
    this.linkClosed(
      new TransportError('disconnected', `serial port ${this.path} closed${err ? `: ${err.message}` : ''}`),
    );
  }

  protected writeBytes(port: SerialPort, bytes: Uint8Array): Promise<void> {
    return this.writeAndDrain(port, bytes);
  }

  private writeAndDrain(port: SerialPort, bytes: Uint8Array): Promise<void> {
    const wireMs = (bytes.length * 10 * 1000) / this.baudRate;
    const timeoutMs = Math.ceil(wireMs * 2 + (this.options.writeTimeoutMs ?? 5000));
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err: TransportError | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else {
          this.emit('written', { bytes: bytes.length });
          resolve();
        }
      };
      const timer = setTimeout(() => {
        const err = new TransportError(
          'write-timeout',
          `write of ${bytes.length} bytes to ${this.path} did not finish in ${timeoutMs} ms`,
        );
        this.emitError(err);
        finish(err);
        // A write that never drains means a wedged port or adapter: start over with a fresh open.
        if (this.link === port) port.close(() => {});
      }, timeoutMs);
      if (!port.isOpen) return finish(new TransportError('port-closed', `serial port ${this.path} is not open`));
      port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (err) => {
        if (err) finish(new TransportError('write-failed', err.message));
      });
      port.drain((err) => finish(err ? new TransportError('write-failed', err.message) : null));
    });
  }

  /** Stops for good: cancels retries, rejects queued writes, closes the port. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.beginStop();
    if (this.presenceTimer) clearInterval(this.presenceTimer);
    this.presenceTimer = null;
    const port = this.link;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    else this.emit('close', null);
  }
}

// -----------------------------------------------------------------------------------------------------------
// Sharing one port between several boards (RS-485 bus)

const shared = new Map<string, { transport: SerialTransport; refs: number }>();

/** Gets the process-wide transport for a port, creating and starting it for the first board. */
export function acquireTransport(options: TransportOptions): SerialTransport {
  const entry = shared.get(options.path);
  if (entry) {
    const baud = options.baudRate ?? 9600;
    if (entry.transport.baudRate !== baud) {
      throw new RangeError(`boards on ${options.path} disagree on baud rate: ${entry.transport.baudRate} and ${baud}`);
    }
    entry.refs++;
    return entry.transport;
  }
  const transport = new SerialTransport(options);
  shared.set(options.path, { transport, refs: 1 });
  return transport;
}

export async function releaseTransport(transport: SerialTransport): Promise<void> {
  const entry = shared.get(transport.path);
  if (!entry || entry.transport !== transport) return transport.stop();
  entry.refs--;
  if (entry.refs <= 0) {
    shared.delete(transport.path);
    await transport.stop();
  }
}

/**
 * Lists serial ports. On machines without udev `SerialPort.list()` throws; an empty list with a logged
 * reason is more useful to a settings page than a crash.
 */
export async function listSerialPorts(
  logger: LedLogger = silentLogger,
  list: () => Promise<{ path: string; manufacturer?: string | undefined }[]> = () => SerialPort.list(),
): Promise<{ path: string; manufacturer?: string | undefined }[]> {
  try {
    return await list();
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'cannot list serial ports (no udev?); returning none');
    return [];
  }
}
