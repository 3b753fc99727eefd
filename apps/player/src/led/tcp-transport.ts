/**
 * TCP transport for network LED controller cards (Onbon BX on port 5005, Huidu on 10001): the same
 * surface as `SerialTransport` (start, write, stop, the open/close/data/error/written events), so a
 * driver does not care whether its card hangs on an RS-232 cable or on the office LAN.
 *
 * A lost connection (reset, EOF, a write that does not finish, no connection at all) is reported and
 * retried with capped, jittered exponential backoff; queued writes are rejected so the driver knows to
 * re-send after `open`. Keep-alive is on so a card that was unplugged is noticed even while idle.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type LedLogger, silentLogger } from './driver';
import {
  type BackoffOptions,
  TransportError,
  type TransportEvents,
  type TransportState,
  type WireWrite,
} from './transport';

export interface TcpTarget {
  host: string;
  port: number;
}

/** `HOST:PORT` (an IPv6 host in brackets: `[fd00::5]:5005`) → target; throws a RangeError naming the problem. */
export function parseTcpTarget(s: string): TcpTarget {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]{1,253})):(\d{1,5})$/.exec(s);
  if (!m) throw new RangeError(`tcp must look like HOST:PORT (e.g. 192.168.1.50:5005), got ${JSON.stringify(s)}`);
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw new RangeError(`tcp port must be 1–65535, got ${port}`);
  return { host: m[1] ?? m[2]!, port };
}

export interface TcpTransportOptions extends TcpTarget {
  /** Minimum quiet time between two queued writes. */
  interPacketMs?: number;
  /** A connect that does not succeed within this counts as failed. */
  connectTimeoutMs?: number;
  /** A write that does not drain within this reconnects. */
  writeTimeoutMs?: number;
  backoff?: Partial<BackoffOptions>;
  logger?: LedLogger;
}

interface Pending {
  item: WireWrite;
  resolve: () => void;
  reject: (err: TransportError) => void;
}

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 10_000, factor: 2 };

export class TcpTransport extends EventEmitter<TransportEvents> {
  /** `host:port`, the transport's name in logs and board status. */
  readonly path: string;
  private readonly options: TcpTransportOptions;
  private readonly backoff: BackoffOptions;
  private readonly log: LedLogger;
  private socket: net.Socket | null = null;
  private queue: Pending[] = [];
  private pumping = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private connection = new AbortController();
  private firstAttempt: Promise<void> | null = null;
  state: TransportState = 'idle';
  opens = 0;

