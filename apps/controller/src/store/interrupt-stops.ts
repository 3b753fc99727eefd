import type Database from 'better-sqlite3';

export interface StopAck {
  deviceId: string;
  /** The first bundle revision that no longer carries the message. */
  bundleVersion: number;
  ackedAt: number | null;
}

/**
 * Per-device acknowledgement that an urgent message was stopped. A stop reaches a player as a new bundle
 * without the message, and every player, old or new, acknowledges each bundle it applies
 * (`bundle:ack {version}`): an ack of that revision or a later one is the device's stop ack. Nothing new
 * on the wire, so players of the previous protocol version report stops too.
 */
export class InterruptStopStore {
  private readonly pendingStmt;
  private readonly anyPendingStmt;
  /**
   * Whether any stop waits for an ack anywhere: false is known for sure only after a query found none,
   * and `record` forgets it. Every bundle ack asks (10,000 of them after a province-wide change), and
   * nearly always nothing is waiting.
   */
  private anyPending: boolean | null = null;

  constructor(private readonly db: Database.Database) {
    this.pendingStmt = db.prepare('SELECT 1 FROM interrupt_stops WHERE device_id = ? AND acked_at IS NULL');
    this.anyPendingStmt = db.prepare('SELECT 1 FROM interrupt_stops WHERE acked_at IS NULL LIMIT 1');
  }

  /** Records the revision each device must ack; `ackedAt` set for a device already holding it. */
  record(interruptId: string, stops: StopAck[]): void {
    const ins = this.db.prepare(
      `INSERT INTO interrupt_stops (interrupt_id, device_id, bundle_version, acked_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (interrupt_id, device_id) DO NOTHING`,
    );
    this.anyPending = null;
    this.db.transaction(() => {
      for (const s of stops) ins.run(interruptId, s.deviceId, s.bundleVersion, s.ackedAt);
    })();
  }

  /** The device applied bundle `version`: every stop waiting for that revision or an earlier one is acked. */
  bundleAcked(deviceId: string, version: number, at: number): string[] {
    const rows = this.db
      .prepare(
        `UPDATE interrupt_stops SET acked_at = ? WHERE device_id = ? AND acked_at IS NULL AND bundle_version <= ?
         RETURNING interrupt_id`,
      )
      .all(at, deviceId, version) as { interrupt_id: string }[];
    if (rows.length > 0) this.anyPending = null;
    return rows.map((r) => r.interrupt_id);
  }

  forInterrupt(interruptId: string): StopAck[] {
    return (
      this.db
        .prepare(
          'SELECT device_id, bundle_version, acked_at FROM interrupt_stops WHERE interrupt_id = ? ORDER BY device_id',
        )
        .all(interruptId) as { device_id: string; bundle_version: number; acked_at: number | null }[]
    ).map((r) => ({ deviceId: r.device_id, bundleVersion: r.bundle_version, ackedAt: r.acked_at }));
  }

  /** Cheap check before the UPDATE: most bundle acks have no stop waiting. */
  hasPending(deviceId: string): boolean {
    this.anyPending ??= this.anyPendingStmt.get() !== undefined;
    return this.anyPending && this.pendingStmt.get(deviceId) !== undefined;
  }
}
