import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PASSWORD_MIN_LENGTH } from '@bangtin/shared';

const LIST_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'common-passwords.txt');

let common: Set<string> | null = null;
/** The built-in list, read once (lines starting with # are comments). */
export function commonPasswords(): Set<string> {
  common ??= new Set(
    fs
      .readFileSync(LIST_FILE, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0 && !l.startsWith('#')),
  );
  return common;
}

/**
 * Why a new password is refused, or null when it is acceptable: at least PASSWORD_MIN_LENGTH characters
 * (code points after NFC, so "mật khẩu" counts as people read it), not on the common list, not the
 * username. Applies to every password set through the API; seed data (the first admin from the
 * environment, the demo's users) is created below this layer.
 */
export function passwordProblem(password: string, username?: string): string | null {
  const p = password.normalize('NFC');
  if ([...p].length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  const lower = p.toLowerCase();
  if (commonPasswords().has(lower)) return 'is too common (on the list of frequently used passwords); choose another';
  if (username && lower === username.toLowerCase()) return 'must not be the username';
  return null;
}
