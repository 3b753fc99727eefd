import type Database from 'better-sqlite3';
import { newId } from '@bangtin/shared';

export interface InterruptTarget {
  deviceIds: string[];
  groupIds: string[];
  tags: string[];
}

export interface InterruptRecord {
  id: string;
  contentId: string | null;
  text: string | null;
  startsAt: number;
  /** null = until cancelled. Cancelling sets it to the cancel instant. */
  endsAt: number | null;
  itemDurationMs: number;
  campaignId: string | null;
  target: InterruptTarget;
  createdBy: string | null;
  createdAt: number;
  cancelledAt: number | null;
  /** The user who stopped it (null: not stopped, or stopped before this was recorded). */
  stoppedBy?: string | null;
  /** An editor's district: the message reaches only devices inside it, whatever its tags say. */
  scopeGroupId?: string | null;
}

export interface Delivery {
  deviceId: string;
  ackedAt: number | null;
  shownAt: number | null;
}

interface InterruptRow {
  id: string;
  content_id: string | null;
  text: string | null;
  starts_at: number;
  ends_at: number | null;
  item_duration_ms: number;
  campaign_id: string | null;
  created_by: string | null;
  created_at: number;
  cancelled_at: number | null;
  stopped_by?: string | null;
  scope_group_id: string | null;
}

export class InterruptStore {
  constructor(private readonly db: Database.Database) {}

  /** Creates the message and records the devices it is sent to, whose acks staff then watch. */
  create(
    m: Omit<InterruptRecord, 'id' | 'createdAt' | 'cancelledAt'>,
    deliverTo: string[],
    now = Date.now(),
  ): InterruptRecord {
    const id = newId();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO interrupts (id, content_id, text, starts_at, ends_at, item_duration_ms, campaign_id, created_by,
             created_at, scope_group_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          m.contentId,
          m.text,
          m.startsAt,
          m.endsAt,
          m.itemDurationMs,
          m.campaignId,
          m.createdBy,
          now,
          m.scopeGroupId ?? null,
        );
      const ins = this.db.prepare(
        'INSERT INTO interrupt_targets (interrupt_id, target_kind, target_id) VALUES (?, ?, ?)',
      );
      for (const d of new Set(m.target.deviceIds)) ins.run(id, 'device', d);
      for (const g of new Set(m.target.groupIds)) ins.run(id, 'group', g);
      for (const t of new Set(m.target.tags)) ins.run(id, 'tag', t);
      const del = this.db.prepare('INSERT OR IGNORE INTO interrupt_deliveries (interrupt_id, device_id) VALUES (?, ?)');
      for (const d of new Set(deliverTo)) del.run(id, d);
    })();
    return this.get(id)!;
  }

  /** Ends the message now (idempotent: a second cancel changes nothing). */
  cancel(id: string, now = Date.now(), stoppedBy: string | null = null): InterruptRecord | null {
    this.db
      .prepare(
        `UPDATE interrupts SET cancelled_at = ?, ends_at = CASE WHEN ends_at IS NULL OR ends_at > ? THEN ? ELSE ends_at END,
           stopped_by = ? WHERE id = ? AND cancelled_at IS NULL`,
      )
      .run(now, now, now, stoppedBy, id);
    return this.get(id);
  }

  get(id: string): InterruptRecord | null {
    const row = this.db.prepare('SELECT * FROM interrupts WHERE id = ?').get(id) as InterruptRow | undefined;
    return row ? this.hydrate([row])[0]! : null;
  }

  list(limit = 500): InterruptRecord[] {
    return this.hydrate(
      this.db.prepare('SELECT * FROM interrupts ORDER BY created_at DESC LIMIT ?').all(limit) as InterruptRow[],
    );
  }

  /** Messages still in force at `now` (or starting later). */
  active(now = Date.now()): InterruptRecord[] {
    return this.hydrate(
      this.db
        .prepare('SELECT * FROM interrupts WHERE ends_at IS NULL OR ends_at > ? ORDER BY starts_at, id')
        .all(now) as InterruptRow[],
    );
  }

  endedBetween(from: number, to: number): number {
    return (
      this.db.prepare('SELECT COUNT(*) AS n FROM interrupts WHERE ends_at > ? AND ends_at <= ?').get(from, to) as {
        n: number;
      }
    ).n;
  }

  deliveries(id: string): Delivery[] {
    return (
      this.db
        .prepare(
          'SELECT device_id, acked_at, shown_at FROM interrupt_deliveries WHERE interrupt_id = ? ORDER BY device_id',
        )
        .all(id) as { device_id: string; acked_at: number | null; shown_at: number | null }[]
    ).map((r) => ({ deviceId: r.device_id, ackedAt: r.acked_at, shownAt: r.shown_at }));
  }

  /** True when the device was among those the message was sent to when it was made. */
  deliveredTo(id: string, deviceId: string): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM interrupt_deliveries WHERE interrupt_id = ? AND device_id = ?')
        .get(id, deviceId) !== undefined
    );
  }

  /** Records a device's ack; the first ack wins so re-sent acks keep the true time. False if unknown. */
  ack(id: string, deviceId: string, at: number, shownAt: number | null): boolean {
    if (!this.db.prepare('SELECT 1 FROM interrupts WHERE id = ?').get(id)) return false;
    this.db
      .prepare(
        `INSERT INTO interrupt_deliveries (interrupt_id, device_id, acked_at, shown_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (interrupt_id, device_id) DO UPDATE SET acked_at = COALESCE(acked_at, excluded.acked_at),
           shown_at = COALESCE(shown_at, excluded.shown_at)`,
      )
      .run(id, deviceId, at, shownAt);
    return true;
  }

  private hydrate(rows: InterruptRow[]): InterruptRecord[] {
    const byId = new Map<string, InterruptRecord>();
    for (const r of rows) {
      byId.set(r.id, {
        id: r.id,
        contentId: r.content_id,
        text: r.text,
        startsAt: r.starts_at,
        endsAt: r.ends_at,
        itemDurationMs: r.item_duration_ms,
        campaignId: r.campaign_id,
        target: { deviceIds: [], groupIds: [], tags: [] },
        createdBy: r.created_by,
        createdAt: r.created_at,
        cancelledAt: r.cancelled_at,
        stoppedBy: r.stopped_by ?? null,
        scopeGroupId: r.scope_group_id,
      });
    }
    if (byId.size === 0) return [];
    const ids = [...byId.keys()];
    const rowsT = this.db
      .prepare(`SELECT * FROM interrupt_targets WHERE interrupt_id IN (${ids.map(() => '?').join(',')})`)
      .all(...ids) as { interrupt_id: string; target_kind: 'device' | 'group' | 'tag'; target_id: string }[];
    for (const t of rowsT) {
      const m = byId.get(t.interrupt_id)!;
      (t.target_kind === 'device'
        ? m.target.deviceIds
        : t.target_kind === 'group'
          ? m.target.groupIds
          : m.target.tags
      ).push(t.target_id);
    }
    return [...byId.values()];
  }
}
