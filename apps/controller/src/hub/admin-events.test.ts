/**
 * The dashboard's live namespace `/admin` on a real controller (port 0, SQLite in a temp folder) with
 * real Socket.IO clients: no session, no feed; an editor gets only their district's summary and rows.
 */
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  AdminClientToServerEvents,
  AdminServerToClientEvents,
  DeviceListItem,
  DeviceSummary,
} from '@bangtin/shared';
import { createHarness, type Harness } from '../http/test-harness';

const harness = createHarness('admin-events');
afterEach(() => harness.cleanup());

type AdminSocket = Socket<AdminServerToClientEvents, AdminClientToServerEvents>;
const sockets: AdminSocket[] = [];
afterEach(() => sockets.splice(0).forEach((s) => s.close()));

function adminSocket(h: Harness, auth: object | undefined): AdminSocket {
  const s: AdminSocket = io(`${h.c.url}/admin`, {
    ...(auth ? { auth } : {}),
    transports: ['websocket'],
    reconnection: false,
  });
  sockets.push(s);
  return s;
}

const refusal = (s: AdminSocket) =>
  new Promise<{ message: string; data: unknown }>((resolve, reject) => {
    s.once('connect_error', (err) => resolve(err as Error & { data: unknown }));
    s.once('connect', () => reject(new Error('connected without a session')));
  });

/** Everything a socket receives, for assertions after the fact. */
function record(s: AdminSocket) {
  const got = { summaries: [] as DeviceSummary[], rows: [] as DeviceListItem[] };
  s.on('devices:summary', (x) => got.summaries.push(x));
  s.on('devices:update', (b) => got.rows.push(...b.items));
  return got;
}

describe('admin namespace', () => {
  it('refuses a socket without a valid staff session, and a device token', async () => {
    const h = await harness.start({ jobs: false });
    const dev = await h.call(h.admin, 'POST', '/devices', { name: 'Bảng LED', kind: 'led' });
    for (const auth of [undefined, { token: 'khong-phai-phien' }, { token: dev.body.token }]) {
      const err = await refusal(adminSocket(h, auth));
      expect(err.message).toBe('unauthorized');
      expect(err.data).toMatchObject({ error: { code: 'unauthorized' } });
    }
    // The session of a user who logged out is refused too.
    const token = await h.login('admin', 'mat-khau-thu-nghiem');
    expect(
      (await fetch(`${h.c.url}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(204);
    expect((await refusal(adminSocket(h, { token }))).message).toBe('unauthorized');
  });

  it("sends an editor only their district's summary and device rows", async () => {
    const h = await harness.start({ jobs: false });
    const group = async (name: string, kind: string, parentId?: string) =>
      (await h.call(h.admin, 'POST', '/groups', { name, kind, parentId })).body.id as string;
    const province = await group('Tỉnh Quảng Nam', 'province');
    const daiLoc = await group('Huyện Đại Lộc', 'district', province);
    const duyXuyen = await group('Huyện Duy Xuyên', 'district', province);
    await h.call(h.admin, 'POST', '/users', {
      username: 'bientap.dailoc',
      password: 'mat-khau-bien-tap',
      role: 'editor',
      groupId: daiLoc,
    });
    const editorToken = await h.login('bientap.dailoc', 'mat-khau-bien-tap');
    const mine = (await h.call(h.admin, 'POST', '/devices', { name: 'Bảng Đại Lộc', kind: 'led', groupId: daiLoc }))
      .body;
    const theirs = (
      await h.call(h.admin, 'POST', '/devices', { name: 'Bảng Duy Xuyên', kind: 'led', groupId: duyXuyen })
    ).body;

    const editor = adminSocket(h, { token: editorToken });
    const admin = adminSocket(h, { token: h.admin });
    const ed = record(editor);
    const ad = record(admin);
    await Promise.all([editor, admin].map((s) => new Promise((r) => s.once('connect', () => r(null)))));
    // The first summary arrives on connect: nothing online yet.
    await expect.poll(() => ed.summaries.length).toBeGreaterThan(0);
    expect(ed.summaries[0]).toMatchObject({ total: 1, online: 0, districts: [{ id: daiLoc }] });
    await expect.poll(() => ad.summaries[0]?.total).toBe(2);
    // The editor asks for both rows; only their own district's can ever arrive.
    editor.emit('devices:watch', [mine.id, theirs.id]);
    admin.emit('devices:watch', [mine.id, theirs.id]);
    await new Promise((r) => setTimeout(r, 50));

    const players = [h.player(mine.token), h.player(theirs.token)];
    await Promise.all(players.map((p) => new Promise((r) => p.once('connect', () => r(null)))));
    for (const p of players)
      p.emit('heartbeat', { nowPlaying: null, bundleVersion: null, outboxSize: 3, uptimeMs: 1, clockOffsetMs: 0 });

    await expect.poll(() => ad.summaries.at(-1)?.online, { timeout: 5000 }).toBe(2);
    await expect.poll(() => ed.summaries.at(-1)?.online, { timeout: 5000 }).toBe(1);
    await expect.poll(() => new Set(ad.rows.map((r) => r.id)).size, { timeout: 5000 }).toBe(2);
    await expect.poll(() => ed.rows.some((r) => r.id === mine.id && r.online && r.outboxSize === 3)).toBe(true);
    // One more flush for anything late, then nothing of the other district may have reached the editor.
    await new Promise((r) => setTimeout(r, 1200));
    expect(ed.rows.every((r) => r.id === mine.id)).toBe(true);
    expect(ed.summaries.every((s) => s.total === 1 && s.districts.every((d) => d.id === daiLoc))).toBe(true);
    // Changes were coalesced: far fewer summaries than the changes that caused them.
    expect(ed.summaries.length).toBeLessThanOrEqual(3);
  });
});
