/**
 * For the controller's HTTP tests only: a real controller on port 0 with its SQLite in a temp folder,
 * an authenticated JSON client, and real Socket.IO player clients; everything is closed by `cleanup()`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { io, type Socket } from 'socket.io-client';
import {
  type ControllerToPlayerEvents,
  newId,
  type PlayerToControllerEvents,
  type Proof,
  PROTOCOL_VERSION,
} from '@bangtin/shared';
import { type Controller, type ControllerOptions, startController } from '../server';

/** A completed play of `seconds` from `startedAt` on output `main`, as a player reports it (unchained). */
export function playedProof(scheduleId: string, contentId: string, startedAt: number, seconds: number): Proof {
  return {
    id: newId(),
    contentId,
    playlistId: newId(),
    scheduleId,
    startedAt,
    endedAt: startedAt + seconds * 1000,
    deviceStartedAt: startedAt,
    clockOffsetMs: 0,
    endReason: 'completed',
    output: 'main',
  };
}

export const ADMIN_PASSWORD = 'mat-khau-thu-nghiem';

/** A player's heartbeat with nothing playing; `over` sets what the test is about (outputs, disk …). */
type Heartbeat = Parameters<PlayerToControllerEvents['heartbeat']>[0];

export function heartbeat(over: Partial<Heartbeat> = {}): Heartbeat {
  return { nowPlaying: null, bundleVersion: null, outboxSize: 0, uptimeMs: 1000, clockOffsetMs: 0, ...over };
}

export interface Harness {
  c: Controller;
  dataDir: string;
  // `any` body: the tests read whatever JSON the API answers and assert its shape themselves.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(token: string, method: string, url: string, body?: unknown): Promise<{ status: number; body: any }>;
  login(username: string, password: string): Promise<string>;
  /** The admin's session token. */
  admin: string;
  player(token: string): Socket<ControllerToPlayerEvents, PlayerToControllerEvents>;
}

/**
 * An enrolled LED device with its own schedule, connected over Socket.IO, its first bundle (holding
 * that schedule) received.
 */
export async function scheduledDevice(h: Harness, name: string) {
  const dev = (await h.call(h.admin, 'POST', '/devices', { name, kind: 'led' })).body as { id: string; token: string };
  const content = await h.call(h.admin, 'POST', '/content', { type: 'slogan', text: `Khẩu hiệu ${name}` });
  const playlist = await h.call(h.admin, 'POST', '/playlists', {
    name: `DS ${name}`,
    items: [{ contentId: content.body.id, durationMs: 1000 }],
  });
  const schedule = await h.call(h.admin, 'POST', '/schedules', {
    playlistId: playlist.body.id,
    target: { deviceIds: [dev.id] },
  });
  if (schedule.status !== 201) throw new Error(`schedule not created: ${JSON.stringify(schedule.body)}`);
  const socket = h.player(dev.token);
  const bundle = await new Promise<{ schedules: { id: string }[] }>((r) => socket.once('bundle', r));
  if (!bundle.schedules.some((s) => s.id === schedule.body.id)) throw new Error('the first bundle lacks the schedule');
  return { id: dev.id, scheduleId: schedule.body.id as string, socket };
}

export function createHarness(prefix: string) {
  const cleanups: (() => Promise<void> | void)[] = [];

  async function start(extra: Partial<ControllerOptions> = {}): Promise<Harness> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bangtin-${prefix}-`));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const c = await startController({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      adminPassword: ADMIN_PASSWORD,
      log: pino({ level: 'silent' }),
      ...extra,
    });
    cleanups.push(() => c.close());
    const call: Harness['call'] = async (token, method, url, body) => {
      const r = await fetch(`${c.url}/api/v1${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      // 204 No Content has no JSON to read.
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : null };
    };
    const login: Harness['login'] = async (username, password) => {
      const r = await fetch(`${c.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      return ((await r.json()) as { token: string }).token;
    };
    const player: Harness['player'] = (token) => {
      const socket: Socket<ControllerToPlayerEvents, PlayerToControllerEvents> = io(c.url, {
        auth: { token, protocol: PROTOCOL_VERSION, playerVersion: 'test' },
        transports: ['websocket'],
        reconnection: false,
      });
      cleanups.push(() => void socket.close());
      return socket;
    };
    return { c, dataDir, call, login, admin: await login('admin', ADMIN_PASSWORD), player };
  }

  async function cleanup(): Promise<void> {
    for (const c of cleanups.splice(0).reverse()) await c();
  }

  return { start, cleanup };
}
