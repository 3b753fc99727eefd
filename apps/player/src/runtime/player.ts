import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import pino from 'pino';
import {
  type Bundle,
  bundleForOutput,
  bundleHashInput,
  type ContentType,
  type DeviceCommand,
  DeviceCommandSchema,
  type DeviceConfig,
  DeviceConfigSchema,
  type EndReason,
  type Hello,
  newId,
  type OutputStatus,
  type PlayPosition,
  type Proof,
  type SurveyAnswer,
  type SurveyConfig,
  SurveyConfigSchema,
} from '@bangtin/shared';
import { type MediaCache, mediaRefs } from '../cache/media-cache';
import { SurveyOutbox } from './survey-outbox';
import { Outbox, type OutboxStorage } from '../proofs/outbox';
import { Connection, UploadRefused } from './connection';
import { ControllerClock, SYSTEM_CLOCK } from './clock';
import { InterruptAcks } from './interrupt-acks';
import { type PowerRule, PowerSchedule, type PowerState } from './power';
import { type DegradedStart, type LocalRecovery, LocalState, openLocalDatabase } from './local-store';
import { type CurrentPlay, Playback } from './playback';
import { DiskWatch } from './disk';
import { backoffDelay, type BackoffOptions } from './backoff';
import type { TlsTrust } from './tls-trust';

/** Proof upload retries: 1 s, 2 s, 4 s … up to 5 min, each with jitter (see backoffDelay). */
const UPLOAD_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 300_000 };

/** Something that shows content: the headless log, an LED board, a screen window. */
export interface OutputSpec {
  /** Recorded in every proof: `main`, `screen`, `led:<name>`. */
  id: string;
  /** Content types it can show; null = all. */
  accepts?: readonly ContentType[] | null;
  show?(pos: PlayPosition | null, play: CurrentPlay | null): void;
  /** Health for the controller's device list (LED boards); sent in every heartbeat. */
  status?(): OutputStatus;
  /** Called once with a function the output calls when its status changed, for a prompt heartbeat. */
  watchStatus?(notify: () => void): void;
  /**
   * Whether a finished play counts as aired on this output. An LED board whose picture never arrived
   * (port gone for the whole play) did not air it: that play gets no proof. Default: every play counts.
   * A proof returned instead of `true` is the one kept (an LED board starts it when its picture arrived).
   */
  keepProof?(proof: Proof): boolean | Proof;
  /**
   * When the output really showed a play (controller clock, ms), or null if it never did: an LED board
   * answers once its last byte (and ACK) arrived. Without it, a play is shown when it starts.
   */
  whenShown?(play: CurrentPlay): Promise<number | null>;
  /** Releases the output (serial ports) when the player closes. */
  close?(): Promise<void>;
  /** A renderer reports what it really showed (`markShown`/`markEnded`); see Playback. */
  confirmedByRenderer?: boolean;
}

export interface PlayerOptions {
  /** Board power-on/off and brightness plan, run with node-cron in Asia/Ho_Chi_Minh. */
  powerRules?: PowerRule[];
  /** Defaults to one output `main` that shows everything (the headless runtime's log). */
  outputs?: OutputSpec[];
  controllerUrl: string;
  token: string;
  dataDir: string;
  log?: Logger;
  heartbeatMs?: number;
  uploadBatchSize?: number;
  /** Days acknowledged proofs are kept for a resend after a controller restore (default 7; 0 = not kept). */
  keepAckedDays?: number;
  backoff?: BackoffOptions;
  /** Backoff of proof uploads the controller refused or failed; default 1 s doubling to 5 min. */
  uploadBackoff?: BackoffOptions;
  playerVersion?: string;
  /** Device clock, for tests of a wrong clock. */
  deviceNow?: () => number;
  /** Monotonic clock (ms), for tests; default performance.now. */
  monotonicNow?: () => number;
  /** Measure the controller clock offset again this often; default 10 min. */
  clockResyncMs?: number;
  /** Compare the wall clock with the monotonic one this often to notice a clock change; default 2 s. */
  clockCheckMs?: number;
  /** Content-addressed media cache: fed the media of every new bundle, progress sent to the controller. */
  mediaCache?: MediaCache;
  /** Certificates accepted from an https controller (`--ca-file`, `--insecure`). */
  tls?: TlsTrust;
}

