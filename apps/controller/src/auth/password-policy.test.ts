import { describe, expect, it } from 'vitest';
import { commonPasswords, passwordProblem } from './password-policy';

describe('password policy', () => {
  it('ships a list of a few hundred common passwords, all long enough to matter', () => {
    const list = commonPasswords();
    expect(list.size).toBeGreaterThan(300);
    for (const p of list) expect([...p].length).toBeGreaterThanOrEqual(10);
    expect(list.has('1234567890')).toBe(true);
    expect(list.has('matkhau123')).toBe(true);
  });

  it('refuses short, common and username passwords, case-insensitively', () => {
    expect(passwordProblem('ngan-qua')).toMatch(/at least 10/);
    expect(passwordProblem('Password123')).toMatch(/too common/);
    expect(passwordProblem('QWERTYUIOP')).toMatch(/too common/);
    expect(passwordProblem('bientap.tamky', 'Bientap.TamKy')).toMatch(/username/);
  });

  it('counts Vietnamese letters as one character each, whatever their normal form', () => {
    // 9 letters: "mậtkhẩuơi" decomposed is longer in code units but still 9 characters after NFC.
    expect(passwordProblem('mậtkhẩuơi'.normalize('NFD'))).toMatch(/at least 10/);
    expect(passwordProblem('mậtkhẩucủatôi')).toBeNull();
  });
});
