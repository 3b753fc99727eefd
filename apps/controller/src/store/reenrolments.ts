import type Database from 'better-sqlite3';
import type { DeviceKind } from '@bangtin/shared';
import { newId } from '@bangtin/shared';

/**
 * Re-enrolment requests: a player presents a well-formed device token the controller does not know
 * (typically enrolled after the backup that was restored) together with the device id and name it
 * remembers. The controller keeps the request, never the token (its SHA-256 only), until an admin
 * approves it (the device row gets that token hash) or rejects it (the token stays refused).
 *
 * Strangers can reach the handshake, so the table is bounded: one row per claimed device id, at most
 * `MAX_REENROLMENT_ROWS` rows, each gone `REENROLMENT_TTL_MS` after it was first made.
 */
export const MAX_REENROLMENT_ROWS = 1000;
export const REENROLMENT_TTL_MS = 7 * 86_400_000;

export type ReenrolmentStatus = 'pending' | 'rejected';

export interface Reenrolment {
  id: string;
  deviceId: string;
  name: string;
  groupId: string | null;
  /** The first 12 hex digits of the token's SHA-256: what the player logs, for staff to compare on site. */
  fingerprint: string;
  status: ReenrolmentStatus;
  address: string | null;
  playerVersion: string | null;
  attempts: number;
  createdAt: number;
  lastSeenAt: number;
  decidedAt: number | null;
  decidedBy: string | null;
}

interface Row {
  id: string;
  device_id: string;
  name: string;
  group_id: string | null;
  token_hash: string;
  status: ReenrolmentStatus;
  address: string | null;
  player_version: string | null;
  attempts: number;
  created_at: number;
  last_seen_at: number;
  decided_at: number | null;
  decided_by: string | null;
}

const toRecord = (r: Row): Reenrolment => ({
  id: r.id,
  deviceId: r.device_id,
  name: r.name,
  groupId: r.group_id,
  fingerprint: r.token_hash.slice(0, 12),
  status: r.status,
  address: r.address,
  playerVersion: r.player_version,
  attempts: r.attempts,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  decidedAt: r.decided_at,
  decidedBy: r.decided_by,
});

export interface ReenrolmentClaim {
  tokenHash: string;
  deviceId: string;
  name: string;
  groupId: string | null;
  address: string | null;
  playerVersion: string | null;
}

/** What became of a claim: recorded (new or seen again), refused by an earlier rejection, or the table is full. */
export type ClaimOutcome = { kind: 'pending'; request: Reenrolment } | { kind: 'rejected' } | { kind: 'full' };

export class ReenrolmentStore {
  constructor(
    private readonly db: Database.Database,
    private readonly limits = { maxRows: MAX_REENROLMENT_ROWS, ttlMs: REENROLMENT_TTL_MS },
  ) {}

  private byTokenHash(hash: string): Row | undefined {
    return this.db.prepare('SELECT * FROM device_reenrolments WHERE token_hash = ?').get(hash) as Row | undefined;
  }

  /** Records (or refreshes) a claim, in one transaction so parallel handshakes cannot overrun the bound. */
  claim(c: ReenrolmentClaim, now = Date.now()): ClaimOutcome {
    return this.db.transaction((): ClaimOutcome => {
      this.db.prepare('DELETE FROM device_reenrolments WHERE created_at < ?').run(now - this.limits.ttlMs);
      const same = this.byTokenHash(c.tokenHash);
      if (same) {
        if (same.status === 'rejected') return { kind: 'rejected' };
        this.db
          .prepare('UPDATE device_reenrolments SET attempts = attempts + 1, last_seen_at = ?, address = ? WHERE id = ?')
          .run(now, c.address, same.id);
        return { kind: 'pending', request: this.get(same.id)! };
      }
      // One row per claimed device: a newer token for the same device replaces the older claim (staff
      // compare the fingerprint with what the player on site logs before approving).
      const forDevice = this.db.prepare('SELECT id FROM device_reenrolments WHERE device_id = ?').get(c.deviceId) as
        { id: string } | undefined;
      if (!forDevice) {
        const { n } = this.db.prepare('SELECT COUNT(*) AS n FROM device_reenrolments').get() as { n: number };
        if (n >= this.limits.maxRows) return { kind: 'full' };
      }
      const id = forDevice?.id ?? newId();
      this.db
        .prepare(
          `INSERT INTO device_reenrolments
             (id, device_id, name, group_id, token_hash, status, address, player_version, attempts, created_at, last_seen_at)
           VALUES (@id, @deviceId, @name, @groupId, @tokenHash, 'pending', @address, @playerVersion, 1, @now, @now)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, group_id = excluded.group_id,
             token_hash = excluded.token_hash, status = 'pending', address = excluded.address,
             player_version = excluded.player_version, attempts = 1, created_at = excluded.created_at,
             last_seen_at = excluded.last_seen_at, decided_at = NULL, decided_by = NULL`,
        )
        .run({ ...c, id, now });
      return { kind: 'pending', request: this.get(id)! };
    })();
  }

  get(id: string): Reenrolment | null {
    const r = this.db.prepare('SELECT * FROM device_reenrolments WHERE id = ?').get(id) as Row | undefined;
    return r ? toRecord(r) : null;
  }

  tokenHashOf(id: string): string | null {
    const r = this.db.prepare('SELECT token_hash FROM device_reenrolments WHERE id = ?').get(id) as
      { token_hash: string } | undefined;
    return r?.token_hash ?? null;
  }

  /** Unexpired requests, newest first. */
  list(now = Date.now()): Reenrolment[] {
    return (
      this.db
        .prepare('SELECT * FROM device_reenrolments WHERE created_at >= ? ORDER BY last_seen_at DESC, id')
        .all(now - this.limits.ttlMs) as Row[]
    ).map(toRecord);
  }

  reject(id: string, by: string, now = Date.now()): void {
    this.db
      .prepare("UPDATE device_reenrolments SET status = 'rejected', decided_at = ?, decided_by = ? WHERE id = ?")
      .run(now, by, id);
  }

  /**
   * Gives the device the request's token hash (creating its row when the restored database has none)
   * and removes the request, in one transaction.
   */
  approve(id: string, device: { kind: DeviceKind; groupId: string | null }, now = Date.now()): string {
    return this.db.transaction(() => {
      const r = this.db.prepare('SELECT * FROM device_reenrolments WHERE id = ?').get(id) as Row | undefined;
      if (!r) throw new Error(`no re-enrolment request ${id}`);
      const exists = this.db.prepare('SELECT 1 FROM devices WHERE id = ?').get(r.device_id) !== undefined;
      if (exists) {
        this.db
          .prepare('UPDATE devices SET token_hash = ?, group_id = ? WHERE id = ?')
          .run(r.token_hash, device.groupId, r.device_id);
      } else {
        this.db
          .prepare('INSERT INTO devices (id, name, kind, group_id, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(r.device_id, r.name, device.kind, device.groupId, r.token_hash, now);
      }
      this.db.prepare('DELETE FROM device_reenrolments WHERE id = ?').run(id);
      return r.device_id;
    })();
  }
}
