import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Role } from '@bangtin/shared';
import { LoginBodySchema } from '@bangtin/shared';
import type { Store } from '../store';
import type { User } from '../store/users';
import { verifyPassword } from '../auth/passwords';
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

export function registerAuth(app: FastifyInstance, store: Store): void {
  const limiter = new LoginLimiter();
  app.decorateRequest('user', null);

  // Every route under /api/v1 needs a session, except the two that cannot have one yet.
  app.addHook('onRequest', async (req) => {
    const url = req.url.split('?')[0]!;
    if (!url.startsWith('/api/')) return;
    if (url === '/api/v1/health' || url === '/api/v1/auth/login') return;
    const token = bearer(req);
    const user = token ? store.users.userForSession(token) : null;
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
    const session = store.users.createSession(cred.user.id);
    return reply.send({
      token: session.token,
      expiresAt: new Date(session.expiresAt).toISOString(),
      user: cred.user,
    });
  });

  app.post('/api/v1/auth/logout', async (req, reply) => {
    const token = bearer(req);
    if (token) store.users.deleteSession(token);
    return reply.status(204).send();
  });

  app.get('/api/v1/auth/me', async (req) => requireUser(req));
}
