import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
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
 * Kiosk content in the admin UI, in Debian's Chromium against a real controller: an information
 * page written with the rich-text toolbar (heading, list, library image, QR code) and checked in what
 * the controller stored; a livestream whose bad URL is refused beside the field; the survey questions
 * edited and pushed; and the page reaching a real kiosk player's menu in browser mode.
 */

const SHOTS = path.join(ROOT, 'test-artifacts/ui');
const ADMIN_PASSWORD = 'mat-khau-thu-nghiem';
const PAGE_TITLE = 'Thủ tục cấp lại thẻ BHYT';
const IMAGE_TITLE = 'Sơ đồ quầy tiếp nhận';

let controller: ControllerProc;
let api: Api;
let context: BrowserContext;
let page: Page;
const procs: Proc[] = [];
let pageId = '';
let imageSha = '';

const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

/** A small real PNG (one colour), so the upload passes the controller's magic-byte and ffprobe checks. */
function solidPng(width: number, height: number): Buffer {
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
  ihdr[8] = 8;
  ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, Buffer.from([11, 83, 148]))]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function nav(name: string, heading: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
}

beforeAll(async () => {
  buildWebIfMissing();
  fs.mkdirSync(SHOTS, { recursive: true });
  controller = await startControllerProcess({ dataDir: tmpDir('ui-kiosk-controller'), adminPassword: ADMIN_PASSWORD });
  procs.push(controller);
  api = await new Api(controller.url).login('admin', ADMIN_PASSWORD);

  const form = new FormData();
  form.append('title', IMAGE_TITLE);
  form.append('file', new Blob([new Uint8Array(solidPng(64, 40))], { type: 'image/png' }), 'so-do.png');
  const up = await fetch(`${controller.url}/api/v1/content`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.token}` },
    body: form,
  });
  expect(up.status, await up.clone().text()).toBe(201);
  imageSha = ((await up.json()) as { sha256: string }).sha256;

  context = await launchChromium(tmpDir('ui-kiosk-chromium'), {
    viewport: { width: 1366, height: 768 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    hasTouch: true,
  });
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(controller.url);
  await page.getByLabel('Tên đăng nhập').fill('admin');
  await page.getByLabel('Mật khẩu').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
}, 90_000);

afterAll(async () => {
  await context?.close();
  await Promise.all(procs.map((p) => p.kill9()));
});

describe('admin UI: kiosk pages, streams and survey', () => {
  it('writes a page with a heading, a list, a library image and a QR code; pasted script is gone', async () => {
    await nav('Nội dung', 'Thư viện nội dung');
    await page.getByRole('button', { name: 'Soạn trang thông tin cho ki-ốt' }).click();
    await page.getByLabel('Tên trang (hiện trên menu ki-ốt)').fill(PAGE_TITLE);
    const body = page.getByRole('textbox', { name: 'Nội dung trang' });
    await body.click();
    // Heading through the paragraph-style select, then a bulleted list, typed as staff would.
    await page.keyboard.type('Cấp lại thẻ bảo hiểm y tế');
    await page.getByLabel('Kiểu đoạn').selectOption({ label: 'Tiêu đề lớn' });
    await body.press('End');
    await body.press('Enter');
    await page.getByLabel('Kiểu đoạn').selectOption({ label: 'Đoạn văn thường' });
    await page.keyboard.type('Mang theo:');
    await body.press('Enter');
    await page.getByRole('button', { name: 'Danh sách chấm' }).click();
    await page.keyboard.type('Căn cước công dân');
    await body.press('Enter');
    await page.keyboard.type('Sổ BHXH');
    await body.press('Enter');
    await body.press('Enter'); // leaves the list
    await page.getByRole('button', { name: 'Đậm' }).click();
    await page.keyboard.type('Miễn phí');
    await page.getByRole('button', { name: 'Đậm' }).click();
    // Pasted HTML from elsewhere: the script and the handler must not reach the page.
    await body.evaluate((el) => {
      const dt = new DataTransfer();
      dt.setData(
        'text/html',
        '<p>Giờ làm việc 7h30<script>document.title="hacked"</script></p><img src=x onerror="alert(1)">',
      );
      dt.setData('text/plain', 'Giờ làm việc 7h30');
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    });
    await page.getByLabel('Ảnh trong thư viện').selectOption({ label: IMAGE_TITLE });
    await page.getByRole('button', { name: 'Chèn ảnh' }).click();
    await body.locator(`img[data-sha256="${imageSha}"]`).waitFor();

    // A QR code with a bad address is refused beside it, and nothing typed is lost.
    await page.getByRole('button', { name: 'Thêm mã QR' }).click();
    await page.getByLabel('Địa chỉ mã QR 1').fill('vssid.baohiemxahoi.gov.vn');
    await page.getByLabel('Chú thích mã QR 1').fill('Tải ứng dụng VssID');
    await page.getByRole('button', { name: 'Lưu trang thông tin' }).click();
    await page.getByText('Địa chỉ phải bắt đầu bằng http:// hoặc https://').waitFor();
    expect(await body.locator('h2').textContent()).toBe('Cấp lại thẻ bảo hiểm y tế');
    await page.getByLabel('Địa chỉ mã QR 1').fill('https://vssid.baohiemxahoi.gov.vn');

    // The preview is the kiosk's frame: sandboxed, with the heading, the image and the QR code.
    const preview = page.locator('iframe[data-testid="page-preview"]');
    expect(await preview.getAttribute('sandbox')).toBe('');
    const frame = page.frameLocator('iframe[data-testid="page-preview"]');
    await frame.locator('figure.qr img').waitFor();
    expect(await frame.locator('h2').textContent()).toBe('Cấp lại thẻ bảo hiểm y tế');
    expect(await frame.locator('ul li').count()).toBe(2);
    expect(await frame.locator('img[src^="data:image/png"]').count()).toBe(1);
    // The editor form only: a full-page capture resizes the window and can catch the frame before it repaints.
    await page.locator('form.page-editor').screenshot({ path: path.join(SHOTS, '40-page-editor.png') });

    await page.getByRole('button', { name: 'Lưu trang thông tin' }).click();
    await page.getByText(`Đã lưu trang “${PAGE_TITLE}”`).waitFor();
    const list = (
      await api.get<{ id: string; type: string; title: string; html: string; media: string[] }[]>('/content')
    ).body;
    const stored = list.find((c) => c.type === 'page' && c.title === PAGE_TITLE);
    expect(stored).toBeDefined();
    pageId = stored!.id;
    const html = stored!.html;
    expect(html).toContain('<h2>Cấp lại thẻ bảo hiểm y tế</h2>');
    expect(html).toMatch(/<ul><li>Căn cước công dân<\/li><li>Sổ BHXH<\/li><\/ul>/);
    expect(html).toMatch(/<(b|strong)>Miễn phí<\/(b|strong)>/);
    expect(html).toContain('Giờ làm việc 7h30');
    expect(html).toContain(`<img src="media:${imageSha}"`);
    expect(stored!.media).toEqual([imageSha]);
    expect(html).toMatch(/<figure class="qr"><img src="data:image\/svg\+xml;base64,[^"]+" alt="Tải ứng dụng VssID">/);
    expect(html).not.toMatch(/<script|onerror|hacked|src="x"/);
    // The editor is cleared for the next page.
    expect(await page.getByLabel('Tên trang (hiện trên menu ki-ốt)').inputValue()).toBe('');
  });

  it('adds a live stream; a URL that is not HLS is refused beside the field and kept', async () => {
    await page.getByRole('button', { name: 'Thêm luồng trực tiếp' }).click();
    await page.getByLabel('Tên luồng (không bắt buộc)').fill('Đối thoại chính sách BHXH');
    const url = page.getByLabel('Địa chỉ luồng (.m3u8)');
    await url.fill('https://truyenhinh.example.vn/doi-thoai.mp4');
    await page.getByLabel('Phát luồng có tiếng').check();
    await page.getByRole('button', { name: 'Lưu luồng trực tiếp' }).click();
    const err = page.getByText('Địa chỉ phải là luồng HLS kết thúc bằng .m3u8');
    await err.waitFor();
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    expect(await url.inputValue()).toBe('https://truyenhinh.example.vn/doi-thoai.mp4');
    await url.fill('https://truyenhinh.example.vn/live/doi-thoai.m3u8');
    await page.getByRole('button', { name: 'Lưu luồng trực tiếp' }).click();
    await page.getByText('Đã lưu luồng trực tiếp.').waitFor();
    const stream = (
      await api.get<{ type: string; title: string; url: string; audio?: boolean }[]>('/content')
    ).body.find((c) => c.type === 'stream');
    expect(stream).toMatchObject({
      title: 'Đối thoại chính sách BHXH',
      url: 'https://truyenhinh.example.vn/live/doi-thoai.m3u8',
      audio: true,
    });
    await page.locator('tr[data-content-type="stream"]').waitFor();
  });

  it('edits the survey questions with a preview; the controller stores them', async () => {
    await nav('Ki-ốt', 'Ki-ốt cảm ứng');
    const question = page.getByLabel('Câu hỏi đánh giá');
    await question.waitFor();
    expect(await question.inputValue()).toBe('Ông/bà có hài lòng với việc giải quyết thủ tục hôm nay không?');
    await page.getByLabel('Mã đợt khảo sát').fill('thu-tuc-bhyt');
    await question.fill('Ông/bà đánh giá thái độ phục vụ thế nào?');
    // Four levels instead of five.
    await page.getByRole('button', { name: 'Bỏ mức 5' }).click();
    await page.getByLabel('Mức 4', { exact: true }).fill('Rất tốt');
    // An emptied label is refused by the controller beside that field; the rest stays typed.
    await page.getByLabel('Mức 2', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Lưu câu hỏi khảo sát' }).click();
    const level2 = page.getByLabel('Mức 2', { exact: true });
    await waitFor(async () => (await level2.getAttribute('aria-invalid')) === 'true', 'error beside level 2');
    expect(await question.inputValue()).toBe('Ông/bà đánh giá thái độ phục vụ thế nào?');
    await level2.fill('Chưa tốt');
    // A new option gets its key from its label.
    await page.getByRole('button', { name: 'Thêm lựa chọn' }).click();
    await page.getByLabel('Lựa chọn 5', { exact: true }).fill('Đóng BHXH bắt buộc');
    await page.getByTestId('survey-preview').getByText('Rất tốt').waitFor();
    await page.getByRole('button', { name: 'Lưu câu hỏi khảo sát' }).click();
    await page.getByText('Đã lưu câu hỏi khảo sát').waitFor();
    await shot('41-kiosk-survey');
    const cfg = (
      await api.get<{
        id: string;
        question: string;
        ratingLabels: string[];
        choiceQuestion: { options: { key: string; label: string }[] };
      }>('/surveys/config')
    ).body;
    expect(cfg.id).toBe('thu-tuc-bhyt');
    expect(cfg.question).toBe('Ông/bà đánh giá thái độ phục vụ thế nào?');
    expect(cfg.ratingLabels).toEqual(['Rất không hài lòng', 'Chưa tốt', 'Bình thường', 'Rất tốt']);
    expect(cfg.choiceQuestion.options.at(-1)).toEqual({ key: 'dong-bhxh-bat-buoc', label: 'Đóng BHXH bắt buộc' });
  });

  it('shows the page in a real kiosk player’s menu', async () => {
    expect(pageId).not.toBe('');
    const renderer = spawnSync(
      path.join(ROOT, 'apps/player/node_modules/.bin/vite'),
      ['build', '-c', 'src/renderer/vite.config.ts', '--logLevel', 'warn'],
      { cwd: path.join(ROOT, 'apps/player'), encoding: 'utf8' },
    );
    expect(renderer.status, renderer.stderr).toBe(0);
    const dev = await api.post<{ id: string; token: string }>('/devices', { name: 'Kiosk sảnh Tam Kỳ', kind: 'kiosk' });
    expect(dev.status).toBe(201);
    const loop = await api.post<{ id: string }>('/content', { type: 'slogan', text: 'Chạm để tra cứu thủ tục' });
    const pl = await api.post<{ id: string }>('/playlists', {
      name: 'Ki-ốt sảnh',
      items: [
        { contentId: loop.body.id, durationMs: 2000 },
        { contentId: pageId, durationMs: 2000 },
      ],
    });
    expect(pl.status, pl.text).toBe(201);
    const sch = await api.post('/schedules', { playlistId: pl.body.id, target: { deviceIds: [dev.body.id] } });
    expect(sch.status, sch.text).toBe(201);
    const player = startPlayerProcess({
      controllerUrl: controller.url,
      token: dev.body.token,
      dataDir: tmpDir('ui-kiosk-player'),
      extraArgs: ['--renderer-port', '0', '--kiosk'],
    });
    procs.push(player);
    const m = await waitFor(
      () => /"url":"(http:\/\/127\.0\.0\.1:\d+\/)"[^\n]*renderer served in browser mode/.exec(player.output()),
      'browser mode to listen',
      30_000,
    );
    const kiosk = await context.newPage();
    await kiosk.setViewportSize({ width: 960, height: 540 });
    await kiosk.goto(m[1]!);
    await waitFor(
      async () => (await kiosk.evaluate(() => document.documentElement.dataset.showing ?? null)) === loop.body.id,
      'kiosk loop',
      30_000,
    );
    await kiosk.touchscreen.tap(480, 270);
    const entry = kiosk.locator(`[data-testid="page-${pageId}"]`);
    await entry.waitFor({ timeout: 10_000 });
    expect((await entry.textContent())?.trim()).toBe(PAGE_TITLE);
    await kiosk.screenshot({ path: path.join(SHOTS, '42-kiosk-menu.png') });
    await kiosk.close();
  });
});
