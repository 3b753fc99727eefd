import type Database from 'better-sqlite3';
import type { Session } from '../reports/availability';

interface SessionRow {
  device_id: string;
  connected_at: number;
  disconnected_at: number | null;
}

export type CloseReason = 'disconnected' | 'controller-stopped' | 'controller-restart';

/**
 * When each player was connected (`device_sessions`), for the availability report. The hub records a
 * connect and a disconnect; at most one session per device is open at a time, so a second connection
 * of the same player (the old socket not yet timed out) continues the open session.
 */
export class ConnectivityStore {
  constructor(private readonly db: Database.Database) {}

  /** Opens a session unless one is open. */
  connected(deviceId: string, at: number): void {
    const open = this.db
      .prepare('SELECT 1 FROM device_sessions WHERE device_id = ? AND disconnected_at IS NULL')
      .get(deviceId);
    if (!open) this.db.prepare('INSERT INTO device_sessions (device_id, connected_at) VALUES (?, ?)').run(deviceId, at);
  }

  /** Closes the device's open session, if any; never before it started. */
  disconnected(deviceId: string, at: number, reason: CloseReason = 'disconnected'): void {
    this.db
      .prepare(
        `UPDATE device_sessions SET disconnected_at = MAX(connected_at, ?), close_reason = ?
         WHERE device_id = ? AND disconnected_at IS NULL`,
      )
      .run(at, reason, deviceId);
  }

  /**
   * The player says it lost its previous connection at `lostAt` (controller clock): that session ends
   * there, as long as it lies between the session's start and this new connection. Both sides then agree
   * on the gap (a killed controller's last heartbeat can be seconds before the players really lost it;
   * a partition is noticed by the controller only at its ping timeout).
   */
  endedAt(deviceId: string, lostAt: number, reconnectedAt: number): void {
    this.db
      .prepare(
        `UPDATE device_sessions SET disconnected_at = ?
         WHERE id = (SELECT id FROM device_sessions WHERE device_id = ? AND disconnected_at IS NOT NULL
                     ORDER BY connected_at DESC LIMIT 1)
           AND connected_at <= ? AND ? <= ?`,
      )
      .run(lostAt, deviceId, lostAt, lostAt, reconnectedAt);
  }

  /**
   * At start: sessions a stopped controller left open end at the device's last-seen time (the last
   * heartbeat or proof it had written), or where they began when it has none. Returns how many.
   */
  closeLeftOpen(controllerLastAlive: number | null = null): number {
    // The controller's own last heartbeat (written every few seconds) is when its sockets died; a device's
    // last-seen time can be a whole heartbeat older, which would make short sessions zero-length.
    return this.db
      .prepare(
        `UPDATE device_sessions SET close_reason = 'controller-restart', disconnected_at = MAX(connected_at,
           COALESCE(?, (SELECT last_seen_at FROM devices d WHERE d.id = device_sessions.device_id), connected_at))
         WHERE disconnected_at IS NULL`,
      )
      .run(controllerLastAlive).changes;
  }

  /** Sessions overlapping [from, to), per device; `deviceIds` null means every device. */
  sessions(q: { deviceIds: readonly string[] | null; from: number; to: number }): Map<string, Session[]> {
    const out = new Map<string, Session[]>();
    const add = (rows: SessionRow[]) => {
      for (const r of rows) {
        let list = out.get(r.device_id);
        if (!list) out.set(r.device_id, (list = []));
        list.push({ start: r.connected_at, end: r.disconnected_at });
      }
    };
    const base = `SELECT device_id, connected_at, disconnected_at FROM device_sessions
      WHERE connected_at < ? AND (disconnected_at IS NULL OR disconnected_at > ?)`;
    if (q.deviceIds === null) {
      add(this.db.prepare(`${base} ORDER BY device_id, connected_at`).all(q.to, q.from) as SessionRow[]);
      return out;
    }
    // Chunks keep each statement well under SQLite's bound-parameter limit for a large district.
    for (let i = 0; i < q.deviceIds.length; i += 500) {
      const chunk = q.deviceIds.slice(i, i + 500);
      add(
        this.db
          .prepare(`${base} AND device_id IN (${chunk.map(() => '?').join(',')}) ORDER BY device_id, connected_at`)
          .all(q.to, q.from, ...chunk) as SessionRow[],
      );
    }
    return out;
  }

  /** Retention: deletes sessions that ended before `before`. */
  deleteEndedBefore(before: number): number {
    return this.db.prepare('DELETE FROM device_sessions WHERE disconnected_at < ?').run(before).changes;
  }
}
