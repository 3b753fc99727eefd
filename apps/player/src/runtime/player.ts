import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import pino from 'pino';
import {
  type Bundle,
  bundleForOutput,
  bundleHashInput,
  type ContentType,
  type Hello,
  type PlayPosition,
  type Proof,
} from '@bangtin/shared';
import { Outbox } from '../proofs/outbox';
import { Connection } from './connection';
import { LocalState, openLocalDatabase } from './local-store';
import { type CurrentPlay, Playback } from './playback';
import type { BackoffOptions } from './backoff';

/** Something that shows content: the headless log, an LED board, a screen window. */
export interface OutputSpec {
  /** Recorded in every proof: `main`, `screen`, `led:<name>`. */
  id: string;
  /** Content types it can show; null = all. */
  accepts?: readonly ContentType[] | null;
  show?(pos: PlayPosition | null, play: CurrentPlay | null): void;
}

export interface PlayerOptions {
  /** Defaults to one output `main` that shows everything (the headless runtime's log). */
  outputs?: OutputSpec[];
  controllerUrl: string;
  token: string;
  dataDir: string;
  log?: Logger;
  heartbeatMs?: number;
  uploadBatchSize?: number;
  backoff?: BackoffOptions;
  playerVersion?: string;
  /** Device clock, for tests of a wrong clock. */
  deviceNow?: () => number;
}

export interface PlayerEvents {
  show: [pos: PlayPosition | null, play: CurrentPlay | null, output: string];
  proof: [proof: Proof];
  bundle: [bundle: Bundle];
  uploaded: [count: number];
  refused: [code: string, message: string];
}

export interface Player extends EventEmitter<PlayerEvents> {
  readonly deviceId: string | null;
  bundle(): Bundle | null;
  nowPlaying(): CurrentPlay | null;
  outboxSize(): number;
  connected(): boolean;
  clockOffsetMs(): number;
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
  const db = openLocalDatabase(opts.dataDir);
  const state = new LocalState(db);
  const outbox = new Outbox(db);
  const emitter = new EventEmitter<PlayerEvents>();
  const startedAt = Date.now();
  let deviceId: string | null = state.get('device_id');
  let bundle = state.loadBundle();

