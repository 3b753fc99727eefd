import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from './support/api';
import { buildWebIfMissing, launchChromium } from './support/browser';
import {
  type ControllerProc,
  type Proc,
  ROOT,
  startControllerProcess,
  startPlayerProcess,
  tmpDir,
  waitFor,
} from './support/processes';

/**
 * The admin screens of issue 6 in Debian's Chromium against a real controller and a real headless
 * player: an urgent message the board acknowledges, a campaign drawn on the device's calendar, and an
 * uploaded PNG shown with the thumbnail the controller made of it.
 */

const SHOTS = path.join(ROOT, 'test-artifacts/ui');
const ADMIN_PASSWORD = 'mat-khau-thu-nghiem';
const BOARD = 'Bảng LED Thăng Bình';
const DISTRICT = 'Huyện Thăng Bình';
const PLAYLIST = 'Tuyên truyền BHYT học sinh';
const CAMPAIGN = 'Tháng vận động BHYT học sinh';
const URGENT = 'Bão số 9 đổ bộ: người dân không ra khơi, sơ tán khỏi vùng trũng thấp';

let controller: ControllerProc;
let controllerDir: string;
let api: Api;
let context: BrowserContext;
let page: Page;
const procs: Proc[] = [];

/** A real PNG (RGB, 8 bits) of a red and yellow flag-like picture, encoded here so the test needs no file. */
function makePng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const star = Math.abs(x - width / 2) + Math.abs(y - height / 2) < height / 5;
      raw.set(star ? [255, 215, 0] : [218, 37, 29], row + 1 + x * 3);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function nav(name: string, heading: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
}

