/**
 * The audit trail of the HTTP API (issue 10): who changed what, when.
 *
 * Every successful change under /api/v1 (POST, PUT, PATCH, DELETE answered below 400) is appended by one
 * onResponse hook with the method, the route template and the entity id (the `:id` parameter, or the
 * `id` of the created item in the answer). Handlers that know more call `auditChange()` to attach the
 * before → after summary of the fields they changed and a precise action; the hook then writes those
 * entries instead of the generic one. Logins are recorded by the login route itself (it has no session).
 *
 * Secrets never enter the trail: fields whose name says password, token, hash or secret are written as
 * a fixed marker, and the request and answer bodies are never stored.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuditQuerySchema, type AuditEntryView, csvCell, TIMEZONE, toIso } from '@bangtin/shared';
import type { Store } from '../store';
import type { AuditChanges, AuditEntry } from '../store/audit';
import { HttpError, parse } from './errors';
import { requireRole } from './auth';
import { scopeOf } from './scope';

/** Written for a secret field that changed, in place of either value. */
export const SECRET_MARK = '(đã đổi)';
const SECRET_FIELD = /pass|token|hash|secret/i;
const VALUE_MAX = 120;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface AuditChangeInput {
  /** Entity type, as in the route: users, interrupts, devices, schedules … */
  entity: string;
  id: string | null;
  /** e.g. `users.disable`; default `<entity>.<verb of the route>`. */
  action?: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  /** The district the entry belongs to (an editor there reads it); default the acting user's. */
  groupId?: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    auditEntries: AuditChangeInput[] | null;
    auditResponseId: string | null;
  }
}

/** Attaches a change to this request's audit entry; written when the answer succeeds. */
export function auditChange(req: FastifyRequest, change: AuditChangeInput): void {
  (req.auditEntries ??= []).push(change);
}

function shortValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'string') return v.length > VALUE_MAX ? `${v.slice(0, VALUE_MAX)}…` : v;
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
  const s = JSON.stringify(v);
  return s.length > VALUE_MAX ? `${s.slice(0, VALUE_MAX)}…` : v;
}

/** The fields that differ between two views, shortened; secret fields as SECRET_MARK. */
export function diffChanges(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
): AuditChanges {
  const out: AuditChanges = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const k of keys) {
    const b = before?.[k];
    const a = after?.[k];
    if (before && after && !(k in after)) continue; // a partial "after" leaves the rest unchanged
    if (JSON.stringify(b) === JSON.stringify(a)) continue;
    out[k] = SECRET_FIELD.test(k)
      ? { before: before && b !== undefined ? SECRET_MARK : null, after: a !== undefined ? SECRET_MARK : null }
      : { before: shortValue(b), after: shortValue(a) };
  }
  return out;
}

const show = (v: unknown) => (v === null ? '∅' : typeof v === 'string' ? v : JSON.stringify(v));
export function summaryOf(changes: AuditChanges): string {
  return Object.entries(changes)
    .map(([k, c]) => `${k}: ${show(c.before)} → ${show(c.after)}`)
    .join('; ');
}

/** `/api/v1/interrupts/:id/cancel` → entity `interrupts`, verb `cancel`; `/api/v1/users/:id` PATCH → `update`. */
export function routeAction(method: string, route: string): { entity: string; verb: string } {
  const parts = route
    .replace(/^\/api\/v1\/?/, '')
    .split('/')
    .filter(Boolean);
  const entity = parts[0] ?? 'api';
  const last = parts.at(-1) ?? '';
  const verb =
    parts.length > 1 && !last.startsWith(':')
      ? last
      : method === 'POST'
        ? 'create'
        : method === 'DELETE'
          ? 'delete'
          : 'update';
  return { entity, verb };
}

/** Appends one entry; a failure (disk full) is logged, never turned into a failed answer. */
export function recordAudit(store: Store, req: FastifyRequest, e: Omit<AuditEntry, 'id'>): void {
  try {
    store.audit.append(e);
  } catch (err) {
    req.log.error({ err, action: e.action }, 'audit entry not written');
  }
}

