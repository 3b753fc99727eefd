import type Database from 'better-sqlite3';
import type { Proof } from '@bangtin/shared';

export interface StoredProof extends Proof {
  deviceId: string;
  receivedAt: number;
}

interface ProofRow {
  id: string;
  device_id: string;
  content_id: string;
  playlist_id: string;
  schedule_id: string;
  started_at: number;
  ended_at: number;
  received_at: number;
  device_started_at: number | null;
  clock_offset_ms: number;
  end_reason: Proof['endReason'];
  output: string;
}

export interface ProofQuery {
  deviceIds?: string[] | null;
  from?: number | null;
  to?: number | null;
  limit: number;
}

export class ProofStore {
  private readonly insertStmt;

  constructor(private readonly db: Database.Database) {
    // The id is the key: a proof uploaded twice (lost ack, replayed outbox) is stored once.
    this.insertStmt = db.prepare(
      `INSERT OR IGNORE INTO proofs (id, device_id, content_id, playlist_id, schedule_id, started_at, ended_at,
         received_at, device_started_at, clock_offset_ms, end_reason, output)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Stores a batch in one transaction; returns the ids that were already stored (replays, or clashes). */
  insertBatch(deviceId: string, proofs: Proof[], receivedAt = Date.now()): string[] {
    const existing: string[] = [];
    const tx = this.db.transaction(() => {
      for (const p of proofs) {
        const { changes } = this.insertStmt.run(
          p.id,
          deviceId,
          p.contentId,
          p.playlistId,
          p.scheduleId,
          p.startedAt,
          p.endedAt,
          receivedAt,
          p.deviceStartedAt,
          p.clockOffsetMs,
          p.endReason,
          p.output,
        );
        if (changes === 0) existing.push(p.id);
      }
    });
    tx();
    return existing;
  }

  /** Which of these ids belong to another device: the same id from a second device is refused. */
  ownersOf(ids: string[]): Map<string, string> {
    const out = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = this.db
        .prepare(`SELECT id, device_id FROM proofs WHERE id IN (${chunk.map(() => '?').join(',')})`)
        .all(...chunk) as { id: string; device_id: string }[];
      for (const r of rows) out.set(r.id, r.device_id);
    }
    return out;
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM proofs').get() as { n: number }).n;
  }

  /**
   * Proofs in start order, read in pages by keyset so a CSV of a million rows streams without loading
   * them all, and without holding the connection busy between pages (other requests keep working).
   */
  *query(q: ProofQuery): Generator<StoredProof> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (q.deviceIds) {
      if (q.deviceIds.length === 0) return;
      where.push(`device_id IN (${q.deviceIds.map(() => '?').join(',')})`);
      params.push(...q.deviceIds);
    }
    if (q.from != null) {
      where.push('started_at >= ?');
      params.push(q.from);
    }
    if (q.to != null) {
      where.push('started_at < ?');
      params.push(q.to);
    }
    const base = where.length ? `${where.join(' AND ')} AND` : '';
    const stmt = this.db.prepare(
      `SELECT * FROM proofs WHERE ${base} (started_at > ? OR (started_at = ? AND id > ?)) ORDER BY started_at, id LIMIT ?`,
    );
    let left = q.limit;
    let after: [number, string] = [Number.MIN_SAFE_INTEGER, ''];
    while (left > 0) {
      const page = stmt.all(...params, after[0], after[0], after[1], Math.min(PAGE, left)) as ProofRow[];
      for (const r of page) yield toStored(r);
      if (page.length < Math.min(PAGE, left)) return;
      left -= page.length;
      const last = page.at(-1)!;
      after = [last.started_at, last.id];
    }
  }
}

const PAGE = 2000;

function toStored(r: ProofRow): StoredProof {
  return {
    id: r.id,
    deviceId: r.device_id,
    contentId: r.content_id,
    playlistId: r.playlist_id,
    scheduleId: r.schedule_id,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    receivedAt: r.received_at,
    deviceStartedAt: r.device_started_at ?? r.started_at,
    clockOffsetMs: r.clock_offset_ms,
    endReason: r.end_reason,
    output: r.output,
  };
}
