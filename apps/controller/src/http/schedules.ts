import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  CreateScheduleBodySchema,
  describeRecurrence,
  IdSchema,
  toIso,
  UpdateScheduleBodySchema,
} from '@bangtin/shared';
import type { Store } from '../store';
import type { ScheduleRecord } from '../store/schedules';
import type { Hub } from '../hub/hub';
import { forbidden, HttpError, notFound, parse } from './errors';
import { requireRole, requireUser } from './auth';
import { checkTargetsExist, creatorScope, requireTargetInScope, targetInScope } from './targets';
import { auditChange } from './audit';

const IdParams = z.object({ id: IdSchema });

export function scheduleView(s: ScheduleRecord) {
  return {
    id: s.id,
    playlistId: s.playlistId,
    target: s.target,
    startsAt: s.startsAt === null ? null : toIso(s.startsAt),
    endsAt: s.endsAt === null ? null : toIso(s.endsAt),
    priority: s.priority,
    recurrence: s.recurrence ?? { kind: 'always' as const },
    /** The recurrence in Vietnamese, as the admin UI shows it. */
    recurrenceText: describeRecurrence(s.recurrence ?? undefined),
    timeZone: s.timeZone ?? 'Asia/Ho_Chi_Minh',
    /** True when the schedule names no zone: each device reads it in its own (`timeZone` shows the default). */
    timeZoneFromDevice: s.timeZone === null,
    exceptions: s.exceptions,
    holidayListIds: s.holidayListIds,
    weight: s.weight,
    campaignId: s.campaignId,
    fallback: s.fallback,
    createdAt: toIso(s.createdAt),
    updatedAt: s.updatedAt === null ? null : toIso(s.updatedAt),
    /** The district an editor's schedule is bound to (it reaches only devices there), else null. */
    scopeGroupId: s.scopeGroupId ?? null,
    /** A campaign entry that follows its campaign's priority. */
    priorityFromCampaign: s.priorityFromCampaign ?? false,
  };
}

/**
 * A schedule as staff recognise it, for errors that list schedules (they have no name of their own):
 * its campaign, when it runs and where, e.g. `Chiến dịch BHXH tự nguyện · Thứ Hai–Thứ Sáu, 07:00–17:00 · Tam Kỳ`.
 */
export function scheduleLabel(store: Store, s: ScheduleRecord): string {
  const campaign = s.campaignId ? store.campaigns.get(s.campaignId)?.name : undefined;
  const where = [
    ...s.target.groupIds.map((id) => store.groups.get(id)?.name ?? id),
    ...s.target.deviceIds.map((id) => store.devices.get(id)?.name ?? id),
    ...s.target.tags.map((t) => `#${t}`),
  ];
  return [campaign, describeRecurrence(s.recurrence ?? undefined), where.join(', ')].filter(Boolean).join(' · ');
}

/** The `schedules` of an `in-use` error: id, campaign and label of each schedule that keeps a thing in use. */
export const schedulesInUse = (store: Store, list: ScheduleRecord[]) =>
  list.map((s) => ({ id: s.id, campaignId: s.campaignId, name: scheduleLabel(store, s) }));

/**
 * Checks the ids a schedule names (404 with the field) and the user's reach (403), for a schedule
 * bound to `scopeGroupId` (see `creatorScope`).
 */
export function checkScheduleRefs(
  store: Store,
  req: FastifyRequest,
  s: {
    playlistId?: string;
    target?: { deviceIds: string[]; groupIds: string[]; tags: string[] };
    holidayListIds?: string[];
    campaignId?: string | null;
  },
  scopeGroupId: string | null,
): void {
  if (s.playlistId !== undefined && !store.content.livePlaylist(s.playlistId)) throw notFound('playlist', 'playlistId');
  if (s.campaignId && !store.campaigns.get(s.campaignId)) throw notFound('campaign', 'campaignId');
  if (s.target) checkTargetsExist(store, s.target);
  (s.holidayListIds ?? []).forEach((id, i) => {
    if (!store.holidays.get(id)) throw notFound('holiday list', `holidayListIds.${i}`);
  });
  if (s.target) return requireTargetInScope(store, req, s.target, scopeGroupId);
  // No targets of its own: the entry reaches the campaign's, so the campaign is the field to blame.
  const inherited = s.campaignId ? store.campaigns.get(s.campaignId)?.target : undefined;
  if (inherited && !targetInScope(store, req, inherited, scopeGroupId))
    throw forbidden('campaignId: the campaign reaches beyond your district; give targets of your own', 'campaignId');
}

/**
 * Editors see and change only schedules whose every target lies in their district; tags count as
 * theirs only on schedules bound to their district. A campaign entry without targets of its own
 * reaches the campaign's targets, so those decide.
 */
export function scheduleVisible(store: Store, req: FastifyRequest, s: ScheduleRecord): boolean {
  const own = s.target.deviceIds.length + s.target.groupIds.length + s.target.tags.length > 0;
  const t = own ? s.target : s.campaignId ? store.campaigns.get(s.campaignId)?.target : undefined;
  return targetInScope(store, req, t ?? s.target, s.scopeGroupId ?? null);
}

