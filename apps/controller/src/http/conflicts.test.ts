/**
 * Issue 10: every 409 and every policy refusal of the API, through real HTTP on a real controller (port 0,
 * SQLite in a temp folder, real Socket.IO clients). Each answer carries its status, its stable code and
 * the field it is about, and nothing already stored changes: the whole database is compared before and
 * after each refused request (less the tables the controller writes on its own: runs, bundles, sockets).
 */
import crypto from 'node:crypto';
import { io } from 'socket.io-client';
import { newId, PROTOCOL_VERSION } from '@bangtin/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, createHarness, type Harness } from './test-harness';

const harness = createHarness('conflicts');
afterAll(() => harness.cleanup());

/** Written by the controller itself (run ledger, bundle pushes, socket sessions), not by a request. */
const VOLATILE = new Set([
  'controller_runs',
  'job_runs',
  'device_sessions',
  'device_bundle_history',
  'bundle_bodies',
  'device_bundle_refs',
  'output_status_history',
]);
/** Columns the bundle compiler updates after earlier, accepted changes (it runs coalesced, later). */
const VOLATILE_COLUMNS: Record<string, readonly string[]> = {
  devices: ['bundle_hash', 'bundle_version', 'acked_bundle_version'],
};

const without = (row: Record<string, unknown>, columns: readonly string[] = []) =>
  Object.fromEntries(Object.entries(row).filter(([k]) => !columns.includes(k)));

function snapshot(h: Harness, skip: readonly string[]): Record<string, unknown[]> {
  const db = h.c.store.db;
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as { name: string }[];
  return Object.fromEntries(
    tables
      .filter((t) => !VOLATILE.has(t.name) && !skip.includes(t.name))
      .map((t) => [
        t.name,
        (db.prepare(`SELECT * FROM "${t.name}" ORDER BY rowid`).all() as Record<string, unknown>[]).map((r) =>
          without(r, VOLATILE_COLUMNS[t.name]),
        ),
      ]),
  );
}

interface Expected {
  status: number;
  code: string;
  /** null: a refusal about who asks (a role), not about an input. */
  field: string | null;
}

/**
 * Runs a request that must be refused: asserts status, code, field and a message, and that no stored
 * row changed (`skip`: tables the refusal itself may write,
 * such as the failed-login entry of the audit log). Returns the error object for further checks.
 */
async function refused(
  h: Harness,
  // `any`: the error object's extra keys differ per code (playlists, schedules, campaigns …).
  request: () => Promise<{ status: number; body: any }>,
  want: Expected,
  skip: readonly string[] = [],
): Promise<any> {
  const before = snapshot(h, skip);
  const r = await request();
  expect(r.status, JSON.stringify(r.body)).toBe(want.status);
  expect(r.body.error).toMatchObject({ code: want.code, field: want.field });
  expect(typeof r.body.error.message).toBe('string');
  expect(snapshot(h, skip)).toEqual(before);
  return r.body.error;
}

const EDITOR_PASSWORD = 'bien-tap-tam-ky-2026';

/** A district, an editor there, a second district and a device in each. */
async function world(h: Harness) {
  const tamKy = (await h.call(h.admin, 'POST', '/groups', { name: 'Tam Kỳ', kind: 'district' })).body;
  const hoiAn = (await h.call(h.admin, 'POST', '/groups', { name: 'Hội An', kind: 'district' })).body;
  const u = await h.call(h.admin, 'POST', '/users', {
    username: 'bientap.tamky',
    password: EDITOR_PASSWORD,
    role: 'editor',
    groupId: tamKy.id,
  });
  expect(u.status, JSON.stringify(u.body)).toBe(201);
  const editor = await h.login('bientap.tamky', EDITOR_PASSWORD);
  const device = (await h.call(h.admin, 'POST', '/devices', { name: 'Bảng Tam Kỳ', kind: 'led', groupId: tamKy.id }))
    .body as { id: string; token: string };
  const far = (await h.call(h.admin, 'POST', '/devices', { name: 'Bảng Hội An', kind: 'led', groupId: hoiAn.id }))
    .body as { id: string; token: string };
  return { tamKy, hoiAn, editor, editorId: u.body.id as string, device, far };
}

