/**
 * The dashboard's live feed: Socket.IO namespace `/admin` on the players' server, for staff browsers.
 *
 * A browser connects with its session token (`auth: {token}`, or an `Authorization: Bearer` header),
 * checked exactly as the HTTP API checks it; without a valid one the connection is refused with
 * `unauthorized`. Every socket sits in one room per scope (the province, or an editor's district) and
 * gets only what that scope may see.
 *
 * 10,000 players change something every second (a heartbeat, an item ending), so nothing is sent
 * per change: changes are collected and sent once a second at most. The summary (counts and alerts)
 * goes to a room only when it differs from what the room last got; device rows go only to the
 * sockets that watch them (the rows on screen, at most WATCH_MAX).
 */
import type { Namespace, Socket } from 'socket.io';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  type AdminClientToServerEvents,
  type AdminServerToClientEvents,
  apiError,
  type DeviceListItem,
  IdSchema,
} from '@bangtin/shared';
import type { Store } from '../store';
import type { User } from '../store/users';
import type { Hub } from './hub';
import { scopeOf } from '../http/scope';
import { deviceItems, summarizeDevices } from '../device-list';

export const ADMIN_NAMESPACE = '/admin';
/** Changes are sent at most this often. */
export const ADMIN_FLUSH_MS = 1000;
/** Counts also move with time alone (offline after 5 min, alerts after 10), and sessions expire. */
export const ADMIN_RESCAN_MS = 10_000;
export const WATCH_MAX = 500;
/** Above this many rows to read in one flush, sockets are told to refetch instead. */
const ROWS_PER_FLUSH_MAX = 5000;

interface AdminSocketData {
  user: User;
  token: string;
  room: string;
  watch: Set<string>;
}
type AdminNamespace = Namespace<
  AdminClientToServerEvents,
  AdminServerToClientEvents,
  Record<string, never>,
  AdminSocketData
>;
type AdminSocket = Socket<AdminClientToServerEvents, AdminServerToClientEvents, Record<string, never>, AdminSocketData>;

const WatchSchema = z.array(IdSchema).max(WATCH_MAX, `at most ${WATCH_MAX} devices`);

/** The session token a browser presents: handshake `auth.token`, else an `Authorization` header. */
function tokenOf(handshake: { auth: unknown; headers: Record<string, string | string[] | undefined> }): string | null {
  const auth = handshake.auth as { token?: unknown } | null;
  if (auth && typeof auth.token === 'string' && auth.token.length > 0) return auth.token;
  const h = handshake.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m ? m[1]! : null;
}

/** Admins and viewers share the province's room; an editor sees only their district's. */
const roomOf = (u: User) => (u.role === 'editor' ? `district:${u.groupId ?? 'none'}` : 'province');

export interface AdminEvents {
  close(): void;
}

export function createAdminEvents(opts: { hub: Hub; store: Store; log: Logger; flushMs?: number }): AdminEvents {
  const { hub, store, log } = opts;
  // The namespace shares the players' server (one port) but not their event map or middleware.
  const nsp = hub.io.of(ADMIN_NAMESPACE) as unknown as AdminNamespace;
  const dirty = new Set<string>();
  let summaryDirty = false;
  let lastRescan = Date.now();
  const lastSummary = new Map<string, string>();

  hub.live.onChange((id, affectsSummary) => {
    dirty.add(id);
    if (affectsSummary) summaryDirty = true;
  });

  nsp.use((socket, next) => {
    const token = tokenOf(socket.handshake);
    const user = token ? store.users.userForSession(token) : null;
    if (!token || !user) {
      const err = Object.assign(new Error('unauthorized'), {
        data: apiError('unauthorized', 'log in first: connect with auth {token} of a staff session'),
      });
      return next(err);
    }
    socket.data.user = user;
    socket.data.token = token;
    socket.data.room = roomOf(user);
    socket.data.watch = new Set();
    next();
  });

  const summaryFor = (u: User) => summarizeDevices(store, hub, scopeOf(store, u));
  // The instant changes every time; only a change of content is worth sending.
  const signature = (s: ReturnType<typeof summaryFor>) => JSON.stringify({ ...s, at: null });

  nsp.on('connection', (socket: AdminSocket) => {
    void socket.join(socket.data.room);
    try {
      socket.emit('devices:summary', summaryFor(socket.data.user));
    } catch (err) {
      log.error({ err }, 'dashboard summary failed');
    }
    socket.on('devices:watch', (raw) => {
      const ids = WatchSchema.safeParse(raw);
      if (!ids.success) return log.debug({ issue: ids.error.issues[0] }, 'malformed watch list');
      socket.data.watch = new Set(ids.data);
    });
  });

  function sendSummaries(byRoom: Map<string, AdminSocket[]>): void {
    for (const [room, sockets] of byRoom) {
      const s = summaryFor(sockets[0]!.data.user);
      const sig = signature(s);
      if (lastSummary.get(room) === sig) continue;
      lastSummary.set(room, sig);
      nsp.to(room).emit('devices:summary', s);
    }
  }

  function sendRows(byRoom: Map<string, AdminSocket[]>, changed: Set<string>): void {
    let budget = ROWS_PER_FLUSH_MAX;
    for (const sockets of byRoom.values()) {
      const wanted = new Set<string>();
      for (const s of sockets) for (const id of s.data.watch) if (changed.has(id)) wanted.add(id);
      if (wanted.size === 0) continue;
      if (wanted.size > budget) {
        for (const s of sockets) s.emit('devices:invalidate');
        continue;
      }
      budget -= wanted.size;
      // One scope per room: the rows are read once for all its sockets.
      const rows = new Map<string, DeviceListItem>(
        deviceItems(store, hub, scopeOf(store, sockets[0]!.data.user), [...wanted]).map((r) => [r.id, r]),
      );
      for (const s of sockets) {
        const items: DeviceListItem[] = [];
        for (const id of s.data.watch) {
          const r = changed.has(id) ? rows.get(id) : undefined;
          if (r) items.push(r);
        }
        if (items.length > 0) s.emit('devices:update', { items });
      }
    }
  }

  function flush(): void {
    const now = Date.now();
    const rescan = now - lastRescan >= ADMIN_RESCAN_MS;
    if (dirty.size === 0 && !summaryDirty && !rescan) return;
    const changed = new Set(dirty);
    dirty.clear();
    const summaries = summaryDirty || rescan;
    summaryDirty = false;
    if (rescan) lastRescan = now;

    const byRoom = new Map<string, AdminSocket[]>();
    for (const s of nsp.sockets.values()) {
      // A session that ended (logout, expiry) ends its feed too.
      if (rescan && !store.users.userForSession(s.data.token)) {
        s.disconnect(true);
        continue;
      }
      let l = byRoom.get(s.data.room);
      if (!l) byRoom.set(s.data.room, (l = []));
      l.push(s);
    }
    for (const room of lastSummary.keys()) if (!byRoom.has(room)) lastSummary.delete(room);
    if (byRoom.size === 0) return;
    try {
      if (summaries) sendSummaries(byRoom);
      if (changed.size > 0) sendRows(byRoom, changed);
    } catch (err) {
      log.error({ err }, 'dashboard live update failed');
    }
  }

  const timer = setInterval(flush, opts.flushMs ?? ADMIN_FLUSH_MS);
  timer.unref();

  return {
    close: () => {
      clearInterval(timer);
      nsp.disconnectSockets(true);
    },
  };
}
