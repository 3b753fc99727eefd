import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { CalendarQuerySchema, IdSchema } from '@bangtin/shared';
import type { Store } from '../store';
import type { Hub } from '../hub/hub';
import { campaignWindow, toBundleSchedule } from '../bundles';
import { buildCalendar, HO_CHI_MINH } from '../calendar/ical';
import { deviceEvents, type Names, scheduleEvents } from '../calendar/events';
import { notFound, parse } from './errors';
import { requireUser } from './auth';
import { visibleDevice } from './timeline';
import { scheduleVisible } from './schedules';

const IdParams = z.object({ id: IdSchema });
const WEEK_MS = 7 * 86_400_000;

export function registerCalendarRoutes(app: FastifyInstance, store: Store, hub: () => Hub): void {
  const names = (): Names => {
    const playlists = new Map(store.content.listPlaylists().map((p) => [p.id, p.name]));
    const campaigns = new Map(store.campaigns.list().map((c) => [c.id, c.name]));
    return {
      playlist: (id) => playlists.get(id) ?? 'Danh sách phát',
      campaign: (id) => (id ? (campaigns.get(id) ?? null) : null),
    };
  };
  const send = (reply: FastifyReply, filename: string, body: string) =>
    reply
      .header('content-type', 'text/calendar; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .send(body);

  /** A campaign's plan: weekly dayparts as recurring events, other rules expanded over the campaign. */
  app.get('/api/v1/campaigns/:id/calendar.ics', async (req, reply) => {
    requireUser(req);
    const c = store.campaigns.get(parse(IdParams, req.params).id);
    if (!c) throw notFound('campaign');
    const w = campaignWindow(c);
    const n = names();
    const holidays = store.holidays.list();
    // Cancelled or draft campaigns still export their plan: staff review drafts in their calendar.
    const asPublished = new Map([[c.id, { ...c, status: 'running' as const }]]);
    // An editor's calendar holds only the entries that reach their district, as `GET /schedules`.
    const events = store.schedules.byCampaign(c.id).flatMap((s) => {
      if (!scheduleVisible(store, req, s)) return [];
      const bs = toBundleSchedule(s, asPublished, w.start);
      return bs ? scheduleEvents(bs, holidays, n, w.start, w.end) : [];
    });
    return send(
      reply,
      `campaign-${c.id}.ics`,
      buildCalendar({ name: c.name, events, stamp: Date.now(), timeZones: [HO_CHI_MINH] }),
    );
  });

  /** What one device will play over the next weeks, resolved from its own bundle. */
  app.get('/api/v1/devices/:id/calendar.ics', async (req, reply) => {
    const d = visibleDevice(store, req, parse(IdParams, req.params).id);
    const q = parse(CalendarQuerySchema, req.query);
    const bundle = hub().bundleFor(d.id);
    const now = Date.now();
    const events = bundle ? deviceEvents(d.id, bundle, names(), now, now + q.weeks * WEEK_MS) : [];
    return send(reply, `device-${d.id}.ics`, buildCalendar({ name: d.name, events, stamp: now }));
  });
}
