import crypto from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { Logger } from 'pino';
import {
  type Bundle,
  BundleSchema,
  type ControllerToPlayerEvents,
  type Heartbeat,
  type Hello,
  type MediaProgress,
  type PlayerToControllerEvents,
  type Proof,
  type ProofUploadResult,
  PROTOCOL_VERSION,
  type ScreenshotUpload,
  type SurveyAnswer,
  encodeProofColumns,
} from '@bangtin/shared';
import { backoffDelay, type BackoffOptions, DEFAULT_BACKOFF } from './backoff';
import { estimateOffset, type ClockSample } from './clock';
import { describeTlsError, INSECURE_WARNING, tlsOptions, type TlsTrust } from './tls-trust';

export type PlayerSocket = Socket<ControllerToPlayerEvents, PlayerToControllerEvents>;

export interface ConnectionEvents {
  onHello(hello: Hello): void;
  onBundle(bundle: Bundle): void;
  /**
   * A measurement: the controller's clock read `controllerAt` at monotonic time `monoAt`; `offsetMs` is
   * its difference to the device wall clock then.
   */
  onClockOffset(offsetMs: number, rttMs: number, at: { controllerAt: number; monoAt: number }): void;
  onConnected(): void;
  onDisconnected(reason: string): void;
  /** A refusal that retrying will not fix by itself (revoked, wrong token, incompatible protocol). */
  onRefused(code: string, message: string): void;
  /** The controller asks for kept acknowledged proofs again (validated range). */
  onResendProofs?(range: { from: number; to: number }): void;
}

export interface ConnectionOptions {
  controllerUrl: string;
  token: string;
  playerVersion: string;
  backoff?: BackoffOptions;
  log: Logger;
  /** The device clock (injectable so tests can give the player a wrong clock). */
  now?: () => number;
  /** Certificates accepted from an https controller; default: verified against the built-in roots. */
  tls?: TlsTrust;
  /** The controller's clock as the player knows it (for `lostAt`); default the device clock. */
  controllerNow?: () => number;
  /** Monotonic clock for the probes' round trips (injectable for tests). */
  monoNow?: () => number;
  /** Measure the offset again this often while connected; default 10 min. */
  clockResyncMs?: number;
  /** The device id and name from the last `hello`, sent at connect for a re-enrolment request. */
  identity?: () => { deviceId: string | null; deviceName: string | null };
  /** The bundle the player holds (cached), reported at connect so the controller skips resending it. */
  heldBundle?: () => { version: number; hash: string } | null;
}

/** The handshake fields naming the device, only when both are known (a fresh player has neither). */
function identityClaim(id: { deviceId: string | null; deviceName: string | null } | undefined): object {
  return id?.deviceId && id.deviceName ? { deviceId: id.deviceId, deviceName: id.deviceName } : {};
}

/** The handshake fields naming the bundle held; none when there is no cached bundle. */
function heldClaim(b: { version: number; hash: string } | null | undefined): object {
  return b ? { bundleVersion: b.version, bundleHash: b.hash } : {};
}

/** What the controller shows staff for a re-enrolment request: the start of the token's SHA-256. */
export function fingerprint(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex').slice(0, 12);
}

/**
 * The player's link to the controller. socket.io's own reconnection is off: this class owns the retry
 * loop, so refusals are told apart from outages and every retry waits for an exponential, jittered delay.
 */
export class Connection {
  readonly socket: PlayerSocket;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private resyncTimer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;
  /** When the last connection was lost (controller clock), told to the controller at the next connect. */
  private lostAt: number | null = null;
  /** Refused `reenrol-pending` since the last connect (the wait is logged once). */
  private reenrolWaiting = false;

