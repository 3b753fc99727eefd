/**
 * LED boards of a device: the boards configured here (pushed to the player, which merges them under its
 * own `--output` flags) and the status its player reports for every output.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { IdSchema, isDateInstant, isoOrNull, LedOutputConfigSchema, type OutputStatus, toIso } from '@bangtin/shared';
import type { Store } from '../store';
import type { DeviceRecord } from '../store/devices';
import type { Hub } from '../hub/hub';
import { requireRole, requireUser } from './auth';
import { HttpError, notFound, parse } from './errors';
import { inScope, scopeOf } from './scope';

const IdParams = z.object({ id: IdSchema });
const OutputConfigBody = z.array(LedOutputConfigSchema).max(16, 'at most 16 boards per device');
const ResendBody = z
  .object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
  .refine((b) => Date.parse(b.from) <= Date.parse(b.to), { path: ['to'], message: 'must not be before from' });

/** Board status as the API shows it: instants as ISO 8601 like every other time in the device list. */
export interface OutputStatusView {
  id: string;
  kind: OutputStatus['kind'];
  state: OutputStatus['state'];
  lastWriteAt: string | null;
  lastError: { code: string; message: string; at: string } | null;
  protocol?: string;
  port?: string;
  address?: string;
  programmeId?: string | null;
  deliveredProgrammeId?: string | null;
  undeliveredPlays?: number;
  /** The board's power plan: `off` while it is kept dark; brightness (%) last set. */
  power?: 'on' | 'off';
  brightness?: number | null;
}

export function outputStatusView(o: OutputStatus): OutputStatusView {
  return {
    ...o,
    // isoOrNull: an output status stored by an older player may hold a time no Date can (never a 500).
    lastWriteAt: isoOrNull(o.lastWriteAt),
    lastError: o.lastError && isDateInstant(o.lastError.at) ? { ...o.lastError, at: toIso(o.lastError.at) } : null,
  };
}

export function registerDeviceOutputs(app: FastifyInstance, store: Store, hub: () => Hub): void {
  const outputsOf = (d: DeviceRecord): OutputStatusView[] =>
    (hub().outputStatus(d.id) ?? d.outputs).map(outputStatusView);

  const visibleDevice = (req: FastifyRequest, id: string): DeviceRecord => {
    const d = store.devices.get(id);
    // Out of scope looks the same as missing, as in the other device routes.
    if (!d || !inScope(scopeOf(store, requireUser(req)), d.groupId)) throw notFound('device');
    return d;
  };

  app.get('/api/v1/devices/:id/outputs', async (req) => {
    const d = visibleDevice(req, parse(IdParams, req.params).id);
    return { config: d.outputConfig, status: outputsOf(d) };
  });

  // After a restore from an older backup: players resend the proofs they kept (`--keep-acked-days`).
  app.post('/api/v1/devices/:id/proofs/resend', async (req, reply) => {
    requireRole(req, 'admin');
    const d = visibleDevice(req, parse(IdParams, req.params).id);
    const body = parse(ResendBody, req.body);
    if (!hub().requestProofResend(d.id, Date.parse(body.from), Date.parse(body.to)))
      throw new HttpError(
        409,
        'device-offline',
        'id: the device is not connected; it resends on its next connection anyway',
        'id',
      );
    return reply.code(202).send({ requested: true, from: body.from, to: body.to });
  });

  app.put('/api/v1/devices/:id/outputs', async (req) => {
    requireRole(req, 'admin', 'editor');
    const d = visibleDevice(req, parse(IdParams, req.params).id);
    const outputs = parse(OutputConfigBody, req.body, 'invalid-output');
    const names = new Set<string>();
    const baudOfPort = new Map<string, number>();
    for (const [i, o] of outputs.entries()) {
      if (names.has(o.name))
        throw new HttpError(400, 'invalid-output', `board name ${o.name} is used twice`, `${i}.name`);
      names.add(o.name);
      // Boards sharing a port are one RS-485 bus: one serial speed. Network cards have no bus.
      if (!o.port) continue;
      const baud = baudOfPort.get(o.port);
      if (baud !== undefined && baud !== o.baud)
        throw new HttpError(400, 'invalid-output', `boards on ${o.port} must share one baud rate`, `${i}.baud`);
      baudOfPort.set(o.port, o.baud);
    }
    store.devices.setOutputConfig(d.id, outputs);
    hub().pushDeviceConfig(d.id);
    return { config: outputs, status: outputsOf(d) };
  });

  // The device list and detail (routes.ts) gain `outputs` here, so this feature stays in one file.
  // TODO(lead): fold into `view()` in routes.ts and `DeviceView` when merging; then drop this hook.
  app.addHook('preSerialization', async (req, reply, payload: unknown) => {
    const url = req.routeOptions.url;
    if (req.method !== 'GET' || reply.statusCode !== 200) return payload;
    if (url !== '/api/v1/devices' && url !== '/api/v1/devices/:id') return payload;
    const records = Array.isArray(payload) ? new Map(store.devices.list().map((d) => [d.id, d])) : null;
    const add = (v: unknown): unknown => {
      if (typeof v !== 'object' || v === null || !('id' in v) || typeof v.id !== 'string') return v;
      const d = records ? records.get(v.id) : store.devices.get(v.id);
      return d ? { ...v, outputs: outputsOf(d) } : v;
    };
    return Array.isArray(payload) ? payload.map(add) : add(payload);
  });
}
