import type { Proof } from './domain';

/**
 * Tamper-evident proof chains (issue 11). Each output of a player numbers its proofs 1, 2, 3… (`seq`)
 * and puts in each the SHA-256 of the previous proof's canonical form (`prevHash`). A later edit or
 * deletion of a stored proof then breaks the link to its successor, which the controller reports.
 *
 * Pure: this module only builds the string that is hashed; each app hashes it with node:crypto.
 */

/** `prevHash` of the first proof of a chain. */
export const CHAIN_GENESIS = '0'.repeat(64);

/** Version tag inside the canonical form, so a future change of the covered fields is told apart. */
const FORM = 'bangtin-proof-v1';

export type ChainedProof = Proof & { seq: number; prevHash: string };

export function isChained(p: Proof): p is ChainedProof {
  return typeof p.seq === 'number' && typeof p.prevHash === 'string';
}

/**
 * The exact string a proof's hash covers: every field the proof carries, in a fixed order, separated
 * by `|` (no field can contain one: ids are UUIDs, numbers are integers, the output name and end
 * reason are checked at the boundary). Fields are written as the controller stores them, so the
 * controller recomputes the same string from its database row.
 */
export function proofCanonicalForm(p: ChainedProof): string {
  if (!Number.isSafeInteger(p.seq) || p.seq < 1) throw new RangeError('proofCanonicalForm: seq must be ≥ 1');
  if (!/^[0-9a-f]{64}$/.test(p.prevHash)) throw new RangeError('proofCanonicalForm: prevHash must be hex sha256');
  for (const k of ['startedAt', 'endedAt', 'deviceStartedAt', 'clockOffsetMs'] as const) {
    if (!Number.isSafeInteger(p[k])) throw new RangeError(`proofCanonicalForm: ${k} must be an integer`);
  }
  if (p.output.includes('|')) throw new RangeError('proofCanonicalForm: output must not contain "|"');
  return [
    FORM,
    p.output,
    p.seq,
    p.prevHash,
    p.id.toLowerCase(),
    p.contentId.toLowerCase(),
    p.playlistId.toLowerCase(),
    p.scheduleId.toLowerCase(),
    p.startedAt,
    p.endedAt,
    p.deviceStartedAt,
    p.clockOffsetMs,
    p.endReason,
  ].join('|');
}

/** One break in a chain, as `GET /proofs/verify` reports it. */
export type ChainBreakKind = 'missing' | 'hash-mismatch' | 'seq-reused';

export interface ChainRow {
  seq: number;
  prevHash: string;
  /** SHA-256 of the row's canonical form, recomputed from the stored fields. */
  hash: string;
  /** The hash stored when the proof was received. */
  storedHash: string;
  startedAt: number;
}

export interface ChainBreak {
  seq: number;
  kind: ChainBreakKind;
  at: number;
}

/**
 * Checks one output's chain over rows sorted by seq (several rows may share a seq). `before` is the
 * row just before the first (for the link into the range), `headSeq` the highest seq ever received
 * (deleting the newest rows shows as missing seqs up to it), `gapsFinal` whether a hole in the seqs
 * counts as a break now (false while the player may still be uploading older proofs).
 */
export function checkChain(
  rows: readonly ChainRow[],
  opts: {
    before?: ChainRow | null;
    headSeq?: number | null;
    gapsFinal: boolean;
    firstSeq?: number | null;
    /** Whether the hole between these two rows can no longer fill, when `gapsFinal` is false. */
    gapFinal?: (before: ChainRow, after: ChainRow) => boolean;
  },
): { checked: number; breaks: ChainBreak[] } {
  const breaks: ChainBreak[] = [];
  let prev: ChainRow | null = opts.before ?? null;
  let expected = prev ? prev.seq + 1 : (opts.firstSeq ?? rows[0]?.seq ?? 1);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (prev && r.seq === prev.seq) {
      if (r.hash !== prev.hash) breaks.push({ seq: r.seq, kind: 'seq-reused', at: r.startedAt });
      continue;
    }
    if (r.seq > expected && (opts.gapsFinal || (prev !== null && opts.gapFinal?.(prev, r) === true))) {
      for (let s = expected; s < r.seq; s++)
        breaks.push({ seq: s, kind: 'missing', at: prev?.startedAt ?? r.startedAt });
    }
    // A row whose successor does not point at its recomputed hash was changed after it was sent.
    if (prev && r.seq === prev.seq + 1 && r.prevHash !== prev.hash) {
      breaks.push({ seq: prev.seq, kind: 'hash-mismatch', at: prev.startedAt });
    }
    if (r.seq === 1 && r.prevHash !== '0'.repeat(64) && !prev) {
      breaks.push({ seq: 1, kind: 'hash-mismatch', at: r.startedAt });
    }
    prev = r;
    expected = r.seq + 1;
  }
  // The newest row has no successor to vouch for it: compare it with the hash stored at ingest.
  const last = rows[rows.length - 1];
  if (last && last.hash !== last.storedHash && !breaks.some((b) => b.seq === last.seq && b.kind === 'hash-mismatch'))
    breaks.push({ seq: last.seq, kind: 'hash-mismatch', at: last.startedAt });
  if (last && opts.gapsFinal && opts.headSeq && opts.headSeq > last.seq) {
    for (let s = last.seq + 1; s <= opts.headSeq; s++) breaks.push({ seq: s, kind: 'missing', at: last.startedAt });
  }
  breaks.sort((a, b) => a.seq - b.seq || a.kind.localeCompare(b.kind));
  return { checked: rows.length, breaks };
}
