import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CreateInterruptBodySchema, IdSchema, toIso } from '@bangtin/shared';
import type { Store } from '../store';
import type { InterruptRecord } from '../store/interrupts';
import type { Hub } from '../hub/hub';
import { notFound, parse } from './errors';
import { SkippedRows, storedInstant } from '../store/quarantine';
import { requireRole, requireUser } from './auth';
import { checkTargetsExist, devicesForTarget, targetInScope } from './targets';
import { auditChange } from './audit';
import { recordStops } from '../hub/stop-acks';

const IdParams = z.object({ id: IdSchema });
const iso = (ms: number | null) => (ms === null ? null : toIso(ms));

export function registerInterruptRoutes(app: FastifyInstance, store: Store, hub: () => Hub): void {
  // `skipped`: an unreadable device time (a shownAt stored before the bounds, or edited) shows as null.
  const view = (m: InterruptRecord, now = Date.now(), skipped?: SkippedRows) => {
    const deliveries = store.interrupts.deliveries(m.id);
    const names = new Map(store.devices.list().map((d) => [d.id, d.name]));
    const stops = new Map(store.interruptStops.forInterrupt(m.id).map((s) => [s.deviceId, s]));
    const stopper = m.stoppedBy ? store.users.get(m.stoppedBy) : null;
    return {
      id: m.id,
      text: m.text,
      contentId: m.contentId,
      target: m.target,
      startsAt: toIso(m.startsAt),
      endsAt: iso(m.endsAt),
      itemDurationMs: m.itemDurationMs,
      campaignId: m.campaignId,
      active: m.startsAt <= now && (m.endsAt === null || m.endsAt > now),
      cancelledAt: iso(m.cancelledAt),
      stoppedAt: iso(m.cancelledAt),
      stoppedBy: m.stoppedBy ? { id: m.stoppedBy, username: stopper?.username ?? null } : null,
      createdAt: toIso(m.createdAt),
      deliveries: deliveries.map((d) => ({
        deviceId: d.deviceId,
        deviceName: names.get(d.deviceId) ?? null,
        acked: d.ackedAt !== null,
        ackedAt: iso(d.ackedAt),
        shownAt:
          d.shownAt === null || storedInstant(d.shownAt) ? iso(d.shownAt) : (skipped?.skip('shown_at', m.id), null),
        // Stopped messages only: whether the player applied the bundle without it (its stop ack).
        stopAcked: m.cancelledAt === null ? null : stops.get(d.deviceId)?.ackedAt != null,
        stopAckedAt: iso(stops.get(d.deviceId)?.ackedAt ?? null),
      })),
      ackedDeviceIds: deliveries.filter((d) => d.ackedAt !== null).map((d) => d.deviceId),
      pendingDeviceIds: deliveries.filter((d) => d.ackedAt === null).map((d) => d.deviceId),
      stopPendingDeviceIds:
        m.cancelledAt === null
          ? []
          : deliveries.filter((d) => stops.get(d.deviceId)?.ackedAt == null).map((d) => d.deviceId),
    };
  };
  const visible = (req: FastifyRequest, id: string): InterruptRecord => {
    requireUser(req);
    const m = store.interrupts.get(id);
    if (!m || !targetInScope(store, req, m.target, m.scopeGroupId ?? null)) throw notFound('urgent message');
    return m;
  };

  // Sending and stopping are the province's (admin) call alone (issue 10): an urgent message overrides
  // every schedule on the boards it reaches. Editors and viewers still read those within their reach.
  app.post('/api/v1/interrupts', async (req, reply) => {
    const user = requireRole(req, 'admin');
    const body = parse(CreateInterruptBodySchema, req.body);
    if (body.contentId && !store.content.get(body.contentId)) throw notFound('content', 'contentId');
    if (body.campaignId && !store.campaigns.get(body.campaignId)) throw notFound('campaign', 'campaignId');
    checkTargetsExist(store, body.target);
    const now = Date.now();
    const m = store.interrupts.create(
      {
        contentId: body.contentId ?? null,
        text: body.text ?? null,
        startsAt: now,
        endsAt: body.durationMs ? now + body.durationMs : null,
        itemDurationMs: body.itemDurationMs,
        campaignId: body.campaignId ?? null,
        target: body.target,
        createdBy: user.id,
        // An admin's message reaches its whole target. Messages editors sent before this rule keep
        // their district binding (`scopeGroupId`), which reading and bundle resolution still honour.
        scopeGroupId: null,
      },
      devicesForTarget(store, body.target, null),
      now,
    );
    // Synchronously, not coalesced: the boards must switch within a second of this answer.
    hub().refresh();
    auditChange(req, {
      entity: 'interrupts',
      id: m.id,
      action: 'interrupts.send',
      before: null,
      after: {
        text: m.text,
        contentId: m.contentId,
        target: m.target,
        endsAt: iso(m.endsAt),
        devices: store.interrupts.deliveries(m.id).length,
      },
      groupId: null,
    });
    return reply.status(201).send(view(m, now));
  });

  app.get('/api/v1/interrupts', async (req) => {
    requireUser(req);
    const q = parse(z.object({ active: z.enum(['true', 'false']).optional() }), req.query);
    const now = Date.now();
    const skipped = new SkippedRows(req.log, 'GET /interrupts');
    const out = [];
    for (const m of store.interrupts.list()) {
      if (!targetInScope(store, req, m.target, m.scopeGroupId ?? null)) continue;
      let v;
      try {
        v = view(m, now, skipped);
      } catch (err) {
        // Any other instant no Date holds (a row edited in the file): that message is left out.
        if (!(err instanceof RangeError)) throw err;
        skipped.skip('unreadable instant', m.id);
        continue;
      }
      if (q.active === undefined || String(v.active) === q.active) out.push(v);
    }
    skipped.report();
    return out;
  });

  app.get('/api/v1/interrupts/:id', async (req) => view(visible(req, parse(IdParams, req.params).id)));

  const cancel = async (req: FastifyRequest) => {
    const user = requireRole(req, 'admin');
    const m = visible(req, parse(IdParams, req.params).id);
    if (m.cancelledAt !== null) {
      req.auditEntries = []; // a second stop changes nothing, so the trail records nothing new
      return view(m);
    }
    const now = Date.now();
    const done = store.interrupts.cancel(m.id, now, user.id)!;
    hub().refresh();
    // The bundle each device now gets no longer carries the message: its ack is the stop ack.
    recordStops(store, hub(), done.id);
    auditChange(req, {
      entity: 'interrupts',
      id: m.id,
      action: 'interrupts.stop',
      before: { active: true, endsAt: iso(m.endsAt) },
      after: { active: false, endsAt: iso(done.endsAt), stoppedBy: user.username },
      groupId: m.scopeGroupId ?? null,
    });
    return view(done);
  };
  app.post('/api/v1/interrupts/:id/cancel', cancel);
  app.delete('/api/v1/interrupts/:id', cancel);
}
