import type Database from 'better-sqlite3';
import type { DeviceKind, NowPlaying } from '@bangtin/shared';
import { newId } from '@bangtin/shared';
import { hashToken, newToken } from '../auth/tokens';

export interface DeviceRecord {
  id: string;
  name: string;
  kind: DeviceKind;
  groupId: string | null;
  createdAt: number;
  revokedAt: number | null;
  lastSeenAt: number | null;
  nowPlaying: NowPlaying | null;
  bundleVersion: number | null;
  bundleHash: string | null;
  ackedBundleVersion: number | null;
  outboxSize: number | null;
  clockOffsetMs: number | null;
}

interface DeviceRow {
  id: string;
  name: string;
  kind: DeviceKind;
  group_id: string | null;
  created_at: number;
  revoked_at: number | null;
  last_seen_at: number | null;
  now_playing: string | null;
  bundle_version: number | null;
  bundle_hash: string | null;
  acked_bundle_version: number | null;
  outbox_size: number | null;
  clock_offset_ms: number | null;
}

function toRecord(r: DeviceRow): DeviceRecord {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    groupId: r.group_id,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    lastSeenAt: r.last_seen_at,
    nowPlaying: r.now_playing ? (JSON.parse(r.now_playing) as NowPlaying) : null,
    bundleVersion: r.bundle_version,
    bundleHash: r.bundle_hash,
    ackedBundleVersion: r.acked_bundle_version,
    outboxSize: r.outbox_size,
    clockOffsetMs: r.clock_offset_ms,
  };
}

export interface DeviceHealth {
  lastSeenAt: number;
  nowPlaying?: NowPlaying | null;
  outboxSize?: number;
  clockOffsetMs?: number;
}

export class DeviceStore {
  private readonly byTokenStmt;
  private readonly healthStmt;

  constructor(private readonly db: Database.Database) {
    this.byTokenStmt = db.prepare('SELECT * FROM devices WHERE token_hash = ?');
    this.healthStmt = db.prepare(
      `UPDATE devices SET last_seen_at = @lastSeenAt,
         now_playing = CASE WHEN @hasNowPlaying THEN @nowPlaying ELSE now_playing END,
         outbox_size = COALESCE(@outboxSize, outbox_size),
         clock_offset_ms = COALESCE(@clockOffsetMs, clock_offset_ms)
       WHERE id = @id`,
    );
  }

  /** Creates a device; the returned token is the only time the secret exists in clear. */
  create(d: { name: string; kind: DeviceKind; groupId: string | null }): { device: DeviceRecord; token: string } {
    const id = newId();
    const token = newToken('dev');
    const now = Date.now();
    this.db
      .prepare('INSERT INTO devices (id, name, kind, group_id, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, d.name, d.kind, d.groupId, hashToken(token), now);
    return { device: this.get(id)!, token };
  }

  get(id: string): DeviceRecord | null {
    const row = this.db.prepare('SELECT * FROM devices WHERE id = ?').get(id) as DeviceRow | undefined;
    return row ? toRecord(row) : null;
  }

  byToken(token: string): DeviceRecord | null {
    const row = this.byTokenStmt.get(hashToken(token)) as DeviceRow | undefined;
    return row ? toRecord(row) : null;
  }

  list(): DeviceRecord[] {
    return (this.db.prepare('SELECT * FROM devices ORDER BY name, id').all() as DeviceRow[]).map(toRecord);
  }

  revoke(id: string, now = Date.now()): boolean {
    return (
      this.db.prepare('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes > 0
    );
  }

  setBundle(id: string, version: number, hash: string): void {
    this.db.prepare('UPDATE devices SET bundle_version = ?, bundle_hash = ? WHERE id = ?').run(version, hash, id);
  }

  setAckedBundle(id: string, version: number): void {
    this.db.prepare('UPDATE devices SET acked_bundle_version = ? WHERE id = ?').run(version, id);
  }

  setPlayerVersion(id: string, v: string): void {
    this.db.prepare('UPDATE devices SET player_version = ? WHERE id = ?').run(v, id);
  }

  /** Writes many heartbeats in one transaction: 10,000 players must not mean 10,000 commits. */
  writeHealth(updates: Map<string, DeviceHealth>): void {
    const tx = this.db.transaction(() => {
      for (const [id, h] of updates) {
        this.healthStmt.run({
          id,
          lastSeenAt: h.lastSeenAt,
          hasNowPlaying: h.nowPlaying !== undefined ? 1 : 0,
          nowPlaying: h.nowPlaying ? JSON.stringify(h.nowPlaying) : null,
          outboxSize: h.outboxSize ?? null,
          clockOffsetMs: h.clockOffsetMs ?? null,
        });
      }
    });
    tx();
  }
}
