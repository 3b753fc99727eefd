import type http from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { z } from 'zod';
import type { Logger } from 'pino';
import {
  apiError,
  type Bundle,
  BundleAckSchema,
  readBundleAck,
  type ControllerToPlayerEvents,
  fromZodError,
  HandshakeAuthSchema,
  HeartbeatSchema,
  InterruptAckSchema,
  MediaProgressSchema,
  type InterServerEvents,
  type OutputStatus,
  type PlayerToControllerEvents,
  ProofBatchSchema,
  ProofColumnsSchema,
  decodeProofColumns,
  ProofSchema,
  type Proof,
  type ProofUploadResult,
  type SocketData,
  SUPPORTED_PROTOCOLS,
} from '@bangtin/shared';
import type { Store } from '../store';
import type { DeviceHealth } from '../store/devices';
import { nextRevision } from '../store/meta';
import { type ClaimOutcome, ReenrolmentStore } from '../store/reenrolments';
import { hashToken } from '../auth/tokens';
import type { StorageMonitor } from '../store/storage';
import { type BundleBody, compileAll, toBundle } from '../bundles';
import { DeviceLive } from './device-live';
import { BundleHistory } from './bundle-history';
import { DeviceLog } from './device-log';
import { HeldHealth } from './held-health';
import { DEFAULT_PROOF_BUDGET, ProofBudget, type ProofBudgetOptions } from './proof-budget';
import { PLAYER_MESSAGE_BYTES, PREAUTH_MESSAGE_BYTES, raiseMessageLimit } from './message-limits';
import { chainHash } from '../store/proof-chain';
import type { ControllerMetrics } from '../metrics';

type HubServer = Server<PlayerToControllerEvents, ControllerToPlayerEvents, InterServerEvents, SocketData>;
export type HubSocket = Socket<PlayerToControllerEvents, ControllerToPlayerEvents, InterServerEvents, SocketData>;

const HEALTH_FLUSH_MS = 2000;
/** Held heartbeats written per transaction (see held-health.ts). */
const HEALTH_CHUNK = 500;
/** Small device writes held in memory while the disk is full; past this the oldest are dropped. */
const MAX_HELD_WRITES = 50_000;
/** Proof uploads stored in one transaction: those within this many ms, or until this many rows (see `flushUploads`). */
const UPLOAD_GROUP_MS = 5;
const UPLOAD_GROUP_ROWS = 1000;
/** Bundle acks held as one write (see `bundleAcked`). */
const ACK_BATCH = 256;

/** Error passed to socket.io's `next()`: the player sees `err.message` = code and `err.data` = the API error. */
/** What `newToken('dev')` makes: the prefix and 32 random bytes in base64url. */
const DEVICE_TOKEN_FORMAT = /^dev_[\w-]{43}$/;

function refusal(code: string, message: string): Error & { data: unknown } {
  return Object.assign(new Error(code), { data: apiError(code, message) });
}

/** How often the controller writes that it is alive (its own heartbeat, for the availability report). */
export const CONTROLLER_ALIVE_MS = 5000;

/** How many proofs a refused batch held, when it says (`key` an array); 1 when it cannot be told. */
function batchLength(raw: unknown, key: string): number {
  const list = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[key] : undefined;
  return Array.isArray(list) && list.length > 0 ? list.length : 1;
}

/** A proof upload checked and waiting for its group's transaction (see `flushUploads`). */
interface PendingUpload {
  socket: HubSocket;
  deviceId: string;
  toStore: Proof[];
  /** Chain hash per proof in `toStore`, null for unchained ones. */
  hashes: (string | null)[];
  rejected: ProofUploadResult['rejected'];
  outOfScope: number;
  ack: Parameters<PlayerToControllerEvents['proofs:upload']>[1];
  /** Ids that may have been stored before (see ProofStore.insertBatch). */
  already: string[];
  stored: { inserted: number };
  failed: 'storage' | 'error' | null;
}

export interface Hub {
  io: HubServer;
  /** Recompiles bundles and pushes them to the devices whose bundle changed; returns those devices. */
  refresh(): string[];
  /** Coalesces many changes in one tick into one refresh. */
  requestRefresh(): void;
  isOnline(deviceId: string): boolean;
  /** The device's connected socket, if any (one per device: a newer connection replaces an older one). */
  socketOf(deviceId: string): HubSocket | undefined;
  /** The bundle the device holds (or is being sent): what the timeline endpoint resolves. */
  bundleFor(deviceId: string): Bundle | null;
  /** Called when a device acks an urgent message (after it is recorded). */
  onInterruptAck(listener: (interruptId: string, deviceId: string) => void): void;
  /** Called when a player acknowledges a bundle revision (it applied it). */
  onBundleAck(listener: (deviceId: string, version: number) => void): void;
  onlineCount(): number;
  disconnectDevice(deviceId: string, reason: string): void;
  /** Outputs (LED boards) of a device as its player last reported them; null when not reported since start. */
  outputStatus(deviceId: string): OutputStatus[] | null;
  /** Sends the device's configured LED boards to its player, if connected. */
  pushDeviceConfig(deviceId: string): void;
  /** Asks a connected player to resend its kept acknowledged proofs of plays started in (from, to]; false when offline. */
  requestProofResend(deviceId: string, from: number, to: number): boolean;
  /** Fresh last-seen times, disk space and media progress of players, and their change events. */
  live: DeviceLive;
  close(): Promise<void>;
}

