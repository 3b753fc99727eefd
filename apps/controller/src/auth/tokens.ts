import crypto from 'node:crypto';

/** A bearer secret: 32 random bytes, base64url. Only its hash is ever stored. */
export function newToken(prefix: string): string {
  return `${prefix}_${crypto.randomBytes(32).toString('base64url')}`;
}

/**
 * Tokens carry 256 bits of entropy, so a fast hash is enough (no salt or stretching needed, unlike
 * passwords) and lets the socket handshake look a device up by index.
 */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** A readable random password for the first admin when none is configured. */
export function randomPassword(): string {
  return crypto.randomBytes(12).toString('base64url');
}