describe('content, playlists, schedules, campaigns, holiday lists', () => {
  let h: Harness;
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    h = await harness.start({ jobs: false });
    w = await world(h);
  });

  const slogan = async (text: string, token = h.admin) => {
    const c = await h.call(token, 'POST', '/content', { type: 'slogan', text });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    return c.body.id as string;
  };
  const playlist = async (name: string, contentId: string) => {
    const p = await h.call(h.admin, 'POST', '/playlists', { name, items: [{ contentId, durationMs: 5000 }] });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    return p.body.id as string;
  };

  it('DELETE /content/:id in a playlist: 409 in-use on id, listing every playlist by name; the item stays', async () => {
    const id = await slogan('Tham gia BHXH tự nguyện');
    const a = await playlist('Sảnh chính', id);
    const b = await playlist('Cổng UBND', id);
    const err = await refused(h, () => h.call(w.editor, 'DELETE', `/content/${id}`), {
      status: 409,
      code: 'in-use',
      field: 'id',
    });
    expect(err.playlists).toEqual([
      { id: b, name: 'Cổng UBND' },
      { id: a, name: 'Sảnh chính' },
    ]);
    expect(err.message).toContain('"Sảnh chính"');
    expect(err.message).toContain('"Cổng UBND"');
    expect((await h.call(h.admin, 'GET', `/content/${id}`)).body).toMatchObject({ archivedAt: null });
  });

  it('approve or reject what is not pending: 409 not-pending on status', async () => {
    const approved = await slogan('Đã duyệt sẵn');
    await refused(h, () => h.call(h.admin, 'POST', `/content/${approved}/approve`), {
      status: 409,
      code: 'not-pending',
      field: 'status',
    });
    await refused(h, () => h.call(h.admin, 'POST', `/content/${approved}/reject`, { reason: 'Sai chính tả' }), {
      status: 409,
      code: 'not-pending',
      field: 'status',
    });
    // The editor's pending item: approving is the admin's, a rejection needs its reason.
    const pending = await slogan('Chờ duyệt', w.editor);
    await refused(h, () => h.call(h.admin, 'POST', `/content/${pending}/reject`, { reason: ' ' }), {
      status: 400,
      code: 'invalid-input',
      field: 'reason',
    });
  });

  it('DELETE /playlists/:id used by schedules and a campaign: 409 in-use on id, naming each; the playlist stays', async () => {
    const id = await playlist('Giờ hành chính', await slogan('Đóng BHXH đúng hạn'));
    const campaign = await h.call(h.admin, 'POST', '/campaigns', {
      name: 'Tháng BHXH tự nguyện',
      startsOn: '2026-12-01',
      endsOn: '2026-12-31',
      playlistIds: [id],
    });
    expect(campaign.status, JSON.stringify(campaign.body)).toBe(201);
    const s = await h.call(h.admin, 'POST', '/schedules', {
      playlistId: id,
      target: { groupIds: [w.tamKy.id] },
      recurrence: { kind: 'weekly', days: [1, 2, 3, 4, 5], dayparts: [{ start: '07:00', end: '17:00' }] },
    });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    const err = await refused(h, () => h.call(h.admin, 'DELETE', `/playlists/${id}`), {
      status: 409,
      code: 'in-use',
      field: 'id',
    });
    expect(err.campaigns).toEqual([{ id: campaign.body.id, name: 'Tháng BHXH tự nguyện' }]);
    expect(err.schedules).toEqual([{ id: s.body.id, campaignId: null, name: expect.stringContaining('Tam Kỳ') }]);
    expect(err.schedules[0].name).toContain('07:00');
    expect(err.message).toContain('campaign "Tháng BHXH tự nguyện"');
    expect(err.message).toContain(`schedule "${err.schedules[0].name}"`);
    expect((await h.call(h.admin, 'GET', '/playlists')).body.map((p: { id: string }) => p.id)).toContain(id);
  });

  it('duplicating a playlist whose every item was archived: 400 on items, no copy', async () => {
    const c = await slogan('Sắp lưu trữ');
    const id = await playlist('Sắp trống', c);
    expect(
      (await h.call(h.admin, 'PATCH', `/playlists/${id}`, { items: [{ contentId: c, durationMs: 4000 }] })).status,
    ).toBe(200);
    // Archive the item directly (the API refuses while the playlist holds it, which is the point above).
    h.c.store.content.archive(c);
    await refused(h, () => h.call(h.admin, 'POST', `/playlists/${id}/duplicate`), {
      status: 400,
      code: 'invalid-input',
      field: 'items',
    });
  });

  it('DELETE /holiday-lists/:id used by a schedule: 409 in-use on id, naming the schedule', async () => {
    const list = await h.call(h.admin, 'POST', '/holiday-lists', { name: 'Nghỉ lễ 2027', dates: ['2027-01-01'] });
    expect(list.status, JSON.stringify(list.body)).toBe(201);
    const s = await h.call(h.admin, 'POST', '/schedules', {
      playlistId: await playlist('Ngày thường', await slogan('Ngày thường')),
      target: { deviceIds: [w.device.id] },
      holidayListIds: [list.body.id],
    });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    const err = await refused(h, () => h.call(h.admin, 'DELETE', `/holiday-lists/${list.body.id}`), {
      status: 409,
      code: 'in-use',
      field: 'id',
    });
    expect(err.schedules).toEqual([{ id: s.body.id, campaignId: null, name: expect.stringContaining('Bảng Tam Kỳ') }]);
  });

  it('campaigns: a closed one cannot change (409 campaign-closed), a published one cannot be deleted (409 campaign-published), all on status', async () => {
    const pl = await playlist('Chiến dịch', await slogan('Chiến dịch'));
    const made = await h.call(h.admin, 'POST', '/campaigns', {
      name: 'Đã công bố',
      startsOn: '2026-01-01',
      endsOn: '2030-12-31',
      playlistIds: [pl],
      status: 'scheduled',
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const id = made.body.id as string;
    await refused(h, () => h.call(h.admin, 'DELETE', `/campaigns/${id}`), {
      status: 409,
      code: 'campaign-published',
      field: 'status',
    });
    expect((await h.call(h.admin, 'POST', `/campaigns/${id}/cancel`)).status).toBe(200);
    await refused(h, () => h.call(h.admin, 'PATCH', `/campaigns/${id}`, { name: 'Đổi tên' }), {
      status: 409,
      code: 'campaign-closed',
      field: 'status',
    });
    const ended = await h.call(h.admin, 'POST', '/campaigns', {
      name: 'Đã kết thúc',
      startsOn: '2025-01-01',
      endsOn: '2025-01-31',
      status: 'scheduled',
    });
    expect(ended.body.status).toBe('ended');
    await refused(h, () => h.call(h.admin, 'POST', `/campaigns/${ended.body.id}/cancel`), {
      status: 409,
      code: 'campaign-closed',
      field: 'status',
    });
    const empty = await h.call(h.admin, 'POST', '/campaigns', {
      name: 'Chưa có danh sách',
      startsOn: '2026-12-01',
      endsOn: '2026-12-31',
    });
    await refused(h, () => h.call(h.admin, 'POST', `/campaigns/${empty.body.id}/schedules`, {}), {
      status: 400,
      code: 'invalid-input',
      field: 'playlistIds',
    });
  });

  it("an editor's reach: targets, devices and campaigns outside their district are refused on that field", async () => {
    const pl = await playlist('Của tỉnh', await slogan('Của tỉnh'));
    await refused(
      h,
      () =>
        h.call(w.editor, 'POST', '/schedules', {
          playlistId: pl,
          target: { groupIds: [w.tamKy.id, w.hoiAn.id] },
        }),
      { status: 403, code: 'forbidden', field: 'target.groupIds.1' },
    );
    await refused(
      h,
      () => h.call(w.editor, 'POST', '/schedules', { playlistId: pl, target: { deviceIds: [w.far.id] } }),
      { status: 403, code: 'forbidden', field: 'target.deviceIds.0' },
    );
    await refused(
      h,
      () => h.call(w.editor, 'POST', '/devices', { name: 'Bảng lạ', kind: 'led', groupId: w.hoiAn.id }),
      { status: 403, code: 'forbidden', field: 'groupId' },
    );
    await refused(h, () => h.call(w.editor, 'PATCH', `/devices/${w.device.id}`, { groupId: w.hoiAn.id }), {
      status: 403,
      code: 'forbidden',
      field: 'groupId',
    });
    // A province-wide campaign: an entry without targets of its own would reach every district.
    const c = await h.call(h.admin, 'POST', '/campaigns', {
      name: 'Toàn tỉnh',
      startsOn: '2026-12-01',
      endsOn: '2026-12-31',
      playlistIds: [pl],
      target: { groupIds: [w.hoiAn.id] },
    });
    await refused(h, () => h.call(w.editor, 'POST', '/schedules', { playlistId: pl, campaignId: c.body.id }), {
      status: 403,
      code: 'forbidden',
      field: 'campaignId',
    });
  });

  it("urgent messages are the admin's alone: an editor sending or stopping one is 403 forbidden on the role", async () => {
    // Even to their own district's board, and even a message they can read.
    const sent = await refused(
      h,
      () => h.call(w.editor, 'POST', '/interrupts', { text: 'Khẩn: mất điện', target: { deviceIds: [w.device.id] } }),
      { status: 403, code: 'forbidden', field: null },
    );
    expect(sent.message).toMatch(/admin/);
    const m = await h.call(h.admin, 'POST', '/interrupts', { text: 'Bão số 9', target: { groupIds: [w.tamKy.id] } });
    expect(m.status, JSON.stringify(m.body)).toBe(201);
    expect((await h.call(w.editor, 'GET', `/interrupts/${m.body.id}`)).status).toBe(200);
    expect(((await h.call(w.editor, 'GET', '/interrupts')).body as { id: string }[]).map((x) => x.id)).toContain(
      m.body.id,
    );
    for (const [method, url] of [
      ['POST', `/interrupts/${m.body.id}/cancel`],
      ['DELETE', `/interrupts/${m.body.id}`],
    ] as const)
      await refused(h, () => h.call(w.editor, method, url), {
        status: 403,
        code: 'forbidden',
        field: null,
      });
    const still = await h.call(h.admin, 'GET', `/interrupts/${m.body.id}`);
    expect(still.body).toMatchObject({ active: true, cancelledAt: null, stoppedBy: null });
    expect((await h.call(h.admin, 'POST', `/interrupts/${m.body.id}/cancel`)).body.stoppedBy).toMatchObject({
      username: 'admin',
    });
  });

  it('a schedule patched into an impossible window: 400 on the end or start at fault', async () => {
    const s = await h.call(h.admin, 'POST', '/schedules', {
      playlistId: await playlist('Có thời hạn', await slogan('Có thời hạn')),
      target: { deviceIds: [w.device.id] },
      startsAt: '2026-12-01T00:00:00.000Z',
      endsAt: '2026-12-31T00:00:00.000Z',
    });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    await refused(
      h,
      () => h.call(h.admin, 'PATCH', `/schedules/${s.body.id}`, { endsAt: '2026-11-01T00:00:00.000Z' }),
      {
        status: 400,
        code: 'invalid-input',
        field: 'endsAt',
      },
    );
    await refused(
      h,
      // The body alone already fails (a one-off needs both ends): the missing end it names comes first.
      () => h.call(h.admin, 'PATCH', `/schedules/${s.body.id}`, { endsAt: null, recurrence: { kind: 'once' } }),
      { status: 400, code: 'invalid-input', field: 'startsAt' },
    );
  });
});