export function createHub(opts: {
  httpServer: http.Server;
  store: Store;
  log: Logger;
  version: string;
  /** Without one (tests of the hub alone), writes are tried as they come and failures are logged. */
  storage?: StorageMonitor;
  metrics: ControllerMetrics;
  /** Proofs per device per minute and per day (BANGTIN_PROOF_BUDGET_PER_MINUTE / _PER_DAY). */
  proofBudget?: ProofBudgetOptions;
}): Hub {
  const { store, log, storage, metrics } = opts;
  // What each device was sent (its scope for proofs and acks), and how many proofs it may send.
  const history = new BundleHistory(store.db);
  const budget = new ProofBudget(opts.proofBudget ?? DEFAULT_PROOF_BUDGET);
  const diskFull = () => storage?.full ?? false;
  /** True when `err` is the disk refusing the write (the monitor is told); false for anything else. */
  const storageFailure = (err: unknown) => storage?.failed(err) ?? false;
  const io: HubServer = new Server(opts.httpServer, {
    // Players are not browsers: no CORS needed. Small until the device token is checked; raised per
    // connection for players (see message-limits.ts): 100 sockets sending an 8 MB CONNECT took 600 MB.
    maxHttpBufferSize: PREAUTH_MESSAGE_BYTES,
    pingInterval: 20_000,
    pingTimeout: 20_000,
    serveClient: false,
  });

  const sockets = new Map<string, HubSocket>();
  const current = new Map<string, { version: number; body: BundleBody }>();
  // Fresher than the database (written every HEALTH_FLUSH_MS): the device list reads it first.
  const outputStatus = new Map<string, OutputStatus[]>();
  const live = new DeviceLive();
  // Devices whose entry in `current` is still the empty placeholder loaded at start: never sent, or a
  // board would go blank. Normally gone after the first refresh; stays while a full disk blocks one.
  const uncompiled = new Set<string>();
  let refreshQueued = false;
  // Metrics: each connected player's last reported outbox size, and the bundle it has not acked yet.
  const outboxSizes = new Map<string, number>();
  const awaitingAck = new Map<string, { version: number; sentAt: number }>();
  // An acked device's entry is set to this rather than deleted: emptying and refilling a map of 10,000
  // on every province-wide change rebuilt its table each time.
  const ACKED = { version: -1, sentAt: 0 };
  /** The player holds `version` (acked, or reported at connect with the current hash). */
  function bundleAcked(deviceId: string, version: number, hash: string): void {
    for (const l of bundleAckListeners) l(deviceId, version);
    // The controller's own copy of the hash when it is the same: the parsed one is then dropped at once.
    const cur = current.get(deviceId);
    if (cur?.body.hash === hash) hash = cur.body.hash;
    // 10,000 acks arrive after a province-wide change: they are held as flat rows, up to ACK_BATCH acks
    // a write, rather than a closure each. A batch takes rows only while it is the newest held write, so
    // writes still land in the order they came; on a full disk each ack is a write of its own, as the
    // cap on held writes counts writes.
    if (!ackRows || ackRows.length >= 4 * ACK_BATCH || deferred.at(-1) !== ackWrite || diskFull()) {
      const rows: (string | number)[] = [];
      ackRows = rows;
      ackWrite = () => {
        for (let k = 0; k < rows.length; k += 4) {
          store.devices.setAckedBundle(rows[k] as string, rows[k + 1] as number);
          store.evidence.bundleHeld(rows[k] as string, rows[k + 2] as string, rows[k + 3] as number);
        }
      };
      deferWrite(ackWrite);
    }
    ackRows.push(deviceId, version, hash, Date.now());
  }
  let ackRows: (string | number)[] | null = null;
  let ackWrite: (() => void) | null = null;
  /** Bundle `version` went to these devices; they share one record of when, until each acks. */
  function sentBundle(deviceIds: readonly string[], version: number, trigger: 'connect' | 'change'): void {
    metrics.bundlePushes.inc({ trigger }, deviceIds.length);
    const sent = { version, sentAt: performance.now() };
    for (const id of deviceIds) awaitingAck.set(id, sent);
  }
  metrics.sources.connectedPlayers = () => sockets.size;
  metrics.sources.outboxBacklog = () => {
    let n = 0;
    for (const v of outboxSizes.values()) n += v;
    return n;
  };

  // Nothing is carried over from the last run: the first refresh gives every device a new revision. The
  // database may have been restored from an older backup, and players must see versions only go up
  // (nextRevision never goes below the seconds since 2020). A player that already has the content
  // acknowledges the new version without reloading anything (same hash).

  // This run in the controller's own ledger; sessions a killed controller left open end at its last
  // heartbeat of its own (availability report), and it keeps writing one every few seconds. On a full
  // disk both wait for space, and so does everything that would move last-seen times first.
  let run: { previousEnd: number | null } | null = null;
  let leftOpenPending = true;
  function closeLeftOpen(): void {
    if (!leftOpenPending) return;
    try {
      storage?.assertWritable();
      run ??= store.controllerRuns.start();
      store.connectivity.closeLeftOpen(run.previousEnd);
      leftOpenPending = false;
    } catch (err) {
      if (!storageFailure(err)) throw err;
      log.warn('closing the sessions left open by the last run waits until the disk has space');
    }
  }
  closeLeftOpen();
  const aliveTimer = setInterval(() => {
    if (!run || diskFull()) return;
    try {
      store.controllerRuns.alive();
    } catch (err) {
      if (!storageFailure(err)) log.warn({ err }, 'controller heartbeat not recorded');
    }
  }, CONTROLLER_ALIVE_MS);
  aliveTimer.unref();
  let stopping = false;

  const heldHealth = new HeldHealth({
    write: (batch) => store.devices.writeHealth(batch),
    storageFailure,
    canWrite: () => !leftOpenPending && !diskFull(),
    onError: (err) => log.error({ err }, 'writing device health failed'),
  });
  const flushHealthNow = () => heldHealth.flush();
  const flushHealth = setInterval(() => heldHealth.flush(heldHealth.size, HEALTH_CHUNK), HEALTH_FLUSH_MS);
  flushHealth.unref();

  // Small writes that arrive in storms (10,000 players acking one change, or reconnecting at once)
  // are queued and committed together a moment later.
  let deferred: (() => void)[] = [];
  let deferTimer: NodeJS.Timeout | null = null;
  let droppedWrites = 0;
  function flushDeferred(): void {
    if (deferTimer) clearTimeout(deferTimer);
    deferTimer = null;
    // Held while the disk is full (and until the last run's sessions are closed: order matters there).
    if (deferred.length === 0 || leftOpenPending || diskFull()) return;
    const batch = deferred;
    deferred = [];
    try {
      store.db.transaction(() => batch.forEach((w) => w()))();
    } catch (err) {
      if (storageFailure(err)) {
        deferred = [...batch, ...deferred];
        return;
      }
      log.error({ err }, 'deferred device writes failed');
    }
  }
  function deferWrite(w: () => void): void {
    deferred.push(w);
    if (deferred.length > MAX_HELD_WRITES) {
      deferred.shift();
      if (droppedWrites++ % 10_000 === 0)
        log.warn({ dropped: droppedWrites }, 'disk full: oldest held device writes dropped (connectivity, acks)');
    }
    deferTimer ??= setTimeout(flushDeferred, 250);
  }

  function noteHealth(deviceId: string, h: Partial<DeviceHealth>): void {
    heldHealth.note(deviceId, h);
  }

  function refresh(): string[] {
    const compiled = compileAll(store);
    let revision: number | null = null;
    const changed = new Map<string, { bundle: Bundle; deviceIds: string[] }>();
    const versionWrites: (string | number)[] = []; // device id, revision, hash; repeated
    // On a full disk unchanged bundles are still compiled (so they can be sent), but no revision can be
    // taken for a changed one: that device keeps the bundle it has until the refresh after recovery.
    for (const [deviceId, body] of compiled) {
      const prev = current.get(deviceId);
      if (prev && prev.body.hash === body.hash) {
        prev.body = body; // in place: a new record per device and refresh was 10,000 objects of garbage
        uncompiled.delete(deviceId);
        continue;
      }
      // A new bundle needs a revision, a write: on a full disk the device keeps the one it has.
      if (diskFull()) {
        refreshMissed = true;
        continue;
      }
      revision ??= nextRevision(store.db);
      current.set(deviceId, { version: revision, body });
      uncompiled.delete(deviceId);
      versionWrites.push(deviceId, revision, body.hash);
      let group = changed.get(body.hash);
      if (!group) {
        group = { bundle: toBundle(body, revision), deviceIds: [] };
        changed.set(body.hash, group);
      }
      group.deviceIds.push(deviceId);
    }
    for (const id of current.keys()) if (!compiled.has(id)) current.delete(id);
    // One broadcast per distinct bundle: socket.io encodes the payload once for all its rooms.
    const historyWrites: (() => void)[] = [];
    for (const { bundle, deviceIds } of changed.values()) {
      const online = deviceIds.filter((id) => sockets.has(id));
      // Into the history before the send: the player may upload proofs of it before any write lands.
      const w = history.sentToAll(online, bundle);
      if (w) historyWrites.push(w);
      // When the change reaches every connected player (a province-wide schedule), the namespace-wide
      // broadcast skips building a set out of 10,000 rooms; the main namespace holds only players.
      if (online.length > 0 && online.length === io.of('/').sockets.size) io.emit('bundle', bundle);
      // Every socket is in the room of its own id: no room per device to keep for 10,000 players.
      else if (online.length > 0) io.to(online.map((id) => sockets.get(id)!.id)).emit('bundle', bundle);
      if (online.length > 0) sentBundle(online, bundle.version, 'change');
    }
    if (historyWrites.length > 0) deferWrite(() => historyWrites.forEach((w) => w()));
    // The versions are recorded right after, in one transaction (a province-wide change must not cost
    // 10,000 commits), and after the sockets got their writes: the revision itself is already
    // committed by nextRevision, so a crash in between only re-sends the same content under a newer one.
    if (changed.size > 0) {
      // Kept by hash for the compliance report (what each device was told to play); a few rows per
      // refresh, since devices with the same schedule share a bundle.
      const bodies = [...changed.values()].map((g) => g.bundle);
      setImmediate(() => {
        try {
          store.evidence.keepBundles(bodies);
        } catch (err) {
          if (storageFailure(err)) deferWrite(() => store.evidence.keepBundles(bodies));
          else log.error({ err }, 'keeping bundle bodies failed');
        }
      });
    }
    if (versionWrites.length > 0) {
      const writeVersions = () => {
        for (let k = 0; k < versionWrites.length; k += 3)
          store.devices.setBundle(
            versionWrites[k] as string,
            versionWrites[k + 1] as number,
            versionWrites[k + 2] as string,
          );
      };
      setImmediate(() => {
        try {
          store.db.transaction(writeVersions)();
        } catch (err) {
          if (storageFailure(err)) deferWrite(writeVersions);
          else log.error({ err }, 'recording bundle versions failed');
        }
      });
    }
    if (changed.size > 0)
      log.info(
        { revision, devices: [...changed.values()].reduce((n, g) => n + g.deviceIds.length, 0) },
        'bundles changed',
      );
    return [...changed.values()].flatMap((g) => g.deviceIds);
  }
  const ackListeners: ((interruptId: string, deviceId: string) => void)[] = [];
  const bundleAckListeners: ((deviceId: string, version: number) => void)[] = [];

  // Compile once at start, so a device connecting finds its bundle ready.
  let refreshMissed = false;
  safeRefresh();

  /** A refresh from a timer or an event: a full disk or a bug is logged, never thrown into socket.io. */
  function safeRefresh(): void {
    try {
      refresh();
    } catch (err) {
      if (storageFailure(err)) refreshMissed = true;
      else log.error({ err }, 'bundle refresh failed');
    }
  }

  // Space is back: first the last run's sessions, then what was held, then bundles edited meanwhile.
  storage?.onRecover(() => {
    closeLeftOpen();
    flushDeferred();
    flushHealthNow();
    if (refreshMissed) {
      refreshMissed = false;
      safeRefresh();
    }
  });

  function requestRefresh(): void {
    if (refreshQueued) return;
    refreshQueued = true;
    setImmediate(() => {
      refreshQueued = false;
      safeRefresh();
    });
  }

  const reenrolments = new ReenrolmentStore(store.db);
  /**
   * An unknown token: a well-formed one with the device's id and name becomes a re-enrolment request
   * (a device enrolled after the backup this database was restored from), refused with its own code
   * until an admin approves it. Anything else stays a plain `unauthorized`.
   */
  function reenrolmentRefusal(auth: z.infer<typeof HandshakeAuthSchema>, address: string): Error {
    const unknown = refusal('unauthorized', 'unknown device token');
    if (!DEVICE_TOKEN_FORMAT.test(auth.token) || !auth.deviceId || !auth.deviceName) return unknown;
    const known = store.devices.get(auth.deviceId);
    if (known?.revokedAt) return refusal('revoked', 'this device has been revoked');
    let outcome: ClaimOutcome;
    try {
      outcome = reenrolments.claim({
        tokenHash: hashToken(auth.token),
        deviceId: auth.deviceId,
        name: auth.deviceName,
        groupId: auth.groupId ?? null,
        address,
        playerVersion: auth.playerVersion,
      });
    } catch (err) {
      log.error({ err }, 're-enrolment request could not be stored');
      return unknown;
    }
    if (outcome.kind === 'rejected') return refusal('unauthorized', 'an administrator rejected this device token');
    if (outcome.kind === 'full') {
      log.warn({ address }, 're-enrolment requests are full; refusing an unknown token without recording it');
      return unknown;
    }
    const r = outcome.request;
    if (r.attempts === 1) log.warn({ request: r.id, deviceId: r.deviceId, address }, 'device asks to re-enrol');
    return refusal(
      'reenrol-pending',
      `this controller does not know the token of "${r.name}"; an administrator must approve its re-enrolment ` +
        `(request ${r.id}, token fingerprint ${r.fingerprint})`,
    );
  }

  io.use((socket, next) => {
    const auth = HandshakeAuthSchema.safeParse(socket.handshake.auth);
    if (!auth.success) {
      return next(refusal('invalid-handshake', fromZodError(auth.error, 'invalid-handshake', 'auth').error.message));
    }
    if (!SUPPORTED_PROTOCOLS.includes(auth.data.protocol)) {
      return next(
        refusal(
          'protocol-incompatible',
          `player protocol ${auth.data.protocol} is not supported by this controller (supports ${SUPPORTED_PROTOCOLS.join(', ')}); update the player`,
        ),
      );
    }
    const device = store.devices.authByToken(auth.data.token);
    if (!device) return next(reenrolmentRefusal(auth.data, socket.handshake.address));
    if (device.revokedAt !== null) return next(refusal('revoked', 'this device has been revoked'));
    socket.data.deviceId = device.id;
    socket.data.protocol = auth.data.protocol;
    socket.data.lostAt = auth.data.lostAt ?? null;
    socket.data.heldBundleHash = auth.data.bundleHash ?? null;
    try {
      raiseMessageLimit(socket.conn, PLAYER_MESSAGE_BYTES);
    } catch (err) {
      log.error({ err }, 'player message limit not raised: screenshots and large batches will be cut off');
    }
    const playerVersion = auth.data.playerVersion;
    deferWrite(() => store.devices.setPlayerVersion(device.id, playerVersion));
    next();
  });

  // The players' events, one function each for every socket (`this` is the socket): closures made per
  // connection cost ~1.7 KB of heap a player, held while it is connected (heap snapshots at 3,000).
  const deviceLog = (socket: HubSocket) => new DeviceLog(log, socket.data.deviceId, socket.id);
  function onClockSync(
    this: HubSocket,
    ...[_clientSentAt, ack]: Parameters<PlayerToControllerEvents['clock:sync']>
  ): void {
    if (typeof ack !== 'function') return;
    ack(Date.now());
  }

  function onBundleAck(this: HubSocket, ...[raw]: Parameters<PlayerToControllerEvents['bundle:ack']>): void {
    const deviceId = this.data.deviceId;
    const ack = readBundleAck(raw);
    if (!ack) {
      const issue = BundleAckSchema.safeParse(raw).error?.issues[0];
      return deviceLog(this).warn({ issue }, 'malformed bundle ack');
    }
    const version = ack.version;
    const sent = awaitingAck.get(deviceId);
    if (sent && sent.version === version) {
      awaitingAck.set(deviceId, ACKED);
      metrics.bundleAckSeconds.observe((performance.now() - sent.sentAt) / 1000);
    }
    bundleAcked(deviceId, version, ack.hash);
  }

  function onInterruptAck(
    this: HubSocket,
    ...[raw, done]: Parameters<PlayerToControllerEvents['interrupt:ack']>
  ): void {
    const deviceId = this.data.deviceId;
    const reply = typeof done === 'function' ? done : () => undefined;
    const parsed = InterruptAckSchema.safeParse(raw);
    if (!parsed.success) return reply(fromZodError(parsed.error, 'invalid-interrupt-ack'));
    const { interruptId, shownAt } = parsed.data;
    // Only for a message this device was sent (in a bundle, or listed as a delivery when it was made).
    // One the controller does not know at all (deleted) is answered `recorded: false`, as before.
    if (
      !history.sentInterrupt(deviceId, interruptId) &&
      !store.interrupts.deliveredTo(interruptId, deviceId) &&
      store.interrupts.get(interruptId)
    ) {
      deviceLog(this).warn({ interruptId }, 'ack for an urgent message never sent to this device refused');
      return reply(
        apiError('interrupt-not-sent', 'interruptId: this urgent message was never sent to this device', 'interruptId'),
      );
    }
    const at = Date.now();
    let recorded: boolean;
    try {
      storage?.assertWritable();
      recorded = store.interrupts.ack(interruptId, deviceId, at, shownAt);
    } catch (err) {
      if (!storageFailure(err)) {
        deviceLog(this).error({ err }, 'storing an urgent-message ack failed');
        return reply(apiError('store-failed', 'the controller could not store the acknowledgement; retry later'));
      }
      // The player forgets an ack once answered, so a full disk holds it here until space returns.
      deferWrite(() => void store.interrupts.ack(interruptId, deviceId, at, shownAt));
      recorded = true;
    }
    if (recorded) for (const l of ackListeners) l(parsed.data.interruptId, deviceId);
    reply({ recorded });
  }

  function onHeartbeat(this: HubSocket, ...[raw]: Parameters<PlayerToControllerEvents['heartbeat']>): void {
    const deviceId = this.data.deviceId;
    const parsed = HeartbeatSchema.safeParse(raw);
    if (!parsed.success) return deviceLog(this).warn({ issue: parsed.error.issues[0] }, 'malformed heartbeat');
    const hb = parsed.data;
    noteHealth(deviceId, { nowPlaying: hb.nowPlaying, outboxSize: hb.outboxSize, clockOffsetMs: hb.clockOffsetMs });
    if (hb.outputs) {
      const prevOutputs = outputStatus.get(deviceId);
      const changedStates = hb.outputs.filter((o) => prevOutputs?.find((p) => p.id === o.id)?.state !== o.state);
      if (changedStates.length > 0) {
        const at = Date.now();
        deferWrite(() => store.evidence.outputStates(deviceId, changedStates, at));
      }
      outputStatus.set(deviceId, hb.outputs);
      noteHealth(deviceId, { outputs: hb.outputs });
    }
    live.heartbeat(deviceId, hb);
    if (sockets.get(deviceId) === this) outboxSizes.set(deviceId, hb.outboxSize);
  }

  function onMediaProgress(this: HubSocket, ...[raw]: Parameters<PlayerToControllerEvents['media:progress']>): void {
    const deviceId = this.data.deviceId;
    const parsed = MediaProgressSchema.safeParse(raw);
    if (parsed.success) live.setMedia(deviceId, parsed.data);
  }

  // Stored by the media routes' own listener, which runs after this one: the row changes after it.
  function onScreenshotUpload(this: HubSocket): void {
    const deviceId = this.data.deviceId;
    setImmediate(() => live.changed(deviceId, false));
  }

  function onProofsUpload(this: HubSocket, ...[raw, ack]: Parameters<PlayerToControllerEvents['proofs:upload']>): void {
    const deviceId = this.data.deviceId;
    if (typeof ack !== 'function') return;
    const valid: Proof[] = [];
    const rejected: ProofUploadResult['rejected'] = [];
    if (raw && typeof raw === 'object' && 'columns' in raw) {
      // Column-wise batches are checked column by column; one bad column refuses the whole batch
      // and the player re-sends it as objects to learn which proof is at fault.
      const cols = ProofColumnsSchema.safeParse(raw.columns);
      if (!cols.success) {
        metrics.proofsRejected.inc({ reason: 'invalid-batch' }, batchLength(raw.columns, 'id'));
        return ack(fromZodError(cols.error, 'invalid-proof-batch', 'columns'));
      }
      valid.push(...decodeProofColumns(cols.data));
    } else {
      const batch = ProofBatchSchema.safeParse(raw);
      if (!batch.success) {
        metrics.proofsRejected.inc({ reason: 'invalid-batch' }, batchLength(raw, 'proofs'));
        return ack(fromZodError(batch.error, 'invalid-proof-batch'));
      }
      for (const p of batch.data.proofs) {
        const parsed = ProofSchema.safeParse(p);
        if (parsed.success) valid.push(parsed.data);
        else {
          const id = typeof (p as { id?: unknown })?.id === 'string' ? (p as { id: string }).id : null;
          rejected.push({ id, reason: fromZodError(parsed.error, 'invalid-proof').error.message });
        }
      }
    }
    // A device writes plays only of what it was sent: not another district's schedule.
    const knownCache = new Map<string, boolean>();
    let outOfScope = 0;
    const inScope: Proof[] = [];
    for (const p of valid) {
      const why = history.proofProblem(deviceId, p.scheduleId, p.startedAt, knownCache);
      if (why) {
        rejected.push({ id: p.id, reason: why });
        outOfScope++;
      } else inScope.push(p);
    }
    // The ingest budget: what is over it is neither acked nor rejected, so it stays in the player's
    // outbox; with nothing left the batch is refused with when to come back (the player backs off).
    const grant = budget.take(deviceId, inScope.length);
    if (grant.granted < inScope.length) {
      metrics.proofsRejected.inc({ reason: 'budget' }, inScope.length - grant.granted);
      if (grant.granted === 0 && rejected.length === 0) {
        const per = grant.exhausted === 'day' ? `${budget.opts.perDay} a day` : `${budget.opts.perMinute} a minute`;
        deviceLog(this).warn({ retryAfterMs: grant.retryAfterMs, budget: grant.exhausted }, 'proof budget exceeded');
        const e = apiError(
          'proof-budget-exceeded',
          `proofs: this device sent more than ${per}; keep them and retry in ${Math.ceil(grant.retryAfterMs / 1000)} s`,
          'proofs',
        );
        return ack({ error: { ...e.error, retryAfterMs: grant.retryAfterMs } });
      }
    }
    const toStore = grant.granted < inScope.length ? inScope.slice(0, grant.granted) : inScope;
    pendingUploads.push({
      socket: this,
      deviceId,
      toStore,
      hashes: toStore.map(chainHash),
      rejected,
      outOfScope,
      ack,
      already: [],
      stored: { inserted: 0 },
      failed: null,
    });
    pendingRows += toStore.length;
    if (pendingRows >= UPLOAD_GROUP_ROWS) flushUploads();
    else uploadTimer ??= setTimeout(flushUploads, UPLOAD_GROUP_MS);
  }

  // Uploads that arrive within UPLOAD_GROUP_MS of each other are stored in one transaction and acked
  // after it commits (an ack still means stored). At 10,000 players a proof every 10 s is 1,000
  // uploads a second, each of one proof: a commit each was a third of the controller's time.
  const pendingUploads: PendingUpload[] = [];
  let pendingRows = 0;
  let uploadTimer: NodeJS.Timeout | null = null;
  function storeUpload(u: PendingUpload, receivedAt: number): void {
    u.already = store.proofs.insertBatch(u.deviceId, u.toStore, receivedAt, u.stored, u.hashes);
    if (u.hashes.some((h) => h !== null)) {
      const chain = store.proofChain.noteBatch(u.deviceId, u.toStore, u.hashes, u.already, receivedAt);
      if (chain.conflicts > 0 || chain.unlinked > 0) {
        deviceLog(u.socket).warn(chain, 'proofs do not continue their chain (reused seq or wrong prevHash)');
      }
    }
  }
  const storeUploads = store.db.transaction((group: PendingUpload[], receivedAt: number) => {
    for (const u of group) storeUpload(u, receivedAt);
  });
  function flushUploads(): void {
    if (uploadTimer) clearTimeout(uploadTimer);
    uploadTimer = null;
    if (pendingUploads.length === 0) return;
    const group = pendingUploads.splice(0);
    pendingRows = 0;
    const receivedAt = Date.now();
    try {
      storage?.assertWritable();
      storeUploads(group, receivedAt);
    } catch (err) {
      if (storageFailure(err)) {
        for (const u of group) u.failed = 'storage';
      } else if (group.length === 1) {
        deviceLog(group[0]!.socket).error({ err }, 'storing proofs failed');
        group[0]!.failed = 'error';
      } else {
        // Not the disk: one upload's fault must not refuse the others, so each is tried on its own.
        for (const u of group) {
          u.already = [];
          u.stored.inserted = 0;
          try {
            storeUploads([u], receivedAt);
          } catch (e) {
            if (storageFailure(e)) u.failed = 'storage';
            else {
              deviceLog(u.socket).error({ err: e }, 'storing proofs failed');
              u.failed = 'error';
            }
          }
        }
      }
    }
    for (const u of group) finishUpload(u);
  }
  function finishUpload(u: PendingUpload): void {
    const { deviceId, toStore, rejected, stored, ack } = u;
    // Nothing of a failed upload was stored: it costs no budget (the player sends it again).
    if (u.failed) budget.refund(deviceId, toStore.length);
    if (u.failed === 'storage') {
      return ack(
        apiError('store-failed', `the controller could not store proofs (${storage!.message()}); retry later`),
      );
    }
    if (u.failed === 'error') {
      metrics.proofsRejected.inc({ reason: 'store-failed' }, toStore.length);
      return ack(apiError('store-failed', 'the controller could not store proofs; retry later'));
    }
    // A replay is acked again; an id that another device already used is a forgery or a bug, and
    // is refused (the stored proof is never overwritten).
    const clash = new Set<string>();
    if (u.already.length > 0) {
      for (const [id, owner] of store.proofs.ownersOf(u.already)) if (owner !== deviceId) clash.add(id);
    }
    for (const id of clash) rejected.push({ id, reason: 'id: already used by another device' });
    const invalid = rejected.length - clash.size - u.outOfScope;
    if (invalid > 0) metrics.proofsRejected.inc({ reason: 'invalid' }, invalid);
    if (u.outOfScope > 0) metrics.proofsRejected.inc({ reason: 'out-of-scope' }, u.outOfScope);
    if (clash.size > 0) metrics.proofsRejected.inc({ reason: 'id-clash' }, clash.size);
    const replays = toStore.length - stored.inserted - clash.size;
    if (replays > 0) metrics.proofsDuplicate.inc(replays);
    // Resending what is already stored (a lost ack, a restore) costs no budget.
    budget.refund(deviceId, replays);
    if (stored.inserted > 0) metrics.proofsIngested.inc(stored.inserted);
    if (rejected.length > 0)
      deviceLog(u.socket).warn({ rejected: rejected.slice(0, 5), count: rejected.length }, 'proofs rejected');
    noteHealth(deviceId, {});
    ack({ acked: (clash.size > 0 ? toStore.filter((p) => !clash.has(p.id)) : toStore).map((p) => p.id), rejected });
  }

  function onDisconnect(this: HubSocket, reason: string): void {
    const deviceId = this.data.deviceId;
    if (sockets.get(deviceId) === this) {
      sockets.delete(deviceId);
      outboxSizes.delete(deviceId);
      awaitingAck.delete(deviceId);
      const at = Date.now();
      deferWrite(() => store.connectivity.disconnected(deviceId, at, stopping ? 'controller-stopped' : 'disconnected'));
    }
    noteHealth(deviceId, {});
    live.heard(deviceId, true);
    deviceLog(this).debug({ reason }, 'player disconnected');
  }

  io.on('connection', (socket) => {
    const deviceId = socket.data.deviceId;
    // A device is one player: a second connection (e.g. a restarted player whose old socket is
    // not yet timed out) replaces the first.
    // The new socket is registered first, so the old one's disconnect does not end the device's session.
    const previous = sockets.get(deviceId);
    sockets.set(deviceId, socket);
    if (previous && previous.id !== socket.id) previous.disconnect(true);
    const connectedAt = Date.now();
    const lostAt = socket.data.lostAt;
    deferWrite(() => {
      // The player's own record of when it lost the previous connection ends that session.
      if (lostAt !== null) store.connectivity.endedAt(deviceId, lostAt, connectedAt);
      store.connectivity.connected(deviceId, connectedAt);
    });
    noteHealth(deviceId, {});
    live.heard(deviceId, true);
    deviceLog(socket).debug('player connected');

    const device = store.devices.greeting(deviceId);
    socket.emit('hello', {
      protocol: socket.data.protocol,
      deviceId,
      deviceName: device?.name ?? '',
      serverTime: Date.now(),
      proofsThrough: store.proofs.latestStartOf(deviceId),
    });
    let cur = current.get(deviceId);
    if (!cur) {
      // Enrolled since the last refresh: compile now so the player never waits.
      safeRefresh();
      cur = current.get(deviceId);
    }
    if (cur && !uncompiled.has(deviceId)) {
      const w = history.sent(deviceId, cur.body);
      if (w) deferWrite(w);
      if (socket.data.heldBundleHash === cur.body.hash) {
        // The player already holds this content (the hash covers everything but version and time): after
        // a controller restart or a network flap, 10,000 identical bundles are not sent again. It counts
        // as acknowledged at the current revision, as if the player had received and acked it (which,
        // for the same hash, reloads nothing). Anything changed while it was away changes the hash.
        metrics.bundleSkips.inc();
        bundleAcked(deviceId, cur.version, cur.body.hash);
      } else {
        socket.emit('bundle', toBundle(cur.body, cur.version));
        sentBundle([deviceId], cur.version, 'connect');
      }
    }
    socket.emit('device:config', { outputs: device?.outputConfig ?? [] });

    socket.on('clock:sync', onClockSync);
    socket.on('bundle:ack', onBundleAck);
    socket.on('interrupt:ack', onInterruptAck);
    socket.on('heartbeat', onHeartbeat);
    socket.on('media:progress', onMediaProgress);
    socket.on('screenshot:upload', onScreenshotUpload);
    socket.on('proofs:upload', onProofsUpload);
    socket.on('disconnect', onDisconnect);
  });

  return {
    io,
    refresh,
    requestRefresh,
    isOnline: (id) => sockets.has(id),
    socketOf: (id) => sockets.get(id),
    bundleFor: (id) => {
      const cur = current.get(id);
      return cur && !uncompiled.has(id) ? toBundle(cur.body, cur.version) : null;
    },
    onInterruptAck: (l) => void ackListeners.push(l),
    onBundleAck: (l) => void bundleAckListeners.push(l),
    onlineCount: () => sockets.size,
    disconnectDevice: (id, reason) => {
      const s = sockets.get(id);
      if (s) {
        log.info({ deviceId: id, reason }, 'disconnecting device');
        s.disconnect(true);
      }
    },
    outputStatus: (id) => outputStatus.get(id) ?? null,
    live,
    requestProofResend: (id, from, to) => {
      const s = sockets.get(id);
      if (!s) return false;
      s.emit('proofs:resend', { from, to });
      return true;
    },
    pushDeviceConfig: (id) => {
      const s = sockets.get(id);
      if (s) s.emit('device:config', { outputs: store.devices.get(id)?.outputConfig ?? [] });
    },
    close: async () => {
      stopping = true;
      clearInterval(aliveTimer);
      clearInterval(flushHealth);
      flushUploads(); // their players are still connected: they get their acks
      // On a full disk these are skipped (what is held is lost with the process; the next start
      // closes the sessions left open, as after a crash).
      flushDeferred();
      flushHealthNow();
      io.disconnectSockets(true);
      flushDeferred(); // the disconnects just recorded end the devices' sessions now, not at the next start
      try {
        store.controllerRuns.stop();
      } catch (err) {
        log.warn({ err }, 'controller stop not recorded');
      }
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
