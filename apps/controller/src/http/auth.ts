import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Role } from '@bangtin/shared';
import { LoginBodySchema } from '@bangtin/shared';
import type { Store } from '../store';
import type { User } from '../store/users';
import { verifyPassword } from '../auth/passwords';
import type { StorageMonitor } from '../store/storage';
import { forbidden, HttpError, parse } from './errors';
import { ConcurrencyGate, DEFAULT_LOCKOUT, GateBusyError, type LockoutOptions, LockoutTable } from './login-guard';
import { recordAudit } from './audit';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
  }
}

// A real hash so an unknown username costs the same time as a wrong password (no user enumeration).
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** How hard logins may be tried; every field has a default sized for real staff use. */
export interface LoginLimits {
  /** Login attempts per address per `perAddressWindowMs`, whatever the usernames (default 30 a minute). */
  perAddressMax: number;
  perAddressWindowMs: number;
  /** Password checks running at once (default 2) and waiting (default 32) before 429 `login-busy`. */
  concurrency: number;
  queue: number;
  /** Failures per address + username before that pair is locked out (default 5 in 15 min, 10,000 pairs). */
  lockout: LockoutOptions;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perAddressMax: 30,
  perAddressWindowMs: 60_000,
  concurrency: 2,
  queue: 32,
  lockout: DEFAULT_LOCKOUT,
};

/**
 * Routes anyone may call without a session. Everything else the router knows needs one (deny by
 * default). `/metrics` checks its own scraper token; `/*` is the admin UI shell and its assets.
 */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set([
  'GET /api/v1/health',
  'HEAD /api/v1/health',
  'POST /api/v1/auth/login',
  'GET /metrics',
  'HEAD /metrics',
  'GET /*',
  'HEAD /*',
]);

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

/** What the login defences hold, for tests and metrics. */
export interface LoginGuardState {
  lockoutEntries(): number;
}

/**
 * Needs @fastify/rate-limit registered (with `global: false`) before it is called: the login route's
 * per-address limit is that plugin's route config.
 */
export function registerAuth(
  app: FastifyInstance,
  store: Store,
  storage?: StorageMonitor,
  limits: Partial<LoginLimits> = {},
): LoginGuardState {
  const lim = { ...DEFAULT_LOGIN_LIMITS, ...limits };
  const lockouts = new LockoutTable(lim.lockout);
  const gate = new ConcurrencyGate(lim.concurrency, lim.queue);
  const held = new HeldSessions();
  storage?.onRecover(() => held.flush(store));
  app.decorateRequest('user', null);

  // Deny by default, on the route the router matched: it decodes the path, so comparing the raw URL
  // let `/%61pi/v1/auth/logout` through. No route matched: the 404 handler answers, nothing is served.
  app.addHook('onRequest', async (req) => {
    const route = req.routeOptions.url;
    if (route === undefined || PUBLIC_ROUTES.has(`${req.method} ${route}`)) return;
    const token = bearer(req);
    const now = Date.now();
    const user =
      token && !held.ended.has(token) ? (store.users.userForSession(token, now) ?? held.user(token, now)) : null;
    if (!user) throw new HttpError(401, 'unauthorized', 'log in first (Authorization: Bearer <token>)');
    req.user = user;
  });

  const rateLimit = {
    max: lim.perAddressMax,
    timeWindow: lim.perAddressWindowMs,
    // The address alone (behind trusted proxies: the client's): random usernames do not reset it.
    keyGenerator: (req: FastifyRequest) => req.ip,
    errorResponseBuilder: (_req: FastifyRequest, ctx: { after: string }) =>
      new HttpError(
        429,
        'too-many-attempts',
        `Quá nhiều lần đăng nhập từ địa chỉ này; thử lại sau ${ctx.after} (too many logins from this address)`,
        'password',
      ),
  };

  app.post('/api/v1/auth/login', { config: { rateLimit } }, async (req, reply) => {
    const body = parse(LoginBodySchema, req.body);
    const key = `${req.ip}|${body.username.toLowerCase()}`;
    const now = Date.now();
    const wait = lockouts.lockedFor(key, now);
    if (wait > 0) {
      reply.header('retry-after', String(Math.ceil(wait / 1000)));
      throw new HttpError(429, 'too-many-attempts', 'too many failed logins; wait 15 minutes', 'password');
    }
    const cred = store.users.credentials(body.username);
    let matches: boolean;
    try {
      matches = await gate.run(() => verifyPassword(body.password, cred?.passwordHash ?? DUMMY_HASH));
    } catch (err) {
      if (!(err instanceof GateBusyError)) throw err;
      reply.header('retry-after', '1');
      throw new HttpError(
        429,
        'login-busy',
        'Máy chủ đang bận kiểm tra mật khẩu; thử lại sau 1 giây (too many logins at once)',
        'password',
      );
    }
    const ok = matches && cred !== null;
    // A failed login names the username tried, never the password.
    const failed = (reason: string) =>
      recordAudit(store, req, {
        at: now,
        userId: null,
        username: body.username,
        role: null,
        groupId: cred?.user.groupId ?? null,
        action: 'auth.login-failed',
        entity: 'users',
        entityId: cred?.user.id ?? null,
        changes: { reason: { before: null, after: reason } },
        method: 'POST',
        route: '/api/v1/auth/login',
        status: reason === 'disabled' ? 403 : 401,
      });
    if (!ok || !cred) {
      lockouts.fail(key, Date.now());
      failed('wrong-credentials');
      throw new HttpError(401, 'invalid-credentials', 'wrong username or password', 'password');
    }
    if (cred.disabled) {
      failed('disabled');
      throw new HttpError(403, 'account-disabled', 'this account is disabled; ask an administrator', 'username');
    }
    lockouts.clear(key);
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
    recordAudit(store, req, {
      at: now,
      userId: cred.user.id,
      username: cred.user.username,
      role: cred.user.role,
      groupId: cred.user.groupId,
      action: 'auth.login',
      entity: 'users',
      entityId: cred.user.id,
      changes: {},
      method: 'POST',
      route: '/api/v1/auth/login',
      status: 200,
    });
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
  return { lockoutEntries: () => lockouts.size };
}