  constructor(
    private readonly opts: ConnectionOptions,
    private readonly events: ConnectionEvents,
  ) {
    const secure = /^https:/i.test(opts.controllerUrl);
    this.socket = io(opts.controllerUrl, {
      // A function: evaluated at every connect, so a reconnect carries when the last connection was lost.
      auth: (cb: (data: object) => void) =>
        cb({
          token: opts.token,
          protocol: PROTOCOL_VERSION,
          playerVersion: opts.playerVersion,
          ...(this.lostAt !== null ? { lostAt: this.lostAt } : {}),
          ...identityClaim(opts.identity?.()),
          ...heldClaim(opts.heldBundle?.()),
        }),
      reconnection: false,
      autoConnect: false,
      transports: ['websocket'],
      timeout: 10_000,
      // Handed to `ws` for wss:// (ignored for ws://).
      ...(secure && opts.tls ? tlsOptions(opts.tls) : {}),
    });
    const { log } = opts;
    const insecure = secure && opts.tls?.insecure === true;
    // Loud at start and again at every (re)connect, so it cannot scroll out of sight in the journal.
    if (insecure) log.warn(INSECURE_WARNING);

    this.socket.on('connect', () => {
      this.attempt = 0;
      if (this.reenrolWaiting) log.info('re-enrolment approved: connected again');
      this.reenrolWaiting = false;
      log.info('connected to controller');
      if (insecure) log.warn(INSECURE_WARNING);
      events.onConnected();
      void this.syncClock();
    });
    this.resyncTimer = setInterval(() => {
      if (this.socket.connected) void this.syncClock();
    }, opts.clockResyncMs ?? 600_000);
    this.resyncTimer.unref();
    this.socket.on('connect_error', (err: Error & { data?: { error?: { message?: string } } }) => {
      const code = err.message;
      if (code === 'reenrol-pending') {
        // The controller (restored from a backup older than this device) does not know our token and
        // has recorded a request. Nothing to fix here: keep playing from the cache, keep proofs in the
        // outbox, and ask again slowly until an admin approves. Logged once per wait, not per retry.
        const message = err.data?.error?.message ?? code;
        if (!this.reenrolWaiting) {
          this.reenrolWaiting = true;
          log.warn(
            { code, message, tokenFingerprint: fingerprint(opts.token) },
            'waiting for an administrator to approve re-enrolment on the controller (Thiết bị xin kết nối lại); ' +
              'still playing from the cache, proofs kept until then',
          );
        }
        events.onRefused(code, message);
        this.attempt = Math.max(this.attempt, 30);
        this.scheduleRetry();
        return;
      }
      this.reenrolWaiting = false;
      if (
        code === 'unauthorized' ||
        code === 'revoked' ||
        code === 'protocol-incompatible' ||
        code === 'invalid-handshake'
      ) {
        const message = err.data?.error?.message ?? code;
        log.error({ code, message }, 'controller refused this player');
        events.onRefused(code, message);
        // The operator may fix it on the controller (re-enrol, upgrade): keep trying, slowly.
        this.attempt = Math.max(this.attempt, 30);
      } else {
        // A certificate problem looks like any outage to socket.io ("websocket error"); say what it is,
        // since retrying alone will not fix it. The retry loop goes on: the operator may fix either end.
        const tlsProblem = describeTlsError(err);
        if (tlsProblem) log.error({ err: err.message }, tlsProblem);
        else log.warn({ err: err.message }, 'cannot reach controller');
      }
      this.scheduleRetry();
    });
    this.socket.on('disconnect', (reason) => {
      this.lostAt = Math.round(opts.controllerNow?.() ?? Date.now());
      log.warn({ reason }, 'disconnected from controller');
      events.onDisconnected(reason);
      this.scheduleRetry();
    });
    this.socket.on('hello', (hello) => events.onHello(hello));
    this.socket.on('proofs:resend', (raw: unknown) => {
      const r = raw as { from?: unknown; to?: unknown } | null;
      const ok = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
      if (!r || !ok(r.from) || !ok(r.to) || r.to < r.from) {
        log.warn({ range: raw }, 'ignoring a malformed proofs:resend (from and to must be ms, from ≤ to)');
        return;
      }
      events.onResendProofs?.({ from: r.from, to: r.to });
    });
    this.socket.on('bundle', (raw) => {
      const parsed = BundleSchema.safeParse(raw);
      if (!parsed.success) {
        log.error({ issue: parsed.error.issues[0] }, 'ignoring malformed bundle');
        return;
      }
      events.onBundle(parsed.data);
    });
  }

