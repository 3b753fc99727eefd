import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import {
  type Bundle,
  type EndReason,
  itemAt,
  newId,
  nextBoundaryAfter,
  type PlayPosition,
  type Proof,
} from '@bangtin/shared';
import type { Outbox } from '../proofs/outbox';
import { ProofChain } from '../proofs/chain';
import type { LocalState } from './local-store';
import { ControllerClock, SYSTEM_CLOCK } from './clock';

/** A play in progress, as persisted in state `current_play`. */
export interface CurrentPlay {
  proofId: string;
  contentId: string;
  playlistId: string;
  scheduleId: string;
  slotStart: number;
  slotEnd: number;
  startedAt: number;
  deviceStartedAt: number;
  clockOffsetMs: number;
  /** For outputs confirmed by a renderer: the renderer reported the item on screen. */
  shown?: boolean;
}

export interface PlaybackHooks {
  /** Called when an item starts showing (and with null when nothing is scheduled). */
  onShow?(pos: PlayPosition | null, play: CurrentPlay | null): void;
  /** Called after a proof is committed to the outbox. */
  onProof?(proof: Proof): void;
}

const IDLE_RECHECK_MS = 5_000;
/** How long a confirmed output waits for the renderer to say when the previous item left the screen. */
const END_CONFIRM_MS = 2_000;
/** A proof never ends later than its slot's end plus this (renderer swap, timer lateness). */
export const PROOF_SLOT_TOLERANCE_MS = 5_000;

/**
 * Plays the local bundle by the controller's clock (device clock + measured offset), so a schedule
 * boundary switches at the right second with no network, and records each finished play as a proof.
 */
export class Playback {
  private bundle: Bundle | null = null;
  private current: CurrentPlay | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly clock: ControllerClock;
  private readonly chain: ProofChain;
  /** Confirmed outputs: a finished play waiting for the renderer's swap time, with its fallback. */
  private pending: { play: CurrentPlay; reason: EndReason; t: number; timer: NodeJS.Timeout } | null = null;
  /** A slot the renderer ended early (error, touch): it is not started again before the next slot. */
  private doneSlot: string | null = null;

  constructor(
    private readonly deps: {
      db: Database.Database;
      outbox: Outbox;
      state: LocalState;
      log: Logger;
      output: string;
      hooks?: PlaybackHooks;
      /** Device clock; injectable so tests can simulate a wrong clock. */
      deviceNow?: () => number;
      /** The controller's clock (shared by a player's outputs); default one on `deviceNow`. */
      clock?: ControllerClock;
      /**
       * The output has a renderer that reports what it really showed (`markShown`/`markEnded`): its
       * proofs use those times, and a play the renderer never showed is not a proof.
       */
      confirmedByRenderer?: boolean;
    },
  ) {
    this.clock =
      deps.clock ??
      new ControllerClock(deps.deviceNow ? { wallNow: deps.deviceNow, monoNow: SYSTEM_CLOCK.monoNow } : SYSTEM_CLOCK);
    this.chain = new ProofChain(deps.db, deps.output);
    const leftover = deps.state.get(this.stateKey);
    if (leftover) {
      // The process died mid-item: that play never completed, so it is not a proof. Say so in the log.
      let play: unknown = leftover;
      try {
        play = JSON.parse(leftover);
      } catch {
        // Damaged text: logged as it is.
      }
      deps.log.warn({ play }, 'previous run stopped during an item; it is not counted');
      try {
        deps.state.delete(this.stateKey);
      } catch (err) {
        deps.log.warn({ err: (err as Error).message }, 'could not clear the play in progress (disk full?)');
      }
    }
  }

  /** Each output persists its own play in progress. */
  private get stateKey(): string {
    return this.deps.output === 'main' ? 'current_play' : `current_play:${this.deps.output}`;
  }

  /** The controller's clock as best known (monotonic, so a device clock change does not move it). */
  now(): number {
    return this.clock.now();
  }

