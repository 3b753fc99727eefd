import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { renderForBoard } from '../apps/player/src/runtime/led-outputs';
import { type BoardSimulator, createBoardSimulator } from '../apps/player/src/led';
import { createPtyPair, type PtyPair } from '../apps/player/src/led/testing/pty-pair';
import { type AdminUi, loginThroughUi, startAdminUi } from './support/admin-ui';
import { BOARD_SIZE, showsExactly } from './support/led';
import { startPlayerProcess, tmpDir, waitFor } from './support/processes';

/**
 * Editing and approval in Debian's Chromium against a real controller, with a real LED player on a
 * socat pty and a board simulator: an admin's slogan edit reaches the board; an editor's edit waits
 * off the board (the old version airing) until an admin approves it in "Chờ duyệt"; a rejection
 * shows its reason to the editor; a campaign's weekday hours drive the device's timeline; a password
 * change and disabling a user end that user's open sessions; the audit log holds each of these steps;
 * an editor follows urgent messages but only the admin sees the controls to send and stop them.
 */

const EDITOR = { username: 'bientap.tamky', password: 'mat-khau-bien-tap' };
const FIRST = 'Đóng BHXH đúng hạn';
const SECOND = 'Mua BHYT cho cả nhà';
const THIRD = 'Tra cứu trên VssID';
const REJECTED = 'Bản sai chính tả';
const TITLE = 'Khẩu hiệu sảnh';

let ui: AdminUi;
let pair: PtyPair;
let sim: BoardSimulator;
let editorPage: Page;
let deviceId: string;
let districtId: string;
let contentId: string;

const boardShows = (text: string) =>
  waitFor(() => showsExactly(sim, renderForBoard(text, BOARD_SIZE)), `the board to show "${text}"`, 20_000);

beforeAll(async () => {
  ui = await startAdminUi({ name: 'ui-approval' });
  const { api } = ui;
  const district = await api.post<{ id: string }>('/groups', { name: 'Tam Kỳ', kind: 'district' });
  districtId = district.body.id;
  expect((await api.post('/users', { ...EDITOR, role: 'editor', groupId: districtId })).status).toBe(201);
  const dev = await api.post<{ id: string; token: string }>('/devices', {
    name: 'Bảng LED sảnh',
    kind: 'led',
    groupId: districtId,
  });
  deviceId = dev.body.id;
  pair = await createPtyPair();
  sim = createBoardSimulator({ path: pair.b, size: BOARD_SIZE, pageHoldMs: 500, presenceCheckMs: 100 });
  await sim.open();
  ui.track(
    startPlayerProcess({
      controllerUrl: ui.controller.url,
      token: dev.body.token,
      dataDir: tmpDir('ui-approval-player'),
      extraArgs: ['--output', `led,protocol=alpha,port=${pair.a},size=96x16,address=00,name=sanh`],
    }),
  );
  const c = await api.post<{ id: string }>('/content', { type: 'slogan', title: TITLE, text: FIRST });
  contentId = c.body.id;
  const p = await api.post<{ id: string }>('/playlists', {
    name: 'Sảnh',
    items: [{ contentId, durationMs: 2000 }],
  });
  expect((await api.post('/schedules', { playlistId: p.body.id, target: { deviceIds: [deviceId] } })).status).toBe(201);
  await ui.open();
  await ui.login();
  // The editor works in a second tab of the same browser: each tab keeps its own session.
  editorPage = await ui.context.newPage();
  await editorPage.goto(ui.controller.url);
  await loginThroughUi(editorPage, EDITOR.username, EDITOR.password);
}, 90_000);

afterAll(async () => {
  await ui?.close();
  await sim?.close();
  await pair?.close();
});

