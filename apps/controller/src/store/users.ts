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

  list(): User[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map((r) => ({
      id: r.id,
      username: r.username,
      role: r.role,
      groupId: r.group_id,
    }));
  }

  /** The stored hash for a login check; null when the user does not exist. */
  credentials(username: string): { user: User; passwordHash: string } | null {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    if (!row) return null;
    return {
      user: { id: row.id, username: row.username, role: row.role, groupId: row.group_id },
      passwordHash: row.password_hash,
    };
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
        `SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?`,
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
