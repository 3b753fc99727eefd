import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  CreateContentBodySchema,
  CreateDeviceBodySchema,
  CreatePlaylistBodySchema,
  CreateUserBodySchema,
  type DeviceView,
  IdSchema,
  isoOrNull,
  PROOF_PAGE_MAX,
  ProofQuerySchema,
  TIMEZONE,
  toIso,
  deviceClockView,
} from '@bangtin/shared';
import type { Store } from '../store';
import type { DeviceRecord } from '../store/devices';
import type { Hub } from '../hub/hub';
import type { StorageMonitor } from '../store/storage';
import type { BackupHealth } from '../store/backup';
import { forbidden, HttpError, notFound, parse } from './errors';
import { requireRole, requireUser } from './auth';
import { inScope, scopeOf, visibleDeviceIds } from './scope';
import { SkippedRows } from '../store/quarantine';
import type { StoredProof } from '../store/proofs';
import { proofSheet, proofsToCsv } from './proof-export';
import { NameBook } from '../reports/names';
import { sendXlsx } from './sheets';
import { type DeviceStatus, deviceStatus } from '../jobs/device-status';
import {
  DeviceListQuerySchema,
  listDevices,
  nowPlayingView,
  PAGED_QUERY_KEYS,
  storageView,
  summarizeDevices,
} from '../device-list';
import { requireStrongPassword, userView } from './users';
import { auditChange } from './audit';
import { contentView, userNames } from './content-edit';

const IdParams = z.object({ id: IdSchema });

const HOUR_MS = 3600_000;

