/**
 * Issue 16, item 7: a player whose token the (restored) database does not know asks to re-enrol. Real
 * controller on port 0, real SQLite, real Socket.IO clients: a well-formed unknown token with a device
 * id and name becomes a pending request (only its hash kept) and a distinct refusal; an admin approves
 * (the next connect works) or rejects (it stays refused); the table is bounded.
 */
import crypto from 'node:crypto';
import { io } from 'socket.io-client';
import { newId, PROTOCOL_VERSION } from '@bangtin/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REENROLMENT_ROWS } from '../store/reenrolments';
import { createHarness, type Harness } from './test-harness';

const harness = createHarness('reenrol');
afterAll(() => harness.cleanup());
let h: Harness;
const sockets: { close(): void }[] = [];
afterAll(() => sockets.forEach((s) => s.close()));

beforeAll(async () => {
  h = await harness.start();
});

const newDeviceToken = () => `dev_${crypto.randomBytes(32).toString('base64url')}`;
const sha = (t: string) => crypto.createHash('sha256').update(t).digest('hex');

/** One handshake: 'connected', or the refusal's code and message. */
function connect(auth: Record<string, unknown>): Promise<{ code: string; message: string }> {
  return new Promise((resolve) => {
    const s = io(h.c.url, {
      auth: { protocol: PROTOCOL_VERSION, playerVersion: 'test', ...auth },
      transports: ['websocket'],
      reconnection: false,
    });
    sockets.push(s);
    s.once('connect', () => {
      resolve({ code: 'connected', message: '' });
      s.close();
    });
    s.once('connect_error', (err: Error & { data?: { error?: { message: string } } }) =>
      resolve({ code: err.message, message: err.data?.error?.message ?? '' }),
    );
  });
}

const rows = () => h.c.store.db.prepare('SELECT * FROM device_reenrolments').all() as Record<string, unknown>[];