beforeAll(async () => {
  buildWebIfMissing();
  fs.mkdirSync(SHOTS, { recursive: true });
  controllerDir = tmpDir('ui2-controller');
  controller = await startControllerProcess({ dataDir: controllerDir, adminPassword: ADMIN_PASSWORD });
  procs.push(controller);
  api = await new Api(controller.url).login('admin', ADMIN_PASSWORD);
  const province = (await api.post<{ id: string }>('/groups', { name: 'Tỉnh Quảng Nam', kind: 'province' })).body.id;
  const district = (await api.post<{ id: string }>('/groups', { name: DISTRICT, kind: 'district', parentId: province }))
    .body;
  const device = await api.post<{ id: string; token: string }>('/devices', {
    name: BOARD,
    kind: 'led',
    groupId: district.id,
  });
  expect(device.status).toBe(201);
  procs.push(
    startPlayerProcess({
      controllerUrl: controller.url,
      token: device.body.token,
      dataDir: tmpDir('ui2-player'),
      // A board on a serial port that is not there: its status (not working, with the error) must show.
      extraArgs: [
        '--output',
        `led,protocol=alpha,port=${path.join(tmpDir('ui2-tty'), 'ttyMissing')},size=96x16,name=cong-cho`,
      ],
    }),
  );
  const slogan = await api.post<{ id: string }>('/content', {
    type: 'slogan',
    text: 'Học sinh tham gia BHYT là quyền lợi và trách nhiệm',
  });
  expect(
    (await api.post('/playlists', { name: PLAYLIST, items: [{ contentId: slogan.body.id, durationMs: 5000 }] })).status,
  ).toBe(201);

  context = await launchChromium(tmpDir('ui2-chromium'), {
    viewport: { width: 1366, height: 900 },
    acceptDownloads: true,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('dialog', (d) => void d.accept());
  await page.goto(controller.url);
  await page.getByLabel('Tên đăng nhập').fill('admin');
  await page.getByLabel('Mật khẩu').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
  await waitFor(
    async () => (await api.get<{ name: string; online: boolean }[]>('/devices')).body.some((d) => d.online),
    'the player to connect',
    20_000,
  );
  await waitFor(
    async () =>
      (await api.get<{ outputs?: { id: string }[] }[]>('/devices')).body.some((d) =>
        d.outputs?.some((o) => o.id === 'led:cong-cho'),
      ),
    'the player to report its LED board',
    20_000,
  );
}, 120_000);

afterAll(async () => {
  await context?.close();
  await Promise.all(procs.map((p) => p.kill9()));
});

describe('admin UI: urgent messages, campaigns, media', () => {
  it('sends an urgent message after confirmation and shows the board acknowledging it', async () => {
    await nav('Tin khẩn', 'Tin khẩn cấp');
    await page.getByLabel('Nội dung tin khẩn').fill(URGENT);
    await page.getByRole('checkbox', { name: DISTRICT }).check();
    await page.getByRole('button', { name: 'Gửi tin khẩn…' }).click();
    // Nothing is sent before the confirmation: the dialog names the targets.
    const dialog = page.getByRole('dialog', { name: 'Xác nhận gửi tin khẩn' });
    await dialog.getByText(DISTRICT).waitFor();
    expect((await api.get<unknown[]>('/interrupts')).body).toHaveLength(0);
    await shot('11-urgent-confirm');
    await dialog.getByRole('button', { name: 'Gửi ngay' }).click();
    await page.getByText('Đã gửi tin khẩn.').waitFor();

    const row = page.locator(`[data-delivery="${BOARD}"]`);
    await row.getByText('Đã nhận', { exact: true }).waitFor({ timeout: 15_000 });
    await page.getByText('1/1 thiết bị đã nhận').first().waitFor();
    const sent = (await api.get<{ id: string; text: string; deliveries: { acked: boolean }[] }[]>('/interrupts')).body;
    expect(sent.map((m) => [m.text, m.deliveries.map((d) => d.acked)])).toEqual([[URGENT, [true]]]);
    await shot('12-urgent-acked');

    await page.getByRole('button', { name: 'Dừng tin khẩn' }).click();
    await page.getByText('Đã dừng tin khẩn.').waitFor();
    const stopped = (await api.get<{ cancelledAt: string | null }>(`/interrupts/${sent[0]!.id}`)).body;
    expect(stopped.cancelledAt).not.toBeNull();
  });

  it('creates a campaign and shows it on the device calendar, with what plays at a given time', async () => {
    await nav('Chiến dịch', 'Chiến dịch truyền thông');
    await page.getByLabel('Tên chiến dịch').fill(CAMPAIGN);
    await page.getByLabel('Màu trên lịch').fill('#1e7b34');
    await page.getByRole('checkbox', { name: PLAYLIST }).check();
    await page.getByRole('checkbox', { name: DISTRICT }).check();
    // A bad priority is refused beside its field, and what was typed stays.
    await page.getByLabel('Mức ưu tiên').fill('abc');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.locator('.field-invalid', { hasText: 'Mức ưu tiên' }).locator('.error').waitFor();
    expect(await page.getByLabel('Tên chiến dịch').inputValue()).toBe(CAMPAIGN);
    await page.getByLabel('Mức ưu tiên').fill('60');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã tạo chiến dịch.').waitFor();
    await page.locator(`[data-campaign-row="${CAMPAIGN}"]`).waitFor();

    // The week view draws the device's resolved timeline in the campaign's colour.
    const week = page.getByTestId('week-view');
    const seg = week.locator(`.seg[data-campaign="${CAMPAIGN}"]`).first();
    await seg.waitFor({ timeout: 15_000 });
    expect(await seg.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(30, 123, 52)');
    await shot('13-campaign-week');
    await page.getByRole('button', { name: 'Tháng', exact: true }).click();
    await page.getByTestId('month-view').locator(`li[data-campaign="${CAMPAIGN}"]`).first().waitFor();
    await shot('14-campaign-month');

    // Tomorrow 08:00 in Vietnam: the campaign's playlist plays, by priority.
    const tomorrow = new Date(Date.now() + 7 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Ngày', { exact: true }).fill(tomorrow);
    await page.getByLabel('Giờ', { exact: true }).fill('08:00');
    await page.getByRole('button', { name: 'Xem', exact: true }).click();
    await page.getByTestId('what-at-answer').getByText(`${CAMPAIGN}: ${PLAYLIST}`).waitFor();

    // The .ics export needs the bearer token: downloaded as a blob, a real calendar with the campaign.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải lịch (.ics)' }).click(),
    ]);
    const icsPath = path.join(tmpDir('ui2-ics'), 'campaign.ics');
    await download.saveAs(icsPath);
    const ics = fs.readFileSync(icsPath, 'utf8');
    expect(ics).toContain('BEGIN:VCALENDAR');
    expect(ics.normalize('NFC')).toContain('BHYT');

    // A second campaign at the same priority on the same board: their shared airtime is a conflict.
    const playlists = (await api.get<{ id: string; name: string }[]>('/playlists')).body;
    const district = (await api.get<{ id: string; name: string }[]>('/groups')).body.find((x) => x.name === DISTRICT)!;
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const rival = await api.post<{ id: string }>('/campaigns', {
      name: 'Tuần lễ an toàn giao thông',
      colour: '#1f4e9c',
      startsOn: today,
      endsOn: tomorrow,
      priority: 60,
      target: { groupIds: [district.id] },
      playlistIds: [playlists.find((x) => x.name === PLAYLIST)!.id],
      status: 'scheduled',
    });
    expect(rival.status).toBe(201);
    expect((await api.post(`/campaigns/${rival.body.id}/schedules`, {})).status).toBe(201);
    await nav('Tổng quan', 'Tổng quan thiết bị');
    await nav('Chiến dịch', 'Chiến dịch truyền thông');
    await page.getByTestId('week-view').locator('.seg.conflict').first().waitFor({ timeout: 15_000 });
    // The conflict names both campaigns (in schedule order, which the engine decides).
    const conflict = page.locator('.conflicts li').first();
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain(`${CAMPAIGN}: ${PLAYLIST}`);
    expect(await conflict.textContent()).toContain(`Tuần lễ an toàn giao thông: ${PLAYLIST}`);
    await shot('20-campaign-conflict');

    // Editing the campaign: the form opens with its values and the change is stored. (Its schedule
    // entries keep the priority they were created with, so the calendar conflict stays.)
    await page.locator(`[data-campaign-row="${CAMPAIGN}"]`).getByRole('button', { name: 'Sửa', exact: true }).click();
    await page.getByRole('heading', { name: `Sửa chiến dịch “${CAMPAIGN}”` }).waitFor();
    expect(await page.getByLabel('Tên chiến dịch').inputValue()).toBe(CAMPAIGN);
    await page.getByLabel('Mức ưu tiên').fill('70');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã lưu chiến dịch.').waitFor();
    await page.locator(`[data-campaign-row="${CAMPAIGN}"]`).getByRole('cell', { name: '70', exact: true }).waitFor();
    const edited = (await api.get<{ name: string; priority: number }[]>('/campaigns')).body.find(
      (c) => c.name === CAMPAIGN,
    );
    expect(edited?.priority).toBe(70);
  });

  it('uploads a PNG with a progress bar and lists it with its thumbnail', async () => {
    await nav('Nội dung', 'Thư viện nội dung');
    await page.getByLabel('Tệp ảnh hoặc video').setInputFiles({
      name: 'co-do-sao-vang.png',
      mimeType: 'image/png',
      buffer: makePng(320, 200),
    });
    await page.getByLabel('Tiêu đề tệp (không bắt buộc)').fill('Cờ đỏ sao vàng');
    await page.getByRole('button', { name: 'Tải lên', exact: true }).click();
    await page.getByText('Đã tải lên.').waitFor();
    expect(await page.getByRole('progressbar', { name: 'Tiến độ tải lên' }).getAttribute('value')).toBe('1');

    await page.getByLabel('Loại nội dung').selectOption({ label: 'Ảnh' });
    const row = page.locator('tr[data-content-type="image"]', { hasText: 'Cờ đỏ sao vàng' });
    await row.getByText('320×200').waitFor();
    const thumb = row.getByRole('img', { name: 'Ảnh thu nhỏ: Cờ đỏ sao vàng' });
    await thumb.waitFor();
    await waitFor(async () => (await thumb.evaluate((el) => (el as HTMLImageElement).naturalWidth)) > 0, 'thumbnail');
    // The filter hides the slogans.
    expect(await page.locator('tr[data-content-type="slogan"]').count()).toBe(0);
    await shot('15-content-upload');
  });

  it('schedules weekdays with two dayparts, skipping a Tết holiday list, errors beside the field', async () => {
    await nav('Lịch phát', 'Lịch phát');
    await page.getByLabel('Tên danh sách').fill('Tết Đinh Mùi 2027');
    await page.getByLabel('Các ngày', { exact: true }).fill('2027-02-05\n2027-02-06, 2027-02-07\n2027-02-08');
    await page.getByRole('button', { name: 'Thêm danh sách' }).click();
    await page.getByText('Đã thêm danh sách ngày nghỉ.').waitFor();
    await page.getByRole('cell', { name: '2027-02-05, 2027-02-06, 2027-02-07, 2027-02-08' }).waitFor();

    await page.getByRole('combobox', { name: 'Danh sách phát', exact: true }).selectOption({ label: PLAYLIST });
    await page.getByRole('checkbox', { name: DISTRICT }).check();
    await page.getByRole('radio', { name: 'Chỉ phát vào một số ngày trong tuần' }).check();
    await page.getByLabel('Từ giờ (khung 1)').fill('06:30');
    await page.getByLabel('Đến giờ (khung 1)').fill('08:00');
    await page.getByRole('button', { name: 'Thêm khung giờ' }).click();
    // Overlapping slots are refused, and the message sits beside the second slot.
    await page.getByLabel('Từ giờ (khung 2)').fill('07:30');
    await page.getByLabel('Đến giờ (khung 2)').fill('19:00');
    await page.getByLabel('Trọng số').fill('2');
    await page.getByRole('checkbox', { name: 'Không phát vào Tết Đinh Mùi 2027 (4 ngày)' }).check();
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page
      .locator('.field-invalid', { hasText: 'Đến giờ (khung 2)' })
      .getByText(/trùng với khung giờ 06:30–08:00/)
      .waitFor();
    expect(await page.getByLabel('Đến giờ (khung 2)').getAttribute('aria-invalid')).toBe('true');
    await shot('16-schedule-daypart-error');
    await page.getByLabel('Từ giờ (khung 2)').fill('17:00');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã lên lịch.').waitFor();
    await page.getByRole('cell', { name: /trọng số 2/ }).waitFor();
    const saved = (await api.get<{ recurrence: unknown; weight: number; holidayListIds: string[] }[]>('/schedules'))
      .body;
    const weekly = saved.find((x) => x.weight === 2)!;
    expect(weekly.recurrence).toEqual({
      kind: 'weekly',
      days: [1, 2, 3, 4, 5],
      dayparts: [
        { start: '06:30', end: '08:00' },
        { start: '17:00', end: '19:00' },
      ],
    });
    expect(weekly.holidayListIds).toHaveLength(1);
    await shot('17-schedules');
  });

  it('renames, moves and tags a device, shows its boards, and sends it an identify command', async () => {
    await nav('Thiết bị', 'Thiết bị');
    await page.getByRole('button', { name: `Quản lý: ${BOARD}` }).click();
    await page.getByRole('heading', { name: `Quản lý thiết bị “${BOARD}”` }).waitFor();
    // The heading follows the new name once saved, so the panel is found by its heading's start.
    const panel = page.locator('.card', { has: page.getByRole('heading', { name: /^Quản lý thiết bị/ }) });
    await panel.getByLabel('Tên mới').fill(`${BOARD} (chợ)`);
    await panel.getByLabel('Chuyển sang địa bàn').selectOption({ label: 'Tỉnh Quảng Nam' });
    await panel.getByLabel('Nhãn').fill('chợ, ngoài trời, chợ');
    await panel.getByRole('button', { name: 'Lưu' }).click();
    await panel.getByText('Đã lưu thiết bị.').waitFor();
    const row = page.locator(`[data-device-row="${BOARD} (chợ)"]`);
    await row.getByRole('cell', { name: 'chợ, ngoài trời', exact: true }).waitFor();
    await row.getByRole('cell', { name: 'Tỉnh Quảng Nam', exact: true }).waitFor();
    const stored = (
      await api.get<
        {
          name: string;
          tags: string[];
          outputs?: { id: string; state: string; lastError: { code: string } | null }[];
        }[]
      >('/devices')
    ).body[0]!;
    expect(stored.tags).toEqual(['chợ', 'ngoài trời']);
    // The board on the missing port is reported, and listed with its state and error code.
    const board = stored.outputs?.find((o) => o.id === 'led:cong-cho');
    expect(board?.state).not.toBe('online');
    const cell = row.locator('[data-output="led:cong-cho"]');
    await cell.getByText(board?.state === 'error' ? 'led:cong-cho: lỗi' : 'led:cong-cho: mất kết nối').waitFor();
    if (board?.lastError) await cell.getByText(board.lastError.code).waitFor();

    await panel.getByRole('button', { name: 'Nhận diện (hiện tên trên màn hình)' }).click();
    await panel.getByText('Đã gửi lệnh tới 1 thiết bị.').waitFor();
    await shot('18-device-manage');
  });

  it('reports airtime per campaign and per district per day from the rollups, with CSV and survey counts', async () => {
    const [device] = (await api.get<{ id: string }[]>('/devices')).body;
    const campaign = (await api.get<{ id: string; name: string }[]>('/campaigns')).body.find(
      (c) => c.name === CAMPAIGN,
    );
    const [content] = (await api.get<{ id: string }[]>('/content')).body;
    // What the nightly rollup job (01:15) and a kiosk would have stored, written into the controller's
    // own database file: the job cannot be run on demand, and these screens only read the results.
    const day = (back: number) => new Date(Date.now() + 7 * 3600_000 - back * 86_400_000).toISOString().slice(0, 10);
    const db = new Database(path.join(controllerDir, 'bangtin.sqlite'), { fileMustExist: true, timeout: 5000 });
    try {
      const put = db.prepare(
        'INSERT INTO proof_daily (device_id, campaign_id, content_id, local_date, plays, airtime_ms) VALUES (?, ?, ?, ?, ?, ?)',
      );
      put.run(device!.id, campaign!.id, content!.id, day(2), 12, 90 * 60_000);
      put.run(device!.id, campaign!.id, content!.id, day(1), 8, 30 * 60_000);
      put.run(device!.id, '', content!.id, day(1), 4, 15 * 60_000);
      const answer = db.prepare(
        'INSERT INTO survey_answers (id, device_id, survey_id, rating, choice, answered_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      const now = Date.now();
      answer.run(crypto.randomUUID(), device!.id, 'hai-long', 5, 'nhanh-chong', now, now);
      answer.run(crypto.randomUUID(), device!.id, 'hai-long', 4, 'nhanh-chong', now, now);
      answer.run(crypto.randomUUID(), device!.id, 'hai-long', 4, null, now, now);
    } finally {
      db.close();
    }

    await nav('Báo cáo', 'Báo cáo phát sóng');
    const table = page.getByTestId('rollup-table');
    const campaignRow = table.getByRole('row', { name: new RegExp(CAMPAIGN) });
    await campaignRow.waitFor();
    // 90 and 30 minutes on two days, 120 in total; plays outside campaigns on their own row.
    expect(await campaignRow.locator('td').allTextContents()).toEqual(['90', '30', '120']);
    await table.getByRole('row', { name: /Ngoài chiến dịch/ }).waitFor();
    await page.getByText('Khảo sát hai-long: 3 lượt').waitFor();
    await page.getByText('nhanh-chong: 2').waitFor();
    await shot('19-reports-rollups');

    await page.getByLabel('Nhóm theo').selectOption({ label: 'Huyện' });
    const district = table.getByRole('row', { name: /Tỉnh Quảng Nam/ }); // the device was moved to the province
    expect(await district.locator('td').allTextContents()).toEqual(['90', '45', '135']);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải bảng tổng hợp (CSV)' }).click(),
    ]);
    const csvPath = path.join(tmpDir('ui2-csv'), 'rollup.csv');
    await download.saveAs(csvPath);
    const csv = fs.readFileSync(csvPath, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1).trim().split('\r\n')).toEqual([
      'Huyện,Ngày,Lượt phát,Phút',
      `Tỉnh Quảng Nam,${day(2)},12,90.00`,
      `Tỉnh Quảng Nam,${day(1)},12,45.00`,
    ]);
  });
});
