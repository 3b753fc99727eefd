import type Database from 'better-sqlite3';
import { newId, type Recurrence } from '@bangtin/shared';

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'running', 'ended', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export interface CampaignTarget {
  deviceIds: string[];
  groupIds: string[];
  tags: string[];
}

export interface CampaignRecord {
  id: string;
  name: string;
  description: string;
  colour: string;
  /** Local dates (Asia/Ho_Chi_Minh), both inclusive. */
  startsOn: string;
  endsOn: string;
  priority: number;
  status: CampaignStatus;
  target: CampaignTarget;
  playlistIds: string[];
  /** When its entries run unless an entry sets its own; null = whenever the entries' windows say. */
  recurrence?: Recurrence | null;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

export type CampaignInput = Omit<CampaignRecord, 'id' | 'createdAt' | 'updatedAt' | 'status'> & {
  status?: CampaignStatus;
};

interface CampaignRow {
  id: string;
  name: string;
  description: string;
  colour: string;
  starts_on: string;
  ends_on: string;
  priority: number;
  status: CampaignStatus;
  recurrence?: string | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * The status a published campaign should have on local date `today`. Draft and cancelled are set by
 * people only; the rest follow the calendar, so the job that applies this can run any number of times.
 */
export function statusOn(c: Pick<CampaignRecord, 'status' | 'startsOn' | 'endsOn'>, today: string): CampaignStatus {
  if (c.status === 'draft' || c.status === 'cancelled') return c.status;
  if (today < c.startsOn) return 'scheduled';
  if (today > c.endsOn) return 'ended';
  return 'running';
}

export class CampaignStore {
  constructor(private readonly db: Database.Database) {}

  create(c: CampaignInput, now = Date.now()): CampaignRecord {
    const id = newId();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO campaigns (id, name, description, colour, starts_on, ends_on, priority, status, created_by,
             created_at, updated_at, recurrence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          c.name,
          c.description,
          c.colour,
          c.startsOn,
          c.endsOn,
          c.priority,
          c.status ?? 'draft',
          c.createdBy,
          now,
          now,
          c.recurrence ? JSON.stringify(c.recurrence) : null,
        );
      this.writeLinks(id, c.target, c.playlistIds);
    })();
    return this.get(id)!;
  }

  private writeLinks(id: string, target: CampaignTarget | undefined, playlistIds: string[] | undefined): void {
    if (target) {
      this.db.prepare('DELETE FROM campaign_targets WHERE campaign_id = ?').run(id);
      const ins = this.db.prepare(
        'INSERT INTO campaign_targets (campaign_id, target_kind, target_id) VALUES (?, ?, ?)',
      );
      for (const d of new Set(target.deviceIds)) ins.run(id, 'device', d);
      for (const g of new Set(target.groupIds)) ins.run(id, 'group', g);
      for (const t of new Set(target.tags)) ins.run(id, 'tag', t);
    }
    if (playlistIds) {
      this.db.prepare('DELETE FROM campaign_playlists WHERE campaign_id = ?').run(id);
      const ins = this.db.prepare(
        'INSERT INTO campaign_playlists (campaign_id, position, playlist_id) VALUES (?, ?, ?)',
      );
      [...new Set(playlistIds)].forEach((p, i) => ins.run(id, i, p));
    }
  }

  update(id: string, p: Partial<CampaignInput>, now = Date.now()): CampaignRecord | null {
    const cur = this.get(id);
    if (!cur) return null;
    const n = { ...cur, ...p };
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE campaigns SET name = ?, description = ?, colour = ?, starts_on = ?, ends_on = ?, priority = ?,
             status = ?, updated_at = ?, recurrence = ? WHERE id = ?`,
        )
        .run(
          n.name,
          n.description,
          n.colour,
          n.startsOn,
          n.endsOn,
          n.priority,
          n.status,
          now,
          n.recurrence ? JSON.stringify(n.recurrence) : null,
          id,
        );
      this.writeLinks(id, p.target, p.playlistIds);
    })();
    return this.get(id);
  }

  setStatus(id: string, status: CampaignStatus, now = Date.now()): void {
    this.db.prepare('UPDATE campaigns SET status = ?, updated_at = ? WHERE id = ?').run(status, now, id);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM campaigns WHERE id = ?').run(id);
  }

  get(id: string): CampaignRecord | null {
    const row = this.db.prepare('SELECT * FROM campaigns WHERE id = ?').get(id) as CampaignRow | undefined;
    return row ? this.hydrate([row])[0]! : null;
  }

  list(): CampaignRecord[] {
    return this.hydrate(this.db.prepare('SELECT * FROM campaigns ORDER BY starts_on, name').all() as CampaignRow[]);
  }

  private hydrate(rows: CampaignRow[]): CampaignRecord[] {
    const byId = new Map<string, CampaignRecord>();
    for (const r of rows) {
      byId.set(r.id, {
        id: r.id,
        name: r.name,
        description: r.description,
        colour: r.colour,
        startsOn: r.starts_on,
        endsOn: r.ends_on,
        priority: r.priority,
        status: r.status,
        target: { deviceIds: [], groupIds: [], tags: [] },
        playlistIds: [],
        recurrence: r.recurrence ? (JSON.parse(r.recurrence) as Recurrence) : null,
        createdBy: r.created_by,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      });
    }
    if (byId.size === 0) return [];
    const one = byId.size === 1 ? [...byId.keys()][0]! : null;
    const where = one ? 'WHERE campaign_id = ?' : '';
    const params = one ? [one] : [];
    for (const t of this.db.prepare(`SELECT * FROM campaign_targets ${where}`).all(...params) as {
      campaign_id: string;
      target_kind: 'device' | 'group' | 'tag';
      target_id: string;
    }[]) {
      const c = byId.get(t.campaign_id);
      if (!c) continue;
      const list =
        t.target_kind === 'device' ? c.target.deviceIds : t.target_kind === 'group' ? c.target.groupIds : c.target.tags;
      list.push(t.target_id);
    }
    for (const p of this.db
      .prepare(`SELECT * FROM campaign_playlists ${where} ORDER BY campaign_id, position`)
      .all(...params) as { campaign_id: string; playlist_id: string }[]) {
      byId.get(p.campaign_id)?.playlistIds.push(p.playlist_id);
    }
    return [...byId.values()];
  }
}
