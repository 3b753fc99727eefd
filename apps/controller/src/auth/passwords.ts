import crypto from 'node:crypto';

// scrypt parameters: N=2^15 costs ~50 ms here, slow enough to make guessing expensive, fast enough for logins.
const N = 32768;
const r = 8;
const p = 1;
const KEYLEN = 32;
const MAXMEM = 64 * 1024 * 1024;

/** `scrypt$N$r$p$salt$hash` (base64url), so parameters can be raised later without breaking old hashes. */
export function hashPassword(password: string): string {
  const salt = crypto.randomBytes(16);
  const hash = crypto.scryptSync(password.normalize('NFC'), salt, KEYLEN, { N, r, p, maxmem: MAXMEM });
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/**
 * Checks a password against a stored hash on libuv's thread pool (async `crypto.scrypt`): a login
 * costs ~50 ms of CPU, and on the event loop a flood of them stalled every other request.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, rr, pp, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64url');
  const options = { N: Number(n), r: Number(rr), p: Number(pp), maxmem: MAXMEM };
  const actual = await new Promise<Buffer | null>((resolve) => {
    try {
      crypto.scrypt(password.normalize('NFC'), Buffer.from(salt, 'base64url'), expected.length, options, (err, key) =>
        resolve(err ? null : key),
      );
    } catch {
      resolve(null); // parameters scrypt refuses outright (not a power of two, too much memory)
    }
  });
  return actual !== null && actual.length === expected.length && crypto.timingSafeEqual(expected, actual);
}
