import type Database from 'better-sqlite3';
import { newId } from '@bangtin/shared';

export interface ScheduleRecord {
  id: string;
  playlistId: string;
  startsAt: number | null;
  endsAt: number | null;
  priority: number;
  createdAt: number;
  createdBy: string | null;
  target: { deviceIds: string[]; groupIds: string[] };
}

interface ScheduleRow {
  id: string;
  playlist_id: string;
  starts_at: number | null;
  ends_at: number | null;
  priority: number;
  created_at: number;
  created_by: string | null;
}

export class ScheduleStore {
  constructor(private readonly db: Database.Database) {}

  create(s: Omit<ScheduleRecord, 'id' | 'createdAt'>): ScheduleRecord {
    const rec: ScheduleRecord = { ...s, id: newId(), createdAt: Date.now() };
    const tx = this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO schedules (id, playlist_id, starts_at, ends_at, priority, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(rec.id, rec.playlistId, rec.startsAt, rec.endsAt, rec.priority, rec.createdBy, rec.createdAt);
      const ins = this.db.prepare(
        'INSERT INTO schedule_targets (schedule_id, target_kind, target_id) VALUES (?, ?, ?)',
      );
      for (const d of new Set(rec.target.deviceIds)) ins.run(rec.id, 'device', d);
      for (const g of new Set(rec.target.groupIds)) ins.run(rec.id, 'group', g);
    });
    tx();
    return rec;
  }

  get(id: string): ScheduleRecord | null {
    return this.list().find((s) => s.id === id) ?? null;
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM schedules WHERE id = ?').run(id).changes > 0;
  }

  list(): ScheduleRecord[] {
    const rows = this.db.prepare('SELECT * FROM schedules ORDER BY created_at').all() as ScheduleRow[];
    const targets = this.db.prepare('SELECT * FROM schedule_targets').all() as {
      schedule_id: string;
      target_kind: 'device' | 'group';
      target_id: string;
    }[];
    const byId = new Map<string, ScheduleRecord>();
    for (const r of rows) {
      byId.set(r.id, {
        id: r.id,
        playlistId: r.playlist_id,
        startsAt: r.starts_at,
        endsAt: r.ends_at,
        priority: r.priority,
        createdAt: r.created_at,
        createdBy: r.created_by,
        target: { deviceIds: [], groupIds: [] },
      });
    }
    for (const t of targets) {
      const s = byId.get(t.schedule_id);
      if (!s) continue;
      (t.target_kind === 'device' ? s.target.deviceIds : s.target.groupIds).push(t.target_id);
    }
    return [...byId.values()];
  }
}
