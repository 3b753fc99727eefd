import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './passwords';
import { hashToken, newToken } from './tokens';

describe('passwords', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const stored = hashPassword('Mật khẩu đúng 123');
    expect(stored.startsWith('scrypt$')).toBe(true);
    expect(stored).not.toContain('Mật khẩu');
    expect(await verifyPassword('Mật khẩu đúng 123', stored)).toBe(true);
    expect(await verifyPassword('Mật khẩu sai 123', stored)).toBe(false);
  });

  it('treats NFC and NFD spellings of a Vietnamese password as the same', async () => {
    const stored = hashPassword('Bảo hiểm');
    expect(await verifyPassword('Bảo hiểm'.normalize('NFD'), stored)).toBe(true);
  });

  it('salts: the same password hashes differently twice', () => {
    expect(hashPassword('x')).not.toBe(hashPassword('x'));
  });

  it('rejects malformed stored hashes instead of throwing', async () => {
    expect(await verifyPassword('x', 'plain')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$3$8$1$AAAA$AAAA')).toBe(false);
  });
});

describe('tokens', () => {
  it('are long, prefixed, unique and hash deterministically', () => {
    const a = newToken('dev');
    const b = newToken('dev');
    expect(a).toMatch(/^dev_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(hashToken(a)).toBe(hashToken(a));
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});
