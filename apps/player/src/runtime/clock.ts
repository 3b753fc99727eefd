export interface ClockSample {
  /** Device clock when the probe left. */
  sentAt: number;
  /** Controller clock in its answer. */
  serverTime: number;
  /** Device clock when the answer arrived. */
  receivedAt: number;
}

/**
 * Offset to add to the device clock to get the controller's, from NTP-style probes. The probe with the
 * shortest round trip bounds the error best (± half its round trip), so it alone is used.
 */
export function estimateOffset(samples: ClockSample[]): { offsetMs: number; rttMs: number } {
  const valid = samples.filter((s) => s.receivedAt >= s.sentAt && Number.isFinite(s.serverTime));
  if (valid.length === 0) throw new RangeError('estimateOffset: no valid samples');
  const best = valid.reduce((a, b) => (b.receivedAt - b.sentAt < a.receivedAt - a.sentAt ? b : a));
  const rttMs = best.receivedAt - best.sentAt;
  return { offsetMs: Math.round(best.serverTime - (best.sentAt + rttMs / 2)), rttMs };
}

/** Where the clock reads time: the device's wall clock (may jump) and a monotonic one (never jumps). */
export interface ClockSources {
  wallNow(): number;
  monoNow(): number;
}

export const SYSTEM_CLOCK: ClockSources = {
  wallNow: () => Date.now(),
  monoNow: () => performance.now(),
};

/** Wall and monotonic clocks disagreeing by more than this is a clock change on the device. */
export const CLOCK_JUMP_MS = 1000;

export interface ClockJump {
  /** How far the wall clock moved against the monotonic one (negative: set back). */
  jumpMs: number;
  /** Controller-clock instant the jump was noticed. */
  at: number;
}

/**
 * The controller's clock on the device: the last measured controller time, advanced by the monotonic
 * clock (controller = anchorController + (mono − anchorMono)). A change of the device's wall clock
 * (an operator, a bad NTP step, libfaketime) therefore does not move playback or proof times; it is
 * only noticed (`checkJump`) so the offset can be measured again.
 */
export class ControllerClock {
  private anchorController: number;
  private anchorMono: number;
  /** Wall clock at the anchor, to notice the wall clock moving apart from the monotonic one. */
  private anchorWall: number;
  lastJump: ClockJump | null = null;
  /** A jump noticed while re-anchoring (a sync that ran before the next check), reported by `checkJump`. */
  private pendingJump: ClockJump | null = null;

  constructor(
    private readonly src: ClockSources = SYSTEM_CLOCK,
    offsetMs = 0,
  ) {
    this.anchorMono = src.monoNow();
    this.anchorWall = src.wallNow();
    this.anchorController = this.anchorWall + offsetMs;
  }

  /** The controller's clock now (ms UTC). */
  now(): number {
    return Math.round(this.anchorController + (this.src.monoNow() - this.anchorMono));
  }

  /** The device's own wall clock now. */
  wallNow(): number {
    return this.src.wallNow();
  }

  monoNow(): number {
    return this.src.monoNow();
  }

  /** Controller time minus the device's wall clock, now (after a wall-clock jump it moves with it). */
  get offsetMs(): number {
    return this.now() - this.src.wallNow();
  }

  /** Controller time at a device wall-clock reading `wallAt` (renderer reports, survey answers). */
  fromWall(wallAt: number): number {
    return Math.round(wallAt + this.offsetMs);
  }

  /** Re-anchors on a measurement: the controller read `controllerAt` at monotonic time `monoAt`. */
  anchor(controllerAt: number, monoAt: number = this.src.monoNow()): void {
    // A measurement right after a clock change (a reconnect, a periodic sync) must not hide the change.
    this.pendingJump = this.detectJump() ?? this.pendingJump;
    const mono = this.src.monoNow();
    this.anchorController = controllerAt + (mono - monoAt);
    this.anchorMono = mono;
    this.anchorWall = this.src.wallNow();
  }

  /** Re-anchors from an offset to the wall clock (a saved or rough offset). */
  setOffset(offsetMs: number): void {
    this.anchor(this.src.wallNow() + offsetMs);
  }

  /**
   * Whether the wall clock jumped against the monotonic clock since the anchor (or the last jump). A
   * jump is reported once: the wall baseline moves to now, the controller time does not.
   */
  checkJump(): ClockJump | null {
    const jump = this.detectJump() ?? this.pendingJump;
    this.pendingJump = null;
    return jump;
  }

  private detectJump(): ClockJump | null {
    const mono = this.src.monoNow();
    const wall = this.src.wallNow();
    const drift = wall - this.anchorWall - (mono - this.anchorMono);
    if (Math.abs(drift) <= CLOCK_JUMP_MS) return null;
    this.anchorController = this.anchorController + (mono - this.anchorMono);
    this.anchorMono = mono;
    this.anchorWall = wall;
    this.lastJump = { jumpMs: Math.round(drift), at: Math.round(this.anchorController) };
    return this.lastJump;
  }
}
