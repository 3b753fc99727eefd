import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, type AdminUi, startAdminUi } from './support/admin-ui';
import { ROOT, startPlayerProcess, tmpDir, waitFor } from './support/processes';

/**
 * The admin UI in Debian's Chromium against a real controller and a real headless player: what an
 * office clerk does, from login to the proof CSV, and that a district editor sees only their district.
 */

const WEB = path.join(ROOT, 'apps/controller/web');
const DIST_INDEX = path.join(WEB, 'dist/index.html');
const SLOGAN = 'Tham gia BHXH tự nguyện để được hưởng lương hưu khi về già';
const SLOGAN_TITLE = 'BHXH tự nguyện';

let ui: AdminUi;
const ids = { province: '', districtA: '', districtB: '' };

beforeAll(async () => {
  ui = await startAdminUi({ name: 'ui' });
  const { api } = ui;
  const g = async (name: string, kind: string, parentId?: string) => {
    const r = await api.post<{ id: string }>('/groups', { name, kind, parentId });
    expect(r.status).toBe(201);
    return r.body.id;
  };
  ids.province = await g('Tỉnh Quảng Nam', 'province');
  ids.districtA = await g('Huyện Duy Xuyên', 'district', ids.province);
  ids.districtB = await g('Huyện Đại Lộc', 'district', ids.province);
  expect(
    (
      await api.post('/users', {
        username: 'bientap.dailoc',
        password: 'mat-khau-bien-tap',
        role: 'editor',
        groupId: ids.districtB,
      })
    ).status,
  ).toBe(201);
  expect((await api.post('/devices', { name: 'Kiosk Đại Lộc', kind: 'kiosk', groupId: ids.districtB })).status).toBe(
    201,
  );

  ui.page.on('dialog', (d) => void d.accept());
}, 120_000);

afterAll(() => ui?.close());