function vnDateTime(ms: number): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: TIMEZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}:${parts.second}`;
}

const CSV_HEADER = [
  'Thời gian (giờ Việt Nam)',
  'Người dùng',
  'Vai trò',
  'Hành động',
  'Đối tượng',
  'Mã đối tượng',
  'Thay đổi',
  'Yêu cầu',
  'Kết quả',
];

export function auditToCsv(rows: AuditEntry[]): string {
  const lines = [CSV_HEADER.map(csvCell).join(',')];
  for (const r of rows) {
    lines.push(
      [
        vnDateTime(r.at),
        r.username ?? '',
        r.role ?? '',
        r.action,
        r.entity ?? '',
        r.entityId ?? '',
        summaryOf(r.changes),
        r.method && r.route ? `${r.method} ${r.route}` : '',
        r.status ?? '',
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function viewOf(r: AuditEntry): AuditEntryView {
  return {
    id: r.id,
    at: toIso(r.at),
    userId: r.userId,
    username: r.username,
    role: r.role,
    groupId: r.groupId,
    action: r.action,
    entity: r.entity,
    entityId: r.entityId,
    changes: r.changes,
    summary: summaryOf(r.changes),
    method: r.method,
    route: r.route,
    status: r.status,
  };
}

export function registerAudit(app: FastifyInstance, store: Store): void {
  app.decorateRequest('auditEntries', null);
  app.decorateRequest('auditResponseId', null);

  const audited = (req: FastifyRequest) => {
    const url = req.url.split('?')[0]!;
    return MUTATING.has(req.method) && url.startsWith('/api/v1/') && url !== '/api/v1/auth/login';
  };

  // The created item's id is only in the answer: read it before it is sent (JSON answers only).
  app.addHook('onSend', async (req, reply, payload) => {
    if (!audited(req) || reply.statusCode >= 400 || typeof payload !== 'string' || payload.length > 1_000_000)
      return payload;
    try {
      const body = JSON.parse(payload) as unknown;
      const id = body && typeof body === 'object' ? (body as { id?: unknown }).id : undefined;
      if (typeof id === 'string' || typeof id === 'number') req.auditResponseId = String(id);
    } catch {
      // not JSON: no id to take
    }
    return payload;
  });

  app.addHook('onResponse', async (req, reply) => {
    if (!audited(req) || reply.statusCode >= 400 || !req.user) return;
    const route = req.routeOptions.url ?? req.url.split('?')[0]!;
    const { entity, verb } = routeAction(req.method, route);
    const paramId = (req.params as { id?: unknown } | undefined)?.id;
    const user = req.user;
    const base = {
      at: Date.now(),
      userId: user.id,
      username: user.username,
      role: user.role,
      method: req.method,
      route,
      status: reply.statusCode,
    };
    const entries = req.auditEntries ?? [
      { entity, id: typeof paramId === 'string' ? paramId : req.auditResponseId, before: null, after: null },
    ];
    for (const e of entries) {
      recordAudit(store, req, {
        ...base,
        groupId: e.groupId !== undefined ? e.groupId : user.groupId,
        action: e.action ?? `${e.entity}.${verb}`,
        entity: e.entity,
        entityId: e.id ?? (typeof paramId === 'string' ? paramId : req.auditResponseId),
        changes: e.before || e.after ? diffChanges(e.before, e.after) : {},
      });
    }
  });

  app.get('/api/v1/audit', async (req, reply) => {
    const user = requireRole(req, 'admin', 'editor');
    const unknown = Object.keys((req.query ?? {}) as object).find((k) => !(k in AuditQuerySchema.shape));
    if (unknown) throw new HttpError(400, 'invalid-query', `${unknown}: unknown parameter`, unknown);
    const q = parse(AuditQuerySchema, req.query, 'invalid-query');
    const from = q.from ? Date.parse(q.from) : null;
    const to = q.to ? Date.parse(q.to) : null;
    if (from !== null && to !== null && to <= from)
      throw new HttpError(400, 'invalid-query', 'to: must be after from', 'to');
    const scope = scopeOf(store, user);
    const rows = store.audit.query({
      from,
      to,
      userId: q.userId,
      entity: q.entity,
      action: q.action,
      groupIds: scope.all ? undefined : scope.groupIds,
      limit: q.limit ?? (q.format === 'csv' ? 10_000 : 1000),
    });
    if (q.format === 'csv') {
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="nhat-ky.csv"')
        .send(auditToCsv(rows));
    }
    return rows.map(viewOf);
  });
}