  constructor(options: TcpTransportOptions) {
    super();
    this.options = options;
    this.path = options.host.includes(':') ? `[${options.host}]:${options.port}` : `${options.host}:${options.port}`;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.log = options.logger ?? silentLogger;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Starts connecting; resolves after the first attempt whatever its outcome (a card that is off is retried). */
  start(): Promise<void> {
    if (this.state === 'stopped') return Promise.reject(new TransportError('stopped', 'transport was stopped'));
    this.firstAttempt ??= this.attempt();
    return this.firstAttempt;
  }

  private attempt(): Promise<void> {
    this.retryTimer = null;
    if (this.state === 'stopped') return Promise.resolve();
    this.state = 'opening';
    return new Promise<void>((resolve) => {
      const socket = net.connect({ host: this.options.host, port: this.options.port });
      let connected = false;
      const timer = setTimeout(
        () => socket.destroy(new Error(`no connection within ${this.options.connectTimeoutMs ?? 5000} ms`)),
        this.options.connectTimeoutMs ?? 5000,
      );
      socket.once('connect', () => {
        clearTimeout(timer);
        if ((this.state as TransportState) === 'stopped') {
          socket.destroy();
          resolve();
          return;
        }
        connected = true;
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 5000);
        this.socket = socket;
        this.connection = new AbortController();
        this.failures = 0;
        this.opens++;
        this.state = 'open';
        this.log.info({ path: this.path, opens: this.opens }, 'tcp connection open');
        this.emit('open');
        void this.pump();
        resolve();
      });
      socket.on('data', (chunk: Buffer) => {
        if (this.socket === socket) this.emit('data', new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      });
      socket.on('error', (err) => this.log.debug({ path: this.path, err: err.message }, 'tcp error'));
      socket.on('end', () => socket.destroy());
      socket.once('close', () => {
        clearTimeout(timer);
        if (!connected) {
          const e = new TransportError('open-failed', `cannot connect to ${this.path}`);
          if (this.failures === 0)
            this.log.warn({ path: this.path }, 'LED card unreachable over TCP; retrying with backoff');
          this.emitError(e);
          this.scheduleRetry();
          resolve();
          return;
        }
        this.onClosed(socket);
      });
    });
  }

  private emitError(err: TransportError): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  private scheduleRetry(): void {
    if (this.state === 'stopped') return;
    this.state = 'retrying';
    const base = Math.min(this.backoff.maxMs, this.backoff.initialMs * this.backoff.factor ** this.failures);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.failures++;
    this.retryTimer = setTimeout(() => void this.attempt(), delay);
    this.retryTimer.unref?.();
  }

  private onClosed(socket: net.Socket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.connection.abort();
    const reason = new TransportError('disconnected', `tcp connection to ${this.path} closed`);
    this.rejectQueue(new TransportError('port-closed', reason.message));
    if (this.state === 'stopped') {
      this.emit('close', null);
      return;
    }
    this.log.warn({ path: this.path }, 'tcp connection lost');
    this.emit('close', reason);
    this.scheduleRetry();
  }

  private rejectQueue(err: TransportError): void {
    const queued = this.queue;
    this.queue = [];
    for (const p of queued) p.reject(err);
  }

  /** Queues a write; rejects at once when not connected, so callers re-send after `open`. */
  write(item: WireWrite): Promise<void> {
    if (this.state !== 'open') {
      return Promise.reject(
        new TransportError(this.state === 'stopped' ? 'stopped' : 'port-closed', `${this.path} is not connected`),
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

  /** Drops the connection (as a cable pull would); it is re-established with backoff. */
  reconnect(): void {
    this.socket?.destroy();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && this.socket) {
        const next = this.queue.shift()!;
        try {
          await this.writeItem(this.socket, next.item, this.connection.signal);
          next.resolve();
        } catch (err) {
          next.reject(err instanceof TransportError ? err : new TransportError('write-failed', (err as Error).message));
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private async writeItem(socket: net.Socket, item: WireWrite, signal: AbortSignal): Promise<void> {
    const pause = async (ms: number): Promise<void> => {
      if (ms <= 0) return;
      try {
        await sleep(ms, undefined, { signal });
      } catch {
        throw new TransportError('port-closed', `${this.path} closed during a pause`);
      }
    };
    for (const [i, part] of item.parts.entries()) {
      await this.writeAndFlush(socket, part);
      if (i < item.parts.length - 1) await pause(item.partGapMs ?? 0);
    }
    await pause(Math.max(item.settleMs ?? 0, this.options.interPacketMs ?? 0));
  }

  private writeAndFlush(socket: net.Socket, bytes: Uint8Array): Promise<void> {
    const timeoutMs = this.options.writeTimeoutMs ?? 10_000;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const err = new TransportError(
          'write-timeout',
          `write of ${bytes.length} bytes to ${this.path} did not finish in ${timeoutMs} ms`,
        );
        this.emitError(err);
        reject(err);
        socket.destroy();
      }, timeoutMs);
      if (socket.destroyed) {
        clearTimeout(timer);
        reject(new TransportError('port-closed', `${this.path} is not connected`));
        return;
      }
      // The callback runs when the bytes left for the kernel: the nearest thing TCP has to "drained".
      socket.write(bytes, (err) => {
        clearTimeout(timer);
        if (err) reject(new TransportError('write-failed', err.message));
        else {
          this.emit('written', { bytes: bytes.length });
          resolve();
        }
      });
    });
  }

  /** Stops for good: cancels retries, rejects queued writes, closes the connection. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connection.abort();
    this.rejectQueue(new TransportError('stopped', 'transport stopped'));
    const socket = this.socket;
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.end();
        setTimeout(() => socket.destroy(), 500).unref();
      });
    } else this.emit('close', null);
  }
}

/** What a driver needs of a byte link, serial or TCP. */
export type ByteTransport = Pick<
  TcpTransport,
  'path' | 'start' | 'write' | 'stop' | 'state' | 'isOpen' | 'opens' | 'on' | 'off' | 'once' | 'queued'
>;
