import type Database from 'better-sqlite3';
import type { SurveyAnswer } from '@bangtin/shared';

/**
 * Kiosk survey answers not yet acknowledged by the controller. Same contract as the proofs outbox
 * (same SQLite file, id kept end to end, deleted only after the ack) and uploaded by the same flush
 * loop, in its own table so a proof batch never carries a survey answer.
 */
export class SurveyOutbox {
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS survey_outbox (
      id TEXT PRIMARY KEY,
      json TEXT NOT NULL,
      created_at INTEGER NOT NULL
    )`);
  }

  add(answer: SurveyAnswer, now = Date.now()): void {
    this.db
      .prepare('INSERT OR IGNORE INTO survey_outbox (id, json, created_at) VALUES (?, ?, ?)')
      .run(answer.id, JSON.stringify(answer), now);
  }

  peek(limit: number): SurveyAnswer[] {
    const rows = this.db.prepare('SELECT json FROM survey_outbox ORDER BY id LIMIT ?').all(limit) as {
      json: string;
    }[];
    return rows.map((r) => JSON.parse(r.json) as SurveyAnswer);
  }

  remove(ids: Iterable<string>): void {
    const del = this.db.prepare('DELETE FROM survey_outbox WHERE id = ?');
    this.db.transaction(() => {
      for (const id of ids) del.run(id);
    })();
  }

  size(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM survey_outbox').get() as { n: number }).n;
  }
}
