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