export function registerRoutes(
  app: FastifyInstance,
  store: Store,
  hub: () => Hub,
  version: string,
  storage?: StorageMonitor,
  backupStatus?: () => BackupHealth,
): void {
  // 503 while the disk refuses writes or the nightly copy is stale, so a monitor that only looks at the
  // status code sees it too.
  app.get('/api/v1/health', async (req, reply) => {
    const s = storage?.snapshot();
    const full = s?.state === 'full';
    const b = backupStatus?.();
    // Each job's last success; a daily job without one for 48 h on a controller up for over 26 h is failing.
    let jobs: Record<string, { lastSuccessAt: string; stale: boolean }> = {};
    try {
      const now = Date.now();
      const up = process.uptime() * 1000 > 26 * HOUR_MS;
      jobs = Object.fromEntries(
        [...store.jobs.lastSuccesses()].map(([job, at]) => [
          job,
          { lastSuccessAt: toIso(at), stale: up && now - at > 48 * HOUR_MS },
        ]),
      );
    } catch {
      // An unreadable ledger is reported by `db`, not by a 500 here.
    }
    const jobsFailing = Object.values(jobs).some((j) => j.stale);
    const failing = b?.failing || jobsFailing;
    return reply.status(full || failing ? 503 : 200).send({
      status: full ? 'degraded' : failing ? 'failing' : 'ok',
      version,
      db: full ? 'full' : 'ok',
      storage: s
        ? {
            state: s.state,
            cause: s.cause,
            since: s.since === null ? null : toIso(s.since),
            freeBytes: s.freeBytes,
          }
        : null,
      ...(b && { backup: { lastAt: b.lastAt, ageHours: b.ageHours, file: b.file } }),
      jobs,
    });
  });

  // ── Users ──────────────────────────────────────────────────────────────────────────────────────
  app.post('/api/v1/users', async (req, reply) => {
    requireRole(req, 'admin');
    const body = parse(CreateUserBodySchema, req.body);
    if (body.groupId && !store.groups.get(body.groupId)) throw notFound('group', 'groupId');
    if (store.users.credentials(body.username))
      throw new HttpError(409, 'conflict', 'username already exists', 'username');
    requireStrongPassword(body.password, 'password', body.username);
    const u = store.users.create({
      username: body.username,
      password: body.password,
      role: body.role,
      groupId: body.groupId ?? null,
    });
    auditChange(req, {
      entity: 'users',
      id: u.id,
      action: 'users.create',
      before: null,
      after: { username: u.username, role: u.role, groupId: u.groupId },
      groupId: u.groupId,
    });
    return reply.status(201).send(u);
  });

  app.get('/api/v1/users', async (req) => {
    requireRole(req, 'admin');
    return store.users.list().map(userView);
  });

  // ── Devices ──────────────────────────────────────────────────────────────────────────────────
  const view = (d: DeviceRecord, skipped?: SkippedRows): DeviceView & { status: DeviceStatus; tags: string[] } => ({
    id: d.id,
    name: d.name,
    kind: d.kind,
    groupId: d.groupId,
    online: hub().isOnline(d.id),
    status: deviceStatus(hub().isOnline(d.id), d.lastSeenAt, Date.now()),
    tags: d.tags,
    lastSeenAt: d.lastSeenAt === null ? null : toIso(d.lastSeenAt),
    nowPlaying: nowPlayingView(d.nowPlaying, skipped),
    bundleVersion: d.bundleVersion,
    ackedBundleVersion: d.ackedBundleVersion,
    outboxSize: d.outboxSize,
    clockOffsetMs: hub().live.latestHealth(d.id)?.clockOffsetMs ?? d.clockOffsetMs,
    clock: deviceClockView(
      hub().live.latestHealth(d.id)?.clockOffsetMs ?? d.clockOffsetMs,
      hub().live.latestHealth(d.id)?.clock ?? null,
      Date.now(),
    ),
    revokedAt: d.revokedAt === null ? null : toIso(d.revokedAt),
    timeZone: d.timeZone ?? TIMEZONE,
    ...storageView(hub().live.latestHealth(d.id)),
  });

  const visibleDevice = (req: Parameters<typeof requireUser>[0], id: string): DeviceRecord => {
    const scope = scopeOf(store, requireUser(req));
    const d = store.devices.get(id);
    // Out of scope looks the same as missing: an editor learns nothing about other districts.
    if (!d || !inScope(scope, d.groupId)) throw notFound('device');
    return d;
  };

  app.post('/api/v1/devices', async (req, reply) => {
    const user = requireRole(req, 'admin', 'editor');
    const body = parse(CreateDeviceBodySchema, req.body);
    const groupId = body.groupId ?? null;
    if (groupId && !store.groups.get(groupId)) throw notFound('group', 'groupId');
    if (!inScope(scopeOf(store, user), groupId))
      throw forbidden('groupId: you can only enrol devices in your own district', 'groupId');
    const { device, token } = store.devices.create({ name: body.name, kind: body.kind, groupId });
    hub().requestRefresh();
    auditChange(req, {
      entity: 'devices',
      id: device.id,
      action: 'devices.enrol',
      before: null,
      after: { name: device.name, kind: device.kind, groupId },
      groupId,
    });
    return reply.status(201).send({ id: device.id, token });
  });

  app.get('/api/v1/devices', async (req) => {
    const scope = scopeOf(store, requireUser(req));
    const query = (req.query ?? {}) as Record<string, unknown>;
    // Without paging parameters the answer stays the plain array it always was.
    if (Object.keys(query).some((k) => PAGED_QUERY_KEYS.includes(k))) {
      const unknown = Object.keys(query).find((k) => !PAGED_QUERY_KEYS.includes(k));
      if (unknown) throw new HttpError(400, 'invalid-query', `${unknown}: unknown parameter`, unknown);
      const q = parse(DeviceListQuerySchema, query, 'invalid-query');
      if (q.cursor !== undefined && q.offset !== undefined)
        throw new HttpError(400, 'invalid-query', 'cursor: give either cursor or offset', 'cursor');
      if (q.groupId && q.groupId !== 'none') {
        const g = store.groups.get(q.groupId);
        // Another district looks the same as a missing one, as for devices.
        if (!g || !inScope(scope, g.id)) throw notFound('group', 'groupId');
      }
      const skipped = new SkippedRows(req.log, 'GET /devices');
      const page = listDevices(store, hub(), scope, q, Date.now(), skipped);
      skipped.report();
      return page;
    }
    const skipped = new SkippedRows(req.log, 'GET /devices');
    const list = store.devices
      .list()
      .filter((d) => inScope(scope, d.groupId))
      .map((d) => view(d, skipped));
    skipped.report();
    return list;
  });

  app.get('/api/v1/devices/summary', async (req) => summarizeDevices(store, hub(), scopeOf(store, requireUser(req))));

  app.get('/api/v1/devices/:id', async (req) => view(visibleDevice(req, parse(IdParams, req.params).id)));

  app.post('/api/v1/devices/:id/revoke', async (req) => {
    requireRole(req, 'admin', 'editor');
    const d = visibleDevice(req, parse(IdParams, req.params).id);
    store.devices.revoke(d.id);
    hub().disconnectDevice(d.id, 'revoked');
    hub().requestRefresh();
    auditChange(req, {
      entity: 'devices',
      id: d.id,
      action: 'devices.revoke',
      before: { name: d.name, revoked: d.revokedAt !== null },
      after: { name: d.name, revoked: true },
      groupId: d.groupId,
    });
    return view(store.devices.get(d.id)!);
  });

  // ── Content ──────────────────────────────────────────────────────────────────────────────────
  app.post('/api/v1/content', async (req, reply) => {
    const user = requireRole(req, 'admin', 'editor');
    const body = parse(CreateContentBodySchema, req.body);
    const item = store.content.createSlogan({ text: body.text, title: body.title ?? null, createdBy: user.id });
    // An editor's slogan waits for an admin; an admin's is approved at once.
    store.content.settleNew(item.id, user);
    return reply.status(201).send(contentView(store, store.content.record(item.id)!));
  });

  app.get('/api/v1/content', async (req) => {
    requireUser(req);
    const names = userNames(store);
    return store.content.list().map((c) => contentView(store, c, names));
  });

  app.get('/api/v1/content/:id', async (req) => {
    requireUser(req);
    const c = store.content.record(parse(IdParams, req.params).id);
    if (!c) throw notFound('content');
    return contentView(store, c);
  });

  // ── Playlists ────────────────────────────────────────────────────────────────────────────────
  app.post('/api/v1/playlists', async (req, reply) => {
    const user = requireRole(req, 'admin', 'editor');
    const body = parse(CreatePlaylistBodySchema, req.body);
    const known = store.content.existing(body.items.map((i) => i.contentId));
    const missing = body.items.findIndex((i) => !known.has(i.contentId));
    if (missing >= 0) throw notFound('content', `items.${missing}.contentId`);
    const p = store.content.createPlaylist({ name: body.name, items: body.items, createdBy: user.id });
    return reply.status(201).send(p);
  });

  app.get('/api/v1/playlists', async (req) => {
    requireUser(req);
    return store.content.listPlaylists();
  });

  app.get('/api/v1/playlists/:id', async (req) => {
    requireUser(req);
    const p = store.content.getPlaylist(parse(IdParams, req.params).id);
    if (!p) throw notFound('playlist');
    return p;
  });

  // ── Proofs ───────────────────────────────────────────────────────────────────────────────────
  app.get('/api/v1/proofs', async (req, reply) => {
    const user = requireUser(req);
    const q = parse(ProofQuerySchema, req.query);
    const scope = scopeOf(store, user);
    const deviceIds = visibleDeviceIds(store, scope, q.deviceId);
    const from = q.from ? Date.parse(q.from) : null;
    const to = q.to ? Date.parse(q.to) : null;
    if (from !== null && to !== null && to <= from)
      throw new HttpError(400, 'invalid-input', 'to: must be after from', 'to');
    const after = q.cursor === undefined ? null : decodeProofCursor(q.cursor);
    // Rows written before device times were bounded (or edited in the file) are skipped, never a 500.
    const skipped = new SkippedRows(req.log, 'GET /proofs');
    // A CSV or xlsx without a limit streams every row (memory stays flat); JSON answers are built whole, so capped.
    const limit = q.limit ?? (q.format === 'json' ? PROOF_PAGE_MAX : Number.MAX_SAFE_INTEGER);
    const rows = store.proofs.query({ deviceIds, from, to, limit, after, skipped });
    if (q.format === 'csv') {
      const body = proofsToCsv(rows, new NameBook(store.db));
      body.on('end', () => skipped.report());
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="proofs.csv"')
        .send(body);
    }
    if (q.format === 'xlsx') return sendXlsx(reply, 'luot-phat', [proofSheet(rows, new NameBook(store.db))]);
    const out = [];
    let last: StoredProof | null = null;
    for (const p of rows) {
      last = p;
      out.push({
        id: p.id,
        deviceId: p.deviceId,
        contentId: p.contentId,
        playlistId: p.playlistId,
        scheduleId: p.scheduleId,
        startedAt: toIso(p.startedAt),
        endedAt: toIso(p.endedAt),
        durationMs: p.endedAt - p.startedAt,
        deviceStartedAt: isoOrNull(p.deviceStartedAt),
        clockOffsetMs: p.clockOffsetMs,
        endReason: p.endReason,
        output: p.output,
        receivedAt: isoOrNull(p.receivedAt),
      });
    }
    skipped.report();
    // A full page may have more after it: the answer stays the plain array, the cursor rides in a header.
    if (last && out.length === limit) reply.header('x-next-cursor', encodeProofCursor(last));
    return out;
  });
}

/** Opaque page cursor of GET /proofs: where the page ended in the (startedAt, id) order. */
export function encodeProofCursor(p: { startedAt: number; id: string }): string {
  return Buffer.from(`${p.startedAt}:${p.id}`).toString('base64url');
}

export function decodeProofCursor(cursor: string): { startedAt: number; id: string } {
  const m = /^(\d{1,16}):([0-9a-f-]{36})$/i.exec(Buffer.from(cursor, 'base64url').toString());
  const startedAt = m ? Number(m[1]) : NaN;
  if (!m || !Number.isSafeInteger(startedAt))
    throw new HttpError(400, 'invalid-input', 'cursor: not a cursor from x-next-cursor', 'cursor');
  return { startedAt, id: m[2]! };
}
