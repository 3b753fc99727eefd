import type Database from 'better-sqlite3';
import type { Recurrence } from '@bangtin/shared';
import { newId } from '@bangtin/shared';

export interface ScheduleTarget {
  deviceIds: string[];
  groupIds: string[];
  tags: string[];
}

export interface ScheduleRecord {
  id: string;
  playlistId: string;
  startsAt: number | null;
  endsAt: number | null;
  priority: number;
  createdAt: number;
  createdBy: string | null;
  /** Empty on a campaign entry means "the campaign's targets", read at compile time. */
  target: ScheduleTarget;
  recurrence: Recurrence | null;
  timeZone: string | null;
  exceptions: string[];
  holidayListIds: string[];
  weight: number;
  campaignId: string | null;
  fallback: boolean;
  updatedAt: number | null;
  /**
   * The group (an editor's district) the schedule was created for: it reaches only devices in that
   * group's subtree, whatever its tags say. Null = no limit (province staff). Optional so compile
   * inputs built by hand (tests, benchmarks) need not name it.
   */
  scopeGroupId?: string | null;
  /** A campaign entry given no priority of its own: it follows the campaign's. */
  priorityFromCampaign?: boolean;
}

/** What callers give: the foundation's fields, plus optional scheduling fields (issue 3). */
export type ScheduleInput = Pick<ScheduleRecord, 'playlistId' | 'startsAt' | 'endsAt' | 'priority' | 'createdBy'> & {
  target: { deviceIds: string[]; groupIds: string[]; tags?: string[] };
} & Partial<
    Pick<
      ScheduleRecord,
      | 'recurrence'
      | 'timeZone'
      | 'exceptions'
      | 'holidayListIds'
      | 'weight'
      | 'campaignId'
      | 'fallback'
      | 'scopeGroupId'
      | 'priorityFromCampaign'
    >
  >;

export type SchedulePatch = Partial<Omit<ScheduleInput, 'createdBy'>>;

interface ScheduleRow {
  id: string;
  playlist_id: string;
  starts_at: number | null;
  ends_at: number | null;
  priority: number;
  created_at: number;
  created_by: string | null;
  recurrence: string | null;
  time_zone: string | null;
  exceptions: string | null;
  holiday_list_ids: string | null;
  weight: number;
  campaign_id: string | null;
  fallback: number;
  updated_at: number | null;
  scope_group_id: string | null;
  priority_from_campaign: number;
}

function toRecord(r: ScheduleRow): ScheduleRecord {
  return {
    id: r.id,
    playlistId: r.playlist_id,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    priority: r.priority,
    createdAt: r.created_at,
    createdBy: r.created_by,
    target: { deviceIds: [], groupIds: [], tags: [] },
    recurrence: r.recurrence ? (JSON.parse(r.recurrence) as Recurrence) : null,
    timeZone: r.time_zone,
    exceptions: r.exceptions ? (JSON.parse(r.exceptions) as string[]) : [],
    holidayListIds: r.holiday_list_ids ? (JSON.parse(r.holiday_list_ids) as string[]) : [],
    weight: r.weight,
    campaignId: r.campaign_id,
    fallback: r.fallback === 1,
    updatedAt: r.updated_at,
    scopeGroupId: r.scope_group_id,
    priorityFromCampaign: r.priority_from_campaign === 1,
  };
}

const jsonOrNull = (v: unknown[] | null | undefined) => (v && v.length > 0 ? JSON.stringify(v) : null);

export class ScheduleStore {
  constructor(private readonly db: Database.Database) {}

