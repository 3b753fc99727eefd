import type Database from 'better-sqlite3';
import type { Proof } from '@bangtin/shared';

/**
 * Proofs not yet acknowledged by the controller. A proof enters in the same transaction that ends its
 * play, leaves only when the controller says it has it, and keeps its id (UUID v7) throughout — so a
 * replay after a lost ack is stored once at the controller.
 */
export class Outbox {
  private readonly insertStmt;
  private readonly deleteStmt;
  private readonly countStmt;

  constructor(private readonly db: Database.Database) {
    this.insertStmt = db.prepare('INSERT OR IGNORE INTO outbox (id, json, created_at) VALUES (?, ?, ?)');
    this.deleteStmt = db.prepare('DELETE FROM outbox WHERE id = ?');
    this.countStmt = db.prepare('SELECT COUNT(*) AS n FROM outbox');
  }

  /** Adds a proof; call inside the transaction that marks the play finished. */
  add(proof: Proof, now = Date.now()): void {
    this.insertStmt.run(proof.id, JSON.stringify(proof), now);
  }

  /** The oldest proofs first (UUID v7 ids sort by time). */
  peek(limit: number): Proof[] {
    const rows = this.db.prepare('SELECT json FROM outbox ORDER BY id LIMIT ?').all(limit) as { json: string }[];
    return rows.map((r) => JSON.parse(r.json) as Proof);
  }

  /** Removes acknowledged (or permanently rejected) proofs in one transaction. */
  remove(ids: Iterable<string>): number {
    let n = 0;
    this.db.transaction(() => {
      for (const id of ids) n += this.deleteStmt.run(id).changes;
    })();
    return n;
  }

  size(): number {
    return (this.countStmt.get() as { n: number }).n;
  }
}
