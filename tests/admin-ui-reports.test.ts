import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminUi, startAdminUi } from './support/admin-ui';
import { startPlayerProcess, tmpDir, waitFor } from './support/processes';

/**
 * Issue 6's remaining admin screens in Debian's Chromium against a real controller and a real
 * headless player: the player goes away (killed) and comes back, and the reports screen shows the
 * gap; the device panel configures an LED board and says what is wrong with a bad value in Vietnamese.
 */

const DEVICE = 'Bảng LED Tam Kỳ';

let ui: AdminUi;
let deviceId = '';

const online = async () =>
  (await ui.api.get<{ id: string; online: boolean }[]>('/devices')).body.find((d) => d.id === deviceId)?.online;

beforeAll(async () => {
  ui = await startAdminUi({ name: 'ui-rep' });
  const { api, controller } = ui;
  const g = await api.post<{ id: string }>('/groups', { name: 'Thành phố Tam Kỳ', kind: 'district' });
  expect(g.status).toBe(201);
  const d = await api.post<{ id: string; token: string }>('/devices', {
    name: DEVICE,
    kind: 'led',
    groupId: g.body.id,
  });
  expect(d.status).toBe(201);
  deviceId = d.body.id;

  // Connect, drop (SIGKILL: no goodbye), and come back with the same cache: one offline gap.
  const playerDir = tmpDir('ui-rep-player');
  const start = () => startPlayerProcess({ controllerUrl: controller.url, token: d.body.token, dataDir: playerDir });
  const first = start();
  ui.track(first);
  await waitFor(online, 'the player to connect', 30_000);
  await first.kill9();
  await waitFor(async () => (await online()) === false, 'the controller to see the player gone', 15_000);
  await new Promise((r) => setTimeout(r, 1500));
  ui.track(start());
  await waitFor(online, 'the player to reconnect', 30_000);

  await ui.open();
  await ui.login();
}, 120_000);

afterAll(() => ui?.close());

describe('admin UI: availability report and LED board configuration', () => {
  it('shows the gap while the player was killed, on the timeline and in the table, in Vietnam time', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    const r = await ui.api.get<{
      devices: { deviceId: string; offline: { from: string; to: string; seconds: number }[] }[];
    }>(`/reports/availability?from=${today}&to=${today}&deviceId=${deviceId}`);
    expect(r.status).toBe(200);
    // Offline from enrolment to the first connection, then the gap while the player was dead.
    const gaps = r.body.devices[0]!.offline;
    expect(gaps).toHaveLength(2);
    const gap = gaps[1]!;
    expect(gap.seconds).toBeGreaterThanOrEqual(1);

    await ui.nav('Báo cáo', 'Báo cáo phát sóng');
    const card = ui.page.getByTestId('availability');
    await card.getByRole('heading', { name: 'Thời gian kết nối và các lần mất kết nối' }).waitFor();
    await card.locator('.summary', { hasText: '2 lần mất kết nối' }).waitFor({ timeout: 15_000 });
    // The timeline draws the device's gaps in red.
    await expect.poll(() => card.locator(`g[data-device="${deviceId}"] rect.gap`).count()).toBe(2);
    // The table gives the gap's times as vi-VN wall-clock time in Asia/Ho_Chi_Minh.
    const vn = new Intl.DateTimeFormat('vi-VN', {
      timeZone: 'Asia/Ho_Chi_Minh',
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    const row = ui.page
      .getByTestId('availability-gaps')
      .getByRole('row')
      .filter({ hasText: vn.format(new Date(gap.from)) })
      .filter({ hasText: vn.format(new Date(gap.to)) });
    await row.waitFor();
    expect(await row.textContent()).toContain(DEVICE);
    expect(await row.textContent()).toContain(vn.format(new Date(gap.to)));
    await card.scrollIntoViewIfNeeded();
    await ui.shot('10-reports-availability');

    const [download] = await Promise.all([
      ui.page.waitForEvent('download'),
      card.getByRole('button', { name: 'Tải CSV thời gian kết nối' }).click(),
    ]);
    const csvPath = path.join(tmpDir('ui-rep-csv'), 'availability.csv');
    await download.saveAs(csvPath);
    const csv = fs.readFileSync(csvPath, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const line = csv.split('\r\n').find((l) => l.startsWith(DEVICE))!;
    expect(line).toContain(today);
    const hms = new Intl.DateTimeFormat('vi-VN', {
      timeZone: 'Asia/Ho_Chi_Minh',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    expect(line).toContain(`${hms.format(new Date(gap.from))}–${hms.format(new Date(gap.to))}`);
  });

  it('configures an LED board from the device panel, with a Vietnamese error beside a bad baud rate', async () => {
    await ui.nav('Thiết bị', 'Thiết bị');
    await ui.page.getByRole('button', { name: `Quản lý: ${DEVICE}` }).click();
    const boards = ui.page.locator('section.board-config');
    await boards.getByText('Chưa cấu hình bảng LED nào.').waitFor();
    await boards.getByRole('button', { name: 'Thêm bảng LED' }).click();
    await boards.getByLabel('Tên bảng').fill('cong-chinh');
    await boards.getByLabel('Cổng nối tiếp').fill('/dev/ttyUSB0');
    await boards.getByLabel('Kích thước (cột × hàng)').selectOption('128x32');
    const baud = boards.getByLabel('Tốc độ (baud)');
    await baud.fill('1234');
    // The sample slogan is drawn on the chosen board size by the drivers' renderer.
    const preview = boards.locator('figure[data-board="128×32"] canvas');
    await waitFor(async () => Number(await preview.getAttribute('data-lit')) > 0, 'the board preview to light up');

    await boards.getByRole('button', { name: 'Áp dụng cấu hình bảng LED' }).click();
    const baudError = boards.locator('.field-invalid .error');
    await baudError.waitFor();
    expect(await baudError.textContent()).toBe(
      'Tốc độ baud (mục 1): phải là một trong: 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200',
    );
    expect(await baud.getAttribute('aria-invalid')).toBe('true');
    // Nothing typed is lost.
    expect(await boards.getByLabel('Tên bảng').inputValue()).toBe('cong-chinh');
    await ui.shot('11-board-config-error');

    await baud.fill('19200');
    await boards.getByLabel('Địa chỉ bảng (hex)').fill('0a');
    await boards.getByRole('button', { name: 'Áp dụng cấu hình bảng LED' }).click();
    await boards.getByText('Đã lưu và gửi cấu hình bảng LED tới thiết bị.').waitFor();
    // The controller normalised the address; the form shows what was saved.
    expect(await boards.getByLabel('Địa chỉ bảng (hex)').inputValue()).toBe('0A');
    const saved = await ui.api.get<{ config: Record<string, unknown>[] }>(`/devices/${deviceId}/outputs`);
    expect(saved.body.config).toEqual([
      {
        name: 'cong-chinh',
        protocol: 'alpha',
        port: '/dev/ttyUSB0',
        baud: 19200,
        size: '128x32',
        address: '0A',
        colour: 'mono',
      },
    ]);
    await ui.shot('12-board-config');
  });
});
