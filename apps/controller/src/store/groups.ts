import type Database from 'better-sqlite3';
import type { DeviceGroup, GroupKind } from '@bangtin/shared';
import { newId } from '@bangtin/shared';

interface GroupRow {
  id: string;
  parent_id: string | null;
  name: string;
  kind: GroupKind;
  fallback_schedule_id: string | null;
}

const toGroup = (r: GroupRow): DeviceGroup => ({ id: r.id, parentId: r.parent_id, name: r.name, kind: r.kind });

export class GroupStore {
  constructor(private readonly db: Database.Database) {}

  create(g: { name: string; kind: GroupKind; parentId: string | null; id?: string }): DeviceGroup {
    const id = g.id ?? newId();
    this.db
      .prepare('INSERT INTO device_groups (id, parent_id, name, kind) VALUES (?, ?, ?, ?)')
      .run(id, g.parentId, g.name, g.kind);
    return { id, parentId: g.parentId, name: g.name, kind: g.kind };
  }

  get(id: string): DeviceGroup | null {
    const row = this.db.prepare('SELECT * FROM device_groups WHERE id = ?').get(id) as GroupRow | undefined;
    return row ? toGroup(row) : null;
  }

  list(): DeviceGroup[] {
    return (this.db.prepare('SELECT * FROM device_groups ORDER BY name').all() as GroupRow[]).map(toGroup);
  }

  update(id: string, p: { name?: string; parentId?: string | null }): DeviceGroup | null {
    const cur = this.get(id);
    if (!cur) return null;
    this.db
      .prepare('UPDATE device_groups SET name = ?, parent_id = ? WHERE id = ?')
      .run(p.name ?? cur.name, p.parentId === undefined ? cur.parentId : p.parentId, id);
    return this.get(id);
  }

  /** Deletes a group that holds nothing: callers check children, devices, users and schedules first. */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM device_groups WHERE id = ?').run(id).changes > 0;
  }

  children(id: string): DeviceGroup[] {
    return (this.db.prepare('SELECT * FROM device_groups WHERE parent_id = ?').all(id) as GroupRow[]).map(toGroup);
  }

  usersIn(id: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users WHERE group_id = ?').get(id) as { n: number }).n;
  }

  fallbackScheduleId(id: string): string | null {
    const row = this.db.prepare('SELECT fallback_schedule_id AS f FROM device_groups WHERE id = ?').get(id) as
      { f: string | null } | undefined;
    return row?.f ?? null;
  }

  setFallbackScheduleId(id: string, scheduleId: string | null): void {
    this.db.prepare('UPDATE device_groups SET fallback_schedule_id = ? WHERE id = ?').run(scheduleId, id);
  }

  /** The group and everything below it. */
  subtree(id: string): Set<string> {
    const rows = this.db
      .prepare(
        `WITH RECURSIVE sub(id) AS (SELECT id FROM device_groups WHERE id = ?
           UNION SELECT g.id FROM device_groups g JOIN sub ON g.parent_id = sub.id)
         SELECT id FROM sub`,
      )
      .all(id) as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }
}

/** Ancestor chain (the group itself first) for every group, from one read of the table. */
export function ancestorsByGroup(groups: DeviceGroup[]): Map<string, string[]> {
  const parent = new Map(groups.map((g) => [g.id, g.parentId]));
  const out = new Map<string, string[]>();
  for (const g of groups) {
    const chain: string[] = [];
    let cur: string | null | undefined = g.id;
    // The guard stops a corrupted cycle from hanging the controller.
    while (cur && chain.length < 64 && !chain.includes(cur)) {
      chain.push(cur);
      cur = parent.get(cur);
    }
    out.set(g.id, chain);
  }
  return out;
}

/** Every group's subtree (the group itself and everything below it), from one read of the table. */
export function subtreesOf(groups: readonly { id: string; parentId: string | null }[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const g of groups) out.set(g.id, new Set([g.id]));
  // Each group joins the subtree of every ancestor; the guard stops a corrupted cycle from hanging.
  const parent = new Map(groups.map((g) => [g.id, g.parentId]));
  for (const g of groups) {
    let cur = parent.get(g.id);
    for (let depth = 0; cur && depth < 64 && cur !== g.id; depth++) {
      out.get(cur)?.add(g.id);
      cur = parent.get(cur);
    }
  }
  return out;
}
