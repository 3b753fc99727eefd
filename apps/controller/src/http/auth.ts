import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Role } from '@bangtin/shared';
import { LoginBodySchema } from '@bangtin/shared';
import type { Store } from '../store';
import type { User } from '../store/users';
import { verifyPassword } from '../auth/passwords';
import type { StorageMonitor } from '../store/storage';
import { forbidden, HttpError, parse } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
  }
}

const WINDOW_MS = 15 * 60 * 1000;
const MAX_FAILURES = 5;
// A real hash so an unknown username costs the same time as a wrong password (no user enumeration).
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** Failed logins per address+username: five in fifteen minutes locks that pair out for the window. */
class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  blocked(key: string, now: number): boolean {
    const recent = (this.failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
    this.failures.set(key, recent);
    return recent.length >= MAX_FAILURES;
  }
  fail(key: string, now: number): void {
    this.failures.set(key, [...(this.failures.get(key) ?? []), now]);
  }
  clear(key: string): void {
    this.failures.delete(key);
  }
}

/**
 * Sessions the disk could not take. Staff must be able to log in to see what the boards show while the
 * disk is full (reads work), so a login then lives here and is written to the database when space
 * returns; a logout of a stored session is remembered here and deleted then. Lost on restart (the
 * user logs in again), which is no worse than the disk allowed.
 */
class HeldSessions {
  readonly created = new Map<string, { user: User; createdAt: number; expiresAt: number }>();
  readonly ended = new Set<string>();

  user(token: string, now: number): User | null {
    const s = this.created.get(token);
    return s && s.expiresAt > now ? s.user : null;
  }

  /** Writes what is held; throws (keeping what is left) when the disk refuses again. */
  flush(store: Store): void {
    for (const [token, s] of this.created) {
      store.users.saveSession(token, s.user.id, s.createdAt, s.expiresAt);
      this.created.delete(token);
    }
    for (const token of this.ended) {
      store.users.deleteSession(token);
      this.ended.delete(token);
    }
  }
}

export function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1]! : null;
}

export function requireUser(req: FastifyRequest): User {
  if (!req.user) throw new HttpError(401, 'unauthorized', 'log in first (Authorization: Bearer <token>)');
  return req.user;
}

export function requireRole(req: FastifyRequest, ...roles: Role[]): User {
  const u = requireUser(req);
  if (!roles.includes(u.role)) throw forbidden(`this needs the role ${roles.join(' or ')}; you are ${u.role}`);
  return u;
}

export function registerAuth(app: FastifyInstance, store: Store, storage?: StorageMonitor): void {
  const limiter = new LoginLimiter();
  const held = new HeldSessions();
  storage?.onRecover(() => held.flush(store));
  app.decorateRequest('user', null);

  // Every route under /api/v1 needs a session, except the two that cannot have one yet.
  app.addHook('onRequest', async (req) => {
    const url = req.url.split('?')[0]!;
    if (!url.startsWith('/api/')) return;
    if (url === '/api/v1/health' || url === '/api/v1/auth/login') return;
    const token = bearer(req);
    const now = Date.now();
    const user =
      token && !held.ended.has(token) ? (store.users.userForSession(token, now) ?? held.user(token, now)) : null;
    if (!user) throw new HttpError(401, 'unauthorized', 'log in first (Authorization: Bearer <token>)');
    req.user = user;
  });

  app.post('/api/v1/auth/login', async (req, reply) => {
    const body = parse(LoginBodySchema, req.body);
    const key = `${req.ip}|${body.username.toLowerCase()}`;
    const now = Date.now();
    if (limiter.blocked(key, now)) {
      throw new HttpError(429, 'too-many-attempts', 'too many failed logins; wait 15 minutes', 'password');
    }
    const cred = store.users.credentials(body.username);
    const ok = verifyPassword(body.password, cred?.passwordHash ?? DUMMY_HASH) && cred !== null;
    if (!ok || !cred) {
      limiter.fail(key, now);
      throw new HttpError(401, 'invalid-credentials', 'wrong username or password', 'password');
    }
    limiter.clear(key);
    let session: { token: string; expiresAt: number };
    try {
      storage?.assertWritable();
      session = store.users.createSession(cred.user.id, now);
    } catch (err) {
      if (!storage?.failed(err)) throw err;
      session = store.users.newSession(now);
      held.created.set(session.token, { user: cred.user, createdAt: now, expiresAt: session.expiresAt });
      req.log.warn({ user: cred.user.username }, 'login while the disk is full: session held in memory');
    }
    return reply.send({
      token: session.token,
      expiresAt: new Date(session.expiresAt).toISOString(),
      user: cred.user,
    });
  });

  app.post('/api/v1/auth/logout', async (req, reply) => {
    const token = bearer(req);
    if (token && !held.created.delete(token)) {
      try {
        storage?.assertWritable();
        store.users.deleteSession(token);
      } catch (err) {
        if (!storage?.failed(err)) throw err;
        held.ended.add(token);
      }
    }
    return reply.status(204).send();
  });

  app.get('/api/v1/auth/me', async (req) => requireUser(req));
}