describe('admin UI', () => {
  it('serves the SPA with a fallback and keeps API 404s as JSON', async () => {
    const deep = await fetch(`${ui.controller.url}/playlists`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="root">');
    const missing = await ui.api.get('/khong-co');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not-found');
  });

  it('loads under 300 KB of gzipped JavaScript on the first page', () => {
    const html = fs.readFileSync(DIST_INDEX, 'utf8');
    const scripts = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    const gz = scripts.reduce((s, f) => s + zlib.gzipSync(fs.readFileSync(path.join(WEB, 'dist', f))).length, 0);
    expect(gz).toBeLessThan(300 * 1024);
  });

  it('takes a slogan from the editor to a playing board and a proof CSV', async () => {
    await ui.open();
    await ui.shot('01-login');
    // A wrong password is refused beside the password field, and the username stays typed.
    await ui.page.getByLabel('Tên đăng nhập').fill('admin');
    await ui.page.getByLabel('Mật khẩu').fill('sai-mat-khau');
    await ui.page.getByRole('button', { name: 'Đăng nhập' }).click();
    await ui.page.getByText('Sai tên đăng nhập hoặc mật khẩu.').waitFor();
    expect(await ui.page.getByLabel('Tên đăng nhập').inputValue()).toBe('admin');
    await ui.login('admin', ADMIN_PASSWORD);
    await ui.page.getByRole('heading', { name: 'Tổng quan thiết bị' }).waitFor();

    // Enrol the board through the UI and start a player with the token it shows once.
    await ui.nav('Thiết bị', 'Thiết bị');
    await ui.page.getByLabel('Tên thiết bị').fill('Bảng LED Duy Xuyên');
    await ui.page.getByLabel('Loại thiết bị').selectOption({ label: 'Bảng LED' });
    await ui.page.getByLabel('Thuộc địa bàn').selectOption(ids.districtA);
    await ui.page.getByRole('button', { name: 'Tạo' }).click();
    const token = (await ui.page.getByTestId('device-token').textContent())!.trim();
    expect(token.length).toBeGreaterThan(16);
    await ui.shot('06-devices');
    ui.track(startPlayerProcess({ controllerUrl: ui.controller.url, token, dataDir: tmpDir('ui-player') }));

    // Slogan with its LED preview, drawn by the drivers' renderer.
    await ui.nav('Nội dung', 'Thư viện nội dung');
    await ui.page.getByLabel('Tiêu đề (không bắt buộc)').fill(SLOGAN_TITLE);
    await ui.page.getByLabel('Nội dung khẩu hiệu').fill(SLOGAN);
    const board = ui.page.locator('figure[data-board="96×16"] canvas');
    await board.waitFor();
    await waitFor(async () => Number(await board.getAttribute('data-lit')) > 0, 'LED preview to light up');
    // The canvas really shows lit LEDs (not only an attribute): count non-dark pixels.
    // The tests project has no DOM types: describe the little of the canvas this uses.
    type Canvas = {
      width: number;
      height: number;
      getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
    };
    const litOnCanvas = await board.evaluate((el) => {
      const c = el as unknown as Canvas;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i]! > 200 && d[i + 1]! < 80) n++;
      return n;
    });
    expect(litOnCanvas).toBeGreaterThan(100);
    expect(Number(await board.getAttribute('data-frames'))).toBeGreaterThan(1); // too long for 96 px: it scrolls
    await ui.page.getByText('Bố cục:').first().waitFor();
    await ui.shot('03-content-editor');
    await ui.page.getByRole('button', { name: 'Lưu' }).click();
    await ui.page.getByText('Đã lưu khẩu hiệu.').waitFor();
    await ui.page.getByRole('cell', { name: SLOGAN }).waitFor();

    // Playlist: an API refusal shows beside the item's duration and keeps what was typed.
    await ui.nav('Danh sách phát', 'Danh sách phát');
    await ui.page.getByLabel('Tên danh sách phát').fill('Chiến dịch BHXH tháng 7');
    await ui.page.getByLabel('Thêm nội dung').selectOption({ label: SLOGAN_TITLE });
    await ui.page.getByRole('button', { name: 'Thêm vào danh sách' }).click();
    const duration = ui.page.getByLabel('Thời lượng mục 1 (giây)');
    await duration.fill('0,5');
    await ui.page.getByRole('button', { name: 'Lưu' }).click();
    const durationError = ui.page.locator('.playlist-items .error');
    await durationError.waitFor();
    // Said in Vietnamese, naming the item (the API's field is items.0.durationMs).
    expect(await durationError.textContent()).toBe('Thời lượng (ms) (mục 1): phải lớn hơn hoặc bằng 1.000');
    expect(await duration.getAttribute('aria-invalid')).toBe('true');
    expect(await ui.page.getByLabel('Tên danh sách phát').inputValue()).toBe('Chiến dịch BHXH tháng 7');
    await ui.shot('04-playlist-error');
    await duration.fill('2');
    await ui.page.getByRole('button', { name: 'Lưu' }).click();
    await ui.page.getByText('Đã lưu danh sách phát.').waitFor();
    await ui.page.getByRole('cell', { name: /Chiến dịch BHXH tháng 7/ }).waitFor();

    // Schedule it for district Duy Xuyên from the district tree.
    await ui.nav('Lịch phát', 'Lịch phát');
    await ui.page
      .getByRole('combobox', { name: 'Danh sách phát', exact: true })
      .selectOption({ label: 'Chiến dịch BHXH tháng 7' });
    await ui.page.getByRole('checkbox', { name: 'Huyện Duy Xuyên' }).check();
    await ui.page.getByRole('button', { name: 'Lưu' }).click();
    await ui.page.getByText('Đã lên lịch.').waitFor();
    await ui.page.getByRole('cell', { name: 'Huyện Duy Xuyên' }).waitFor();
    await ui.shot('05-schedules');

    // The dashboard shows the board playing the slogan, refreshed live over Socket.IO (polling when the socket is down).
    await ui.nav('Tổng quan', 'Tổng quan thiết bị');
    const row = ui.page.locator('[data-device="Bảng LED Duy Xuyên"]');
    await row.locator('.now-playing', { hasText: SLOGAN_TITLE }).waitFor({ timeout: 20_000 });
    await row.locator('.status-online').waitFor();
    await ui.shot('02-dashboard');

    // Proofs arrive; the report shows them and exports the CSV.
    await waitFor(async () => (await ui.api.get<unknown[]>('/proofs')).body.length >= 2, 'proofs to arrive', 30_000);
    await ui.nav('Báo cáo', 'Báo cáo phát sóng');
    await ui.page.getByRole('button', { name: 'Xem báo cáo' }).click();
    // The proof list's summary (the airtime card above has its own, data-testid=airtime-summary).
    await ui.page.getByText(/^[1-9]\d* lượt phát, tổng/).waitFor({ timeout: 15_000 });
    await ui.page.getByRole('cell', { name: 'Bảng LED Duy Xuyên' }).first().waitFor();
    await ui.shot('07-reports');
    const [download] = await Promise.all([
      ui.page.waitForEvent('download'),
      ui.page.getByRole('button', { name: 'Tải tệp CSV' }).click(),
    ]);
    const csvPath = path.join(tmpDir('ui-csv'), 'proofs.csv');
    await download.saveAs(csvPath);
    const csv = fs.readFileSync(csvPath, 'utf8');
    const devices = (await ui.api.get<{ id: string; name: string }[]>('/devices')).body;
    const board96 = devices.find((d) => d.name === 'Bảng LED Duy Xuyên')!;
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain(board96.id);
    expect(csv.trim().split('\n').length).toBeGreaterThanOrEqual(3); // header + at least two plays

    await ui.nav('Người dùng', 'Người dùng');
    await ui.page.getByRole('cell', { name: 'bientap.dailoc' }).waitFor();
    await ui.shot('08-users');
    await ui.page.getByRole('button', { name: 'Đăng xuất' }).click();
    await ui.page.getByLabel('Tên đăng nhập').waitFor();
  });

  it('shows a district editor only their own district', async () => {
    // Start from a fresh tab session whatever the test before left behind.
    await ui.page.evaluate(() => sessionStorage.clear());
    await ui.open();
    await ui.login('bientap.dailoc', 'mat-khau-bien-tap');
    await ui.page.getByText('Kiosk Đại Lộc').waitFor();
    await ui.page.locator('.summary', { hasText: 'tổng 1' }).waitFor();
    expect(await ui.page.locator('[data-device="Bảng LED Duy Xuyên"]').count()).toBe(0);
    expect(await ui.page.getByRole('link', { name: 'Người dùng' }).count()).toBe(0);
    await ui.shot('09-editor-dashboard');

    await ui.nav('Lịch phát', 'Lịch phát');
    await ui.page.getByRole('heading', { name: 'Lịch đã có' }).waitFor();
    await ui.page.getByText('Chưa có lịch phát.').waitFor();
    expect(await ui.page.getByRole('cell', { name: 'Huyện Duy Xuyên' }).count()).toBe(0);
    expect(await ui.page.getByRole('checkbox', { name: 'Huyện Duy Xuyên' }).count()).toBe(0);
    // The editor schedules on their own district, weekdays 07:00–17:00 (issue 3's weekly recurrence).
    await ui.page.getByRole('combobox', { name: 'Danh sách phát', exact: true }).selectOption({
      label: 'Chiến dịch BHXH tháng 7',
    });
    await ui.page.getByRole('checkbox', { name: 'Huyện Đại Lộc' }).check();
    await ui.page.getByRole('radio', { name: 'Chỉ phát vào một số ngày trong tuần' }).check();
    for (const d of ['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu'])
      await ui.page.getByRole('checkbox', { name: d, exact: true }).uncheck();
    await ui.page.getByRole('button', { name: 'Lưu' }).click();
    // No day picked: the API's complaint shows under the weekdays and the choices stay.
    await ui.page.getByText('Ngày trong tuần: hãy chọn ít nhất một ngày').waitFor();
    expect(await ui.page.getByRole('checkbox', { name: 'Huyện Đại Lộc' }).isChecked()).toBe(true);
    for (const d of ['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu'])
      await ui.page.getByRole('checkbox', { name: d, exact: true }).check();
    await ui.page.getByRole('button', { name: 'Lưu' }).click();
    await ui.page.getByText('Đã lên lịch.').waitFor();
    await ui.page.getByRole('cell', { name: /07:00–17:00/ }).waitFor();
    await ui.shot('10-editor-weekly-schedule');

    await ui.nav('Thiết bị', 'Thiết bị');
    await ui.page.getByRole('cell', { name: 'Kiosk Đại Lộc', exact: true }).waitFor();
    expect(await ui.page.getByRole('cell', { name: 'Bảng LED Duy Xuyên', exact: true }).count()).toBe(0);

    // A deep link to an admin-only screen is not there for an editor.
    await ui.open('/users');
    await ui.page.getByRole('heading', { name: 'Không có trang này' }).waitFor();

    // One switch turns the whole UI to English.
    await ui.page.getByRole('button', { name: 'English' }).click();
    await ui.page.getByRole('heading', { name: 'No such page' }).waitFor();
    await ui.page.getByRole('navigation').getByRole('link', { name: 'Schedules', exact: true }).waitFor();
  });
});
