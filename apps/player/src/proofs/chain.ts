import crypto from 'node:crypto';
import { CHAIN_GENESIS, proofCanonicalForm, type ChainedProof, type Proof } from '@bangtin/shared';
import type Database from 'better-sqlite3';

interface Head {
  seq: number;
  hash: string;
}

export function proofHash(p: ChainedProof): string {
  return crypto.createHash('sha256').update(proofCanonicalForm(p), 'utf8').digest('hex');
}

/**
 * One output's proof chain (issue 11). The head (last seq and its hash) lives in the player's SQLite
 * `state` table and is advanced in the same transaction that writes the proof to the outbox, so a
 * proof on disk and the head always agree: a play cut by SIGKILL never got a seq, and a restart
 * continues from the last proof written. Re-sends from the outbox carry the seq they were given.
 */
export class ProofChain {
  private head: Head;
  private readonly writeStmt;

  constructor(
    private readonly db: Database.Database,
    private readonly output: string,
  ) {
    // Unlike LocalState.set this throws: a head that silently failed to save would reuse seqs.
    this.writeStmt = db.prepare(
      'INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.head = this.load();
  }

  private get key(): string {
    return `chain:${this.output}`;
  }

  private load(): Head {
    const row = this.db.prepare('SELECT value FROM state WHERE key = ?').get(this.key) as { value: string } | undefined;
    const raw = row?.value;
    try {
      const h = raw ? (JSON.parse(raw) as Partial<Head>) : null;
      if (h && typeof h.seq === 'number' && typeof h.hash === 'string') return { seq: h.seq, hash: h.hash };
    } catch {
      // A damaged head starts a new chain: the controller then reports the reused seqs, which is true.
    }
    return { seq: 0, hash: CHAIN_GENESIS };
  }

  /**
   * Gives the proof the next seq and links it to the previous one. Call inside the transaction that
   * stores the proof. When that transaction fails (full disk), the head stays advanced in memory: the
   * proof kept in memory still chains, and the next proof that reaches the disk saves the head.
   */
  link(p: Proof): ChainedProof {
    const chained: ChainedProof = { ...p, seq: this.head.seq + 1, prevHash: this.head.hash };
    this.head = { seq: chained.seq, hash: proofHash(chained) };
    return chained;
  }

  /** Saves the head; throws when the disk refuses (the caller's transaction then rolls back). */
  save(): void {
    this.writeStmt.run(this.key, JSON.stringify(this.head));
  }

  current(): Head {
    return { ...this.head };
  }
}
