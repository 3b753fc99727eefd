import type Database from 'better-sqlite3';
import type { DeviceKind, LedOutputConfig, NowPlaying, OutputStatus } from '@bangtin/shared';
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
  tags: string[];
  /** Last status the device-status job recorded (online/stale/offline), null before its first run. */
  status: string | null;
  /** Outputs (LED boards) as the player last reported them; empty before its first report. */
  outputs: OutputStatus[];
  /** LED boards configured here for the device (pushed to the player as `device:config`). */
  outputConfig: LedOutputConfig[];
  /** IANA zone its schedules are read in (those naming no zone of their own); null = Asia/Ho_Chi_Minh. */
  timeZone: string | null;
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
  status: string | null;
  outputs: string | null;
  output_config: string | null;
  time_zone: string | null;
}

function parseOutputConfig(json: string | null): LedOutputConfig[] {
  return json ? (JSON.parse(json) as LedOutputConfig[]) : [];
}

/** The stored JSON of what plays; text that is not JSON (edited in the file) reads as nothing playing. */
function parseNowPlaying(json: string | null): NowPlaying | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as NowPlaying;
  } catch {
    return null;
  }
}

function toRecord(r: DeviceRow, tags: string[] = []): DeviceRecord {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    groupId: r.group_id,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    lastSeenAt: r.last_seen_at,
    nowPlaying: parseNowPlaying(r.now_playing),
    bundleVersion: r.bundle_version,
    bundleHash: r.bundle_hash,
    ackedBundleVersion: r.acked_bundle_version,
    outboxSize: r.outbox_size,
    clockOffsetMs: r.clock_offset_ms,
    tags,
    status: r.status,
    outputs: r.outputs ? (JSON.parse(r.outputs) as OutputStatus[]) : [],
    outputConfig: parseOutputConfig(r.output_config),
    timeZone: r.time_zone ?? null,
  };
}

/** Tags are short labels staff put on devices ("cổng chính", "ngoài trời"): trimmed, NFC, case kept. */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.normalize('NFC').trim()).filter((t) => t.length > 0))].sort();
}

/** What `listBrief` reads: enough to filter, sort and count devices without whole records. */
export type DeviceBrief = Pick<
  DeviceRecord,
  'id' | 'name' | 'kind' | 'groupId' | 'createdAt' | 'revokedAt' | 'lastSeenAt'
>;

export interface DeviceHealth {
  lastSeenAt: number;
  nowPlaying?: NowPlaying | null;
  outboxSize?: number;
  clockOffsetMs?: number;
  outputs?: OutputStatus[];
}

export class DeviceStore {
  private readonly byTokenStmt;
  private readonly authStmt;
  private readonly greetingStmt;
  private readonly healthStmt;
  private briefStmt: Database.Statement | null = null;

