import type Database from 'better-sqlite3';

/** Changed fields, before → after. Values are already free of secrets (see http/audit.ts). */
export type AuditChanges = Record<string, { before: unknown; after: unknown }>;

export interface AuditEntry {
  id: number;
  at: number;
  userId: string | null;
  username: string | null;
  role: string | null;
  groupId: string | null;
  action: string;
  entity: string | null;
  entityId: string | null;
  changes: AuditChanges;
  method: string | null;
  route: string | null;
  status: number | null;
}

interface AuditRow {
  id: number;
  at: number;
  user_id: string | null;
  username: string | null;
  role: string | null;
  group_id: string | null;
  action: string;
  entity: string | null;
  entity_id: string | null;
  changes: string;
  method: string | null;
  route: string | null;
  status: number | null;
}

export interface AuditFilter {
  from?: number | null;
  to?: number | null;
  userId?: string;
  entity?: string;
  /** `user.update` exactly, or `user` for every `user.*` action. */
  action?: string;
  /** Only these districts' entries (an editor); undefined = all. */
  groupIds?: Set<string>;
  limit?: number;
}

/**
 * The audit trail: appended to, read, and pruned by age only. The table's triggers (migration 11) refuse
 * every UPDATE and every DELETE of an entry newer than the retention cutoff.
 */
export class AuditStore {
  constructor(private readonly db: Database.Database) {}

  append(e: Omit<AuditEntry, 'id'>): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO audit_log (at, user_id, username, role, group_id, action, entity, entity_id, changes, method,
             route, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          e.at,
          e.userId,
          e.username,
          e.role,
          e.groupId,
          e.action,
          e.entity,
          e.entityId,
          JSON.stringify(e.changes),
          e.method,
          e.route,
          e.status,
        ).lastInsertRowid,
    );
  }

  query(f: AuditFilter = {}): AuditEntry[] {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (clause: string, ...values: unknown[]) => {
      where.push(clause);
      args.push(...values);
    };
    if (f.from != null) add('at >= ?', f.from);
    if (f.to != null) add('at < ?', f.to);
    if (f.userId) add('user_id = ?', f.userId);
    if (f.entity) add('entity = ?', f.entity);
    // "user" matches user.update, user.disable …; LIKE wildcards in the filter are taken literally.
    if (f.action)
      add("(action = ? OR action LIKE ? ESCAPE '\\')", f.action, `${f.action.replace(/[%_\\]/g, '\\$&')}.%`);
    if (f.groupIds) {
      if (f.groupIds.size === 0) return [];
      where.push(`group_id IN (${[...f.groupIds].map(() => '?').join(',')})`);
      args.push(...f.groupIds);
    }
    const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, f.limit ?? 1000) as AuditRow[]).map((r) => ({
      id: r.id,
      at: r.at,
      userId: r.user_id,
      username: r.username,
      role: r.role,
      groupId: r.group_id,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      changes: JSON.parse(r.changes) as AuditChanges,
      method: r.method,
      route: r.route,
      status: r.status,
    }));
  }

  /** Retention: raises the cutoff (never within a day of now: the trigger refuses) and deletes what is older. */
  deleteBefore(cutoff: number): number {
    return this.db.transaction(() => {
      const current = (this.db.prepare('SELECT cutoff FROM audit_retention WHERE id = 1').get() as { cutoff: number })
        .cutoff;
      if (cutoff > current) this.db.prepare('UPDATE audit_retention SET cutoff = ? WHERE id = 1').run(cutoff);
      return this.db.prepare('DELETE FROM audit_log WHERE at < ?').run(cutoff).changes;
    })();
  }
}