  const outputs: OutputSpec[] = opts.outputs ?? [{ id: 'main', accepts: null }];
  if (new Set(outputs.map((o) => o.id)).size !== outputs.length) throw new Error('output ids must be unique');
  const playbacks = outputs.map(
    (out) =>
      new Playback({
        db,
        outbox,
        state,
        log: log.child({ module: 'playback', output: out.id }),
        output: out.id,
        deviceNow: opts.deviceNow,
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
            emitter.emit('show', pos, play, out.id);
            sendHeartbeat();
          },
          onProof: (p) => {
            emitter.emit('proof', p);
            requestFlush();
          },
        },
      }),
  );
  const playback = playbacks[0]!;
  const setBundleAll = (b: Bundle | null) => {
    playbacks.forEach((pb, i) => pb.setBundle(b ? bundleForOutput(b, outputs[i]!.accepts ?? null) : null));
  };
  const setOffsetAll = (ms: number) => playbacks.forEach((pb) => pb.setClockOffset(ms));

  const savedOffset = Number(state.get('clock_offset_ms') ?? '0');
  setOffsetAll(Number.isFinite(savedOffset) ? savedOffset : 0);

  const conn = new Connection(
    {
      controllerUrl: opts.controllerUrl,
      token: opts.token,
      playerVersion: opts.playerVersion ?? '0.1.0',
      backoff: opts.backoff,
      log: log.child({ module: 'connection' }),
    },
    {
      onHello: (hello: Hello) => {
        deviceId = hello.deviceId;
        state.set('device_id', hello.deviceId);
        // A first rough offset from the hello; the probes refine it right after.
        if (state.get('clock_offset_ms') === null) setOffsetAll(hello.serverTime - Date.now());
      },
      onBundle: (b) => {
        if (!verifyBundleHash(b)) {
          log.error({ version: b.version }, 'bundle hash does not match its content; ignored');
          return;
        }
        if (!bundle || bundle.hash !== b.hash) {
          state.saveBundle(b);
          bundle = b;
          setBundleAll(b);
          emitter.emit('bundle', b);
          log.info({ version: b.version, schedules: b.schedules.length }, 'new bundle');
        }
        conn.ackBundle(b);
      },
      onClockOffset: (offsetMs, rttMs) => {
        log.info({ offsetMs, rttMs }, 'clock offset to controller measured');
        state.set('clock_offset_ms', String(offsetMs));
        setOffsetAll(offsetMs);
        sendHeartbeat();
      },
      onConnected: () => {
        sendHeartbeat();
        requestFlush();
      },
      onDisconnected: () => undefined,
      onRefused: (code, message) => emitter.emit('refused', code, message),
    },
  );

  function sendHeartbeat(): void {
    const cur = playback.nowPlaying;
    conn.heartbeat({
      nowPlaying: cur
        ? { contentId: cur.contentId, playlistId: cur.playlistId, scheduleId: cur.scheduleId, startedAt: cur.startedAt }
        : null,
      bundleVersion: bundle?.version ?? null,
      outboxSize: outbox.size(),
      uptimeMs: Date.now() - startedAt,
      clockOffsetMs: playback.clockOffsetMs,
    });
  }
  const heartbeat = setInterval(sendHeartbeat, opts.heartbeatMs ?? 15_000);

  let flushing: Promise<void> | null = null;
  let flushTimer: NodeJS.Timeout | null = null;
  let closed = false;

  async function flushOnce(): Promise<void> {
    const batchSize = opts.uploadBatchSize ?? 500;
    while (!closed && conn.connected) {
      const batch = outbox.peek(batchSize);
      if (batch.length === 0) return;
      const res = await conn.uploadProofs(batch);
      for (const r of res.rejected)
        log.error({ id: r.id, reason: r.reason }, 'controller rejected a proof; dropping it');
      const done = new Set([...res.acked, ...res.rejected.flatMap((r) => (r.id ? [r.id] : []))]);
      outbox.remove(done);
      emitter.emit('uploaded', res.acked.length);
      if (done.size === 0) return; // nothing acknowledged: avoid a tight loop; retry on the next trigger
    }
  }

  function flush(): Promise<void> {
    flushing ??= flushOnce()
      .catch((err: Error) => {
        log.warn({ err: err.message }, 'proof upload failed; will retry');
        if (!closed) setTimeout(requestFlush, 2000).unref();
      })
      .finally(() => {
        flushing = null;
      });
    return flushing;
  }

  function requestFlush(): void {
    if (flushTimer || closed) return;
    flushTimer = setTimeout(() => {
      flushTimer = null;
      void flush().then(() => {
        if (outbox.size() > 0 && conn.connected && !closed) requestFlush();
      });
    }, 100);
  }

  // Offline-first: play the cached bundle at once, before the network answers.
  setBundleAll(bundle);
  for (const pb of playbacks) pb.start();
  conn.start();

  return Object.assign(emitter, {
    get deviceId() {
      return deviceId;
    },
    bundle: () => bundle,
    nowPlaying: () => playback.nowPlaying,
    outboxSize: () => outbox.size(),
    connected: () => conn.connected,
    clockOffsetMs: () => playback.clockOffsetMs,
    flush,
    close: async () => {
      for (const pb of playbacks) pb.stop();
      clearInterval(heartbeat);
      if (flushTimer) clearTimeout(flushTimer);
      // One last upload attempt so a clean shutdown leaves nothing behind when the link is up.
      await Promise.race([flush(), new Promise((r) => setTimeout(r, 2000))]);
      closed = true;
      conn.close();
      db.close();
    },
  });
}