  constructor(private readonly db: Database.Database) {
    this.byTokenStmt = db.prepare('SELECT * FROM devices WHERE token_hash = ?');
    this.authStmt = db.prepare('SELECT id, revoked_at FROM devices WHERE token_hash = ?').raw();
    this.greetingStmt = db.prepare('SELECT name, output_config FROM devices WHERE id = ?').raw();
    this.healthStmt = db.prepare(
      `UPDATE devices SET last_seen_at = @lastSeenAt,
         now_playing = CASE WHEN @hasNowPlaying THEN @nowPlaying ELSE now_playing END,
         outbox_size = COALESCE(@outboxSize, outbox_size),
         clock_offset_ms = COALESCE(@clockOffsetMs, clock_offset_ms),
         outputs = COALESCE(@outputs, outputs)
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
    return row ? toRecord(row, this.tagsOf(id)) : null;
  }

  byToken(token: string): DeviceRecord | null {
    const row = this.byTokenStmt.get(hashToken(token)) as DeviceRow | undefined;
    return row ? toRecord(row, this.tagsOf(row.id)) : null;
  }

  /**
   * Only what a connecting player's handshake needs of its device: `byToken` reads the whole record and
   * its tags, which 10,000 players reconnecting at once turned into megabytes of garbage.
   */
  authByToken(token: string): { id: string; revokedAt: number | null } | null {
    const row = this.authStmt.get(hashToken(token)) as [string, number | null] | undefined;
    return row ? { id: row[0], revokedAt: row[1] } : null;
  }

  /** What the controller tells a player as it connects: its name and configured boards. */
  greeting(id: string): { name: string; outputConfig: LedOutputConfig[] } | null {
    const row = this.greetingStmt.get(id) as [string, string | null] | undefined;
    return row ? { name: row[0], outputConfig: parseOutputConfig(row[1]) } : null;
  }

  list(): DeviceRecord[] {
    const tags = new Map<string, string[]>();
    for (const t of this.db.prepare('SELECT device_id, tag FROM device_tags ORDER BY tag').all() as {
      device_id: string;
      tag: string;
    }[]) {
      let l = tags.get(t.device_id);
      if (!l) tags.set(t.device_id, (l = []));
      l.push(t.tag);
    }
    return (this.db.prepare('SELECT * FROM devices ORDER BY name, id').all() as DeviceRow[]).map((r) =>
      toRecord(r, tags.get(r.id) ?? []),
    );
  }

  /**
   * What bundle compilation needs of every enrolled, unrevoked device, and nothing else: no JSON columns
   * to parse, so a province-wide refresh at 10,000 devices does not spend its time decoding health.
   */
  compileTargets(): { id: string; groupId: string | null; tags: string[]; timeZone: string | null }[] {
    const tags = new Map<string, string[]>();
    for (const t of this.db
      .prepare(
        'SELECT t.device_id, t.tag FROM device_tags t JOIN devices d ON d.id = t.device_id WHERE d.revoked_at IS NULL ORDER BY t.tag',
      )
      .raw()
      .all() as [string, string][]) {
      let l = tags.get(t[0]);
      if (!l) tags.set(t[0], (l = []));
      l.push(t[1]);
    }
    return (
      this.db
        .prepare('SELECT id, group_id, time_zone FROM devices WHERE revoked_at IS NULL ORDER BY name, id')
        .raw()
        .all() as [string, string | null, string | null][]
    ).map(([id, groupId, timeZone]) => ({ id, groupId, tags: tags.get(id) ?? [], timeZone }));
  }

  private tagsOf(id: string): string[] {
    return (
      this.db.prepare('SELECT tag FROM device_tags WHERE device_id = ? ORDER BY tag').all(id) as { tag: string }[]
    ).map((r) => r.tag);
  }

  /** Renames, moves, re-tags or re-zones a device; fields left undefined stay as they are. */
  update(
    id: string,
    p: { name?: string; groupId?: string | null; tags?: string[]; timeZone?: string | null },
  ): DeviceRecord | null {
    const cur = this.get(id);
    if (!cur) return null;
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE devices SET name = ?, group_id = ?, time_zone = ? WHERE id = ?')
        .run(
          p.name ?? cur.name,
          p.groupId === undefined ? cur.groupId : p.groupId,
          p.timeZone === undefined ? cur.timeZone : p.timeZone,
          id,
        );
      if (p.tags) {
        this.db.prepare('DELETE FROM device_tags WHERE device_id = ?').run(id);
        const ins = this.db.prepare('INSERT INTO device_tags (device_id, tag) VALUES (?, ?)');
        for (const t of normalizeTags(p.tags)) ins.run(id, t);
      }
    })();
    return this.get(id);
  }

  /** Records status changes; returns the ids whose status changed. */
  writeStatuses(statuses: Map<string, string>, now = Date.now()): string[] {
    const changed: string[] = [];
    const stmt = this.db.prepare(
      'UPDATE devices SET status = ?, status_changed_at = ? WHERE id = ? AND (status IS NULL OR status <> ?)',
    );
    this.db.transaction(() => {
      for (const [id, st] of statuses) if (stmt.run(st, now, id, st).changes > 0) changed.push(id);
    })();
    return changed;
  }

  /**
   * The few columns the dashboard filters, sorts and counts on, for every device: 10,000 of these
   * read in a few milliseconds, where whole records (JSON columns, tags) would take far longer.
   */
  listBrief(): DeviceBrief[] {
    // Columns renamed in SQL so rows come out in their final shape: no second object per device.
    this.briefStmt ??= this.db.prepare(
      `SELECT id, name, kind, group_id AS groupId, created_at AS createdAt, revoked_at AS revokedAt,
         last_seen_at AS lastSeenAt FROM devices`,
    );
    return this.briefStmt.all() as DeviceBrief[];
  }

  /** Whole records of the given devices, in the given order (missing ids are left out). */
  getMany(ids: readonly string[]): DeviceRecord[] {
    const out: DeviceRecord[] = [];
    // Chunks stay under SQLite's bound-parameter limit.
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const marks = chunk.map(() => '?').join(',');
      const rows = new Map(
        (this.db.prepare(`SELECT * FROM devices WHERE id IN (${marks})`).all(...chunk) as DeviceRow[]).map((r) => [
          r.id,
          r,
        ]),
      );
      const tags = new Map<string, string[]>();
      for (const t of this.db
        .prepare(`SELECT device_id, tag FROM device_tags WHERE device_id IN (${marks}) ORDER BY tag`)
        .all(...chunk) as { device_id: string; tag: string }[]) {
        let l = tags.get(t.device_id);
        if (!l) tags.set(t.device_id, (l = []));
        l.push(t.tag);
      }
      for (const id of chunk) {
        const r = rows.get(id);
        if (r) out.push(toRecord(r, tags.get(id) ?? []));
      }
    }
    return out;
  }

  countInGroup(groupId: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM devices WHERE group_id = ?').get(groupId) as { n: number }).n;
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

  /** Replaces the LED boards configured for a device (validated by the caller). */
  setOutputConfig(id: string, outputs: readonly LedOutputConfig[]): void {
    this.db.prepare('UPDATE devices SET output_config = ? WHERE id = ?').run(JSON.stringify(outputs), id);
  }

  setPlayerVersion(id: string, v: string): void {
    this.db.prepare('UPDATE devices SET player_version = ? WHERE id = ?').run(v, id);
  }

  /** Writes many heartbeats in one transaction: 10,000 players must not mean 10,000 commits. */
  writeHealth(updates: Iterable<readonly [string, DeviceHealth]>): void {
    const tx = this.db.transaction(() => {
      for (const [id, h] of updates) {
        this.healthStmt.run({
          id,
          lastSeenAt: h.lastSeenAt,
          hasNowPlaying: h.nowPlaying !== undefined ? 1 : 0,
          nowPlaying: h.nowPlaying ? JSON.stringify(h.nowPlaying) : null,
          outboxSize: h.outboxSize ?? null,
          clockOffsetMs: h.clockOffsetMs ?? null,
          outputs: h.outputs ? JSON.stringify(h.outputs) : null,
        });
      }
    });
    tx();
  }
}
