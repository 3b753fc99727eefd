import type Database from 'better-sqlite3';
import { formatLocalDay, localDayOf, TIMEZONE } from '@bangtin/shared';
import { PROOF_PROBLEM_SQL, proofRowProblem, quarantineRows } from './quarantine';

export interface DailyRow {
  deviceId: string;
  /** '' when the play belonged to no campaign. */
  campaignId: string;
  contentId: string;
  localDate: string;
  plays: number;
  airtimeMs: number;
}

/**
 * Nightly proof rollups into `proof_daily` and proof retention. Every proof carries `rolled_up`: a
 * batch adds the unrolled proofs to the daily sums and flips the flag in one transaction, so each
 * proof is counted exactly once however late it arrives, and retention deletes flagged rows only.
 */
export class RollupStore {
  /**
   * Unreadable proofs (times outside 2020 … 2100, see quarantine.ts) the rollups moved to
   * quarantined_rows since this was last read and reset; the job logs them.
   */
  quarantined = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly timeZone = TIMEZONE,
  ) {}

  /** Rolls up to `batch` unrolled proofs; returns how many. Call until it returns 0. */
  rollupBatch(batch = 20_000): number {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare(
          `SELECT p.rowid AS rid, p.device_id, p.content_id, p.started_at, p.ended_at,
             COALESCE(s.campaign_id, i.campaign_id, '') AS campaign_id
           FROM proofs p
           LEFT JOIN schedules s ON s.id = p.schedule_id
           LEFT JOIN interrupts i ON i.id = p.schedule_id
           WHERE p.rolled_up = 0 LIMIT ?`,
        )
        .all(batch) as {
        rid: number;
        device_id: string;
        content_id: string;
        started_at: number;
        ended_at: number;
        campaign_id: string;
      }[];
      if (rows.length === 0) return 0;
      const sums = new Map<string, DailyRow>();
      // A bad row would throw in localDayOf on every run, so proof_daily would stop growing and retention
      // (which rolls up first) never delete again: it is moved aside instead, and the rest is counted.
      let moved = 0;
      for (const r of rows) {
        if (proofRowProblem(r)) {
          moved += quarantineRows(this.db, 'proofs', PROOF_PROBLEM_SQL, Date.now(), 'rowid = ?', [r.rid]);
          continue;
        }
        const localDate = formatLocalDay(localDayOf(this.timeZone, r.started_at));
        const key = `${r.device_id}|${r.campaign_id}|${r.content_id}|${localDate}`;
        let s = sums.get(key);
        if (!s) {
          s = {
            deviceId: r.device_id,
            campaignId: r.campaign_id,
            contentId: r.content_id,
            localDate,
            plays: 0,
            airtimeMs: 0,
          };
          sums.set(key, s);
        }
        s.plays++;
        s.airtimeMs += Math.max(0, r.ended_at - r.started_at);
      }
      const up = this.db.prepare(
        `INSERT INTO proof_daily (device_id, campaign_id, content_id, local_date, plays, airtime_ms)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (device_id, campaign_id, content_id, local_date)
         DO UPDATE SET plays = plays + excluded.plays, airtime_ms = airtime_ms + excluded.airtime_ms`,
      );
      for (const s of sums.values()) up.run(s.deviceId, s.campaignId, s.contentId, s.localDate, s.plays, s.airtimeMs);
      const mark = this.db.prepare('UPDATE proofs SET rolled_up = 1 WHERE rowid = ?');
      for (const r of rows) mark.run(r.rid);
      this.quarantined += moved;
      return rows.length;
    })();
  }

  /** Rolls up every unrolled proof; returns how many were counted (quarantined ones are not). */
  rollupAll(batch = 20_000): number {
    let total = 0;
    const before = this.quarantined;
    for (let n = this.rollupBatch(batch); n > 0; n = this.rollupBatch(batch)) total += n;
    return total - (this.quarantined - before);
  }

  /** Deletes rolled-up proofs that started before `before`; never an unrolled one. */
  deleteRolledBefore(before: number): number {
    // Per device, along the (device_id, started_at, id) index: no full scan of the proof table.
    const devices = this.db.prepare('SELECT DISTINCT device_id FROM proof_daily').all() as { device_id: string }[];
    const del = this.db.prepare('DELETE FROM proofs WHERE device_id = ? AND started_at < ? AND rolled_up = 1');
    return this.db.transaction(() => devices.reduce((n, d) => n + del.run(d.device_id, before).changes, 0))();
  }

  unrolledCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM proofs WHERE rolled_up = 0').get() as { n: number }).n;
  }

  daily(q: { deviceIds?: string[] | null; campaignId?: string | null; from?: string; to?: string } = {}): DailyRow[] {
    const where: string[] = [];
    const params: string[] = [];
    if (q.deviceIds) {
      if (q.deviceIds.length === 0) return [];
      where.push(`device_id IN (${q.deviceIds.map(() => '?').join(',')})`);
      params.push(...q.deviceIds);
    }
    if (q.campaignId != null) {
      where.push('campaign_id = ?');
      params.push(q.campaignId);
    }
    if (q.from) {
      where.push('local_date >= ?');
      params.push(q.from);
    }
    if (q.to) {
      where.push('local_date <= ?');
      params.push(q.to);
    }
    return (
      this.db
        .prepare(
          `SELECT * FROM proof_daily ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
           ORDER BY local_date, device_id, campaign_id, content_id`,
        )
        .all(...params) as {
        device_id: string;
        campaign_id: string;
        content_id: string;
        local_date: string;
        plays: number;
        airtime_ms: number;
      }[]
    ).map((r) => ({
      deviceId: r.device_id,
      campaignId: r.campaign_id,
      contentId: r.content_id,
      localDate: r.local_date,
      plays: r.plays,
      airtimeMs: r.airtime_ms,
    }));
  }
}
