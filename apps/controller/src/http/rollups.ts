import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { dayStartUtc, IdSchema, LocalDateSchema, parseLocalDate, TIMEZONE, toIso } from '@bangtin/shared';
import type { Store } from '../store';
import { deviceAvailability } from '../reports/availability';
import { notFound, parse } from './errors';
import { requireUser } from './auth';
import { inScope, type Scope, scopeOf, visibleDeviceIds } from './scope';
import { availabilitySheets } from './availability-export';
import { NameBook } from '../reports/names';
import { sendCsv, sendXlsx } from './sheets';

const DailyQuerySchema = z.object({
  deviceId: IdSchema.optional(),
  /** A campaign id, or `none` for plays outside any campaign. */
  campaignId: z.union([IdSchema, z.literal('none')]).optional(),
  from: LocalDateSchema.optional(),
  to: LocalDateSchema.optional(),
});

/** Longest availability report: a quarter, so 10,000 devices still answer in one response. */
export const AVAILABILITY_MAX_DAYS = 92;

const AvailabilityQuerySchema = z
  .object({
    from: LocalDateSchema,
    to: LocalDateSchema,
    deviceId: IdSchema.optional(),
    groupId: IdSchema.optional(),
    format: z.enum(['json', 'csv', 'xlsx']).default('json'),
  })
  .superRefine((q, ctx) => {
    if (q.deviceId && q.groupId)
      ctx.addIssue({ code: 'custom', path: ['groupId'], message: 'give deviceId or groupId, not both' });
    const days = parseLocalDate(q.to)! - parseLocalDate(q.from)! + 1;
    if (days < 1) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    else if (days > AVAILABILITY_MAX_DAYS)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `the range must be at most ${AVAILABILITY_MAX_DAYS} days`,
      });
  });

const seconds = (ms: number) => Math.round(ms / 1000);

/** The devices an availability report covers: one device, a group's subtree, or all, within scope. */
function reportDevices(store: Store, scope: Scope, q: { deviceId?: string | undefined; groupId?: string | undefined }) {
  if (q.deviceId) {
    const [id] = visibleDeviceIds(store, scope, q.deviceId)!;
    return store.devices.list().filter((d) => d.id === id);
  }
  let groups: Set<string> | null = null;
  if (q.groupId) {
    const g = store.groups.get(q.groupId);
    // An editor asking for another district gets the same answer as for a missing one.
    if (!g || !inScope(scope, g.id)) throw notFound('group', 'groupId');
    groups = store.groups.subtree(g.id);
  }
  return store.devices
    .list()
    .filter((d) => inScope(scope, d.groupId) && (!groups || (d.groupId !== null && groups.has(d.groupId))));
}

/**
 * The nightly rollups (`proof_daily`): plays and airtime per device, campaign, content and local date.
 * Today's figures appear after the next rollup run; raw proofs remain the source for the last hours.
 */
export function registerRollupRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/v1/proofs/daily', async (req) => {
    const scope = scopeOf(store, requireUser(req));
    const q = parse(DailyQuerySchema, req.query);
    const deviceIds = visibleDeviceIds(store, scope, q.deviceId);
    return store.rollups
      .daily({
        deviceIds,
        campaignId: q.campaignId === 'none' ? '' : (q.campaignId ?? null),
        ...(q.from && { from: q.from }),
        ...(q.to && { to: q.to }),
      })
      .map((r) => ({ ...r, campaignId: r.campaignId === '' ? null : r.campaignId }));
  });

  /**
   * Availability from connectivity sessions: per device and local day (Asia/Ho_Chi_Minh) the seconds
   * online and offline, and the offline gaps clipped to the range. Only the time the device existed,
   * was not revoked and is not in the future counts.
   */
  app.get('/api/v1/reports/availability', async (req, reply) => {
    const scope = scopeOf(store, requireUser(req));
    const q = parse(AvailabilityQuerySchema, req.query);
    const devices = reportDevices(store, scope, q);
    const now = Date.now();
    const fromDay = parseLocalDate(q.from)!;
    const toDay = parseLocalDate(q.to)!;
    const controllerDown = store.controllerRuns.downtime(dayStartUtc(TIMEZONE, fromDay), now);
    const window = { fromDay, toDay, timeZone: TIMEZONE, now, controllerDown };
    const sessions = store.connectivity.sessions({
      deviceIds: scope.all && !q.deviceId && !q.groupId ? null : devices.map((d) => d.id),
      from: dayStartUtc(TIMEZONE, fromDay),
      to: Math.min(now, dayStartUtc(TIMEZONE, toDay + 1)),
    });
    const rows = devices
      .map((d) => ({
        d,
        a: deviceAvailability(sessions.get(d.id) ?? [], { ...window, since: d.createdAt, until: d.revokedAt }),
      }))
      // A device enrolled after the range (or revoked before it) has nothing to report, unless asked for.
      .filter(({ a }) => q.deviceId || a.observedMs > 0)
      .sort((x, y) => x.d.name.localeCompare(y.d.name, 'vi') || x.d.id.localeCompare(y.d.id));
    const report = {
      from: q.from,
      to: q.to,
      timeZone: TIMEZONE,
      generatedAt: toIso(now),
      devices: rows.map(({ d, a }) => ({
        deviceId: d.id,
        name: d.name,
        groupId: d.groupId,
        // The span the figures speak for (enrolment, revocation and now cut the range).
        observed: a.observedMs > 0 ? { from: toIso(a.observedFrom), to: toIso(a.observedTo) } : null,
        observedSeconds: seconds(a.observedMs),
        onlineSeconds: seconds(a.onlineMs),
        // The controller's own downtime is its own category; offline is the rest, so online + offline +
        // controllerDown = observed exactly after rounding to seconds.
        controllerDownSeconds: seconds(a.controllerDownMs),
        offlineSeconds: seconds(a.observedMs) - seconds(a.onlineMs) - seconds(a.controllerDownMs),
        days: a.days.map((day) => ({
          date: day.date,
          observedSeconds: seconds(day.observedMs),
          onlineSeconds: seconds(day.onlineMs),
          controllerDownSeconds: seconds(day.controllerDownMs),
          offlineSeconds: seconds(day.observedMs) - seconds(day.onlineMs) - seconds(day.controllerDownMs),
        })),
        controllerDown: a.controllerDown.map((g) => ({
          from: toIso(g.start),
          to: toIso(g.end),
          seconds: seconds(g.end - g.start),
        })),
        offline: a.offline.map((g) => ({
          from: toIso(g.start),
          to: toIso(g.end),
          seconds: seconds(g.end - g.start),
          ongoing: g.end >= now,
        })),
      })),
    };
    if (q.format === 'json') return report;
    const sheets = availabilitySheets(report, new NameBook(store.db));
    const file = `kha-dung-${q.from}-${q.to}`;
    return q.format === 'xlsx' ? sendXlsx(reply, file, sheets) : sendCsv(reply, file, sheets[0]);
  });
}
