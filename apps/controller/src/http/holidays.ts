import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HolidayListBodySchema, IdSchema, UpdateHolidayListBodySchema } from '@bangtin/shared';
import type { Store } from '../store';
import type { Hub } from '../hub/hub';
import { HttpError, notFound, parse } from './errors';
import { requireRole, requireUser } from './auth';
import { schedulesInUse } from './schedules';

const IdParams = z.object({ id: IdSchema });

/** Named holiday lists ("Nghỉ lễ 2027"): province staff keep them, every schedule can name them. */
export function registerHolidayRoutes(app: FastifyInstance, store: Store, hub: () => Hub): void {
  const get = (id: string) => {
    const h = store.holidays.get(id);
    if (!h) throw notFound('holiday list');
    return h;
  };
  const usedBy = (id: string) => store.schedules.list().filter((s) => s.holidayListIds.includes(id));

  app.get('/api/v1/holiday-lists', async (req) => {
    requireUser(req);
    return store.holidays.list();
  });

  app.get('/api/v1/holiday-lists/:id', async (req) => {
    requireUser(req);
    return get(parse(IdParams, req.params).id);
  });

  app.post('/api/v1/holiday-lists', async (req, reply) => {
    requireRole(req, 'admin');
    const body = parse(HolidayListBodySchema, req.body);
    return reply.status(201).send(store.holidays.create(body));
  });

  app.patch('/api/v1/holiday-lists/:id', async (req) => {
    requireRole(req, 'admin');
    const h = get(parse(IdParams, req.params).id);
    const body = parse(UpdateHolidayListBodySchema, req.body);
    const updated = store.holidays.update(h.id, body)!;
    hub().requestRefresh();
    return updated;
  });

  app.delete('/api/v1/holiday-lists/:id', async (req, reply) => {
    requireRole(req, 'admin');
    const h = get(parse(IdParams, req.params).id);
    const users = usedBy(h.id);
    if (users.length > 0) {
      const schedules = schedulesInUse(store, users);
      throw new HttpError(
        409,
        'in-use',
        `id: ${users.length} schedule(s) use this list (${schedules.map((s) => `"${s.name}"`).join(', ')}); remove it from them first`,
        'id',
        { schedules },
      );
    }
    store.holidays.delete(h.id);
    return reply.status(204).send();
  });
}