  create(s: ScheduleInput, now = Date.now()): ScheduleRecord {
    const id = newId();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO schedules (id, playlist_id, starts_at, ends_at, priority, created_by, created_at, recurrence,
             time_zone, exceptions, holiday_list_ids, weight, campaign_id, fallback, updated_at, scope_group_id,
             priority_from_campaign)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          s.playlistId,
          s.startsAt,
          s.endsAt,
          s.priority,
          s.createdBy,
          now,
          s.recurrence ? JSON.stringify(s.recurrence) : null,
          s.timeZone ?? null,
          jsonOrNull(s.exceptions),
          jsonOrNull(s.holidayListIds),
          s.weight ?? 1,
          s.campaignId ?? null,
          s.fallback ? 1 : 0,
          now,
          s.scopeGroupId ?? null,
          s.priorityFromCampaign && s.campaignId ? 1 : 0,
        );
      this.writeTargets(id, s.target);
    })();
    return this.get(id)!;
  }

  private writeTargets(id: string, t: ScheduleInput['target']): void {
    this.db.prepare('DELETE FROM schedule_targets WHERE schedule_id = ?').run(id);
    this.db.prepare('DELETE FROM schedule_tags WHERE schedule_id = ?').run(id);
    const ins = this.db.prepare('INSERT INTO schedule_targets (schedule_id, target_kind, target_id) VALUES (?, ?, ?)');
    for (const d of new Set(t.deviceIds)) ins.run(id, 'device', d);
    for (const g of new Set(t.groupIds)) ins.run(id, 'group', g);
    const tag = this.db.prepare('INSERT INTO schedule_tags (schedule_id, tag) VALUES (?, ?)');
    for (const x of new Set(t.tags ?? [])) tag.run(id, x);
  }

  update(id: string, p: SchedulePatch, now = Date.now()): ScheduleRecord | null {
    const cur = this.get(id);
    if (!cur) return null;
    const next = { ...cur, ...p, target: p.target ? { tags: [], ...p.target } : cur.target };
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE schedules SET playlist_id = ?, starts_at = ?, ends_at = ?, priority = ?, recurrence = ?,
             time_zone = ?, exceptions = ?, holiday_list_ids = ?, weight = ?, campaign_id = ?, fallback = ?,
             updated_at = ?, scope_group_id = ?, priority_from_campaign = ?
           WHERE id = ?`,
        )
        .run(
          next.playlistId,
          next.startsAt,
          next.endsAt,
          next.priority,
          next.recurrence ? JSON.stringify(next.recurrence) : null,
          next.timeZone ?? null,
          jsonOrNull(next.exceptions),
          jsonOrNull(next.holidayListIds),
          next.weight ?? 1,
          next.campaignId ?? null,
          next.fallback ? 1 : 0,
          now,
          next.scopeGroupId ?? null,
          next.priorityFromCampaign && next.campaignId ? 1 : 0,
          id,
        );
      if (p.target) this.writeTargets(id, next.target);
    })();
    return this.get(id);
  }

  get(id: string): ScheduleRecord | null {
    const row = this.db.prepare('SELECT * FROM schedules WHERE id = ? AND deleted_at IS NULL').get(id) as
      ScheduleRow | undefined;
    if (!row) return null;
    const rec = toRecord(row);
    this.attachTargets(new Map([[rec.id, rec]]), 'WHERE schedule_id = ?', [id]);
    return rec;
  }

  /** Soft delete: the row stays so proofs keep their schedule's campaign for reports. */
  delete(id: string, now = Date.now()): boolean {
    return (
      this.db.prepare('UPDATE schedules SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(now, id).changes >
      0
    );
  }

  list(): ScheduleRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM schedules WHERE deleted_at IS NULL ORDER BY created_at, id')
      .all() as ScheduleRow[];
    const byId = new Map(rows.map((r) => [r.id, toRecord(r)]));
    this.attachTargets(byId, '', []);
    return [...byId.values()];
  }

  byCampaign(campaignId: string): ScheduleRecord[] {
    return this.list().filter((s) => s.campaignId === campaignId);
  }

  /**
   * Gives the campaign's new priority to its entries that follow it; returns how many changed. Entries
   * given a priority of their own keep it.
   */
  followCampaignPriority(campaignId: string, priority: number, now = Date.now()): number {
    return this.db
      .prepare(
        `UPDATE schedules SET priority = ?, updated_at = ?
         WHERE campaign_id = ? AND priority_from_campaign = 1 AND deleted_at IS NULL AND priority <> ?`,
      )
      .run(priority, now, campaignId, priority).changes;
  }

  /** Schedules whose end fell in (from, to]: a refresh drops them from bundles. */
  endedBetween(from: number, to: number): number {
    const row = this.db
      .prepare('SELECT COUNT(*) AS n FROM schedules WHERE deleted_at IS NULL AND ends_at > ? AND ends_at <= ?')
      .get(from, to) as { n: number };
    return row.n;
  }

  /** Schedules that name this group, device or holiday list (to refuse deleting what is in use). */
  referencing(kind: 'group' | 'device', id: string): string[] {
    return (
      this.db
        .prepare(
          `SELECT t.schedule_id AS id FROM schedule_targets t JOIN schedules s ON s.id = t.schedule_id
           WHERE s.deleted_at IS NULL AND t.target_kind = ? AND t.target_id = ?`,
        )
        .all(kind, id) as { id: string }[]
    ).map((r) => r.id);
  }

  private attachTargets(byId: Map<string, ScheduleRecord>, where: string, params: string[]): void {
    const targets = this.db.prepare(`SELECT * FROM schedule_targets ${where}`).all(...params) as {
      schedule_id: string;
      target_kind: 'device' | 'group';
      target_id: string;
    }[];
    for (const t of targets) {
      const s = byId.get(t.schedule_id);
      if (!s) continue;
      (t.target_kind === 'device' ? s.target.deviceIds : s.target.groupIds).push(t.target_id);
    }
    const tags = this.db.prepare(`SELECT * FROM schedule_tags ${where}`).all(...params) as {
      schedule_id: string;
      tag: string;
    }[];
    for (const t of tags) byId.get(t.schedule_id)?.target.tags.push(t.tag);
  }
}

/** Removes a draft campaign's entries outright: a draft never reached a device, so no proof names them. */
export function purgeCampaignSchedules(db: Database.Database, campaignId: string): number {
  return db.prepare('DELETE FROM schedules WHERE campaign_id = ?').run(campaignId).changes;
}
