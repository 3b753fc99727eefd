import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { IdSchema, isDateInstant, NfcText, PlaylistItemSchema, toIso } from '@bangtin/shared';
import type { Store } from '../store';
import type { ContentRecord } from '../store/content';
import type { Hub } from '../hub/hub';
import { HttpError, notFound, parse } from './errors';
import { requireRole, requireUser } from './auth';
import { schedulesInUse, scheduleView } from './schedules';
import { creatorScope, targetInScope } from './targets';

const IdParams = z.object({ id: IdSchema });

/** An item as staff see it: its latest version, with its approval state and what airs meanwhile. */
export function contentView(store: Store, c: ContentRecord, names = userNames(store)) {
  return {
    ...c.item,
    validFrom: c.item.validFrom ?? null,
    validUntil: c.item.validUntil ?? null,
    createdAt: toIso(c.createdAt),
    status: c.status,
    approvedBy: c.approvedBy,
    approvedByName: c.approvedBy ? (names.get(c.approvedBy) ?? null) : null,
    approvedAt: c.approvedAt === null ? null : toIso(c.approvedAt),
    rejectionReason: c.rejectionReason,
    rejectedBy: c.rejectedBy,
    rejectedAt: c.rejectedAt === null ? null : toIso(c.rejectedAt),
    updatedAt: c.updatedAt === null ? null : toIso(c.updatedAt),
    archivedAt: c.archivedAt === null ? null : toIso(c.archivedAt),
    /** The approved version that keeps airing while this one waits; null when they are the same. */
    airing: c.airing,
  };
}

export const userNames = (store: Store) => new Map(store.users.list().map((u) => [u.id, u.username]));

/** A validity edge: UTC ms a date can hold, or null to open that side. */
const ValidityEdge = z
  .number({ message: 'must be an instant in ms UTC, or null' })
  .int('must be whole milliseconds')
  .refine((ms) => isDateInstant(ms), 'must be an instant a date can hold (ms UTC)')
  .nullable();

export const ValidityPatchSchema = z.object({
  validFrom: ValidityEdge.optional(),
  validUntil: ValidityEdge.optional(),
});
export const VALIDITY_FIELDS: readonly string[] = ['validFrom', 'validUntil'];

/** The window after a patch, checked as a whole (a new start may fall after the old end). */
export function mergedValidity(
  current: { validFrom?: number; validUntil?: number },
  patch: z.output<typeof ValidityPatchSchema>,
): { validFrom: number | null; validUntil: number | null } {
  const validFrom = patch.validFrom === undefined ? (current.validFrom ?? null) : patch.validFrom;
  const validUntil = patch.validUntil === undefined ? (current.validUntil ?? null) : patch.validUntil;
  if (validFrom !== null && validUntil !== null && validUntil <= validFrom) {
    const field = patch.validUntil !== undefined ? 'validUntil' : 'validFrom';
    throw new HttpError(400, 'invalid-input', `${field}: validUntil must be after validFrom`, field);
  }
  return { validFrom, validUntil };
}

export const SloganPatchSchema = z
  .object({
    text: NfcText(2000).optional(),
    title: z.string().trim().max(200, 'must be at most 200 characters').nullish(),
  })
  .strict();

const RejectBodySchema = z.object({
  reason: z
    .string({ message: 'say why the content is rejected' })
    .transform((s) => s.normalize('NFC').trim())
    .pipe(z.string().min(1, 'say why the content is rejected').max(1000, 'must be at most 1000 characters')),
});

const PatchPlaylistBodySchema = z
  .object({
    name: NfcText(200).optional(),
    items: z.array(PlaylistItemSchema).min(1, 'a playlist needs at least one item').max(500).optional(),
  })
  .strict();

/**
 * Approval, retiring and copying: `POST /content/:id/approve|reject`, `DELETE /content/:id` (archive),
 * `GET /content/pending`, playlist edit/archive/duplicate, schedule duplicate. Content edits themselves
 * are in media.ts (`PATCH /content/:id`), next to the page and media options they share a route with.
 */
