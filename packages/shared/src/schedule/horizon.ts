import type { Bundle } from '../domain';

/**
 * Horizon, decided: rules (weekly dayparts, cron, exceptions) are expanded on the fly by the engine,
 * never pre-expanded into the bundle, so a bundle resolves for any instant and a player cut off for
 * longer than planned keeps playing its rules rather than going dark. What does run out is the
 * controller's knowledge: schedules created, campaigns cancelled, holiday lists extended later. The
 * horizon is therefore a promise about the data: `horizonUntil` if the controller set one, else
 * 7 days after the bundle was generated. The controller re-pushes a bundle well before that.
 */
export const BUNDLE_HORIZON_MS = 7 * 86_400_000;

/** How much of the 7 days may be used up before a re-push: a player that goes offline then still has 6. */
export const BUNDLE_REFRESH_MARGIN_MS = 86_400_000;

export interface BundleHorizon {
  /** ms UTC up to which the bundle is vouched complete. */
  until: number;
  /** How long from `now` that is (0 once past). */
  remainingMs: number;
  /** The controller should push a fresh bundle: less than 7 days minus the margin left. */
  refreshDue: boolean;
}

export function bundleHorizon(bundle: Bundle, now: number, marginMs = BUNDLE_REFRESH_MARGIN_MS): BundleHorizon {
  const until = bundle.horizonUntil ?? bundle.generatedAt + BUNDLE_HORIZON_MS;
  const remainingMs = Math.max(0, until - now);
  return { until, remainingMs, refreshDue: remainingMs < BUNDLE_HORIZON_MS - marginMs };
}
