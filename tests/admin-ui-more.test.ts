import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { renderSlogan } from '@bangtin/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminUi, startAdminUi } from './support/admin-ui';
import { encodePng } from './support/png';
import { startPlayerProcess, tmpDir, waitFor } from './support/processes';

/**
 * The admin screens of issue 6 in Debian's Chromium against a real controller and a real headless
 * player: an urgent message the board acknowledges, a campaign drawn on the device's calendar, and an
 * uploaded PNG shown with the thumbnail the controller made of it.
 */

const BOARD = 'Bảng LED Thăng Bình';
const DISTRICT = 'Huyện Thăng Bình';
const PLAYLIST = 'Tuyên truyền BHYT học sinh';
const CAMPAIGN = 'Tháng vận động BHYT học sinh';
const URGENT = 'Bão số 9 đổ bộ: người dân không ra khơi, sơ tán khỏi vùng trũng thấp';

let ui: AdminUi;

/** A red and yellow flag-like picture. */
const flagPng = (width: number, height: number) =>
  encodePng(width, height, (x, y) =>
    Math.abs(x - width / 2) + Math.abs(y - height / 2) < height / 5 ? [255, 215, 0] : [218, 37, 29],
  );

beforeAll(async () => {
  ui = await startAdminUi({ name: 'ui2', browser: { viewport: { width: 1366, height: 900 } } });
  const { api, controller } = ui;
  const province = (await api.post<{ id: string }>('/groups', { name: 'Tỉnh Quảng Nam', kind: 'province' })).body.id;
  const district = (await api.post<{ id: string }>('/groups', { name: DISTRICT, kind: 'district', parentId: province }))
    .body;
  const device = await api.post<{ id: string; token: string }>('/devices', {
    name: BOARD,
    kind: 'led',
    groupId: district.id,
  });
  expect(device.status).toBe(201);
  ui.track(
    startPlayerProcess({
      controllerUrl: controller.url,
      token: device.body.token,
      dataDir: tmpDir('ui2-player'),
      // A board on a serial port that is not there: its status (not working, with the error) must show.
      extraArgs: ['--output', `led,protocol=alpha,port=/dev/ttyBangtinMissing,size=96x16,name=cong-cho`],
    }),
  );
  const slogan = await api.post<{ id: string }>('/content', {
    type: 'slogan',
    text: 'Học sinh tham gia BHYT là quyền lợi và trách nhiệm',
  });
  expect(
    (await api.post('/playlists', { name: PLAYLIST, items: [{ contentId: slogan.body.id, durationMs: 5000 }] })).status,
  ).toBe(201);

  ui.page.on('dialog', (d) => void d.accept());
  await ui.open();
  await ui.login();
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

afterAll(() => ui?.close());

describe('admin UI: urgent messages, campaigns, media', () => {
  it('sends an urgent message after confirmation and shows the board acknowledging it', async () => {
    await ui.nav('Tin khẩn', 'Tin khẩn cấp');
    await ui.page.getByLabel('Nội dung tin khẩn').fill(URGENT);
    await ui.page.getByRole('checkbox', { name: DISTRICT }).check();
    await ui.page.getByRole('button', { name: 'Gửi tin khẩn…' }).click();
    // Nothing is sent before the confirmation: the dialog names the targets.
    const dialog = ui.page.getByRole('dialog', { name: 'Xác nhận gửi tin khẩn' });
    await dialog.getByText(DISTRICT).waitFor();
    expect((await ui.api.get<unknown[]>('/interrupts')).body).toHaveLength(0);
    await ui.shot('11-urgent-confirm');
    await dialog.getByRole('button', { name: 'Gửi ngay' }).click();
    await ui.page.getByText('Đã gửi tin khẩn.').waitFor();

    const row = ui.page.locator(`[data-delivery="${BOARD}"]`);
    await row.getByText('Đã nhận', { exact: true }).waitFor({ timeout: 15_000 });
    await ui.page.getByText('1/1 thiết bị đã nhận').first().waitFor();
    const sent = (await ui.api.get<{ id: string; text: string; deliveries: { acked: boolean }[] }[]>('/interrupts'))
      .body;
    expect(sent.map((m) => [m.text, m.deliveries.map((d) => d.acked)])).toEqual([[URGENT, [true]]]);
    await ui.shot('12-urgent-acked');

    await ui.page.getByRole('button', { name: 'Dừng tin khẩn' }).click();
    // Stopping asks first, and nothing is stopped until it is confirmed.
    const stopDialog = ui.page.getByRole('dialog', { name: 'Dừng tin khẩn?' });
    expect(
      (await ui.api.get<{ cancelledAt: string | null }>(`/interrupts/${sent[0]!.id}`)).body.cancelledAt,
    ).toBeNull();
    await stopDialog.getByRole('button', { name: 'Dừng ngay' }).click();
    await ui.page.getByText('Đã dừng tin khẩn.').waitFor();
    const stopped = (await ui.api.get<{ cancelledAt: string | null }>(`/interrupts/${sent[0]!.id}`)).body;
    expect(stopped.cancelledAt).not.toBeNull();
  });

  it('creates a campaign and shows it on the device calendar, with what plays at a given time', async () => {
    await ui.nav('Chiến dịch', 'Chiến dịch truyền thông');
    await ui.page.getByLabel('Tên chiến dịch').fill(CAMPAIGN);
    await ui.page.getByLabel('Màu trên lịch').fill('#1e7b34');
    await ui.page.getByRole('checkbox', { name: PLAYLIST }).check();
    await ui.page.getByRole('checkbox', { name: DISTRICT }).check();
    // A bad priority is refused beside its field, and what was typed stays.
    await ui.page.getByLabel('Mức ưu tiên').fill('abc');
    await ui.page.getByRole('button', { name: 'Lưu' }).click();
    await ui.page.locator('.field-invalid', { hasText: 'Mức ưu tiên' }).locator('.error').waitFor();
    expect(await ui.page.getByLabel('Tên chiến dịch').inputValue()).toBe(CAMPAIGN);
    await ui.page.getByLabel('Mức ưu tiên').fill('60');
    await ui.page.getByRole('button', { name: 'Lưu' }).click();
    await ui.page.getByText('Đã tạo chiến dịch.').waitFor();
    await ui.page.locator(`[data-campaign-row="${CAMPAIGN}"]`).waitFor();

    // The week view draws the device's resolved timeline in the campaign's colour.
    const week = ui.page.getByTestId('week-view');
    const seg = week.locator(`.seg[data-campaign="${CAMPAIGN}"]`).first();
    await seg.waitFor({ timeout: 15_000 });
    expect(await seg.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(30, 123, 52)');
    await ui.shot('13-campaign-week');
    await ui.page.getByRole('button', { name: 'Tháng', exact: true }).click();
    await ui.page.getByTestId('month-view').locator(`li[data-campaign="${CAMPAIGN}"]`).first().waitFor();
    await ui.shot('14-campaign-month');

    // Tomorrow 08:00 in Vietnam: the campaign's playlist plays, by priority.
    const tomorrow = new Date(Date.now() + 7 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
    await ui.page.getByLabel('Ngày', { exact: true }).fill(tomorrow);
    await ui.page.getByLabel('Giờ', { exact: true }).fill('08:00');
    await ui.page.getByRole('button', { name: 'Xem', exact: true }).click();
    await ui.page.getByTestId('what-at-answer').getByText(`${CAMPAIGN}: ${PLAYLIST}`).waitFor();

    // The .ics export needs the bearer token: downloaded as a blob, a real calendar with the campaign.
    const [download] = await Promise.all([
      ui.page.waitForEvent('download'),
      ui.page.getByRole('button', { name: 'Tải lịch (.ics)' }).click(),
    ]);
    const icsPath = path.join(tmpDir('ui2-ics'), 'campaign.ics');
    await download.saveAs(icsPath);
    const ics = fs.readFileSync(icsPath, 'utf8');
    expect(ics).toContain('BEGIN:VCALENDAR');
    expect(ics.normalize('NFC')).toContain('BHYT');

    // A second campaign at the same priority on the same board: their shared airtime is a conflict.
    const playlists = (await ui.api.get<{ id: string; name: string }[]>('/playlists')).body;
    const district = (await ui.api.get<{ id: string; name: string }[]>('/groups')).body.find(
      (x) => x.name === DISTRICT,
    )!;
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const rival = await ui.api.post<{ id: string }>('/campaigns', {
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
    expect((await ui.api.post(`/campaigns/${rival.body.id}/schedules`, {})).status).toBe(201);
    await ui.nav('Tổng quan', 'Tổng quan thiết bị');
    await ui.nav('Chiến dịch', 'Chiến dịch truyền thông');
    await ui.page.getByTestId('week-view').locator('.seg.conflict').first().waitFor({ timeout: 15_000 });
    // The conflict names both campaigns (in schedule order, which the engine decides).
    const conflict = ui.page.locator('.conflicts li').first();
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain(`${CAMPAIGN}: ${PLAYLIST}`);
    expect(await conflict.textContent()).toContain(`Tuần lễ an toàn giao thông: ${PLAYLIST}`);
    await ui.shot('20-campaign-conflict');

    // Editing the campaign: the form opens with its values and the change is stored. (Its schedule
    // entries keep the priority they were created with, so the calendar conflict stays.)
    await ui.page
      .locator(`[data-campaign-row="${CAMPAIGN}"]`)
      .getByRole('button', { name: 'Sửa', exact: true })
      .click();
    await ui.page.getByRole('heading', { name: `Sửa chiến dịch “${CAMPAIGN}”` }).waitFor();
    expect(await ui.page.getByLabel('Tên chiến dịch').inputValue()).toBe(CAMPAIGN);
    await ui.page.getByLabel('Mức ưu tiên').fill('70');
    await ui.page.getByRole('button', { name: 'Lưu' }).click();
    await ui.page.getByText('Đã lưu chiến dịch.').waitFor();
    await ui.page.locator(`[data-campaign-row="${CAMPAIGN}"]`).getByRole('cell', { name: '70', exact: true }).waitFor();
    const edited = (await ui.api.get<{ name: string; priority: number }[]>('/campaigns')).body.find(
      (c) => c.name === CAMPAIGN,
    );
    expect(edited?.priority).toBe(70);
  });

  it("gives a slogan's playlist item its scroll time on the smallest board in use, warns when set shorter, and says in Vietnamese why a playlist in use cannot be deleted", async () => {
    const page = ui.page;
    const text = 'Tham gia bảo hiểm xã hội tự nguyện để được hưởng lương hưu khi về già, ổn định cuộc sống';
    const slogan = await ui.api.post<{ id: string }>('/content', { type: 'slogan', text });
    expect(slogan.status).toBe(201);
    // A new playlist is scheduled nowhere yet: the editor times its slogans on the smallest board in use.
    const boards = (await ui.api.get<{ width: number; height: number }[]>('/boards')).body;
    expect(boards.length).toBeGreaterThan(0);
    const smallest = [...boards].sort((a, b) => a.width * a.height - b.width * b.height)[0]!;
    const showMs = renderSlogan(text, { width: smallest.width, height: smallest.height }).frames.reduce(
      (ms, f) => ms + f.durationMs,
      0,
    );
    const seconds = Math.max(1, Math.ceil(showMs / 1000));
    expect(seconds, 'distinct from the 10 s used when no board is known').not.toBe(10);

    await ui.open('/playlists');
    await page.getByLabel('Thêm nội dung').selectOption(slogan.body.id);
    await page.getByRole('button', { name: 'Thêm vào danh sách' }).click();
    const item = page.locator('ol.playlist-items li').last();
    const duration = item.getByLabel(/^Thời lượng mục \d+ \(giây\)$/);
    expect(await duration.inputValue()).toBe(String(seconds));
    expect(await item.locator('.warning').count()).toBe(0);
    await duration.fill(String(seconds - 1));
    await item
      .getByText(`Ngắn hơn thời gian chạy hết chữ trên bảng nhỏ nhất (${seconds} giây)`, { exact: false })
      .waitFor();
    await duration.fill(String(seconds));
    await item.locator('.warning').waitFor({ state: 'detached' });

    // The campaign above holds the playlist: deleting it is refused in Vietnamese, naming the campaign.
    await page.locator(`[data-playlist="${PLAYLIST}"]`).getByRole('button', { name: 'Xoá' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Không xoá được' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain(`Không xoá được: danh sách đang được dùng bởi “${CAMPAIGN}”`);
    expect(await refusal.textContent()).not.toMatch(/used by|campaign "/);
  });

  it('uploads a PNG with a progress bar and lists it with its thumbnail', async () => {
    await ui.nav('Nội dung', 'Thư viện nội dung');
    await ui.page.getByLabel('Tệp ảnh hoặc video').setInputFiles({
      name: 'co-do-sao-vang.png',
      mimeType: 'image/png',
      buffer: flagPng(320, 200),
    });
    await ui.page.getByLabel('Tiêu đề tệp (không bắt buộc)').fill('Cờ đỏ sao vàng');
    await ui.page.getByRole('button', { name: 'Tải lên', exact: true }).click();
    await ui.page.getByText('Đã tải lên.').waitFor();
    expect(await ui.page.getByRole('progressbar', { name: 'Tiến độ tải lên' }).getAttribute('value')).toBe('1');

    await ui.page.getByLabel('Loại nội dung').selectOption({ label: 'Ảnh' });
    const row = ui.page.locator('tr[data-content-type="image"]', { hasText: 'Cờ đỏ sao vàng' });
    await row.getByText('320×200').waitFor();
    const thumb = row.getByRole('img', { name: 'Ảnh thu nhỏ: Cờ đỏ sao vàng' });
    await thumb.waitFor();
    await waitFor(async () => (await thumb.evaluate((el) => (el as HTMLImageElement).naturalWidth)) > 0, 'thumbnail');
    // The filter hides the slogans.
    expect(await ui.page.locator('tr[data-content-type="slogan"]').count()).toBe(0);
    await ui.shot('15-content-upload');
  });

  it('schedules weekdays with two dayparts, skipping a Tết holiday list, errors beside the field', async () => {
    await ui.nav('Lịch phát', 'Lịch phát');
    await ui.page.getByLabel('Tên danh sách').fill('Tết Đinh Mùi 2027');
    await ui.page.getByLabel('Các ngày', { exact: true }).fill('2027-02-05\n2027-02-06, 2027-02-07\n2027-02-08');
    await ui.page.getByRole('button', { name: 'Thêm danh sách' }).click();
    await ui.page.getByText('Đã thêm danh sách ngày nghỉ.').waitFor();
    await ui.page.getByRole('cell', { name: '2027-02-05, 2027-02-06, 2027-02-07, 2027-02-08' }).waitFor();

    await ui.page.getByRole('combobox', { name: 'Danh sách phát', exact: true }).selectOption({ label: PLAYLIST });
    await ui.page.getByRole('checkbox', { name: DISTRICT }).check();
    await ui.page.getByRole('radio', { name: 'Chỉ phát vào một số ngày trong tuần' }).check();
    await ui.page.getByLabel('Từ giờ (khung 1)').fill('06:30');
    await ui.page.getByLabel('Đến giờ (khung 1)').fill('08:00');
    await ui.page.getByRole('button', { name: 'Thêm khung giờ' }).click();
    // Overlapping slots are refused, and the message sits beside the second slot.
    await ui.page.getByLabel('Từ giờ (khung 2)').fill('07:30');
    await ui.page.getByLabel('Đến giờ (khung 2)').fill('19:00');
    await ui.page.getByLabel('Tỉ lệ phát khi trùng giờ').fill('2');
    await ui.page.getByRole('checkbox', { name: 'Không phát vào Tết Đinh Mùi 2027 (4 ngày)' }).check();
    await ui.page.getByRole('button', { name: 'Lưu' }).click();
    await ui.page
      .locator('.field-invalid', { hasText: 'Đến giờ (khung 2)' })
      .getByText(/trùng với khung giờ 06:30–08:00/)
      .waitFor();
    expect(await ui.page.getByLabel('Đến giờ (khung 2)').getAttribute('aria-invalid')).toBe('true');
    await ui.shot('16-schedule-daypart-error');
    await ui.page.getByLabel('Từ giờ (khung 2)').fill('17:00');
    await ui.page.getByRole('button', { name: 'Lưu' }).click();
    await ui.page.getByText('Đã lên lịch.').waitFor();
    await ui.page.getByRole('cell', { name: /tỉ lệ phát ×2/ }).waitFor();
    const saved = (await ui.api.get<{ recurrence: unknown; weight: number; holidayListIds: string[] }[]>('/schedules'))
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
    await ui.shot('17-schedules');
  });

  it('renames, moves and tags a device, shows its boards, and sends it an identify command', async () => {
    await ui.nav('Thiết bị', 'Thiết bị');
    await ui.page.getByRole('button', { name: `Quản lý: ${BOARD}` }).click();
    await ui.page.getByRole('heading', { name: `Quản lý thiết bị “${BOARD}”` }).waitFor();
    // The heading follows the new name once saved, so the panel is found by its heading's start.
    const panel = ui.page.locator('.card', { has: ui.page.getByRole('heading', { name: /^Quản lý thiết bị/ }) });
    await panel.getByLabel('Tên mới').fill(`${BOARD} (chợ)`);
    await panel.getByLabel('Chuyển sang địa bàn').selectOption({ label: 'Tỉnh Quảng Nam' });
    await panel.getByLabel('Nhãn').fill('chợ, ngoài trời, chợ');
    await panel.getByRole('button', { name: 'Lưu' }).click();
    await panel.getByText('Đã lưu thiết bị.').waitFor();
    const row = ui.page.locator(`[data-device-row="${BOARD} (chợ)"]`);
    await row.getByRole('cell', { name: 'chợ, ngoài trời', exact: true }).waitFor();
    await row.getByRole('cell', { name: 'Tỉnh Quảng Nam', exact: true }).waitFor();
    const stored = (
      await ui.api.get<
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
    await cell.getByText(board?.state === 'error' ? 'Bảng cong-cho: lỗi' : 'Bảng cong-cho: mất kết nối').waitFor();
    if (board?.lastError) await cell.getByText(board.lastError.code).waitFor();

    await panel.getByRole('button', { name: 'Nhận diện (hiện tên trên màn hình)' }).click();
    await panel.getByText('Đã gửi lệnh tới 1 thiết bị.').waitFor();
    await ui.shot('18-device-manage');
  });

  it('reports airtime per campaign and per district per day from the rollups, with CSV and survey counts', async () => {
    const [device] = (await ui.api.get<{ id: string }[]>('/devices')).body;
    const campaign = (await ui.api.get<{ id: string; name: string }[]>('/campaigns')).body.find(
      (c) => c.name === CAMPAIGN,
    );
    const [content] = (await ui.api.get<{ id: string }[]>('/content')).body;
    // What the nightly rollup job (01:15) and a kiosk would have stored, written into the controller's
    // own database file: the job cannot be run on demand, and these screens only read the results.
    const day = (back: number) => new Date(Date.now() + 7 * 3600_000 - back * 86_400_000).toISOString().slice(0, 10);
    const db = new Database(path.join(ui.controllerDir, 'bangtin.sqlite'), { fileMustExist: true, timeout: 5000 });
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

    await ui.nav('Báo cáo', 'Báo cáo phát sóng');
    const table = ui.page.getByTestId('rollup-table');
    const campaignRow = table.getByRole('row', { name: new RegExp(CAMPAIGN) });
    await campaignRow.waitFor();
    // 90 and 30 minutes on two days, 120 in total; plays outside campaigns on their own row.
    expect(await campaignRow.locator('td').allTextContents()).toEqual(['90', '30', '120']);
    await table.getByRole('row', { name: /Ngoài chiến dịch/ }).waitFor();
    await ui.page.getByText('Khảo sát hai-long: 3 lượt').waitFor();
    await ui.page.getByText('nhanh-chong: 2').waitFor();
    await ui.shot('19-reports-rollups');

    await ui.page.getByLabel('Nhóm theo').selectOption({ label: 'Huyện' });
    const district = table.getByRole('row', { name: /Tỉnh Quảng Nam/ }); // the device was moved to the province
    expect(await district.locator('td').allTextContents()).toEqual(['90', '45', '135']);
    const [download] = await Promise.all([
      ui.page.waitForEvent('download'),
      ui.page.getByRole('button', { name: 'Tải bảng tổng hợp (CSV)' }).click(),
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

  it('times a slogan item on the smallest board its playlist is scheduled to, not a smaller board elsewhere', async () => {
    const page = ui.page;
    const text = 'Đóng BHXH, BHYT đầy đủ, đúng hạn để bảo vệ quyền lợi của chính mình và gia đình';
    const slogan = await ui.api.post<{ id: string }>('/content', { type: 'slogan', text });
    expect(slogan.status).toBe(201);
    const secondsOn = (width: number, height: number) =>
      Math.max(
        1,
        Math.ceil(renderSlogan(text, { width, height }).frames.reduce((ms, f) => ms + f.durationMs, 0) / 1000),
      );
    // A wide board in Tam Kỳ that the playlist is scheduled to, and a smaller one elsewhere that it is not.
    const board = (name: string, size: string) => ({
      name,
      protocol: 'alpha',
      port: `/dev/ttyBangtin-${name}`,
      baud: 9600,
      size,
      address: '00',
    });
    const wide = await ui.api.post<{ id: string }>('/devices', { name: 'Bảng LED lớn Tam Kỳ', kind: 'led' });
    const tiny = await ui.api.post<{ id: string }>('/devices', { name: 'Bảng LED nhỏ Núi Thành', kind: 'led' });
    expect((await ui.api.request('PUT', `/devices/${wide.body.id}/outputs`, [board('lon', '192x32')])).status).toBe(
      200,
    );
    expect((await ui.api.request('PUT', `/devices/${tiny.body.id}/outputs`, [board('nho', '32x8')])).status).toBe(200);
    const onWide = secondsOn(192, 32);
    const onTiny = secondsOn(32, 8);
    expect(new Set([onWide, onTiny, secondsOn(96, 16), 10]).size, 'four distinct defaults').toBe(4);

    const name = 'Bảng lớn Tam Kỳ';
    const short = await ui.api.post<{ id: string }>('/content', { type: 'slogan', text: 'BHXH Tam Kỳ' });
    const p = await ui.api.post<{ id: string }>('/playlists', {
      name,
      items: [{ contentId: short.body.id, durationMs: 5000 }],
    });
    expect(p.status).toBe(201);
    const s = await ui.api.post('/schedules', { playlistId: p.body.id, target: { deviceIds: [wide.body.id] } });
    expect(s.status, s.text).toBe(201);

    await ui.open('/playlists');
    await page.locator(`[data-playlist="${name}"]`).getByRole('button', { name: 'Sửa', exact: true }).click();
    await page
      .getByTestId('timing-board')
      .getByText('theo bảng 192×32, bảng nhỏ nhất mà danh sách này được lên lịch phát tới', { exact: false })
      .waitFor();
    await page.getByLabel('Thêm nội dung').selectOption(slogan.body.id);
    await page.getByRole('button', { name: 'Thêm vào danh sách' }).click();
    const item = page.locator('ol.playlist-items li').last();
    const duration = item.getByLabel(/^Thời lượng mục \d+ \(giây\)$/);
    expect(await duration.inputValue()).toBe(String(onWide));
    // The warning follows the same board: below the wide board's time, not the tiny one's.
    await duration.fill(String(onWide - 1));
    await item.getByText(`(${onWide} giây)`, { exact: false }).waitFor();
    await duration.fill(String(onWide));
    await item.locator('.warning').waitFor({ state: 'detached' });

    // A new playlist is not scheduled anywhere yet: the smallest board in use, the tiny one.
    await page.getByRole('button', { name: 'Tạo danh sách mới' }).click();
    await page
      .getByTestId('timing-board')
      .getByText('theo bảng 32×8, bảng nhỏ nhất đang dùng', { exact: false })
      .waitFor();
    await page.getByLabel('Thêm nội dung').selectOption(slogan.body.id);
    await page.getByRole('button', { name: 'Thêm vào danh sách' }).click();
    expect(
      await page
        .locator('ol.playlist-items li')
        .last()
        .getByLabel(/^Thời lượng mục \d+ \(giây\)$/)
        .inputValue(),
    ).toBe(String(onTiny));
  });
});