export function registerContentEditRoutes(app: FastifyInstance, store: Store, hub: () => Hub): void {
  const liveItem = (id: string) => {
    const c = store.content.record(id);
    if (!c || c.archivedAt !== null) throw notFound('content');
    return c;
  };

  app.get('/api/v1/content/pending', async (req) => {
    requireUser(req);
    const names = userNames(store);
    return store.content.pending().map((c) => contentView(store, c, names));
  });

  app.post('/api/v1/content/:id/approve', async (req) => {
    const user = requireRole(req, 'admin');
    const c = liveItem(parse(IdParams, req.params).id);
    if (!store.content.approve(c.item.id, user.id)) {
      throw new HttpError(409, 'not-pending', `status: the content is ${c.status}, not pending`, 'status');
    }
    hub().requestRefresh();
    return contentView(store, store.content.record(c.item.id)!);
  });

  app.post('/api/v1/content/:id/reject', async (req) => {
    const user = requireRole(req, 'admin');
    const c = liveItem(parse(IdParams, req.params).id);
    const body = parse(RejectBodySchema, req.body);
    if (!store.content.reject(c.item.id, user.id, body.reason)) {
      throw new HttpError(409, 'not-pending', `status: the content is ${c.status}, not pending`, 'status');
    }
    return contentView(store, store.content.record(c.item.id)!);
  });

  // Retiring: refused while a playlist holds the item (it would vanish from screens unannounced);
  // otherwise archived, so proofs and reports keep naming it.
  app.delete('/api/v1/content/:id', async (req, reply) => {
    requireRole(req, 'admin', 'editor');
    const c = liveItem(parse(IdParams, req.params).id);
    const playlists = store.content.playlistsUsing(c.item.id);
    if (playlists.length > 0) {
      throw new HttpError(
        409,
        'in-use',
        `id: the content is in playlist${playlists.length > 1 ? 's' : ''} ${playlists.map((p) => `"${p.name}"`).join(', ')}; remove it there first`,
        'id',
        { playlists },
      );
    }
    store.content.archive(c.item.id);
    hub().requestRefresh();
    return reply.status(204).send();
  });

  // ── Playlists ──────────────────────────────────────────────────────────────────────────────
  const livePlaylist = (id: string) => {
    const p = store.content.livePlaylist(id);
    if (!p) throw notFound('playlist');
    return p;
  };
  const checkItems = (items: { contentId: string }[]) => {
    const known = store.content.existing(items.map((i) => i.contentId));
    const missing = items.findIndex((i) => !known.has(i.contentId));
    if (missing >= 0) throw notFound('content', `items.${missing}.contentId`);
  };

  app.patch('/api/v1/playlists/:id', async (req) => {
    requireRole(req, 'admin', 'editor');
    const p = livePlaylist(parse(IdParams, req.params).id);
    const body = parse(PatchPlaylistBodySchema, req.body);
    if (body.items) checkItems(body.items);
    const updated = store.content.updatePlaylist(p.id, body)!;
    hub().requestRefresh();
    return updated;
  });

  app.delete('/api/v1/playlists/:id', async (req, reply) => {
    requireRole(req, 'admin', 'editor');
    const p = livePlaylist(parse(IdParams, req.params).id);
    const schedules = store.schedules.list().filter((s) => s.playlistId === p.id);
    const campaigns = store.campaigns
      .list()
      .filter((c) => c.playlistIds.includes(p.id) && c.status !== 'ended' && c.status !== 'cancelled');
    if (schedules.length + campaigns.length > 0) {
      const inUse = schedulesInUse(store, schedules);
      const names = [...campaigns.map((c) => `campaign "${c.name}"`), ...inUse.map((s) => `schedule "${s.name}"`)];
      throw new HttpError(409, 'in-use', `id: the playlist is used by ${names.join(', ')}`, 'id', {
        schedules: inUse,
        campaigns: campaigns.map((c) => ({ id: c.id, name: c.name })),
      });
    }
    store.content.archivePlaylist(p.id);
    return reply.status(204).send();
  });

  app.post('/api/v1/playlists/:id/duplicate', async (req, reply) => {
    const user = requireRole(req, 'admin', 'editor');
    const p = livePlaylist(parse(IdParams, req.params).id);
    const body = parse(z.object({ name: NfcText(200).optional() }), req.body);
    // Items archived since the playlist was made are left out of the copy.
    const known = store.content.existing(p.items.map((i) => i.contentId));
    const items = p.items.filter((i) => known.has(i.contentId));
    if (items.length === 0) {
      throw new HttpError(400, 'invalid-input', 'items: the playlist has no item left to copy', 'items');
    }
    const copy = store.content.createPlaylist({
      name: body.name ?? `${p.name} (bản sao)`.slice(0, 200),
      items,
      createdBy: user.id,
    });
    return reply.status(201).send(copy);
  });

  // ── Schedules ──────────────────────────────────────────────────────────────────────────────
  /** A copy of a schedule, same fields and targets; an editor's copy is bound to their district. */
  app.post('/api/v1/schedules/:id/duplicate', async (req, reply) => {
    const user = requireRole(req, 'admin', 'editor');
    const s = store.schedules.get(parse(IdParams, req.params).id);
    if (!s) throw notFound('schedule');
    // The same visibility as GET /schedules/:id: an editor cannot copy what they cannot see.
    const own = s.target.deviceIds.length + s.target.groupIds.length + s.target.tags.length > 0;
    const t = own ? s.target : s.campaignId ? store.campaigns.get(s.campaignId)?.target : undefined;
    if (!targetInScope(store, req, t ?? s.target, s.scopeGroupId ?? null)) throw notFound('schedule');
    const copy = store.schedules.create({
      ...s,
      createdBy: user.id,
      scopeGroupId: user.role === 'editor' ? creatorScope(req) : (s.scopeGroupId ?? null),
    });
    hub().requestRefresh();
    return reply.status(201).send(scheduleView(copy));
  });
}
