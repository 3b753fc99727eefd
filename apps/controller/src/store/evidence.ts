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
  private readonly heldRangeStmt;

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
    this.heldRangeStmt = db
      .prepare(
        `WITH d(id) AS (
           SELECT id FROM devices WHERE @all = 1
           UNION SELECT value FROM json_each(@ids) WHERE @all = 0)
         SELECT h.device_id, h.held_from, h.hash FROM d JOIN device_bundle_history h ON h.device_id = d.id
         WHERE h.held_from >= COALESCE((SELECT MAX(held_from) FROM device_bundle_history x
                 WHERE x.device_id = d.id AND x.held_from <= @from), -9007199254740991)
           AND h.held_from <= COALESCE((SELECT MIN(held_from) FROM device_bundle_history y
                 WHERE y.device_id = d.id AND y.held_from >= @to), 9007199254740991)
         ORDER BY h.device_id, h.held_from`,
      )
      .raw();
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

  /**
   * Bundles held by these devices at some time in [from, to), in time order per device. Per device only
   * the rows that matter are read, through the (device_id, held_from) key: the last ack at or before
   * `from`, those inside the range, and the first at or after `to` (which ends the one before it). The
   * history grows by a row per device and bundle change, so a whole-table window would grow with it.
   */
  heldBetween(deviceIds: readonly string[] | null, from: number, to: number): HeldBundle[] {
    const rows = this.heldRangeStmt.all({
      from,
      to,
      all: deviceIds ? 0 : 1,
      ids: JSON.stringify(deviceIds ?? []),
    }) as [string, number, string][];
    const out: HeldBundle[] = [];
    for (let i = 0; i < rows.length; i++) {
      const [deviceId, heldFrom, hash] = rows[i]!;
      if (heldFrom >= to) continue;
      const next = rows[i + 1];
      // The first row of a device is its last ack at or before `from`, so every end here is after `from`.
      out.push({ deviceId, from: heldFrom, to: next && next[0] === deviceId ? next[1] : null, hash });
    }
    return out;
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
