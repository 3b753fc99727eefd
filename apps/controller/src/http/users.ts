/**
 * User management beyond creation (issue 10): an admin changes a user's role, district, password or
 * disables them (`PATCH /users/:id`); everyone changes their own password (`POST /auth/password`).
 * A new password or a disable ends the user's sessions at once, HTTP and `/admin` sockets alike.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ChangePasswordBodySchema, IdSchema, toIso, UpdateUserBodySchema } from '@bangtin/shared';
import type { Store } from '../store';
import type { UserListItem } from '../store/users';
import type { Hub } from '../hub/hub';
import { disconnectAdminSockets } from '../hub/admin-sessions';
import { verifyPassword } from '../auth/passwords';
import { passwordProblem } from '../auth/password-policy';
import { HttpError, notFound, parse } from './errors';
import { bearer, requireRole, requireUser } from './auth';
import { auditChange } from './audit';

const IdParams = z.object({ id: IdSchema });

export const userView = (u: UserListItem) => ({
  id: u.id,
  username: u.username,
  role: u.role,
  groupId: u.groupId,
  disabled: u.disabledAt !== null,
  disabledAt: u.disabledAt === null ? null : toIso(u.disabledAt),
});

/** What the audit trail compares; the password appears only as "changed". */
const auditView = (u: UserListItem) => ({ role: u.role, groupId: u.groupId, disabled: u.disabledAt !== null });

/** 400 naming the first field a body may not carry (the schemas strip unknown keys silently). */
export function rejectUnknownFields(body: unknown, shape: object): void {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return;
  const unknown = Object.keys(body).find((k) => !(k in shape));
  if (unknown) throw new HttpError(400, 'invalid-input', `${unknown}: not a field of this request`, unknown);
}

/** 400 `weak-password` naming `field` when the policy refuses the password. */
export function requireStrongPassword(password: string, field: string, username?: string): void {
  const problem = passwordProblem(password, username);
  if (problem) throw new HttpError(400, 'weak-password', `${field}: ${problem}`, field);
}

export function registerUserRoutes(app: FastifyInstance, store: Store, hub: () => Hub): void {
  const endSessions = (userId: string, keepToken: string | null) => {
    store.users.endSessions(userId, keepToken);
    disconnectAdminSockets(hub(), userId, keepToken);
  };

  app.patch('/api/v1/users/:id', async (req: FastifyRequest) => {
    const me = requireRole(req, 'admin');
    const { id } = parse(IdParams, req.params);
    rejectUnknownFields(req.body, UpdateUserBodySchema.shape);
    const body = parse(UpdateUserBodySchema, req.body);
    const before = store.users.get(id);
    if (!before) throw notFound('user');
    if (body.groupId) {
      const g = store.groups.get(body.groupId);
      if (!g) throw notFound('group', 'groupId');
    }
    const role = body.role ?? before.role;
    const groupId = body.groupId !== undefined ? body.groupId : before.groupId;
    if (role === 'editor' && !groupId)
      throw new HttpError(400, 'invalid-input', 'groupId: an editor needs a district', 'groupId');
    if (body.password !== undefined) requireStrongPassword(body.password, 'password', before.username);
    // Nobody locks the province out: the last active admin stays an active admin.
    const losesAdmin = before.role === 'admin' && before.disabledAt === null && (role !== 'admin' || body.disabled);
    if (losesAdmin && store.users.otherActiveAdmins(id) === 0)
      throw new HttpError(
        409,
        'last-admin',
        `${body.disabled ? 'disabled' : 'role'}: this is the last active administrator`,
        body.disabled ? 'disabled' : 'role',
      );
    if (id === me.id && body.disabled)
      throw new HttpError(409, 'self', 'disabled: you cannot disable your own account', 'disabled');
    store.users.update(id, { ...body, groupId: body.groupId === undefined ? undefined : body.groupId });
    if (body.disabled || body.password !== undefined) disconnectAdminSockets(hub(), id);
    const after = store.users.get(id)!;
    const action =
      body.disabled === true && before.disabledAt === null
        ? 'users.disable'
        : body.disabled === false && before.disabledAt !== null
          ? 'users.enable'
          : body.password !== undefined && Object.keys(body).length === 1
            ? 'users.password-reset'
            : 'users.update';
    auditChange(req, {
      entity: 'users',
      id,
      action,
      before: { ...auditView(before), ...(body.password !== undefined && { password: 'old' }) },
      after: { ...auditView(after), ...(body.password !== undefined && { password: 'new' }) },
      groupId: after.groupId ?? before.groupId,
    });
    return userView(after);
  });

  app.post('/api/v1/auth/password', async (req, reply) => {
    const me = requireUser(req);
    rejectUnknownFields(req.body, ChangePasswordBodySchema.shape);
    const body = parse(ChangePasswordBodySchema, req.body);
    const hash = store.users.passwordHash(me.id);
    if (!hash || !(await verifyPassword(body.current, hash)))
      throw new HttpError(400, 'wrong-password', 'current: this is not your current password', 'current');
    requireStrongPassword(body.next, 'next', me.username);
    if (body.next.normalize('NFC') === body.current.normalize('NFC'))
      throw new HttpError(400, 'weak-password', 'next: must differ from the current password', 'next');
    // Every other session of this user ends (a stolen one with it); the one making the change stays.
    const keep = bearer(req);
    store.users.update(me.id, { password: body.next }, Date.now(), keep);
    endSessions(me.id, keep);
    auditChange(req, {
      entity: 'users',
      id: me.id,
      action: 'auth.password',
      before: { password: 'old' },
      after: { password: 'new' },
    });
    return reply.status(204).send();
  });
}
