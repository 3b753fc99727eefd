/**
 * TCP transport for network LED controller cards (Onbon BX on port 5005, Huidu on 10001): the same
 * surface as `SerialTransport` (start, write, stop, the open/close/data/error/written events), so a
 * driver does not care whether its card hangs on an RS-232 cable or on the office LAN.
 *
 * A lost connection (reset, EOF, a write that does not finish, no connection at all) is reported and
 * retried with capped, jittered exponential backoff; queued writes are rejected so the driver knows to
 * re-send after `open`. Keep-alive is on so a card that was unplugged is noticed even while idle.
 */
import net from 'node:net';
import type { LedLogger } from './driver';
import { type BackoffOptions, LinkTransport, TransportError, type TransportState } from './transport';

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

export class TcpTransport extends LinkTransport<net.Socket> {
  /** `host:port`, the transport's name in logs and board status. */
  readonly path: string;
  private readonly options: TcpTransportOptions;

  constructor(options: TcpTransportOptions) {
    super(options.backoff, options.logger, options.interPacketMs ?? 0);
    this.options = options;
    this.path = options.host.includes(':') ? `[${options.host}]:${options.port}` : `${options.host}:${options.port}`;
  }

  protected get linkName(): string {
    return this.path;
  }

  protected attempt(): Promise<void> {
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
        this.log.info({ path: this.path, opens: this.opens + 1 }, 'tcp connection open');
        this.linkOpened(socket);
        resolve();
      });
      socket.on('data', (chunk: Buffer) => {
        if (this.link === socket) this.emit('data', new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
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

  private onClosed(socket: net.Socket): void {
    if (this.link !== socket) return;
    this.linkClosed(new TransportError('disconnected', `tcp connection to ${this.path} closed`));
  }

  /** Drops the connection (as a cable pull would); it is re-established with backoff. */
  reconnect(): void {
    this.link?.destroy();
  }

  protected writeBytes(socket: net.Socket, bytes: Uint8Array): Promise<void> {
    return this.writeAndFlush(socket, bytes);
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
    this.beginStop();
    const socket = this.link;
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
