import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  type ChainBreak,
  type ChainBreakKind,
  type ChainRow,
  checkChain,
  isChained,
  type Proof,
  proofCanonicalForm,
} from '@bangtin/shared';
import type { ProofRow } from './proofs';

/** SHA-256 (hex) of a chained proof's canonical form; null for an unchained proof. */
export function chainHash(p: Proof): string | null {
  if (!isChained(p)) return null;
  // One-shot (Node ≥ 20.12): no Hash object per proof; 0.9 µs against createHash's 2.1 µs here.
  return crypto.hash('sha256', proofCanonicalForm(p), 'hex');
}

/**
 * A hole in a chain is only a break once nothing can still fill it: the player reported an empty
 * outbox, or the proof after the hole arrived this long ago (proofs are uploaded oldest first, so a
 * player catching up after an outage fills holes well within it).
 */
export const GAP_GRACE_MS = 15 * 60_000;

export interface VerifyBreak extends ChainBreak {
  deviceId: string;
  output: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Chained proofs checked. */
  checked: number;
  /** Proofs from players without a chain (one protocol version behind): neither checked nor breaks. */
  unchained: number;
  breaks: VerifyBreak[];
}

interface StoredChainRow extends ProofRow {
  seq: number;
  prev_hash: string;
  hash: string | null;
}

/** The hash recomputed from what the database holds now, whatever was stored in `hash`. */
function recompute(r: StoredChainRow): ChainRow & { receivedAt: number } {
  const hash = chainHash({
    id: r.id,
    contentId: r.content_id,
    playlistId: r.playlist_id,
    scheduleId: r.schedule_id,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    deviceStartedAt: r.device_started_at ?? r.started_at,
    clockOffsetMs: r.clock_offset_ms,
    endReason: r.end_reason,
    output: r.output,
    seq: r.seq,
    prevHash: r.prev_hash,
  });
  return {
    seq: r.seq,
    prevHash: r.prev_hash,
    // An edit that makes the row unreadable as a proof (a non-integer time…) cannot match any hash.
    hash: hash ?? '',
    storedHash: r.hash ?? '',
    startedAt: r.started_at,
    receivedAt: r.received_at,
  };
}

function safeRecompute(r: StoredChainRow): ChainRow & { receivedAt: number } {
  try {
    return recompute(r);
  } catch {
    return {
      seq: r.seq,
      prevHash: r.prev_hash,
      hash: '',
      storedHash: r.hash ?? '',
      startedAt: r.started_at,
      receivedAt: r.received_at,
    };
  }
}

/**
 * Chain bookkeeping beside the proofs table: the highest seq per output, and re-sent proofs whose
 * content differs from the stored row. Verification reads the stored rows in seq order when asked.
 */
export class ProofChainStore {
  private readonly headStmt;
  private readonly hashOfStmt;
  private readonly conflictStmt;
  // Made once: better-sqlite3 builds a transaction's wrappers on every `transaction()` call, and this runs
  // for every upload of a player that chains its proofs (see ProofStore.insertBatch).
  private readonly noteTx;