  setClockOffset(ms: number): void {
    this.clock.setOffset(ms);
  }

  get clockOffsetMs(): number {
    return this.clock.offsetMs;
  }

  /** The clock moved (re-measured): look again at what should play now. */
  recheck(): void {
    if (this.running && !this.pending) this.tick();
  }

  setBundle(b: Bundle | null): void {
    this.bundle = b;
    if (this.running) this.tick();
  }

  get nowPlaying(): CurrentPlay | null {
    return this.current;
  }

  start(): void {
    this.running = true;
    this.tick();
  }

  /** Stops playback; the item on screen ends now and is recorded with reason `stopped`. */
  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending) this.commitPending(this.pending.t);
    if (this.current) this.finish(this.now(), 'stopped');
  }

  /** The renderer put `proofId` on screen at device time `deviceAt`; that also ends the previous item. */
  markShown(proofId: string, deviceAt: number): void {
    const t = this.clock.fromWall(deviceAt);
    if (this.pending) this.commitPending(t);
    const cur = this.current;
    if (!cur || cur.proofId !== proofId || cur.shown) return;
    cur.shown = true;
    cur.startedAt = t;
    cur.deviceStartedAt = deviceAt;
    cur.clockOffsetMs = t - deviceAt;
    this.saveCurrent(cur);
  }

  /** The renderer ended `proofId` before its slot ended (media error, a kiosk user's touch). */
  markEnded(proofId: string, deviceAt: number, reason: EndReason): void {
    const t = this.clock.fromWall(deviceAt);
    if (this.pending?.play.proofId === proofId) return this.commitPending(t);
    const cur = this.current;
    if (!cur || cur.proofId !== proofId) return;
    this.doneSlot = slotKey(cur);
    this.finish(t, reason);
  }

  private tick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.running) return;
    const t = this.now();
    const pos = this.bundle ? itemAt(this.bundle, t) : null;
    const cur = this.current;
    const sameSlot =
      cur !== null &&
      pos !== null &&
      cur.scheduleId === pos.schedule.id &&
      cur.contentId === pos.content.id &&
      cur.slotStart === pos.slotStart &&
      t < cur.slotEnd;
    if (sameSlot) {
      cur.slotEnd = pos.slotEnd;
      this.arm(pos.slotEnd - t);
      return;
    }
    if (cur) this.finish(t, t >= cur.slotEnd ? 'completed' : 'preempted');
    if (
      pos &&
      this.doneSlot === slotKey({ scheduleId: pos.schedule.id, contentId: pos.content.id, slotStart: pos.slotStart })
    ) {
      this.arm(pos.slotEnd - t);
      return;
    }
    this.doneSlot = null;
    if (pos) {
      this.begin(pos, t);
      this.arm(pos.slotEnd - t);
    } else {
      this.deps.hooks?.onShow?.(null, null);
      const next = this.bundle ? nextBoundaryAfter(this.bundle, t) : null;
      this.arm(next === null ? IDLE_RECHECK_MS : Math.min(IDLE_RECHECK_MS, next - t));
    }
  }

  private arm(ms: number): void {
    // Re-check at least every 5 s so a corrected clock or a far boundary cannot stall playback.
    this.timer = setTimeout(() => this.tick(), Math.max(0, Math.min(ms, IDLE_RECHECK_MS)));
  }

  private begin(pos: PlayPosition, t: number): void {
    const play: CurrentPlay = {
      proofId: newId(),
      contentId: pos.content.id,
      playlistId: pos.playlist.id,
      scheduleId: pos.schedule.id,
      slotStart: pos.slotStart,
      slotEnd: pos.slotEnd,
      startedAt: t,
      deviceStartedAt: Math.max(1, Math.round(t - this.clock.offsetMs)),
      clockOffsetMs: 0,
    };
    play.clockOffsetMs = play.startedAt - play.deviceStartedAt;
    this.current = play;
    this.saveCurrent(play);
    this.deps.hooks?.onShow?.(pos, play);
  }

  private finish(t: number, reason: EndReason): void {
    const play = this.current;
    if (!play) return;
    this.current = null;
    if (this.deps.confirmedByRenderer) {
      if (!play.shown) {
        // Nobody saw it (renderer not connected, media missing, kiosk menu open): not a proof.
        this.deps.log.info({ contentId: play.contentId }, 'item was never on screen; no proof');
        try {
          this.deps.state.delete(this.stateKey);
        } catch {
          // A full disk: the stale key is cleared at the next start.
        }
        return;
      }
      if (reason === 'completed' || reason === 'preempted') {
        // The item stays on screen until the renderer swaps in the next one; its report gives the end.
        if (this.pending) this.commitPending(this.pending.t);
        const timer = setTimeout(() => this.pending && this.commitPending(this.pending.t), END_CONFIRM_MS);
        this.pending = { play, reason, t, timer };
        return;
      }
    }
    this.writeProof(play, t, reason);
  }

  private commitPending(t: number): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    clearTimeout(p.timer);
    this.writeProof(p.play, Math.min(Math.max(t, p.play.startedAt), p.t + END_CONFIRM_MS), p.reason);
  }

  /**
   * Persists the play in progress (so a crash loses at most its proof). A disk that refuses the write
   * costs that protection only, never the play.
   */
  private saveCurrent(play: CurrentPlay): void {
    try {
      this.deps.state.set(this.stateKey, JSON.stringify(play));
    } catch (err) {
      this.deps.log.debug({ err: (err as Error).message }, 'play in progress not saved');
    }
  }

  private writeProof(play: CurrentPlay, t: number, reason: EndReason): void {
    const latest = play.slotEnd + PROOF_SLOT_TOLERANCE_MS;
    if (t > latest) {
      // Only a clock that moved under the play gets here: the proof says what the slot allowed.
      this.deps.log.warn(
        { contentId: play.contentId, endedAt: t, slotEnd: play.slotEnd, clampedTo: latest },
        'play ended after its slot (clock change?); proof end clamped to the slot',
      );
      t = latest;
    }
    const proof: Proof = {
      id: play.proofId,
      contentId: play.contentId,
      playlistId: play.playlistId,
      scheduleId: play.scheduleId,
      startedAt: play.startedAt,
      endedAt: Math.max(play.startedAt, t),
      deviceStartedAt: play.deviceStartedAt,
      clockOffsetMs: play.clockOffsetMs,
      endReason: reason,
      output: this.deps.output,
    };
    // The proof and the end of the play commit together: after a crash there is either both or neither.
    // The seq is given only when the play is over and written (after the output agreed to count it):
    // an unfinished or declined play has none, so it leaves no hole in the chain.
    let linked: Proof | null = null;
    const link = (p: Proof): Proof => {
      const c = this.chain.link(p);
      linked = c;
      this.chain.save();
      return c;
    };
    try {
      this.deps.db.transaction(() => {
        this.deps.outbox.add(proof, undefined, link);
        // A pending play's state key already holds the next item; only clear it when it is this play.
        if (this.current === null) this.deps.state.delete(this.stateKey);
      })();
    } catch (err) {
      // A full or failing disk must not stop the board: the proof waits in memory (and is uploaded
      // from there); the outbox writes it to disk when space returns.
      const kept = this.deps.outbox.keepInMemory(linked ?? proof, err);
      if (!kept) {
        this.deps.log.error({ err: (err as Error).message, contentId: proof.contentId }, 'play not recorded');
        return;
      }
    }
    this.deps.hooks?.onProof?.(linked ?? proof);
  }
}

function slotKey(p: { scheduleId: string; contentId: string; slotStart: number }): string {
  return `${p.scheduleId}|${p.contentId}|${p.slotStart}`;
}
