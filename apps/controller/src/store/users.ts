import type Database from 'better-sqlite3';
import type { Role } from '@bangtin/shared';
import { newId } from '@bangtin/shared';
import { hashPassword } from '../auth/passwords';
import { hashToken, newToken } from '../auth/tokens';

export interface User {
  id: string;
  username: string;
  role: Role;
  groupId: string | null;
}

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  role: Role;
  group_id: string | null;
  disabled_at: number | null;
}

/** A user as the admin list shows it: with when the account was disabled (null = active). */
export interface UserListItem extends User {
  disabledAt: number | null;
}

const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export class UserStore {
  constructor(private readonly db: Database.Database) {}

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  create(u: { username: string; password: string; role: Role; groupId: string | null }): User {
    const id = newId();
    this.db
      .prepare('INSERT INTO users (id, username, password_hash, role, group_id, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, u.username, hashPassword(u.password), u.role, u.groupId, Date.now());
    return { id, username: u.username, role: u.role, groupId: u.groupId };
  }

  list(): UserListItem[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map((r) => ({
      id: r.id,
      username: r.username,
      role: r.role,
      groupId: r.group_id,
      disabledAt: r.disabled_at,
    }));
  }

  get(id: string): UserListItem | null {
    const r = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return r ? { id: r.id, username: r.username, role: r.role, groupId: r.group_id, disabledAt: r.disabled_at } : null;
  }

  /** Active admins other than `exceptId`: the last one may not be demoted or disabled. */
  otherActiveAdmins(exceptId: string): number {
    return (
      this.db
        .prepare("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> ?")
        .get(exceptId) as { n: number }
    ).n;
  }

  /** Applies an admin's change; a new password or a disable ends every session of the user (the caller's kept: `keepToken`). */
  update(
    id: string,
    patch: { role?: Role; groupId?: string | null; disabled?: boolean; password?: string },
    now = Date.now(),
    keepToken: string | null = null,
  ): void {
    this.db.transaction(() => {
      if (patch.role !== undefined) this.db.prepare('UPDATE users SET role = ? WHERE id = ?').run(patch.role, id);
      if (patch.groupId !== undefined)
        this.db.prepare('UPDATE users SET group_id = ? WHERE id = ?').run(patch.groupId, id);
      if (patch.disabled !== undefined)
        this.db.prepare('UPDATE users SET disabled_at = ? WHERE id = ?').run(patch.disabled ? now : null, id);
      if (patch.password !== undefined)
        this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(hashPassword(patch.password), id);
      if (patch.disabled || patch.password !== undefined) this.endSessions(id, keepToken);
    })();
  }

  /** Deletes the user's sessions, except the one presented as `keepToken`. Returns how many ended. */
  endSessions(userId: string, keepToken: string | null = null): number {
    return this.db
      .prepare('DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?')
      .run(userId, keepToken ? hashToken(keepToken) : '').changes;
  }

  /** The stored hash for a login check; null when the user does not exist. */
  credentials(username: string): { user: User; passwordHash: string; disabled: boolean } | null {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    if (!row) return null;
    return {
      user: { id: row.id, username: row.username, role: row.role, groupId: row.group_id },
      passwordHash: row.password_hash,
      disabled: row.disabled_at !== null,
    };
  }

  /** The stored hash of a user by id (the password change checks the current one). */
  passwordHash(id: string): string | null {
    const r = this.db.prepare('SELECT password_hash FROM users WHERE id = ?').get(id) as
      { password_hash: string } | undefined;
    return r?.password_hash ?? null;
  }

  createSession(userId: string, now = Date.now()): { token: string; expiresAt: number } {
    const token = newToken('ses');
    const expiresAt = now + SESSION_TTL_MS;
    this.saveSession(token, userId, now, expiresAt);
    return { token, expiresAt };
  }

  /** A new session token that is not yet stored (login while the disk is full keeps it in memory). */
  newSession(now = Date.now()): { token: string; expiresAt: number } {
    return { token: newToken('ses'), expiresAt: now + SESSION_TTL_MS };
  }

  /** Stores a session; an existing row for the same token is left as it is. */
  saveSession(token: string, userId: string, createdAt: number, expiresAt: number): void {
    this.db
      .prepare(
        'INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .run(hashToken(token), userId, createdAt, expiresAt);
  }

  userForSession(token: string, now = Date.now()): User | null {
    const row = this.db
      .prepare(
        `SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled_at IS NULL`,
      )
      .get(hashToken(token), now) as UserRow | undefined;
    return row ? { id: row.id, username: row.username, role: row.role, groupId: row.group_id } : null;
  }

  deleteSession(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hashToken(token));
  }

  purgeExpiredSessions(now = Date.now()): number {
    return this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes;
  }
}