describe('groups and devices', () => {
  let h: Harness;
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    h = await harness.start({ jobs: false });
    w = await world(h);
  });

  it('a group move that breaks the tree: 409 group-cycle / group-level on parentId', async () => {
    const province = (await h.call(h.admin, 'POST', '/groups', { name: 'Quảng Nam', kind: 'province' })).body;
    const office = (
      await h.call(h.admin, 'POST', '/groups', { name: 'Văn phòng Tam Kỳ', kind: 'office', parentId: w.tamKy.id })
    ).body;
    expect((await h.call(h.admin, 'PATCH', `/groups/${w.tamKy.id}`, { parentId: province.id })).status).toBe(200);
    await refused(h, () => h.call(h.admin, 'PATCH', `/groups/${province.id}`, { parentId: w.tamKy.id }), {
      status: 409,
      code: 'group-cycle',
      field: 'parentId',
    });
    await refused(h, () => h.call(h.admin, 'PATCH', `/groups/${w.hoiAn.id}`, { parentId: office.id }), {
      status: 409,
      code: 'group-level',
      field: 'parentId',
    });
  });

  it('deleting a group with devices, editors or groups below: 409 group-not-empty on id', async () => {
    const err = await refused(h, () => h.call(h.admin, 'DELETE', `/groups/${w.tamKy.id}`), {
      status: 409,
      code: 'group-not-empty',
      field: 'id',
    });
    expect(err.message).toContain('it has devices');
    expect(err.message).toContain('editors belong to it');
  });

  it('a command or proof resend to a device that is not connected: 409 device-offline on id', async () => {
    await refused(h, () => h.call(h.admin, 'POST', `/devices/${w.device.id}/commands`, { command: 'identify' }), {
      status: 409,
      code: 'device-offline',
      field: 'id',
    });
    await refused(
      h,
      () =>
        h.call(h.admin, 'POST', `/devices/${w.device.id}/proofs/resend`, {
          from: '2026-12-01T00:00:00.000Z',
          to: '2026-12-02T00:00:00.000Z',
        }),
      { status: 409, code: 'device-offline', field: 'id' },
    );
  });

  it('board settings that cannot work: 400 invalid-output on the board at fault', async () => {
    const board = { name: 'cong', protocol: 'alpha', port: '/dev/ttyUSB0', baud: 9600, size: '96x16', address: '00' };
    await refused(
      h,
      () => h.call(h.admin, 'PUT', `/devices/${w.device.id}/outputs`, [board, { ...board, address: '01' }]),
      {
        status: 400,
        code: 'invalid-output',
        field: '1.name',
      },
    );
    await refused(
      h,
      () => h.call(h.admin, 'PUT', `/devices/${w.device.id}/outputs`, [board, { ...board, name: 'san', baud: 19200 }]),
      { status: 400, code: 'invalid-output', field: '1.baud' },
    );
  });

  it('re-enrolment: a rejected request (409 reenrolment-rejected) or a revoked device (409 device-revoked), on id', async () => {
    const connect = (auth: Record<string, unknown>) =>
      new Promise<string>((resolve) => {
        const s = io(h.c.url, {
          auth: { protocol: PROTOCOL_VERSION, playerVersion: 'test', ...auth },
          transports: ['websocket'],
          reconnection: false,
        });
        s.once('connect', () => {
          resolve('connected');
          s.close();
        });
        s.once('connect_error', (err) => {
          resolve(err.message);
          s.close();
        });
      });
    const token = () => `dev_${crypto.randomBytes(32).toString('base64url')}`;
    const requestFor = async (deviceId: string) => {
      expect(await connect({ token: token(), deviceId, deviceName: 'Bảng khôi phục' })).toBe('reenrol-pending');
      return (await h.call(h.admin, 'GET', '/devices/reenrolments')).body.find(
        (r: { deviceId: string }) => r.deviceId === deviceId,
      ).id as string;
    };

    const stranger = await requestFor(newId());
    expect((await h.call(h.admin, 'POST', `/devices/reenrolments/${stranger}/reject`)).status).toBe(200);
    await refused(h, () => h.call(h.admin, 'POST', `/devices/reenrolments/${stranger}/approve`, { kind: 'led' }), {
      status: 409,
      code: 'reenrolment-rejected',
      field: 'id',
    });

    const known = await requestFor(w.far.id);
    expect((await h.call(h.admin, 'POST', `/devices/${w.far.id}/revoke`)).status).toBe(200);
    await refused(h, () => h.call(h.admin, 'POST', `/devices/reenrolments/${known}/approve`, {}), {
      status: 409,
      code: 'device-revoked',
      field: 'id',
    });
  });
});