export interface PlayerEvents {
  /** Board power and brightness from the power plan (`powerRules`): now, and at every rule firing. */
  power: [state: PowerState];
  show: [pos: PlayPosition | null, play: CurrentPlay | null, output: string];
  proof: [proof: Proof];
  bundle: [bundle: Bundle];
  uploaded: [count: number];
  /** An upload failed; the next attempt comes after `retryInMs`. */
  'upload-failed': [reason: string, retryInMs: number];
  refused: [code: string, message: string];
  /** A remote command for the screen outputs (`device:command`). */
  command: [command: DeviceCommand];
  /** Boards configured for this device on the controller (`device:config`). */
  config: [config: DeviceConfig];
  /** The kiosk survey's questions changed on the controller (`survey:config`). */
  survey: [config: SurveyConfig];
}

export interface Player extends EventEmitter<PlayerEvents> {
  readonly deviceId: string | null;
  bundle(): Bundle | null;
  /** The name staff gave this device (from the controller's hello; kept for offline starts). */
  deviceName(): string | null;
  nowPlaying(): CurrentPlay | null;
  outboxSize(): number;
  /** The outbox's disk: `full` while proofs wait in memory ("disk full: N plays not recorded"). */
  storage(): OutboxStorage;
  connected(): boolean;
  clockOffsetMs(): number;
  /** Renderer reports for a confirmed output (device wall-clock ms). */
  markShown(output: string, proofId: string, deviceAt: number): void;
  markEnded(output: string, proofId: string, deviceAt: number, reason: EndReason): void;
  /** Queues a kiosk survey answer in the outbox; `deviceAt` is the device's clock. */
  recordSurvey(a: Omit<SurveyAnswer, 'id' | 'answeredAt'> & { deviceAt: number }): SurveyAnswer;
  surveyOutboxSize(): number;
  /** The kiosk survey from the controller, kept for offline starts; null until one ever arrived. */
  surveyConfig(): SurveyConfig | null;
  /** Sends a screenshot of `output` taken at `deviceAt` (device clock); throws when offline or refused. */
  uploadScreenshot(png: Uint8Array, output: string, deviceAt: number): Promise<{ width: number; height: number }>;
  /** Uploads what the outbox holds now; resolves when it is empty or the link is down. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function verifyBundleHash(b: Bundle): boolean {
  return crypto.createHash('sha256').update(bundleHashInput(b)).digest('hex') === b.hash;
}

/** The headless player runtime: what LED-only boxes run alone and what the Electron app embeds. */
export function startPlayer(opts: PlayerOptions): Player {
  const log = opts.log ?? pino({ name: 'player', level: process.env.BANGTIN_LOG_LEVEL ?? 'info' });
  let degradedStart: DegradedStart | null = null;
  const db = openLocalDatabase(
    opts.dataDir,
    (r) =>
      log.error(
        { movedTo: r.movedTo, reason: r.reason, salvagedProofs: r.salvagedProofs, salvagedSurveys: r.salvagedSurveys },
        'player database was damaged: moved aside, outbox salvaged, starting fresh (bundle and media are fetched again)',
      ),
    Date.now,
    (d) => {
      degradedStart = d;
      log.error(
        { mode: d.mode, reason: d.reason },
        d.mode === 'disk'
          ? 'disk full at start: playing the cached bundle, proofs kept in memory until the disk takes writes'
          : 'disk full at start and the cache unreadable: running from memory (bundle fetched again, proofs uploaded from memory)',
      );
    },
  );
  const state = new LocalState(db, (key, err) => log.warn({ key, err: err.message }, 'player state not saved'));
  const outbox = new Outbox(db);
  const keepAckedMs = (opts.keepAckedDays ?? 7) * 24 * 3600 * 1000;
  outbox.pruneAcked(keepAckedMs);
  const pruneTimer = setInterval(() => outbox.pruneAcked(keepAckedMs), 3600 * 1000);
  pruneTimer.unref();
  const surveyOutbox = new SurveyOutbox(db);
  const emitter = new EventEmitter<PlayerEvents>();
  const startedAt = Date.now();
  const disk = new DiskWatch(opts.dataDir);
  void disk.refresh();
  let deviceId: string | null = state.get('device_id');
  let deviceName: string | null = state.get('device_name');
  let bundle = state.loadBundle();
  const loadSurvey = (): SurveyConfig | null => {
    const raw = state.getJson('survey_config');
    const r = raw === undefined ? null : SurveyConfigSchema.safeParse(raw);
    return r?.success ? r.data : null;
  };
  let surveyConfig = loadSurvey();

  // One controller clock for every output: monotonic, anchored on the last measured offset.
  const clock = new ControllerClock({
    wallNow: opts.deviceNow ?? SYSTEM_CLOCK.wallNow,
    monoNow: opts.monotonicNow ?? SYSTEM_CLOCK.monoNow,
  });
  const outputs: OutputSpec[] = opts.outputs ?? [{ id: 'main', accepts: null }];
  if (new Set(outputs.map((o) => o.id)).size !== outputs.length) throw new Error('output ids must be unique');
  // Plays an output declined to count (see OutputSpec.keepProof): kept out of the outbox and of 'proof'.
  const declined = new Set<string>();
  const outboxFor = (out: OutputSpec): Outbox => {
    const keep = out.keepProof?.bind(out);
    if (!keep) return outbox;
    // Same object for everything else (peek, remove, size); only `add` asks the output first.
    return Object.assign(Object.create(outbox) as Outbox, {
      add: (proof: Proof, now?: number, link?: (p: Proof) => Proof) => {
        const kept = keep(proof);
        if (kept !== false) return outbox.add(kept === true ? proof : kept, now, link);
        declined.add(proof.id);
        log.warn({ output: out.id, contentId: proof.contentId }, 'play did not reach the output; no proof recorded');
      },
    });
  };
  // Declared before playback starts: the first item shown may already be an urgent message.
  let connRef: Connection | null = null;
  const interruptAcks = new InterruptAcks(state, () => connRef?.socket ?? null, log.child({ module: 'interrupts' }));
  const playbacks = outputs.map(
    (out) =>
      new Playback({
        db,
        outbox: outboxFor(out),
        state,
        log: log.child({ module: 'playback', output: out.id }),
        output: out.id,
        clock,
        confirmedByRenderer: out.confirmedByRenderer ?? false,
        hooks: {
          onShow: (pos, play) => {
            if (pos)
              log.info(
                {
                  output: out.id,
                  contentId: pos.content.id,
                  text: pos.content.type === 'slogan' ? pos.content.text : undefined,
                },
                'showing',
              );
            try {
              out.show?.(pos, play);
            } catch (err) {
              log.error({ err, output: out.id }, 'output failed to show an item');
            }
            if (pos?.interrupt && play) {
              const id = pos.interrupt.id;
              // "Shown" is when the output had it (an LED board: last byte and ACK), not when the player decided.
              if (out.whenShown)
                void out.whenShown(play).then(
                  (at) => at !== null && interruptAcks.shown(id, at),
                  () => undefined,
                );
              else interruptAcks.shown(id, play.startedAt);
            }
            emitter.emit('show', pos, play, out.id);
            sendHeartbeat();
          },
          onProof: (p) => {
            if (declined.delete(p.id)) return;
            emitter.emit('proof', p);
            requestFlush();
          },
        },
      }),
  );
  const playback = playbacks[0]!;
  const setBundleAll = (b: Bundle | null) => {
    if (b) opts.mediaCache?.want(mediaRefs(b.content));
    playbacks.forEach((pb, i) => pb.setBundle(b ? bundleForOutput(b, outputs[i]!.accepts ?? null) : null));
  };
  const playbackOf = (output: string) => playbacks[outputs.findIndex((o) => o.id === output)];
  const setOffsetAll = (ms: number) => {
    clock.setOffset(ms);
    playbacks.forEach((pb) => pb.recheck());
  };

  const savedOffset = Number(state.get('clock_offset_ms') ?? '0');
  clock.setOffset(Number.isFinite(savedOffset) ? savedOffset : 0);
  let measuredAt: number | null = null;

  const conn = new Connection(
    {
      controllerUrl: opts.controllerUrl,
      token: opts.token,
      playerVersion: opts.playerVersion ?? '0.1.0',
      backoff: opts.backoff,
      log: log.child({ module: 'connection' }),
      now: opts.deviceNow,
      ...(opts.tls ? { tls: opts.tls } : {}),
      monoNow: opts.monotonicNow,
      clockResyncMs: opts.clockResyncMs,
      controllerNow: () => clock.now(),
      // Who this player was at its last hello: lets a controller restored from an older backup
      // record a re-enrolment request for an admin instead of refusing a stranger.
      identity: () => ({ deviceId, deviceName }),
      // The bundle in the cache: a controller that already has this hash for us does not send it again.
      heldBundle: () => (bundle ? { version: bundle.version, hash: bundle.hash } : null),
    },
    {
      onHello: (hello: Hello) => {
        deviceId = hello.deviceId;
        state.set('device_id', hello.deviceId);
        deviceName = hello.deviceName;
        state.set('device_name', hello.deviceName);
        if (hello.proofsThrough !== undefined) {
          const n = outbox.resendAcked(hello.proofsThrough ?? 0);
          if (n > 0) {
            log.warn(
              { resent: n, controllerHasThrough: hello.proofsThrough },
              'controller lacks proofs it had acknowledged (restored from a backup?): resending them',
            );
            requestFlush();
          }
        }
        // A first rough offset from the hello; the probes refine it right after.
        if (state.get('clock_offset_ms') === null) setOffsetAll(hello.serverTime - clock.wallNow());
      },
      onBundle: (b) => {
        if (!verifyBundleHash(b)) {
          log.error({ version: b.version }, 'bundle hash does not match its content; ignored');
          return;
        }
        if (!bundle || bundle.hash !== b.hash) {
          try {
            state.saveBundle(b);
          } catch (err) {
            // Played from memory all the same; the next start uses the older cached one.
            log.error({ err: (err as Error).message, version: b.version }, 'new bundle not saved to disk');
          }
          bundle = b;
          setBundleAll(b);
          interruptAcks.received(b);
          emitter.emit('bundle', b);
          log.info({ version: b.version, schedules: b.schedules.length }, 'new bundle');
        }
        conn.ackBundle(b);
      },
      onClockOffset: (offsetMs, rttMs, at) => {
        log.info({ offsetMs, rttMs }, 'clock offset to controller measured');
        const before = clock.now();
        clock.anchor(at.controllerAt, at.monoAt);
        measuredAt = clock.now();
        if (Math.abs(measuredAt - before) > 1000) playbacks.forEach((pb) => pb.recheck());
        try {
          state.set('clock_offset_ms', String(offsetMs));
        } catch (err) {
          log.warn({ err: (err as Error).message }, 'clock offset not saved (disk full?)');
        }
        sendHeartbeat();
      },
      onConnected: () => {
        // A new connection is a new chance: upload at once rather than wait out the old backoff.
        if (retryTimer) clearTimeout(retryTimer);
        retryTimer = null;
        sendHeartbeat();
        if (opts.mediaCache) conn.mediaProgress(opts.mediaCache.progress());
        requestFlush();
        void interruptAcks.flush();
      },
      onDisconnected: () => undefined,
      onRefused: (code, message) => emitter.emit('refused', code, message),
      onResendProofs: ({ from, to }) => {
        const n = outbox.resendAcked(from, to);
        log.info({ from, to, resent: n }, 'controller asked for kept proofs again');
        if (n > 0) requestFlush();
      },
    },
  );
  connRef = conn;
  opts.mediaCache?.on('progress', (p) => conn.mediaProgress(p));
  const power = opts.powerRules?.length
    ? new PowerSchedule(opts.powerRules, (st) => {
        log.info(st, 'board power plan');
        emitter.emit('power', st);
      })
    : null;
  conn.socket.on('device:command', (raw) => {
    const parsed = DeviceCommandSchema.safeParse(raw);
    if (!parsed.success) return log.error({ issue: parsed.error.issues[0] }, 'ignoring malformed device command');
    log.info(parsed.data, 'remote command');
    emitter.emit('command', parsed.data);
  });
  conn.socket.on('survey:config', (raw) => {
    const parsed = SurveyConfigSchema.safeParse(raw);
    if (!parsed.success) return log.error({ issue: parsed.error.issues[0] }, 'ignoring malformed survey config');
    const json = JSON.stringify(parsed.data);
    if (json === state.get('survey_config')) return;
    state.set('survey_config', json);
    surveyConfig = parsed.data;
    log.info({ surveyId: parsed.data.id }, 'kiosk survey updated');
    emitter.emit('survey', parsed.data);
  });
  conn.socket.on('device:config', (raw) => {
    const parsed = DeviceConfigSchema.safeParse(raw);
    if (!parsed.success) return log.error({ issue: parsed.error.issues[0] }, 'ignoring malformed device config');
    emitter.emit('config', parsed.data);
  });

  // The outbox's disk: a change of state is logged once; every heartbeat retries writing what waits
  // in memory, so recording resumes by itself when space returns.
  let lastStorage = 'ok';
  function checkStorage(): OutboxStorage {
    outbox.persistMemory();
    let st = outbox.storage();
    // Started from memory: nothing reaches the disk until the player restarts with space, say so.
    const started = degradedStart as DegradedStart | null;
    if (started?.mode === 'memory')
      st = {
        ...st,
        state: 'full',
        unrecordedPlays: st.unrecordedPlays + outbox.size(),
        message: `started on a full disk, running from memory: ${started.reason}`.slice(0, 500),
      };
    if (st.state !== lastStorage) {
      if (st.state === 'ok') log.info({ lostPlays: st.lostPlays }, 'disk takes writes again; proofs recorded');
      else
        log.error({ state: st.state, message: st.message }, `disk ${st.state}: plays kept in memory until it recovers`);
      lastStorage = st.state;
    }
    return st;
  }

  /** The last rebuild of a damaged database, reported for a week so the controller can raise it. */
  function recentRecovery(): { at: number; reason: string; salvagedProofs: number; salvagedSurveys: number } | null {
    const r = state.getJson('last_recovery') as Partial<LocalRecovery> | undefined;
    if (!r || typeof r.at !== 'number' || Date.now() - r.at > 7 * 24 * 3600 * 1000) return null;
    return {
      at: r.at,
      reason: String(r.reason ?? '').slice(0, 300),
      salvagedProofs: Number.isInteger(r.salvagedProofs) ? r.salvagedProofs! : 0,
      salvagedSurveys: Number.isInteger(r.salvagedSurveys) ? r.salvagedSurveys! : 0,
    };
  }

  function sendHeartbeat(): void {
    const cur = playback.nowPlaying;
    const storage = checkStorage();
    conn.heartbeat({
      nowPlaying: cur
        ? { contentId: cur.contentId, playlistId: cur.playlistId, scheduleId: cur.scheduleId, startedAt: cur.startedAt }
        : null,
      bundleVersion: bundle?.version ?? null,
      outboxSize: outbox.size(),
      uptimeMs: Date.now() - startedAt,
      clockOffsetMs: clock.offsetMs,
      clock: {
        measuredAt,
        jumpedAt: clock.lastJump?.at ?? null,
        jumpMs: clock.lastJump?.jumpMs ?? null,
      },
      ...(outputs.some((o) => o.status) ? { outputs: outputs.flatMap((o) => (o.status ? [o.status()] : [])) } : {}),
      ...(disk.current ? { disk: disk.current } : {}),
      ...(storage.state !== 'ok' || storage.lostPlays > 0 ? { storage } : {}),
      ...(recentRecovery() ? { recovery: recentRecovery()! } : {}),
    });
    // Read for the next heartbeat: statfs is asynchronous and the heartbeat is not.
    void disk.refresh();
  }
  const heartbeat = setInterval(sendHeartbeat, opts.heartbeatMs ?? 15_000);
  // A wall clock that moves apart from the monotonic one was changed (by hand, NTP, a dead RTC):
  // playback keeps the monotonic time; the jump is logged once and the offset measured again.
  const clockCheck = setInterval(() => {
    const jump = clock.checkJump();
    if (!jump) return;
    log.warn(
      { jumpMs: jump.jumpMs, offsetMs: clock.offsetMs },
      'device clock changed; playback keeps the controller clock, measuring the offset again',
    );
    try {
      state.set('clock_offset_ms', String(clock.offsetMs));
    } catch {
      // A full disk: the next measurement saves it.
    }
    if (conn.connected) void conn.syncClock();
    sendHeartbeat();
  }, opts.clockCheckMs ?? 2_000);
  // A board going offline or coming back reaches the device list at once, at most every 250 ms.
  let statusTimer: NodeJS.Timeout | null = null;
  const statusChanged = (): void => {
    if (statusTimer || closed) return;
    statusTimer = setTimeout(() => {
      statusTimer = null;
      sendHeartbeat();
    }, 250);
  };
  for (const out of outputs) out.watchStatus?.(statusChanged);

  let flushing: Promise<void> | null = null;
  let flushTimer: NodeJS.Timeout | null = null;
  let closed = false;

  async function flushOnce(): Promise<void> {
    const batchSize = opts.uploadBatchSize ?? 500;
    while (!closed && conn.connected) {
      const batch = outbox.peek(batchSize);
      if (batch.length === 0) break; // then the survey answers
      const res = await conn.uploadProofs(batch);
      for (const r of res.rejected)
        log.error({ id: r.id, reason: r.reason }, 'controller rejected a proof; dropping it');
      const done = new Set([...res.acked, ...res.rejected.flatMap((r) => (r.id ? [r.id] : []))]);
      outbox.remove(done, keepAckedMs > 0 ? new Set(res.acked) : undefined);
      emitter.emit('uploaded', res.acked.length);
      // Nothing acknowledged: a failure like any other, so the retry backs off instead of looping.
      if (done.size === 0) throw new Error('the controller acknowledged none of the proofs sent');
    }
    while (!closed && conn.connected) {
      const answers = surveyOutbox.peek(batchSize);
      if (answers.length === 0) return;
      const res = await conn.uploadSurveys(answers);
      for (const r of res.rejected) log.error({ id: r.id, reason: r.reason }, 'controller rejected a survey answer');
      const done = new Set([...res.acked, ...res.rejected.flatMap((r) => (r.id ? [r.id] : []))]);
      surveyOutbox.remove(done);
      if (done.size === 0) return;
    }
  }

  // Upload failures back off exponentially with jitter, and are logged once per change of state:
  // a controller that cannot store proofs (its disk is full) must not get 10 attempts a second from
  // every player, nor its log fill with the same line. A new play does not cut a backoff short.
  let uploadFailures = 0;
  let lastUploadError: string | null = null;
  let retryTimer: NodeJS.Timeout | null = null;

  function flush(): Promise<void> {
    flushing ??= flushOnce()
      .then(() => {
        if (uploadFailures > 0) log.info({ failures: uploadFailures }, 'proof upload works again');
        uploadFailures = 0;
        lastUploadError = null;
      })
      .catch((err: Error) => {
        if (err.message !== lastUploadError) {
          log.warn(
            { err: err.message },
            'proof upload failed; retrying with backoff (logged again only if it changes)',
          );
          lastUploadError = err.message;
        }
        // Over the controller's ingest budget: sooner than it says would only be refused again.
        // (At most an hour, whatever it says: a day's budget is retried hourly, cheaply refused till then.)
        const wait =
          err instanceof UploadRefused && err.retryAfterMs !== undefined ? Math.min(err.retryAfterMs, 3_600_000) : 0;
        const delay = Math.max(wait, backoffDelay(uploadFailures, opts.uploadBackoff ?? UPLOAD_BACKOFF));
        uploadFailures++;
        emitter.emit('upload-failed', err.message, delay);
        if (!closed && !retryTimer) {
          retryTimer = setTimeout(() => {
            retryTimer = null;
            requestFlush();
          }, delay);
          retryTimer.unref();
        }
      })
      .finally(() => {
        flushing = null;
      });
    return flushing;
  }

  function requestFlush(): void {
    if (flushTimer || retryTimer || closed) return;
    flushTimer = setTimeout(() => {
      flushTimer = null;
      void flush().then(() => {
        if (outbox.size() + surveyOutbox.size() > 0 && conn.connected && !closed) requestFlush();
      });
    }, 100);
  }

  // Offline-first: play the cached bundle at once, before the network answers.
  setBundleAll(bundle);
  for (const pb of playbacks) pb.start();
  // After listeners can attach (next tick), so the first `power` event is not lost.
  if (power) setImmediate(() => power.start());
  conn.start();

  return Object.assign(emitter, {
    get deviceId() {
      return deviceId;
    },
    bundle: () => bundle,
    deviceName: () => deviceName,
    nowPlaying: () => playback.nowPlaying,
    outboxSize: () => outbox.size(),
    storage: () => outbox.storage(),
    surveyOutboxSize: () => surveyOutbox.size(),
    surveyConfig: () => surveyConfig,
    uploadScreenshot: async (png: Uint8Array, output: string, deviceAt: number) => {
      if (!conn.connected) throw new Error('not connected to the controller');
      return conn.uploadScreenshot({
        png,
        output,
        capturedAt: clock.fromWall(deviceAt),
      });
    },
    markShown: (output: string, proofId: string, deviceAt: number) => playbackOf(output)?.markShown(proofId, deviceAt),
    markEnded: (output: string, proofId: string, deviceAt: number, reason: EndReason) =>
      playbackOf(output)?.markEnded(proofId, deviceAt, reason),
    recordSurvey: (a: Omit<SurveyAnswer, 'id' | 'answeredAt'> & { deviceAt: number }) => {
      const answer: SurveyAnswer = {
        id: newId(),
        surveyId: a.surveyId,
        rating: a.rating,
        choice: a.choice,
        answeredAt: clock.fromWall(a.deviceAt),
      };
      surveyOutbox.add(answer);
      requestFlush();
      return answer;
    },
    connected: () => conn.connected,
    clockOffsetMs: () => clock.offsetMs,
    flush,
    close: async () => {
      await power?.stop();
      for (const pb of playbacks) pb.stop();
      clearInterval(heartbeat);
      clearInterval(pruneTimer);
      clearInterval(clockCheck);
      if (statusTimer) clearTimeout(statusTimer);
      if (flushTimer) clearTimeout(flushTimer);
      if (retryTimer) clearTimeout(retryTimer);
      await Promise.all(
        outputs.map((o) => o.close?.().catch((err: Error) => log.warn({ err, output: o.id }, 'output close failed'))),
      );
      // One last upload attempt so a clean shutdown leaves nothing behind when the link is up.
      await Promise.race([flush(), new Promise((r) => setTimeout(r, 2000))]);
      closed = true;
      conn.close();
      db.close();
    },
  });
}