async function editSlogan(page: Page, text: string) {
  await page.getByRole('navigation').getByRole('link', { name: 'Nội dung', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Thư viện nội dung' }).waitFor();
  await page.getByRole('button', { name: `Sửa “${TITLE}”` }).click();
  await page.getByRole('heading', { name: 'Sửa khẩu hiệu' }).waitFor();
  await page.getByLabel('Nội dung khẩu hiệu').fill(text);
  await page.getByRole('button', { name: 'Lưu', exact: true }).click();
}

describe('admin UI: editing and approval before airing', () => {
  it("shows an admin's slogan edit on the board, the form staying on the saved slogan", async () => {
    await boardShows(FIRST);
    await editSlogan(ui.page, SECOND);
    await ui.page.getByText('Đã lưu thay đổi.').waitFor();
    // Stays on the saved item: still editing it, with what was stored.
    expect(await ui.page.getByLabel('Nội dung khẩu hiệu').inputValue()).toBe(SECOND);
    await ui.page.getByRole('heading', { name: 'Sửa khẩu hiệu' }).waitFor();
    await boardShows(SECOND);
  });

  it("keeps an editor's edit off the board, the old version airing, until an admin approves it", async () => {
    await editSlogan(editorPage, THIRD);
    await editorPage.getByText('Đã lưu thay đổi, đang chờ quản trị viên duyệt.').waitFor();
    await editorPage.locator('.content-status[data-status="pending"]').first().waitFor();
    // A 2-second item later (it re-plays every 2 s), the board still shows the approved version.
    await new Promise((r) => setTimeout(r, 2000));
    expect(showsExactly(sim, renderForBoard(SECOND, BOARD_SIZE))).toBe(true);

    await ui.nav('Chờ duyệt', 'Nội dung chờ duyệt');
    const item = ui.page.getByRole('article', { name: TITLE });
    await item.getByText(THIRD).waitFor();
    await item.getByText(`Đang phát bản đã duyệt trước: ${SECOND}`).waitFor();
    await item.locator('figure[data-board] canvas').first().waitFor();
    await ui.shot('80-approval-queue');
    await item.getByRole('button', { name: `Duyệt “${TITLE}”` }).click();
    await ui.page.getByText('Đã duyệt: nội dung sẽ được phát.').waitFor();
    await ui.page.getByText('Không có nội dung nào chờ duyệt.').waitFor();
    await boardShows(THIRD);
  });

  it('names the reason of a rejection to the editor, and the approved version goes on airing', async () => {
    await editSlogan(editorPage, REJECTED);
    await editorPage.getByText('Đã lưu thay đổi, đang chờ quản trị viên duyệt.').waitFor();
    await ui.page.reload();
    await ui.page.getByRole('heading', { level: 1, name: 'Nội dung chờ duyệt' }).waitFor();
    const item = ui.page.getByRole('article', { name: TITLE });
    await item.getByRole('button', { name: `Từ chối “${TITLE}”` }).click();
    // Without a reason the API refuses, and the form says so beside the field.
    await item.getByRole('button', { name: 'Gửi từ chối' }).click();
    await item.locator('[aria-invalid="true"]').waitFor();
    await item.getByLabel('Lý do từ chối').fill('Sai chính tả, sửa lại giúp');
    await item.getByRole('button', { name: 'Gửi từ chối' }).click();
    await ui.page.getByText('Đã từ chối, người soạn sẽ thấy lý do.').waitFor();

    await editorPage.reload();
    await editorPage.getByRole('heading', { level: 1, name: 'Thư viện nội dung' }).waitFor();
    await editorPage.getByText('Bị từ chối: Sai chính tả, sửa lại giúp').waitFor();
    expect(showsExactly(sim, renderForBoard(THIRD, BOARD_SIZE))).toBe(true);
  });

  it("drives the device's timeline by a campaign's weekday hours", async () => {
    const { api } = ui;
    const weekdays = { kind: 'weekly', days: [1, 2, 3, 4, 5], dayparts: [{ start: '07:00', end: '11:00' }] };
    const p = await api.post<{ id: string }>('/playlists', {
      name: 'Chiến dịch BHYT',
      items: [{ contentId, durationMs: 2000 }],
    });
    const c = await api.post<{ id: string }>('/campaigns', {
      name: 'Tháng BHYT',
      startsOn: '2026-01-01',
      endsOn: '2030-12-31',
      priority: 60,
      status: 'scheduled',
      recurrence: weekdays,
      target: { groupIds: [districtId] },
      playlistIds: [p.body.id],
    });
    expect(c.status, c.text).toBe(201);
    const entry = await api.post<{ id: string }>(`/campaigns/${c.body.id}/schedules`, {});
    expect(entry.status, entry.text).toBe(201);
    // A week from Monday 2027-03-01, local time (UTC+7).
    const tl = await api.get<{ segments: { start: string; end: string; campaignId: string | null }[] }>(
      `/devices/${deviceId}/timeline?from=2027-03-01T00:00:00%2B07:00&to=2027-03-08T00:00:00%2B07:00`,
    );
    expect(tl.status, tl.text).toBe(200);
    const campaign = tl.body.segments.filter((s) => s.campaignId === c.body.id);
    expect(campaign.map((s) => [s.start, s.end])).toEqual(
      [1, 2, 3, 4, 5].map((d) => [`2027-03-0${d}T00:00:00.000Z`, `2027-03-0${d}T04:00:00.000Z`]),
    );
  });

  it("ends a user's open sessions when their password changes or they are disabled", async () => {
    const { api } = ui;
    const user = { username: 'xem.baocao', password: 'mat-khau-xem-bao-cao' };
    const made = await api.post<{ id: string }>('/users', { ...user, role: 'viewer' });
    expect(made.status, made.text).toBe(201);
    const page = await ui.context.newPage();
    await page.goto(ui.controller.url);
    await loginThroughUi(page, user.username, user.password);
    // The user changes their own password on "Đổi mật khẩu": this tab stays signed in.
    await page.getByRole('navigation').getByRole('link', { name: 'Đổi mật khẩu', exact: true }).click();
    await page.getByLabel('Mật khẩu hiện tại').fill(user.password);
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill('doi-mat-khau-moi-2026');
    await page.getByLabel('Nhập lại mật khẩu mới').fill('doi-mat-khau-moi-2026');
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await page.getByText('Đã đổi mật khẩu.', { exact: false }).waitFor();

    // An admin resets it: the user's tab is signed out (its next request is refused).
    const reset = await api.request('PATCH', `/users/${made.body.id}`, { password: 'quan-tri-dat-lai-2026' });
    expect(reset.status, reset.text).toBe(200);
    await page.reload();
    await page.getByRole('button', { name: 'Đăng nhập' }).waitFor();
    await loginThroughUi(page, user.username, 'quan-tri-dat-lai-2026');

    const disabled = await api.request('PATCH', `/users/${made.body.id}`, { disabled: true });
    expect(disabled.status, disabled.text).toBe(200);
    await page.reload();
    await page.getByRole('button', { name: 'Đăng nhập' }).waitFor();
    await page.getByLabel('Tên đăng nhập').fill(user.username);
    await page.getByLabel('Mật khẩu').fill('quan-tri-dat-lai-2026');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.locator('[role="alert"]').first().waitFor();
    expect(await page.getByRole('button', { name: 'Đăng xuất' }).count()).toBe(0);
    await page.close();
  });

  it('has an audit entry for each of these steps, with who did it', async () => {
    const r = await ui.api.get<{ action: string; entity: string; entityId: string; username: string }[]>('/audit');
    expect(r.status, r.text).toBe(200);
    const has = (action: string, username: string, entityId?: string) =>
      r.body.some((e) => e.action === action && e.username === username && (!entityId || e.entityId === entityId));
    const expected: [string, string, string?][] = [
      ['content.update', 'admin', contentId],
      ['content.update', EDITOR.username, contentId],
      ['content.approve', 'admin', contentId],
      ['content.reject', 'admin', contentId],
      ['campaigns.create', 'admin'],
      ['auth.password', 'xem.baocao'],
      ['users.password-reset', 'admin'],
      ['users.disable', 'admin'],
      ['auth.login', EDITOR.username],
    ];
    const missing = expected.filter(([a, u, id]) => !has(a, u, id));
    expect(missing, JSON.stringify(r.body.map((e) => `${e.action} ${e.username}`))).toEqual([]);
  });

  it("shows an editor the urgent messages of their district without the admin's send and stop controls", async () => {
    const text = 'Tạm ngừng tiếp dân 14:00–15:00 do mất điện';
    const sent = await ui.api.post<{ id: string }>('/interrupts', { text, target: { deviceIds: [deviceId] } });
    expect(sent.status, sent.text).toBe(201);
    try {
      const open = async (page: Page) => {
        await page.getByRole('navigation').getByRole('link', { name: 'Tin khẩn', exact: true }).click();
        await page.getByRole('heading', { level: 1, name: 'Tin khẩn cấp', exact: true }).waitFor();
        await page
          .getByRole('row', { name: new RegExp(text) })
          .getByRole('button', { name: 'Xem' })
          .click();
        await page.getByRole('heading', { name: 'Tình trạng nhận tin' }).waitFor();
      };
      // The editor reads the message and its deliveries, and is told who sends and stops.
      await open(editorPage);
      await editorPage.locator('[data-delivery="Bảng LED sảnh"]').waitFor();
      await editorPage.getByText('Chỉ quản trị viên cấp tỉnh gửi và dừng được tin khẩn', { exact: false }).waitFor();
      expect(await editorPage.getByRole('button', { name: 'Gửi tin khẩn…' }).count()).toBe(0);
      expect(await editorPage.getByLabel('Nội dung tin khẩn').count()).toBe(0);
      expect(await editorPage.getByRole('button', { name: 'Dừng tin khẩn' }).count()).toBe(0);
      // The same message on the admin's screen: both controls are there.
      await open(ui.page);
      await ui.page.getByRole('button', { name: 'Dừng tin khẩn' }).waitFor();
      expect(await ui.page.getByRole('button', { name: 'Gửi tin khẩn…' }).count()).toBe(1);
      expect(await ui.page.getByTestId('urgent-admin-only').count()).toBe(0);
    } finally {
      await ui.api.post(`/interrupts/${sent.body.id}/cancel`);
    }
  });
});
