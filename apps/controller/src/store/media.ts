import type Database from 'better-sqlite3';
import { DEFAULT_SURVEY_CONFIG, type SurveyAnswer, type SurveyConfig, SurveyConfigSchema } from '@bangtin/shared';

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

export interface ScreenshotRecord {
  deviceId: string;
  output: string;
  width: number;
  height: number;
  size: number;
  /** Controller-clock instant of the capture, ms UTC. */
  capturedAt: number;
  receivedAt: number;
}

/** The latest screenshot of each device (the PNG is `<data-dir>/screenshots/<device id>.png`). */
export class ScreenshotStore {
  constructor(private readonly db: Database.Database) {}

  put(s: ScreenshotRecord): void {
    this.db
      .prepare(
        `INSERT INTO device_screenshots (device_id, output, width, height, size, captured_at, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (device_id) DO UPDATE SET output = excluded.output, width = excluded.width,
           height = excluded.height, size = excluded.size, captured_at = excluded.captured_at,
           received_at = excluded.received_at`,
      )
      .run(s.deviceId, s.output, s.width, s.height, s.size, s.capturedAt, s.receivedAt);
  }

  get(deviceId: string): ScreenshotRecord | null {
    const r = this.db.prepare('SELECT * FROM device_screenshots WHERE device_id = ?').get(deviceId) as
      | {
          device_id: string;
          output: string;
          width: number;
          height: number;
          size: number;
          captured_at: number;
          received_at: number;
        }
      | undefined;
    return r
      ? {
          deviceId: r.device_id,
          output: r.output,
          width: r.width,
          height: r.height,
          size: r.size,
          capturedAt: r.captured_at,
          receivedAt: r.received_at,
        }
      : null;
  }
}

const SURVEY_CONFIG_KEY = 'survey_config';

/** The kiosk survey's questions (one for the deployment), in the `meta` table as JSON. */
export class SurveyConfigStore {
  constructor(private readonly db: Database.Database) {}

  /** The stored configuration, or the shared default when none was saved (or it no longer parses). */
  get(): SurveyConfig {
    const r = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(SURVEY_CONFIG_KEY) as
      { value: string } | undefined;
    if (!r) return DEFAULT_SURVEY_CONFIG;
    const parsed = SurveyConfigSchema.safeParse(JSON.parse(r.value));
    return parsed.success ? parsed.data : DEFAULT_SURVEY_CONFIG;
  }

  set(config: SurveyConfig): void {
    this.db
      .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(SURVEY_CONFIG_KEY, JSON.stringify(config));
  }
}
