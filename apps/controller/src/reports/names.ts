import type Database from 'better-sqlite3';

export interface Named {
  id: string;
  name: string;
}

/** What a report calls a play outside any campaign, or a device outside any district. */
export const NO_CAMPAIGN = 'Ngoài chiến dịch';
export const NO_DISTRICT = 'Chưa thuộc huyện';

/**
 * Names for the ids a report or an export carries (device, district, content title, campaign), read once
 * per request. Deleted schedules are kept (soft delete), so a proof's campaign is still found through its
 * schedule or urgent message long after the entry was removed.
 */
export class NameBook {
  private readonly devices = new Map<string, { name: string; groupId: string | null }>();
  private readonly groups = new Map<string, { name: string; kind: string; parentId: string | null }>();
  private readonly districts = new Map<string, Named | null>();
  private readonly content = new Map<string, string>();
  private readonly campaigns = new Map<string, string>();
  private scheduleCampaigns: Map<string, string> | null = null;

  constructor(private readonly db: Database.Database) {
    for (const d of db.prepare('SELECT id, name, group_id FROM devices').all() as {
      id: string;
      name: string;
      group_id: string | null;
    }[])
      this.devices.set(d.id, { name: d.name, groupId: d.group_id });
    for (const g of db.prepare('SELECT id, name, kind, parent_id FROM device_groups').all() as {
      id: string;
      name: string;
      kind: string;
      parent_id: string | null;
    }[])
      this.groups.set(g.id, { name: g.name, kind: g.kind, parentId: g.parent_id });
    for (const c of db.prepare('SELECT id, title, text FROM content').all() as {
      id: string;
      title: string | null;
      text: string | null;
    }[])
      this.content.set(c.id, contentLabel(c.title, c.text));
    for (const c of db.prepare('SELECT id, name FROM campaigns').all() as Named[]) this.campaigns.set(c.id, c.name);
  }

  deviceName(id: string): string {
    return this.devices.get(id)?.name ?? id;
  }

  deviceGroupId(id: string): string | null {
    return this.devices.get(id)?.groupId ?? null;
  }

  /** The district a group lies in: itself or its nearest district ancestor; null above or outside any. */
  districtOfGroup(groupId: string | null): Named | null {
    if (groupId === null) return null;
    const cached = this.districts.get(groupId);
    if (cached !== undefined) return cached;
    let found: Named | null = null;
    const seen = new Set<string>();
    for (let id: string | null = groupId; id !== null && !seen.has(id);) {
      seen.add(id);
      const g = this.groups.get(id);
      if (!g) break;
      if (g.kind === 'district') {
        found = { id, name: g.name };
        break;
      }
      id = g.parentId;
    }
    this.districts.set(groupId, found);
    return found;
  }

  districtOfDevice(deviceId: string): Named | null {
    return this.districtOfGroup(this.deviceGroupId(deviceId));
  }

  groupName(id: string): string {
    return this.groups.get(id)?.name ?? id;
  }

  contentTitle(id: string): string {
    return this.content.get(id) || id;
  }

  /** '' (no campaign) gives the words for it. */
  campaignName(id: string): string {
    if (id === '') return NO_CAMPAIGN;
    return this.campaigns.get(id) ?? id;
  }

  /** The campaign a schedule or urgent message belongs to, '' for none (the same link the rollups use). */
  campaignOfSchedule(scheduleId: string): string {
    if (!this.scheduleCampaigns) {
      this.scheduleCampaigns = new Map();
      for (const r of this.db
        .prepare(
          `SELECT id, campaign_id FROM schedules WHERE campaign_id IS NOT NULL
           UNION ALL SELECT id, campaign_id FROM interrupts WHERE campaign_id IS NOT NULL`,
        )
        .all() as { id: string; campaign_id: string }[])
        this.scheduleCampaigns.set(r.id, r.campaign_id);
    }
    return this.scheduleCampaigns.get(scheduleId) ?? '';
  }
}

/** A content item's label: its title, else the start of its text (slogans often have no title). */
function contentLabel(title: string | null, text: string | null): string {
  const t = title?.trim();
  if (t) return t;
  const s = (text ?? '').replace(/\s+/g, ' ').trim();
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}
