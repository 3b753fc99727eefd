import type Database from 'better-sqlite3';
import type { HolidayList } from '@bangtin/shared';
import { newId } from '@bangtin/shared';

interface HolidayRow {
  id: string;
  name: string;
  dates: string;
}

const toList = (r: HolidayRow): HolidayList => ({ id: r.id, name: r.name, dates: JSON.parse(r.dates) as string[] });

/** Named lists of local dates (e.g. "Nghỉ lễ 2027"); schedules name them in `holidayListIds`. */
export class HolidayStore {
  constructor(private readonly db: Database.Database) {}

  create(h: { name: string; dates: string[] }, now = Date.now()): HolidayList {
    const id = newId();
    const dates = [...new Set(h.dates)].sort();
    this.db
      .prepare('INSERT INTO holiday_lists (id, name, dates, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, h.name, JSON.stringify(dates), now, now);
    return { id, name: h.name, dates };
  }

  update(id: string, p: { name?: string; dates?: string[] }, now = Date.now()): HolidayList | null {
    const cur = this.get(id);
    if (!cur) return null;
    const next = { ...cur, ...p, dates: [...new Set(p.dates ?? cur.dates)].sort() };
    this.db
      .prepare('UPDATE holiday_lists SET name = ?, dates = ?, updated_at = ? WHERE id = ?')
      .run(next.name, JSON.stringify(next.dates), now, id);
    return next;
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM holiday_lists WHERE id = ?').run(id).changes > 0;
  }

  get(id: string): HolidayList | null {
    const row = this.db.prepare('SELECT * FROM holiday_lists WHERE id = ?').get(id) as HolidayRow | undefined;
    return row ? toList(row) : null;
  }

  list(): HolidayList[] {
    return (this.db.prepare('SELECT * FROM holiday_lists ORDER BY name').all() as HolidayRow[]).map(toList);
  }
}
