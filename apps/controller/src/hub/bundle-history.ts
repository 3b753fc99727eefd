import type Database from 'better-sqlite3';
import type { Bundle } from '@bangtin/shared';

/** meta key: when the bundle history began (migration 12); plays before it cannot be judged by it. */
export const BUNDLE_REFS_SINCE_KEY = 'bundle_refs_since';

type Kind = 'schedule' | 'interrupt';

/**
 * What each device was ever sent (issue 14 item 8): the schedules and urgent messages that appeared in
 * any bundle it got. A proof may name only those (a device must not write plays of another district's
 * schedule into its reports), and an urgent-message ack only a message it was sent.
 *
 * Kept in `device_bundle_refs` (never pruned: a player may upload a week of proofs of a schedule
 * deleted since) and cached per device in memory, loaded on first use and added to when a bundle is
 * sent, so the check costs a set lookup per proof.
 */
export class BundleHistory {
  private readonly cache = new Map<string, Map<string, Kind>>();
  private readonly load;
  private readonly insert;
  private readonly known;
  /** ms UTC the history began: 0 when it is as old as the database. */
  readonly since: number;

  constructor(
    private readonly db: Database.Database,
    /** When this controller run began: everything sent since is in the history for sure. */
    private readonly runStartedAt = Date.now(),
  ) {
    this.load = db.prepare('SELECT ref_id, kind FROM device_bundle_refs WHERE device_id = ?');
    this.insert = db.prepare(
      'INSERT OR IGNORE INTO device_bundle_refs (device_id, kind, ref_id, first_sent_at) VALUES (?, ?, ?, ?)',
    );
    this.known = db.prepare(
      'SELECT 1 FROM schedules WHERE id = ? UNION ALL SELECT 1 FROM interrupts WHERE id = ? LIMIT 1',
    );
    const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(BUNDLE_REFS_SINCE_KEY) as
      { value: string } | undefined;
    this.since = row ? Number(row.value) : 0;
  }

  private refs(deviceId: string): Map<string, Kind> {
    let m = this.cache.get(deviceId);
    if (!m) {
      m = new Map((this.load.all(deviceId) as { ref_id: string; kind: Kind }[]).map((r) => [r.ref_id, r.kind]));
      this.cache.set(deviceId, m);
    }
    return m;
  }

  /**
   * Notes a bundle sent to a device. The cache changes at once (the player may answer before any write);
   * the rows to insert are returned as one write, for the caller to batch with others (or null: nothing new).
   */
  sent(deviceId: string, bundle: Pick<Bundle, 'schedules' | 'interrupts'>, now = Date.now()): (() => void) | null {
    return this.sentToAll([deviceId], bundle, now);
  }

  /**
   * `sent` for every device given one bundle (a fan-out), as one write. The new rows go into one flat
   * list rather than a list and a closure per device: a province-wide change makes 10,000 of them.
   */
  sentToAll(
    deviceIds: readonly string[],
    bundle: Pick<Bundle, 'schedules' | 'interrupts'>,
    now = Date.now(),
  ): (() => void) | null {
    const rows: string[] = []; // device id, kind, ref id; repeated
    for (const deviceId of deviceIds) {
      const m = this.refs(deviceId);
      for (const s of bundle.schedules)
        if (!m.has(s.id)) {
          m.set(s.id, 'schedule');
          rows.push(deviceId, 'schedule', s.id);
        }
      for (const i of bundle.interrupts ?? [])
        if (!m.has(i.id)) {
          m.set(i.id, 'interrupt');
          rows.push(deviceId, 'interrupt', i.id);
        }
    }
    if (rows.length === 0) return null;
    return () => {
      for (let k = 0; k < rows.length; k += 3) this.insert.run(rows[k], rows[k + 1], rows[k + 2], now);
    };
  }

  /** True when an urgent message appeared in a bundle sent to the device. */
  sentInterrupt(deviceId: string, interruptId: string): boolean {
    return this.refs(deviceId).get(interruptId) === 'interrupt';
  }

  /**
   * Why a proof naming `scheduleId` (a schedule or an urgent message) may not be stored for the device,
   * or null when it may. Refused: a schedule or message the controller knows but never sent this device.
   * An id the controller does not know at all is refused for plays during this run (it sent nothing of
   * the kind), and let through for earlier plays: after a restore from an older backup the schedule and
   * its history are both gone, yet the player's resent proofs are real. Plays from before the history
   * began (the upgrade that added it) cannot be judged and pass.
   */
  proofProblem(
    deviceId: string,
    scheduleId: string,
    startedAt: number,
    knownCache: Map<string, boolean>,
  ): string | null {
    if (this.refs(deviceId).has(scheduleId)) return null;
    if (startedAt < this.since) return null;
    let known = knownCache.get(scheduleId);
    if (known === undefined) {
      known = this.known.get(scheduleId, scheduleId) !== undefined;
      knownCache.set(scheduleId, known);
    }
    if (!known && startedAt < this.runStartedAt) return null;
    return 'scheduleId: not a schedule or urgent message this device was ever sent';
  }
}
