/**
 * Per-device ingest budget for proofs (issue 14 item 4): one device uploaded 300,000 proofs in 14 s and
 * could have filled the disk. Counted in fixed windows (a minute, a day) per device; a batch gets at
 * most what is left, and the rest waits in the player's outbox until the window turns.
 *
 * The defaults are far above real use: a board changing item every 10 s makes 8,640 proofs a day per
 * output, so a kiosk with four outputs back from a week offline uploads about 240,000 — at 6,000 a
 * minute that backlog is in within 40 minutes, and within two days by the daily budget.
 */
export interface ProofBudgetOptions {
  perMinute: number;
  perDay: number;
  /** Window lengths; only tests shorten them. */
  minuteMs?: number;
  dayMs?: number;
}

export const DEFAULT_PROOF_BUDGET: ProofBudgetOptions = { perMinute: 6_000, perDay: 200_000 };

interface Windows {
  minuteStart: number;
  minuteUsed: number;
  dayStart: number;
  dayUsed: number;
}

export interface BudgetGrant {
  /** How many of the requested proofs may be stored now. */
  granted: number;
  /** When less than asked was granted: ms until the exhausted window turns. */
  retryAfterMs: number;
  /** Which budget ran out (for the message), null when all was granted. */
  exhausted: 'minute' | 'day' | null;
}

export class ProofBudget {
  private readonly windows = new Map<string, Windows>();
  private readonly minuteMs: number;
  private readonly dayMs: number;

  constructor(readonly opts: ProofBudgetOptions = DEFAULT_PROOF_BUDGET) {
    for (const k of ['perMinute', 'perDay'] as const) {
      if (!Number.isSafeInteger(opts[k]) || opts[k] < 1)
        throw new RangeError(`proof budget ${k}: must be a positive whole number, got ${opts[k]}`);
    }
    this.minuteMs = opts.minuteMs ?? 60_000;
    this.dayMs = opts.dayMs ?? 86_400_000;
  }

  /** Takes up to `n` proofs from the device's budget. */
  take(deviceId: string, n: number, now = Date.now()): BudgetGrant {
    let w = this.windows.get(deviceId);
    if (!w) {
      w = { minuteStart: now, minuteUsed: 0, dayStart: now, dayUsed: 0 };
      this.windows.set(deviceId, w);
    }
    if (now - w.minuteStart >= this.minuteMs) {
      w.minuteStart = now;
      w.minuteUsed = 0;
    }
    if (now - w.dayStart >= this.dayMs) {
      w.dayStart = now;
      w.dayUsed = 0;
    }
    const minuteLeft = this.opts.perMinute - w.minuteUsed;
    const dayLeft = this.opts.perDay - w.dayUsed;
    const granted = Math.max(0, Math.min(n, minuteLeft, dayLeft));
    w.minuteUsed += granted;
    w.dayUsed += granted;
    if (granted === n) return { granted, retryAfterMs: 0, exhausted: null };
    const exhausted = dayLeft <= minuteLeft ? 'day' : 'minute';
    const retryAfterMs = exhausted === 'day' ? w.dayStart + this.dayMs - now : w.minuteStart + this.minuteMs - now;
    return { granted, retryAfterMs: Math.max(1, retryAfterMs), exhausted };
  }

  /** Gives back proofs that were already stored (replays): resending costs nothing. */
  refund(deviceId: string, n: number): void {
    const w = this.windows.get(deviceId);
    if (!w || n <= 0) return;
    w.minuteUsed = Math.max(0, w.minuteUsed - n);
    w.dayUsed = Math.max(0, w.dayUsed - n);
  }

  /** A device gone for good (revoked) needs no window. */
  forget(deviceId: string): void {
    this.windows.delete(deviceId);
  }
}
