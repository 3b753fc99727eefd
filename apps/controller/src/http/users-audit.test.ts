/**
 * Users, sessions and the audit trail on a real controller (port 0, SQLite in a temp folder, real
 * Socket.IO clients): the password policy and its field-named errors, admin-only user changes, sessions
 * ended at once (HTTP and `/admin` sockets), the append-only audit log with no secret in it, and the
 * urgent-message stop with who stopped it and each device's stop ack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { ADMIN_PASSWORD, createHarness, type Harness } from './test-harness';
import { SECRET_MARK } from './audit';

const harness = createHarness('users-audit');
afterAll(() => harness.cleanup());

const EDITOR_PASSWORD = 'bien-tap-tam-ky-2026';
const VIEWER_PASSWORD = 'lanh-dao-xem-thoi-2026';

let h: Harness;
let tamKy: string;
let hoiAn: string;
let editorId: string;
let viewer: string;
/** Every password and token the tests use: none may ever appear in the audit table. */
const secrets = new Set<string>([ADMIN_PASSWORD, EDITOR_PASSWORD, VIEWER_PASSWORD]);

// `any` body: the tests read whatever JSON the API answers and assert its shape themselves.
async function raw(
  token: string | null,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: any; text: string; type: string }> {
  const r = await fetch(`${h.c.url}/api/v1${url}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  // Decoded by hand: Response.text() would drop the BOM the CSV test looks for.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await r.arrayBuffer());
  const type = r.headers.get('content-type') ?? '';
  return { status: r.status, text, type, body: type.includes('json') && text ? JSON.parse(text) : null };
}

async function login(username: string, password: string): Promise<string> {
  const r = await raw(null, 'POST', '/auth/login', { username, password });
  expect(r.status, r.text).toBe(200);
  secrets.add(r.body.token);
  return r.body.token as string;
}

const auditOf = async (query = '') => {
  const r = await raw(h.admin, 'GET', `/audit${query}`);
  expect(r.status, r.text).toBe(200);
  return r.body as {
    action: string;
    entity: string;
    entityId: string;
    username: string;
    changes: object;
    summary: string;
  }[];
};

beforeAll(async () => {
  h = await harness.start();
  secrets.add(h.admin);
  const post = async (url: string, body: unknown) => {
    const r = await raw(h.admin, 'POST', url, body);
    expect(r.status, r.text).toBe(201);
    return r.body;
  };
  const province = await post('/groups', { name: 'Quảng Nam', kind: 'province' });
  tamKy = (await post('/groups', { name: 'Tam Kỳ', kind: 'district', parentId: province.id })).id;
  hoiAn = (await post('/groups', { name: 'Hội An', kind: 'district', parentId: province.id })).id;
  editorId = (await post('/users', { username: 'bt-tamky', password: EDITOR_PASSWORD, role: 'editor', groupId: tamKy }))
    .id;
  await post('/users', { username: 'lanhdao', password: VIEWER_PASSWORD, role: 'viewer' });
  viewer = await login('lanhdao', VIEWER_PASSWORD);
});

describe('password policy', () => {
  it('names the field of every refused password', async () => {
    const cases: [string, string, unknown, string, string][] = [
      ['POST', '/users', { username: 'ngan', password: 'ngan-qua1', role: 'viewer' }, 'password', 'at least 10'],
      ['POST', '/users', { username: 'pho-bien', password: 'Password123', role: 'viewer' }, 'password', 'too common'],
      ['POST', '/users', { username: 'trung.ten1', password: 'trung.ten1', role: 'viewer' }, 'password', 'username'],
      ['PATCH', `/users/${editorId}`, { password: 'ngan' }, 'password', 'at least 10'],
      ['PATCH', `/users/${editorId}`, { password: '1234567890' }, 'password', 'too common'],
      ['POST', '/auth/password', { current: ADMIN_PASSWORD, next: 'matkhau123' }, 'next', 'too common'],
      ['POST', '/auth/password', { current: ADMIN_PASSWORD, next: 'ngan-qua' }, 'next', 'at least 10'],
      ['POST', '/auth/password', { current: ADMIN_PASSWORD, next: ADMIN_PASSWORD }, 'next', 'differ'],
    ];
    for (const [method, url, body, field, message] of cases) {
      const r = await raw(h.admin, method, url, body);
      expect(r.status, `${method} ${url} ${JSON.stringify(body)}`).toBe(400);
      expect(r.body.error.code).toBe('weak-password');
      expect(r.body.error.field).toBe(field);
      expect(r.body.error.message).toContain(message);
    }
    const wrong = await raw(h.admin, 'POST', '/auth/password', {
      current: 'khong-phai-mat-khau',
      next: 'mot-mat-khau-moi-dai',
    });
    expect([wrong.status, wrong.body.error.field, wrong.body.error.code]).toEqual([400, 'current', 'wrong-password']);
  });

  it('names the field of other refused user changes', async () => {
    const bad = async (body: unknown, status: number, field: string) => {
      const r = await raw(h.admin, 'PATCH', `/users/${editorId}`, body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.error.field).toBe(field);
    };
    await bad({ role: 'root' }, 400, 'role');
    await bad({ disabled: 'yes' }, 400, 'disabled');
    await bad({ username: 'doi-ten' }, 400, 'username');
    await bad({ groupId: null }, 400, 'groupId'); // an editor needs a district
    await bad({ groupId: '00000000-0000-4000-8000-000000000000' }, 404, 'groupId');
    const me = (await raw(h.admin, 'GET', '/auth/me')).body.id as string;
    const last = await raw(h.admin, 'PATCH', `/users/${me}`, { role: 'viewer' });
    expect([last.status, last.body.error.code, last.body.error.field]).toEqual([409, 'last-admin', 'role']);
    const missing = await raw(h.admin, 'PATCH', '/users/00000000-0000-4000-8000-000000000000', { disabled: true });
    expect(missing.status).toBe(404);
  });

  it('lets only admins change or list users', async () => {
    const editor = await login('bt-tamky', EDITOR_PASSWORD);
    for (const token of [editor, viewer]) {
      expect((await raw(token, 'PATCH', `/users/${editorId}`, { role: 'admin' })).status).toBe(403);
      expect((await raw(token, 'GET', '/users')).status).toBe(403);
    }
    expect((await raw(viewer, 'GET', '/audit')).status).toBe(403);
    expect((await raw(null, 'PATCH', `/users/${editorId}`, { disabled: true })).status).toBe(401);
  });
});

describe('sessions end at once', () => {
  it('disabling a user ends their HTTP sessions and open /admin sockets, and refuses their logins', async () => {
    const a = await login('bt-tamky', EDITOR_PASSWORD);
    const b = await login('bt-tamky', EDITOR_PASSWORD);
    const socket = io(`${h.c.url}/admin`, { auth: { token: a }, transports: ['websocket'], reconnection: false });
    await new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(null));
      socket.once('connect_error', reject);
    });
    const gone = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    const r = await raw(h.admin, 'PATCH', `/users/${editorId}`, { disabled: true });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ id: editorId, disabled: true });
    expect(await gone).toBe('io server disconnect');
    expect((await raw(a, 'GET', '/auth/me')).status).toBe(401);
    expect((await raw(b, 'GET', '/devices')).status).toBe(401);
    const refused = await raw(null, 'POST', '/auth/login', { username: 'bt-tamky', password: EDITOR_PASSWORD });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'account-disabled']);
    // A disabled account also cannot open a new socket with an old token.
    const again = io(`${h.c.url}/admin`, { auth: { token: b }, transports: ['websocket'], reconnection: false });
    expect((await new Promise<Error>((resolve) => again.once('connect_error', resolve))).message).toBe('unauthorized');
    again.close();
    socket.close();
    const users = (await raw(h.admin, 'GET', '/users')).body as { id: string; disabled: boolean }[];
    expect(users.find((u) => u.id === editorId)?.disabled).toBe(true);

    expect((await raw(h.admin, 'PATCH', `/users/${editorId}`, { disabled: false })).body.disabled).toBe(false);
    await login('bt-tamky', EDITOR_PASSWORD);
  });

  it('an admin resetting a password ends the sessions; the new password logs in, the old does not', async () => {
    const old = await login('bt-tamky', EDITOR_PASSWORD);
    const next = 'dat-lai-boi-quan-tri-7';
    secrets.add(next);
    expect((await raw(h.admin, 'PATCH', `/users/${editorId}`, { password: next })).status).toBe(200);
    expect((await raw(old, 'GET', '/auth/me')).status).toBe(401);
    expect((await raw(null, 'POST', '/auth/login', { username: 'bt-tamky', password: EDITOR_PASSWORD })).status).toBe(
      401,
    );
    const fresh = await login('bt-tamky', next);
    // Back to the usual password through the user's own change.
    const own = await raw(fresh, 'POST', '/auth/password', { current: next, next: EDITOR_PASSWORD });
    expect(own.status, own.text).toBe(204);
  });

  it("changing one's own password ends every other session and socket, keeping the one used", async () => {
    const here = await login('lanhdao', VIEWER_PASSWORD);
    const elsewhere = await login('lanhdao', VIEWER_PASSWORD);
    const socket = io(`${h.c.url}/admin`, {
      auth: { token: elsewhere },
      transports: ['websocket'],
      reconnection: false,
    });
    const mine = io(`${h.c.url}/admin`, { auth: { token: here }, transports: ['websocket'], reconnection: false });
    await Promise.all([socket, mine].map((s) => new Promise((resolve) => s.once('connect', () => resolve(null)))));
    const gone = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    const next = 'lanh-dao-doi-mat-khau-8';
    secrets.add(next);
    const r = await raw(here, 'POST', '/auth/password', { current: VIEWER_PASSWORD, next });
    expect(r.status, r.text).toBe(204);
    expect(await gone).toBe('io server disconnect');
    expect(mine.connected).toBe(true);
    expect((await raw(elsewhere, 'GET', '/auth/me')).status).toBe(401);
    expect((await raw(here, 'GET', '/auth/me')).status).toBe(200);
    expect((await raw(null, 'POST', '/auth/login', { username: 'lanhdao', password: VIEWER_PASSWORD })).status).toBe(
      401,
    );
    await login('lanhdao', next);
    socket.close();
    mine.close();
  });
});

describe('urgent stop', () => {
  it("records who stopped it and each device's stop ack (its ack of the bundle without the message)", async () => {
    const dev = await raw(h.admin, 'POST', '/devices', { name: 'Bảng Tam Kỳ', kind: 'led', groupId: tamKy });
    expect(dev.status).toBe(201);
    secrets.add(dev.body.token);
    const offline = await raw(h.admin, 'POST', '/devices', { name: 'Bảng Hội An', kind: 'led', groupId: hoiAn });
    secrets.add(offline.body.token);
    const player = h.player(dev.body.token);
    // A player of any version acks each bundle it applies; this one acks when told to.
    const bundles: { version: number; hash: string; interrupts?: { id: string }[] }[] = [];
    let autoAck = true;
    player.on('bundle', (b) => {
      bundles.push(b);
      if (autoAck) player.emit('bundle:ack', { version: b.version, hash: b.hash });
    });
    await new Promise((resolve) => player.once('hello', () => resolve(null)));
    const sent = await raw(h.admin, 'POST', '/interrupts', {
      text: 'Mất điện toàn khu: tạm dừng tiếp dân',
      target: { groupIds: [tamKy, hoiAn] },
    });
    expect(sent.status, sent.text).toBe(201);
    const id = sent.body.id as string;
    await expect.poll(() => bundles.some((b) => b.interrupts?.some((m) => m.id === id))).toBe(true);
    autoAck = false;
    const n = bundles.length;
    const stopped = await raw(h.admin, 'POST', `/interrupts/${id}/cancel`);
    expect(stopped.status, stopped.text).toBe(200);
    expect(stopped.body.stoppedBy).toMatchObject({ username: 'admin' });
    expect(stopped.body.stoppedAt).not.toBeNull();
    const byDevice = (v: { deliveries: { deviceId: string; stopAcked: boolean | null }[] }) =>
      Object.fromEntries(v.deliveries.map((d) => [d.deviceId, d.stopAcked]));
    expect(byDevice(stopped.body)).toEqual({ [dev.body.id]: false, [offline.body.id]: false });
    await expect.poll(() => bundles.length).toBeGreaterThan(n);
    const without = bundles.at(-1)!;
    expect(without.interrupts?.some((m) => m.id === id) ?? false).toBe(false);
    expect((await raw(h.admin, 'GET', `/interrupts/${id}`)).body.stopPendingDeviceIds).toHaveLength(2);
    player.emit('bundle:ack', { version: without.version, hash: without.hash });
    await expect
      .poll(async () => byDevice((await raw(h.admin, 'GET', `/interrupts/${id}`)).body))
      .toEqual({ [dev.body.id]: true, [offline.body.id]: false });
    const view = (await raw(h.admin, 'GET', `/interrupts/${id}`)).body;
    expect(view.stopPendingDeviceIds).toEqual([offline.body.id]);
    expect(view.deliveries.find((d: { deviceId: string }) => d.deviceId === dev.body.id).stopAckedAt).not.toBeNull();
    // A second stop changes nothing.
    expect((await raw(h.admin, 'POST', `/interrupts/${id}/cancel`)).body.stoppedAt).toBe(view.stoppedAt);

    const entries = await auditOf(`?entity=interrupts`);
    expect(
      entries
        .filter((e) => e.entityId === id)
        .map((e) => e.action)
        .sort(),
    ).toEqual(['interrupts.send', 'interrupts.stop']);
    const revoke = await raw(h.admin, 'POST', `/devices/${offline.body.id}/revoke`);
    expect(revoke.status).toBe(200);
  });
});

describe('audit log', () => {
  it('records each kind of change with a before → after summary', async () => {
    await raw(null, 'POST', '/auth/login', { username: 'bt-tamky', password: 'sai-mat-khau-roi' });
    const playlist = await (async () => {
      const c = await raw(h.admin, 'POST', '/content', { type: 'slogan', text: 'Khẩu hiệu' });
      return (
        await raw(h.admin, 'POST', '/playlists', { name: 'Sảnh', items: [{ contentId: c.body.id, durationMs: 8000 }] })
      ).body.id as string;
    })();
    const s = await raw(h.admin, 'POST', '/schedules', { playlistId: playlist, target: { groupIds: [tamKy] } });
    expect(s.status, s.text).toBe(201);
    expect((await raw(h.admin, 'PATCH', `/schedules/${s.body.id}`, { priority: 42 })).status).toBe(200);
    expect((await raw(h.admin, 'DELETE', `/schedules/${s.body.id}`)).status).toBe(204);

    const all = await auditOf();
    const actions = new Set(all.map((e) => e.action));
    for (const a of [
      'auth.login',
      'auth.login-failed',
      'auth.password',
      'users.create',
      'users.disable',
      'users.enable',
      'users.password-reset',
      'devices.enrol',
      'devices.revoke',
      'interrupts.send',
      'interrupts.stop',
      'schedules.create',
      'schedules.update',
      'schedules.delete',
      'groups.create', // the generic record of a route with no summary of its own
      'content.create',
    ])
      expect(actions, a).toContain(a);
    const failed = all.find((e) => e.action === 'auth.login-failed' && e.username === 'bt-tamky');
    expect(failed).toMatchObject({ entity: 'users', entityId: editorId });
    const disable = all.find((e) => e.action === 'users.disable')!;
    expect(disable).toMatchObject({ entity: 'users', entityId: editorId, username: 'admin' });
    expect(disable.changes).toEqual({ disabled: { before: false, after: true } });
    expect(disable.summary).toBe('disabled: false → true');
    const reset = all.find((e) => e.action === 'users.password-reset')!;
    expect(reset.changes).toEqual({ password: { before: SECRET_MARK, after: SECRET_MARK } });
    const update = all.find((e) => e.action === 'schedules.update')!;
    expect(update.summary).toContain('priority: 10 → 42');
    // The generic entry takes the created item's id from the answer.
    expect(all.filter((e) => e.action === 'groups.create').map((e) => e.entityId)).toEqual(
      expect.arrayContaining([tamKy, hoiAn]),
    );

    // Filters: by user, entity, action prefix, time range.
    const adminId = (await raw(h.admin, 'GET', '/auth/me')).body.id;
    expect((await auditOf(`?userId=${adminId}`)).every((e) => e.username === 'admin')).toBe(true);
    expect((await auditOf('?action=users')).every((e) => e.action.startsWith('users.'))).toBe(true);
    expect((await auditOf('?entity=schedules')).map((e) => e.action).sort()).toEqual([
      'schedules.create',
      'schedules.delete',
      'schedules.update',
    ]);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect(await auditOf(`?from=${future}`)).toEqual([]);
    const badQuery = await raw(h.admin, 'GET', '/audit?from=hom-qua');
    expect([badQuery.status, badQuery.body.error.field]).toEqual([400, 'from']);
    const unknown = await raw(h.admin, 'GET', '/audit?who=admin');
    expect([unknown.status, unknown.body.error.field]).toEqual([400, 'who']);
  });

  it("shows an editor only their district's entries", async () => {
    const editor = await login('bt-tamky', EDITOR_PASSWORD);
    const r = await raw(editor, 'GET', '/audit');
    expect(r.status).toBe(200);
    const groups = new Set((r.body as { groupId: string | null }[]).map((e) => e.groupId));
    expect([...groups]).toEqual([tamKy]);
  });

  it('exports CSV with a BOM, Vietnam local times and spreadsheet-safe cells', async () => {
    await raw(null, 'POST', '/auth/login', { username: '=HYPERLINK("http://x")', password: 'bat-ky-mat-khau-nao' });
    const r = await raw(h.admin, 'GET', '/audit?format=csv&action=auth');
    expect(r.status).toBe(200);
    expect(r.type).toContain('text/csv');
    expect(r.text.startsWith('\uFEFFThời gian (giờ Việt Nam),Người dùng')).toBe(true);
    expect(r.text).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(r.text).not.toContain(',=HYPERLINK');
    const first = r.text.split('\r\n')[1]!;
    expect(first).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2},/);
    // 7 hours ahead of UTC: the newest entry's hour is the Vietnam hour of now.
    const vnHour = String((new Date().getUTCHours() + 7) % 24).padStart(2, '0');
    const hour = first.slice(11, 13);
    expect([vnHour, String((Number(vnHour) + 23) % 24).padStart(2, '0')]).toContain(hour);
  });

  it('never holds a password, token or hash', async () => {
    const rows = h.c.store.db.prepare('SELECT * FROM audit_log').all();
    expect(rows.length).toBeGreaterThan(20);
    const dump = JSON.stringify(rows);
    for (const s of secrets) expect(dump, 'a secret is in the audit table').not.toContain(s);
    expect(dump).not.toMatch(/scrypt\$/);
    expect(dump).not.toContain('bat-ky-mat-khau-nao');
    expect(dump).not.toContain('sai-mat-khau-roi');
  });

  it('is append-only: UPDATE raises, recent DELETE raises, retention deletes only old entries', () => {
    const { db, audit } = h.c.store;
    expect(() => db.prepare("UPDATE audit_log SET action = 'xoa-dau-vet'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(() => db.prepare('UPDATE audit_retention SET cutoff = ?').run(Date.now())).toThrow(/day in the past/);
    const now = Date.now();
    const day = 86_400_000;
    const old = audit.append({
      at: now - 500 * day,
      userId: null,
      username: 'cu',
      role: null,
      groupId: null,
      action: 'auth.login',
      entity: null,
      entityId: null,
      changes: {},
      method: null,
      route: null,
      status: null,
    });
    const before = (db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n;
    expect(audit.deleteBefore(now - 400 * day)).toBe(1);
    expect(db.prepare('SELECT 1 FROM audit_log WHERE id = ?').get(old)).toBeUndefined();
    expect((db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n).toBe(before - 1);
  });
});
