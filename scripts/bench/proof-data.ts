/**
 * The proofs bench-proofs sends (from its players) and inserts raw (its baseline): one device's plays,
 * one every 10 s from `base`, of one content, playlist and schedule, on output `main`.
 */
import { proofHash } from '@bangtin/player';
import { CHAIN_GENESIS, newId, type Proof } from '@bangtin/shared';

/**
 * With `chained`, numbered and hash-linked as a player of this release does it (its ProofChain.link,
 * without the head kept in SQLite); `hashes` is then each proof's own hash, the column the controller
 * stores, and null otherwise.
 */
export function benchProofs(n: number, base: number, chained: boolean): { proofs: Proof[]; hashes: (string | null)[] } {
  const contentId = newId();
  const playlistId = newId();
  const scheduleId = newId();
  let prevHash = CHAIN_GENESIS;
  const hashes: (string | null)[] = [];
  const proofs = Array.from({ length: n }, (_, i): Proof => {
    const startedAt = base + i * 10_000;
    const p: Proof = {
      id: newId(),
      contentId,
      playlistId,
      scheduleId,
      startedAt,
      endedAt: startedAt + 10_000,
      deviceStartedAt: startedAt - 3,
      clockOffsetMs: 3,
      endReason: 'completed',
      output: 'main',
    };
    if (!chained) {
      hashes.push(null);
      return p;
    }
    const linked = { ...p, seq: i + 1, prevHash };
    prevHash = proofHash(linked);
    hashes.push(prevHash);
    return linked;
  });
  return { proofs, hashes };
}