describe('re-enrolment of a device the database does not know', () => {
  it('records a pending request (hash only) with a distinct refusal; approval lets the next connect in', async () => {
    const group = await h.call(h.admin, 'POST', '/groups', { name: 'Tam Kỳ', kind: 'district' });
    const token = newDeviceToken();
    const deviceId = newId();
    const claim = { token, deviceId, deviceName: 'Bảng LED Tam Kỳ'.normalize('NFD') };

    const first = await connect(claim);
    expect(first.code).toBe('reenrol-pending');
    expect(first.message).toContain(sha(token).slice(0, 12));
    expect((await connect(claim)).code).toBe('reenrol-pending');

    const stored = rows();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ device_id: deviceId, token_hash: sha(token), status: 'pending', attempts: 2 });
    expect(JSON.stringify(stored)).not.toContain(token);

    const list = await h.call(h.admin, 'GET', '/devices/reenrolments');
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      expect.objectContaining({
        deviceId,
        name: 'Bảng LED Tam Kỳ'.normalize('NFC'),
        fingerprint: sha(token).slice(0, 12),
        status: 'pending',
        known: null,
      }),
    ]);
    const id = list.body[0].id as string;

    // Without a kind (no device row to take it from) the approval names the field.
    expect(await h.call(h.admin, 'POST', `/devices/reenrolments/${id}/approve`, {})).toMatchObject({
      status: 400,
      body: { error: { field: 'kind' } },
    });
    const ok = await h.call(h.admin, 'POST', `/devices/reenrolments/${id}/approve`, {
      kind: 'led',
      groupId: group.body.id,
    });
    expect(ok).toMatchObject({ status: 200, body: { deviceId, groupId: group.body.id, kind: 'led' } });
    expect(rows()).toEqual([]);
    expect((await connect(claim)).code).toBe('connected');
    expect((await h.call(h.admin, 'GET', `/devices/${deviceId}`)).body).toMatchObject({
      name: 'Bảng LED Tam Kỳ'.normalize('NFC'),
      groupId: group.body.id,
    });
  });

  it('gives an existing device row the new token on approval (the old one stops working)', async () => {
    const dev = await h.call(h.admin, 'POST', '/devices', { name: 'Kiosk Hội An', kind: 'kiosk' });
    const token = newDeviceToken();
    const claim = { token, deviceId: dev.body.id, deviceName: 'Kiosk Hội An' };
    expect((await connect(claim)).code).toBe('reenrol-pending');
    const req = (await h.call(h.admin, 'GET', '/devices/reenrolments')).body.find(
      (r: { deviceId: string }) => r.deviceId === dev.body.id,
    );
    expect(req.known).toEqual({ name: 'Kiosk Hội An', kind: 'kiosk', groupId: null });
    expect((await h.call(h.admin, 'POST', `/devices/reenrolments/${req.id}/approve`, {})).status).toBe(200);
    expect((await connect(claim)).code).toBe('connected');
    expect((await connect({ token: dev.body.token })).code).toBe('unauthorized');
  });

  it('keeps a rejected token refused, and does not list it as pending again', async () => {
    const token = newDeviceToken();
    const claim = { token, deviceId: newId(), deviceName: 'Người lạ' };
    expect((await connect(claim)).code).toBe('reenrol-pending');
    const req = (await h.call(h.admin, 'GET', '/devices/reenrolments')).body.find(
      (r: { deviceId: string }) => r.deviceId === claim.deviceId,
    );
    expect(await h.call(h.admin, 'POST', `/devices/reenrolments/${req.id}/reject`)).toMatchObject({
      status: 200,
      body: { status: 'rejected' },
    });
    expect(await connect(claim)).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('rejected') });
    expect((await h.call(h.admin, 'POST', `/devices/reenrolments/${req.id}/approve`, { kind: 'led' })).status).toBe(
      409,
    );
    expect(h.c.store.devices.get(claim.deviceId)).toBeNull();
  });

  it('refuses plain unauthorized, without recording, for malformed tokens or missing claims', async () => {
    const before = rows().length;
    expect((await connect({ token: 'x'.repeat(40), deviceId: newId(), deviceName: 'A' })).code).toBe('unauthorized');
    expect((await connect({ token: newDeviceToken() })).code).toBe('unauthorized');
    expect((await connect({ token: newDeviceToken(), deviceId: newId() })).code).toBe('unauthorized');
    expect(rows().length).toBe(before);
  });

  it('a known token connects even when the claims it sends are malformed (they are dropped)', async () => {
    const dev = await h.call(h.admin, 'POST', '/devices', { name: 'Màn hình sảnh', kind: 'screen' });
    expect((await connect({ token: dev.body.token, deviceId: 'không-phải-uuid', deviceName: '' })).code).toBe(
      'connected',
    );
  });

  it('admin only: a viewer gets 403', async () => {
    h.c.store.users.create({ username: 'xem', password: 'mat-khau-xem-1', role: 'viewer', groupId: null });
    const viewer = await h.login('xem', 'mat-khau-xem-1');
    expect((await h.call(viewer, 'GET', '/devices/reenrolments')).status).toBe(403);
    expect((await h.call(viewer, 'POST', `/devices/reenrolments/${newId()}/reject`)).status).toBe(403);
  });

  it(`holds at most ${MAX_REENROLMENT_ROWS} requests: past that an unknown token is refused and not stored`, async () => {
    // Fill up to one below the bound directly (real rows), then two strangers over the socket.
    const insert = h.c.store.db.prepare(
      `INSERT INTO device_reenrolments (id, device_id, name, token_hash, status, created_at, last_seen_at)
       VALUES (?, ?, 'đầy', ?, 'pending', ?, ?)`,
    );
    const now = Date.now();
    h.c.store.db.transaction(() => {
      for (let n = rows().length; n < MAX_REENROLMENT_ROWS - 1; n++)
        insert.run(newId(), newId(), sha(newDeviceToken()), now, now);
    })();
    expect((await connect({ token: newDeviceToken(), deviceId: newId(), deviceName: 'Cuối cùng' })).code).toBe(
      'reenrol-pending',
    );
    expect(rows().length).toBe(MAX_REENROLMENT_ROWS);
    const stranger = { token: newDeviceToken(), deviceId: newId(), deviceName: 'Thừa' };
    expect((await connect(stranger)).code).toBe('unauthorized');
    expect(rows().length).toBe(MAX_REENROLMENT_ROWS);
    // One per claimed device: a known device id with another token replaces its request, still in bounds.
    const last = rows().find((r) => r.name === 'Cuối cùng')!;
    expect(
      (await connect({ token: newDeviceToken(), deviceId: last.device_id as string, deviceName: 'Cuối cùng' })).code,
    ).toBe('reenrol-pending');
    expect(rows().length).toBe(MAX_REENROLMENT_ROWS);
  });
});