  start(): void {
    this.closed = false;
    this.socket.connect();
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    const delay = backoffDelay(this.attempt++, this.opts.backoff ?? DEFAULT_BACKOFF);
    this.opts.log.debug({ delay, attempt: this.attempt }, 'reconnecting later');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed && !this.socket.connected) this.socket.connect();
    }, delay);
  }

  /** Measures the offset to the controller clock now (on connect, every `clockResyncMs`, after a jump). */
  syncClock(): Promise<void> {
    this.syncing ??= this.probe().finally(() => (this.syncing = null));
    return this.syncing;
  }

  private async probe(): Promise<void> {
    // Round trips on the monotonic clock: a wall-clock change during the probes cannot spoil them.
    const samples: ClockSample[] = [];
    const wall = this.opts.now ?? Date.now;
    const mono = this.opts.monoNow ?? (() => performance.now());
    for (let i = 0; i < 5 && this.socket.connected; i++) {
      const sentAt = mono();
      try {
        const serverTime = await this.socket.timeout(5000).emitWithAck('clock:sync', wall());
        samples.push({ sentAt, serverTime, receivedAt: mono() });
      } catch {
        break;
      }
    }
    // Closing disconnects the socket, which ends the probe loop early with the samples taken so far;
    // the player has released its state by then, so a closed connection reports nothing.
    if (samples.length === 0 || this.closed) return;
    const { offsetMs: monoOffset, rttMs } = estimateOffset(samples);
    const monoAt = mono();
    const controllerAt = monoAt + monoOffset;
    this.events.onClockOffset(Math.round(controllerAt - wall()), rttMs, { controllerAt, monoAt });
  }

  ackBundle(b: Bundle): void {
    if (this.socket.connected) this.socket.emit('bundle:ack', { version: b.version, hash: b.hash });
  }

  heartbeat(hb: Heartbeat): void {
    if (this.socket.connected) this.socket.emit('heartbeat', hb);
  }

  async uploadProofs(proofs: Proof[], timeoutMs = 15_000): Promise<ProofUploadResult> {
    let res = await this.socket
      .timeout(timeoutMs)
      .emitWithAck('proofs:upload', { columns: encodeProofColumns(proofs) });
    if ('error' in res && res.error.code === 'invalid-proof-batch') {
      // The column form was refused as a whole: send objects so the controller names each bad proof.
      res = await this.socket.timeout(timeoutMs).emitWithAck('proofs:upload', { proofs });
    }
    if ('error' in res) throw new UploadRefused(res.error.code, res.error.message, res.error.retryAfterMs);
    return res;
  }

  /** Kiosk survey answers; same result shape as proofs (acked ids, rejected with reasons). */
  async uploadSurveys(answers: SurveyAnswer[], timeoutMs = 15_000): Promise<ProofUploadResult> {
    const res = await this.socket.timeout(timeoutMs).emitWithAck('surveys:upload', { answers });
    if ('error' in res) throw new Error(`${res.error.code}: ${res.error.message}`);
    return res;
  }

  /** A screenshot for the `screenshot` command; the PNG goes as a binary attachment, not base64. */
  async uploadScreenshot(shot: ScreenshotUpload, timeoutMs = 30_000): Promise<{ width: number; height: number }> {
    const res = await this.socket.timeout(timeoutMs).emitWithAck('screenshot:upload', shot);
    if ('error' in res) throw new Error(`${res.error.code}: ${res.error.message}`);
    return res;
  }

  mediaProgress(p: MediaProgress): void {
    if (this.socket.connected) this.socket.emit('media:progress', p);
  }

  close(): void {
    this.closed = true;
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.socket.disconnect();
  }
}

/**
 * The controller refused a proof upload; the proofs stay in the outbox. `retryAfterMs` is set when the
 * refusal is only for now (the device's ingest budget): no retry is useful before it.
 */
export class UploadRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`${code}: ${message}`);
  }
}
