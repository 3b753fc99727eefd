import type Database from 'better-sqlite3';
import type { SurveyAnswer } from '@bangtin/shared';

export interface MediaRecord {
  sha256: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  hasThumbnail: boolean;
  createdAt: number;
}

interface MediaRow {
  sha256: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  has_thumbnail: number;
  created_at: number;
}

/** Media files by sha256 (the files themselves live in `<data-dir>/media/<sha256>`). */
export class MediaStore {
  constructor(private readonly db: Database.Database) {}

  /** Records a file once; a second upload of the same bytes keeps the first record. */
  put(m: Omit<MediaRecord, 'createdAt'>): MediaRecord {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO media (sha256, mime, size, width, height, duration_ms, has_thumbnail, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(m.sha256, m.mime, m.size, m.width, m.height, m.durationMs, m.hasThumbnail ? 1 : 0, Date.now());
    return this.get(m.sha256)!;
  }

  get(sha256: string): MediaRecord | null {
    const r = this.db.prepare('SELECT * FROM media WHERE sha256 = ?').get(sha256) as MediaRow | undefined;
    return r
      ? {
          sha256: r.sha256,
          mime: r.mime,
          size: r.size,
          width: r.width,
          height: r.height,
          durationMs: r.duration_ms,
          hasThumbnail: r.has_thumbnail === 1,
          createdAt: r.created_at,
        }
      : null;
  }
}

export interface SurveyAnswerRecord extends SurveyAnswer {
  deviceId: string;
  receivedAt: number;
}

/** Kiosk survey answers; each answer id is stored once, however often a player re-sends it. */
export class SurveyStore {
  private readonly insert;
  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO survey_answers (id, device_id, survey_id, rating, choice, answered_at, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Stores the answers in one transaction; returns every id now stored (new or already there). */
  ingest(deviceId: string, answers: SurveyAnswer[], now = Date.now()): string[] {
    this.db.transaction(() => {
      for (const a of answers) this.insert.run(a.id, deviceId, a.surveyId, a.rating, a.choice, a.answeredAt, now);
    })();
    return answers.map((a) => a.id);
  }

  list(q: { deviceIds: string[] | null; from: number | null; to: number | null; limit: number }): SurveyAnswerRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.deviceIds) {
      if (q.deviceIds.length === 0) return [];
      where.push(`device_id IN (${q.deviceIds.map(() => '?').join(',')})`);
      args.push(...q.deviceIds);
    }
    if (q.from !== null) {
      where.push('answered_at >= ?');
      args.push(q.from);
    }
    if (q.to !== null) {
      where.push('answered_at < ?');
      args.push(q.to);
    }
    const rows = this.db
      .prepare(
        `SELECT * FROM survey_answers ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY answered_at LIMIT ?`,
      )
      .all(...args, q.limit) as {
      id: string;
      device_id: string;
      survey_id: string;
      rating: number;
      choice: string | null;
      answered_at: number;
      received_at: number;
    }[];
    return rows.map((r) => ({
      id: r.id,
      deviceId: r.device_id,
      surveyId: r.survey_id,
      rating: r.rating,
      choice: r.choice,
      answeredAt: r.answered_at,
      receivedAt: r.received_at,
    }));
  }
}