export function registerScheduleRoutes(app: FastifyInstance, store: Store, hub: () => Hub): void {
  const visible = (req: FastifyRequest, s: ScheduleRecord): boolean => scheduleVisible(store, req, s);

  app.post('/api/v1/schedules', async (req, reply) => {
    const user = requireRole(req, 'admin', 'editor');
    const body = parse(CreateScheduleBodySchema, req.body);
    const scopeGroupId = creatorScope(req);
    checkScheduleRefs(store, req, body, scopeGroupId);
    const campaign = body.campaignId ? store.campaigns.get(body.campaignId) : null;
    const s = store.schedules.create({
      playlistId: body.playlistId,
      target: body.target ?? { deviceIds: [], groupIds: [], tags: [] },
      startsAt: body.startsAt ? Date.parse(body.startsAt) : null,
      endsAt: body.endsAt ? Date.parse(body.endsAt) : null,
      priority: body.priority ?? campaign?.priority ?? 10,
      createdBy: user.id,
      recurrence: body.recurrence ?? null,
      timeZone: body.timeZone ?? null,
      exceptions: body.exceptions ?? [],
      holidayListIds: body.holidayListIds ?? [],
      weight: body.weight ?? 1,
      campaignId: body.campaignId ?? null,
      fallback: body.fallback ?? false,
      scopeGroupId,
      priorityFromCampaign: body.priority === undefined && campaign !== null,
    });
    hub().requestRefresh();
    auditChange(req, { entity: 'schedules', id: s.id, before: null, after: scheduleView(s), groupId: scopeGroupId });
    return reply.status(201).send(scheduleView(s));
  });

  app.get('/api/v1/schedules', async (req) => {
    requireUser(req);
    const q = parse(z.object({ campaignId: IdSchema.optional() }), req.query);
    return store.schedules
      .list()
      .filter((s) => (!q.campaignId || s.campaignId === q.campaignId) && visible(req, s))
      .map(scheduleView);
  });

  app.get('/api/v1/schedules/:id', async (req) => {
    const s = store.schedules.get(parse(IdParams, req.params).id);
    if (!s || !visible(req, s)) throw notFound('schedule');
    return scheduleView(s);
  });

  app.patch('/api/v1/schedules/:id', async (req) => {
    const user = requireRole(req, 'admin', 'editor');
    const cur = store.schedules.get(parse(IdParams, req.params).id);
    if (!cur || !visible(req, cur)) throw notFound('schedule');
    const body = parse(UpdateScheduleBodySchema, req.body);
    // What an editor changes stays in their district (it already lay there, or they could not see it);
    // province staff keep the schedule's binding as it was.
    const scopeGroupId = user.role === 'editor' ? creatorScope(req) : (cur.scopeGroupId ?? null);
    checkScheduleRefs(store, req, body, scopeGroupId);
    const startsAt = body.startsAt === undefined ? cur.startsAt : body.startsAt ? Date.parse(body.startsAt) : null;
    const endsAt = body.endsAt === undefined ? cur.endsAt : body.endsAt ? Date.parse(body.endsAt) : null;
    // The patch alone may be fine while the result is not (a new start after the old end).
    if (startsAt !== null && endsAt !== null && endsAt <= startsAt) {
      throw new HttpError(400, 'invalid-input', 'endsAt: must be after startsAt', body.endsAt ? 'endsAt' : 'startsAt');
    }
    const recurrence = body.recurrence === undefined ? cur.recurrence : body.recurrence;
    if (recurrence?.kind === 'once' && (startsAt === null || endsAt === null)) {
      throw new HttpError(
        400,
        'invalid-input',
        'recurrence: a one-off schedule (recurrence "once") needs both startsAt and endsAt',
        'recurrence',
      );
    }
    const s = store.schedules.update(cur.id, {
      ...(body.playlistId !== undefined && { playlistId: body.playlistId }),
      ...(body.target !== undefined && { target: body.target }),
      ...(body.priority !== undefined && { priority: body.priority, priorityFromCampaign: false }),
      ...(body.campaignId !== undefined && { campaignId: body.campaignId }),
      ...(body.fallback !== undefined && { fallback: body.fallback }),
      ...(body.timeZone !== undefined && { timeZone: body.timeZone }),
      ...(body.exceptions !== undefined && { exceptions: body.exceptions }),
      ...(body.holidayListIds !== undefined && { holidayListIds: body.holidayListIds }),
      ...(body.weight !== undefined && { weight: body.weight }),
      startsAt,
      endsAt,
      recurrence,
      scopeGroupId,
    });
    hub().requestRefresh();
    auditChange(req, {
      entity: 'schedules',
      id: cur.id,
      before: scheduleView(cur),
      after: scheduleView(s!),
      groupId: scopeGroupId,
    });
    return scheduleView(s!);
  });

  app.delete('/api/v1/schedules/:id', async (req, reply) => {
    requireRole(req, 'admin', 'editor');
    const s = store.schedules.get(parse(IdParams, req.params).id);
    if (!s || !visible(req, s)) throw notFound('schedule');
    store.schedules.delete(s.id);
    hub().requestRefresh();
    auditChange(req, {
      entity: 'schedules',
      id: s.id,
      before: scheduleView(s),
      after: null,
      groupId: s.scopeGroupId ?? null,
    });
    return reply.status(204).send();
  });
}
