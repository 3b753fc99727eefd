import type Database from 'better-sqlite3';
import type { Bundle, OutputStatus } from '@bangtin/shared';

export interface HeldBundle {
  deviceId: string;
  /** From when the device held it (its ack), to when it acked the next one (null: still held). */
  from: number;
  to: number | null;
  hash: string;
}

export interface OutputStateChange {
  deviceId: string;
  outputId: string;
  at: number;
  state: OutputStatus['state'];
}

/**
 * What the compliance report compares against: the bundles each device held (bodies kept once per
 * hash) and the history of its outputs' states. Written by the hub, read by reports/compliance.ts.
 */
export class EvidenceStore {
  private readonly keepStmt;
  private readonly lastHeldStmt;
  private readonly heldStmt;
  private readonly stateStmt;

  constructor(private readonly db: Database.Database) {
    this.keepStmt = db.prepare(
      'INSERT OR IGNORE INTO bundle_bodies (hash, version, body, created_at) VALUES (?, ?, ?, ?)',
    );
    this.lastHeldStmt = db.prepare(
      'SELECT hash FROM device_bundle_history WHERE device_id = ? ORDER BY held_from DESC LIMIT 1',
    );
    this.heldStmt = db.prepare(
      'INSERT OR REPLACE INTO device_bundle_history (device_id, held_from, hash) VALUES (?, ?, ?)',
    );
    this.stateStmt = db.prepare(
      'INSERT OR REPLACE INTO output_status_history (device_id, output_id, at, state) VALUES (?, ?, ?, ?)',
    );
  }

  keepBundles(bundles: readonly Bundle[], now = Date.now()): void {
    this.db.transaction(() => {
      for (const b of bundles) this.keepStmt.run(b.hash, b.version, JSON.stringify(b), now);
    })();
  }

  /** The device acknowledged the bundle with this hash at `at`; a re-ack of the same one adds nothing. */
  bundleHeld(deviceId: string, hash: string, at: number): void {
    const last = this.lastHeldStmt.get(deviceId) as { hash: string } | undefined;
    if (last?.hash === hash) return;
    this.heldStmt.run(deviceId, at, hash);
  }

  outputStates(deviceId: string, outputs: readonly Pick<OutputStatus, 'id' | 'state'>[], at: number): void {
    this.db.transaction(() => {
      for (const o of outputs) this.stateStmt.run(deviceId, o.id, at, o.state);
    })();
  }

  /** Bundle bodies by hash (parsed once per report). */
  bundle(hash: string): Bundle | null {
    const row = this.db.prepare('SELECT body FROM bundle_bodies WHERE hash = ?').get(hash) as
      { body: string } | undefined;
    return row ? (JSON.parse(row.body) as Bundle) : null;
  }

  /** Bundles held by these devices at some time in [from, to), in time order per device. */
  heldBetween(deviceIds: readonly string[] | null, from: number, to: number): HeldBundle[] {
    const rows = this.db
      .prepare(
        `SELECT device_id, held_from, hash,
           LEAD(held_from) OVER (PARTITION BY device_id ORDER BY held_from) AS held_to
         FROM device_bundle_history`,
      )
      .all() as { device_id: string; held_from: number; hash: string; held_to: number | null }[];
    const want = deviceIds ? new Set(deviceIds) : null;
    return rows
      .filter((r) => (!want || want.has(r.device_id)) && r.held_from < to && (r.held_to === null || r.held_to > from))
      .map((r) => ({ deviceId: r.device_id, from: r.held_from, to: r.held_to, hash: r.hash }));
  }

  /** State changes of these devices' outputs up to `to`, the last one before `from` included. */
  outputStatesBetween(deviceIds: ReadonlySet<string>, from: number, to: number): OutputStateChange[] {
    const rows = this.db
      .prepare(
        `SELECT device_id, output_id, at, state FROM output_status_history h
         WHERE at < ? AND (at >= ? OR at = (SELECT MAX(at) FROM output_status_history x
           WHERE x.device_id = h.device_id AND x.output_id = h.output_id AND x.at < ?))
         ORDER BY device_id, output_id, at`,
      )
      .all(to, from, from) as { device_id: string; output_id: string; at: number; state: OutputStatus['state'] }[];
    return rows
      .filter((r) => deviceIds.has(r.device_id))
      .map((r) => ({ deviceId: r.device_id, outputId: r.output_id, at: r.at, state: r.state }));
  }
}
