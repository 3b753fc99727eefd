import { BUNDLE_HORIZON_MS, BUNDLE_REFRESH_MARGIN_MS } from '@bangtin/shared';
import type { Store } from '../store';
import { horizonUntil, setHorizonUntil } from '../store/meta';

const HOUR_MS = 3_600_000;

/**
 * Moves the bundles' `horizonUntil` to 7 days ahead when less than 6 remain (or none is set). It is
 * part of every bundle's hash, so moving it re-pushes every device: this happens about once a day,
 * well before a player that went offline could run out. Returns the new horizon, or null if unmoved.
 */
export function advanceHorizon(store: Store, now: number): number | null {
  const cur = horizonUntil(store.db);
  if (cur !== null && cur - now >= BUNDLE_HORIZON_MS - BUNDLE_REFRESH_MARGIN_MS) return null;
  // Whole hours: the same value whichever minute the job runs in.
  const next = Math.ceil((now + BUNDLE_HORIZON_MS) / HOUR_MS) * HOUR_MS;
  setHorizonUntil(store.db, next);
  return next;
}
