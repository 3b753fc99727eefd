import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  CampaignScheduleBodySchema,
  CreateCampaignBodySchema,
  formatLocalDay,
  IdSchema,
  localDayOf,
  TIMEZONE,
  toIso,
  UpdateCampaignBodySchema,
} from '@bangtin/shared';
import type { Store } from '../store';
import { type CampaignRecord, statusOn } from '../store/campaigns';
import { purgeCampaignSchedules, type ScheduleRecord } from '../store/schedules';
import type { Hub } from '../hub/hub';
import { HttpError, notFound, parse } from './errors';
import { requireRole, requireUser } from './auth';
import { checkTargetsExist, creatorScope } from './targets';
import { checkScheduleRefs, scheduleView, scheduleVisible } from './schedules';

const IdParams = z.object({ id: IdSchema });

export const todayLocal = (now = Date.now()) => formatLocalDay(localDayOf(TIMEZONE, now));

/**
 * A campaign as the API shows it. `visible` keeps the entries the caller may see (an editor: those
 * reaching their district); the campaign itself is shown to every user.
 */
export function campaignView(store: Store, c: CampaignRecord, visible: (s: ScheduleRecord) => boolean = () => true) {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    colour: c.colour,
    startsOn: c.startsOn,
    endsOn: c.endsOn,
    priority: c.priority,
    status: c.status,
    target: c.target,
    playlistIds: c.playlistIds,
    /** When the entries run unless they set their own; null when the campaign sets none. */
    recurrence: c.recurrence ?? null,
    scheduleIds: store.schedules
      .byCampaign(c.id)
      .filter(visible)
      .map((s) => s.id),
    createdAt: toIso(c.createdAt),
    updatedAt: toIso(c.updatedAt),
  };
}

/** Applies the calendar to every published campaign; returns those whose status changed. */
export function applyCampaignStatuses(store: Store, now = Date.now()): string[] {
  const today = todayLocal(now);
  const changed: string[] = [];
  for (const c of store.campaigns.list()) {
    const next = statusOn(c, today);
    if (next !== c.status) {
      store.campaigns.setStatus(c.id, next, now);
      changed.push(c.id);
    }
  }
  return changed;
}

export function registerCampaignRoutes(app: FastifyInstance, store: Store, hub: () => Hub): void {
  const get = (id: string) => {
    const c = store.campaigns.get(id);
    if (!c) throw notFound('campaign');
    return c;
  };
  const checkPlaylists = (ids: string[]) =>
    ids.forEach((id, i) => {
      if (!store.content.livePlaylist(id)) throw notFound('playlist', `playlistIds.${i}`);
    });

  app.post('/api/v1/campaigns', async (req, reply) => {
    const user = requireRole(req, 'admin');
    const body = parse(CreateCampaignBodySchema, req.body);
    checkTargetsExist(store, body.target);
    checkPlaylists(body.playlistIds);
    const c = store.campaigns.create({ ...body, createdBy: user.id });
    const status = statusOn(c, todayLocal());
    if (status !== c.status) store.campaigns.setStatus(c.id, status);
    return reply.status(201).send(campaignView(store, store.campaigns.get(c.id)!));
  });

  app.get('/api/v1/campaigns', async (req) => {
    requireUser(req);
    return store.campaigns.list().map((c) => campaignView(store, c, (s) => scheduleVisible(store, req, s)));
  });

  app.get('/api/v1/campaigns/:id', async (req) => {
    requireUser(req);
    return campaignView(store, get(parse(IdParams, req.params).id), (s) => scheduleVisible(store, req, s));
  });

  app.patch('/api/v1/campaigns/:id', async (req) => {
    requireRole(req, 'admin');
    const c = get(parse(IdParams, req.params).id);
    if (c.status === 'cancelled' || c.status === 'ended') {
      throw new HttpError(409, 'campaign-closed', `the campaign is ${c.status}; it can no longer change`, 'status');
    }
    const body = parse(UpdateCampaignBodySchema, req.body);
    if ((body.endsOn ?? c.endsOn) < (body.startsOn ?? c.startsOn)) {
      throw new HttpError(400, 'invalid-input', 'endsOn: must not be before startsOn', 'endsOn');
    }
    if (body.target) checkTargetsExist(store, body.target);
    if (body.playlistIds) checkPlaylists(body.playlistIds);
    // Entries that follow the campaign's priority move with it, in the same transaction, so no bundle
    // is ever compiled from a campaign at one priority and its entries at another.
    const updated = store.db.transaction(() => {
      const u = store.campaigns.update(c.id, body)!;
      if (body.priority !== undefined) store.schedules.followCampaignPriority(c.id, body.priority);
      return u;
    })();
    const status = statusOn(updated, todayLocal());
    if (status !== updated.status) store.campaigns.setStatus(c.id, status);
    hub().requestRefresh();
    return campaignView(store, store.campaigns.get(c.id)!);
  });

  /** Stops a campaign everywhere now; its entries stay for the record. */
  app.post('/api/v1/campaigns/:id/cancel', async (req) => {
    requireRole(req, 'admin');
    const c = get(parse(IdParams, req.params).id);
    if (c.status === 'ended') throw new HttpError(409, 'campaign-closed', 'the campaign has already ended', 'status');
    store.campaigns.setStatus(c.id, 'cancelled');
    hub().requestRefresh();
    return campaignView(store, store.campaigns.get(c.id)!);
  });

  /** Only a draft can be deleted: a published campaign may have aired, so it is cancelled instead. */
  app.delete('/api/v1/campaigns/:id', async (req, reply) => {
    requireRole(req, 'admin');
    const c = get(parse(IdParams, req.params).id);
    if (c.status !== 'draft') {
      throw new HttpError(409, 'campaign-published', 'only a draft can be deleted; cancel it instead', 'status');
    }
    store.db.transaction(() => {
      purgeCampaignSchedules(store.db, c.id);
      store.campaigns.delete(c.id);
    })();
    return reply.status(204).send();
  });

  /** Schedules each of the campaign's playlists as an entry linked to it (targets default to the campaign's). */
  app.post('/api/v1/campaigns/:id/schedules', async (req, reply) => {
    const user = requireRole(req, 'admin', 'editor');
    const c = get(parse(IdParams, req.params).id);
    const body = parse(CampaignScheduleBodySchema, req.body);
    if (c.playlistIds.length === 0) {
      throw new HttpError(400, 'invalid-input', 'playlistIds: the campaign has no playlists yet', 'playlistIds');
    }
    const scopeGroupId = creatorScope(req);
    checkScheduleRefs(store, req, { ...body, campaignId: c.id }, scopeGroupId);
    const created = store.db.transaction(() =>
      c.playlistIds.map((playlistId) =>
        store.schedules.create({
          playlistId,
          target: body.target ?? { deviceIds: [], groupIds: [], tags: [] },
          startsAt: body.startsAt ? Date.parse(body.startsAt) : null,
          endsAt: body.endsAt ? Date.parse(body.endsAt) : null,
          priority: body.priority ?? c.priority,
          createdBy: user.id,
          recurrence: body.recurrence ?? null,
          timeZone: body.timeZone ?? null,
          exceptions: body.exceptions ?? [],
          holidayListIds: body.holidayListIds ?? [],
          weight: body.weight ?? 1,
          campaignId: c.id,
          scopeGroupId,
          priorityFromCampaign: body.priority === undefined,
        }),
      ),
    )();
    hub().requestRefresh();
    return reply.status(201).send(created.map(scheduleView));
  });
}