  constructor(private readonly db: Database.Database) {
    this.headStmt = db.prepare(
      `INSERT INTO proof_chain_heads (device_id, output, max_seq, received_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (device_id, output) DO UPDATE SET
         received_at = CASE WHEN excluded.max_seq > max_seq THEN excluded.received_at ELSE received_at END,
         max_seq = MAX(max_seq, excluded.max_seq)`,
    );
    this.hashOfStmt = db.prepare('SELECT hash, device_id FROM proofs WHERE id = ?');
    this.conflictStmt = db.prepare(
      `INSERT INTO proof_chain_conflicts (device_id, output, seq, proof_id, hash, started_at, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.noteTx = db.transaction(this.noteRows.bind(this));
  }

  /**
   * After a batch is stored: advances the heads and records replays whose content changed. Returns
   * how many proofs of the batch do not link to the stored or in-batch proof before them (logged by
   * the caller; the verdict is `verify`'s, which waits for out-of-order proofs).
   */
  noteBatch(
    deviceId: string,
    proofs: readonly Proof[],
    hashes: readonly (string | null)[],
    maybeExisting: readonly string[],
    receivedAt: number,
  ): { conflicts: number; unlinked: number } {
    return this.noteTx(deviceId, proofs, hashes, maybeExisting, receivedAt);
  }

  private noteRows(
    deviceId: string,
    proofs: readonly Proof[],
    hashes: readonly (string | null)[],
    maybeExisting: readonly string[],
    receivedAt: number,
  ): { conflicts: number; unlinked: number } {
    const heads = new Map<string, number>();
    const byId = new Map<string, number>();
    proofs.forEach((p, i) => byId.set(p.id, i));
    let conflicts = 0;
    let unlinked = 0;
    for (const id of maybeExisting) {
      const i = byId.get(id);
      if (i === undefined) continue;
      const p = proofs[i]!;
      const h = hashes[i];
      if (!h || !isChained(p)) continue;
      const stored = this.hashOfStmt.get(id) as { hash: string | null; device_id: string } | undefined;
      if (stored && stored.device_id === deviceId && stored.hash !== h) {
        this.conflictStmt.run(deviceId, p.output, p.seq, id, h, p.startedAt, receivedAt);
        conflicts++;
      }
    }
    const hashBySeq = new Map<string, string>();
    proofs.forEach((p, i) => {
      if (!isChained(p)) return;
      heads.set(p.output, Math.max(heads.get(p.output) ?? 0, p.seq));
      hashBySeq.set(`${p.output}|${p.seq}`, hashes[i]!);
    });
    const prevStmt = this.db.prepare('SELECT hash FROM proofs WHERE device_id = ? AND output = ? AND seq = ?');
    for (const p of proofs) {
      if (!isChained(p) || p.seq === 1) continue;
      let prev = hashBySeq.get(`${p.output}|${p.seq - 1}`);
      if (prev === undefined) {
        const rows = prevStmt.all(deviceId, p.output, p.seq - 1) as { hash: string | null }[];
        if (rows.length === 0) continue; // not here yet: verify waits for it
        prev = rows[0]!.hash ?? '';
      }
      if (prev !== p.prevHash) unlinked++;
    }
    for (const [output, seq] of heads) this.headStmt.run(deviceId, output, seq, receivedAt);
    return { conflicts, unlinked };
  }

  /**
   * Verifies the chains of these devices over proofs that started in [from, to), from the rows as the
   * database holds them now. `outboxEmpty(deviceId)` says whether the player has nothing left to send.
   */
  verify(
    deviceIds: readonly string[],
    range: { from: number | null; to: number | null },
    outboxEmpty: (deviceId: string) => boolean,
    now = Date.now(),
  ): VerifyResult {
    const from = range.from ?? Number.MIN_SAFE_INTEGER;
    const to = range.to ?? Number.MAX_SAFE_INTEGER;
    const rowsStmt = this.db.prepare(
      `SELECT * FROM proofs WHERE device_id = ? AND seq IS NOT NULL AND started_at >= ? AND started_at < ?
       ORDER BY output, seq, received_at`,
    );
    const beforeStmt = this.db.prepare(
      'SELECT * FROM proofs WHERE device_id = ? AND output = ? AND seq = ? ORDER BY received_at LIMIT 1',
    );
    const unchainedStmt = this.db.prepare(
      'SELECT COUNT(*) AS n FROM proofs WHERE device_id = ? AND seq IS NULL AND started_at >= ? AND started_at < ?',
    );
    const headsStmt = this.db.prepare('SELECT output, max_seq, received_at FROM proof_chain_heads WHERE device_id = ?');
    const conflictsStmt = this.db.prepare(
      `SELECT output, seq, started_at FROM proof_chain_conflicts
       WHERE device_id = ? AND started_at >= ? AND started_at < ?`,
    );
    const out: VerifyResult = { ok: true, checked: 0, unchained: 0, breaks: [] };
    for (const deviceId of deviceIds) {
      out.unchained += (unchainedStmt.get(deviceId, from, to) as { n: number }).n;
      const heads = new Map(
        (headsStmt.all(deviceId) as { output: string; max_seq: number; received_at: number }[]).map((h) => [
          h.output,
          h,
        ]),
      );
      const byOutput = new Map<string, StoredChainRow[]>();
      for (const r of rowsStmt.all(deviceId, from, to) as StoredChainRow[]) {
        let list = byOutput.get(r.output);
        if (!list) byOutput.set(r.output, (list = []));
        list.push(r);
      }
      const drained = outboxEmpty(deviceId);
      for (const [output, stored] of byOutput) {
        const rows = stored.map(safeRecompute);
        const beforeRow =
          rows[0]!.seq > 1
            ? (beforeStmt.get(deviceId, output, rows[0]!.seq - 1) as StoredChainRow | undefined)
            : undefined;
        const head = heads.get(output);
        // The head vouches for seqs after the last row only when the range reaches the present.
        const headSeq = head && range.to === null ? head.max_seq : null;
        const lastReceived = rows.reduce((m, r) => Math.max(m, r.receivedAt), 0);
        const gapsFinal = drained || now - lastReceived >= GAP_GRACE_MS;
        const res = checkChain(rows, {
          before: beforeRow ? safeRecompute(beforeRow) : null,
          headSeq,
          gapsFinal,
          // The outbox sends oldest first: a hole whose successor arrived after its predecessor was
          // passed over, not still on its way.
          gapFinal: (a, b) =>
            (b as ChainRow & { receivedAt: number }).receivedAt >= (a as ChainRow & { receivedAt: number }).receivedAt,
        });
        out.checked += res.checked;
        for (const b of res.breaks) out.breaks.push({ ...b, deviceId, output });
      }
      for (const c of conflictsStmt.all(deviceId, from, to) as { output: string; seq: number; started_at: number }[]) {
        const kind: ChainBreakKind = 'seq-reused';
        if (
          !out.breaks.some(
            (b) => b.deviceId === deviceId && b.output === c.output && b.seq === c.seq && b.kind === kind,
          )
        )
          out.breaks.push({ seq: c.seq, kind, at: c.started_at, deviceId, output: c.output });
      }
    }
    out.breaks.sort((a, b) => a.at - b.at || a.seq - b.seq);
    out.ok = out.breaks.length === 0;
    return out;
  }
}
