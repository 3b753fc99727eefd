import { v7 } from 'uuid';

/** Time-ordered UUID v7: proofs and rows keyed by these insert several times faster than by v4. */
export function newId(): string {
  return v7();
}