describe('users, passwords and logins', () => {
  let h: Harness;
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    h = await harness.start({ jobs: false });
    w = await world(h);
  });

  it('POST /users: a taken username is 409 conflict on username; a weak password 400 weak-password on password', async () => {
    await refused(
      h,
      () =>
        h.call(h.admin, 'POST', '/users', { username: 'bientap.tamky', password: 'mot-mat-khau-dai', role: 'viewer' }),
      { status: 409, code: 'conflict', field: 'username' },
    );
    for (const password of ['ngan-qua', '1234567890', 'nguyen.van.an']) {
      const err = await refused(
        h,
        () => h.call(h.admin, 'POST', '/users', { username: 'nguyen.van.an', password, role: 'viewer' }),
        { status: 400, code: 'weak-password', field: 'password' },
      );
      expect(err.message).toMatch(/^password: /);
    }
    await refused(
      h,
      () => h.call(h.admin, 'POST', '/users', { username: 'khong.quan', password: 'mot-mat-khau-dai', role: 'editor' }),
      { status: 400, code: 'invalid-input', field: 'groupId' },
    );
  });

  it('PATCH /users/:id: a weak password, an editor without district, the last admin, disabling oneself', async () => {
    await refused(h, () => h.call(h.admin, 'PATCH', `/users/${w.editorId}`, { password: 'qwertyuiop' }), {
      status: 400,
      code: 'weak-password',
      field: 'password',
    });
    await refused(h, () => h.call(h.admin, 'PATCH', `/users/${w.editorId}`, { groupId: null }), {
      status: 400,
      code: 'invalid-input',
      field: 'groupId',
    });
    await refused(h, () => h.call(h.admin, 'PATCH', `/users/${w.editorId}`, { token: 'x' }), {
      status: 400,
      code: 'invalid-input',
      field: 'token',
    });
    const me = (await h.call(h.admin, 'GET', '/auth/me')).body.id as string;
    await refused(h, () => h.call(h.admin, 'PATCH', `/users/${me}`, { role: 'viewer' }), {
      status: 409,
      code: 'last-admin',
      field: 'role',
    });
    await refused(h, () => h.call(h.admin, 'PATCH', `/users/${me}`, { disabled: true }), {
      status: 409,
      code: 'last-admin',
      field: 'disabled',
    });
    // With a second admin the province is not locked out, but nobody disables their own account.
    const second = await h.call(h.admin, 'POST', '/users', {
      username: 'quantri.hai',
      password: 'quan-tri-thu-hai-2026',
      role: 'admin',
    });
    expect(second.status).toBe(201);
    await refused(h, () => h.call(h.admin, 'PATCH', `/users/${me}`, { disabled: true }), {
      status: 409,
      code: 'self',
      field: 'disabled',
    });
  });

  it('POST /auth/password: wrong current, weak or unchanged next; the password and sessions stay as they were', async () => {
    const other = await h.login('bientap.tamky', EDITOR_PASSWORD);
    await refused(
      h,
      () => h.call(w.editor, 'POST', '/auth/password', { current: 'khong-dung-nua', next: 'mat-khau-moi-2027' }),
      { status: 400, code: 'wrong-password', field: 'current' },
    );
    await refused(
      h,
      () => h.call(w.editor, 'POST', '/auth/password', { current: EDITOR_PASSWORD, next: 'password123' }),
      {
        status: 400,
        code: 'weak-password',
        field: 'next',
      },
    );
    await refused(
      h,
      () => h.call(w.editor, 'POST', '/auth/password', { current: EDITOR_PASSWORD, next: EDITOR_PASSWORD }),
      { status: 400, code: 'weak-password', field: 'next' },
    );
    expect((await h.call(other, 'GET', '/auth/me')).status).toBe(200);
  });

  it('a disabled account cannot log in: 403 account-disabled on username, recorded as a failed login only', async () => {
    const v = await h.call(h.admin, 'POST', '/users', {
      username: 'lanhdao.cu',
      password: 'lanh-dao-nghi-huu-2026',
      role: 'viewer',
    });
    expect((await h.call(h.admin, 'PATCH', `/users/${v.body.id}`, { disabled: true })).status).toBe(200);
    const audit = () =>
      h.c.store.db.prepare('SELECT action FROM audit_log ORDER BY rowid').all() as { action: string }[];
    const before = audit().length;
    await refused(
      h,
      () => h.call('', 'POST', '/auth/login', { username: 'lanhdao.cu', password: 'lanh-dao-nghi-huu-2026' }),
      { status: 403, code: 'account-disabled', field: 'username' },
      ['audit_log'],
    );
    expect(audit().slice(before)).toEqual([{ action: 'auth.login-failed' }]);
  });

  it('repeated wrong passwords lock the username out: 429 too-many-attempts on password, even with the right one', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await h.call('', 'POST', '/auth/login', { username: 'admin', password: `sai-mat-khau-${i}` });
      expect(r.body.error).toMatchObject({ code: 'invalid-credentials', field: 'password' });
    }
    await refused(h, () => h.call('', 'POST', '/auth/login', { username: 'admin', password: ADMIN_PASSWORD }), {
      status: 429,
      code: 'too-many-attempts',
      field: 'password',
    });
  });
});
