import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminUi, startAdminUi, UI_SHOTS } from './support/admin-ui';
import { buildRenderer } from './support/browser';
import { encodePng } from './support/png';
import { startBrowserModePlayer, tmpDir, waitFor } from './support/processes';

/**
 * Kiosk content in the admin UI, in Debian's Chromium against a real controller: an information
 * page written with the rich-text toolbar (heading, list, library image, QR code) and checked in what
 * the controller stored; a livestream whose bad URL is refused beside the field; the survey questions
 * edited and pushed; and the page reaching a real kiosk player's menu in browser mode.
 */

const PAGE_TITLE = 'Thủ tục cấp lại thẻ BHYT';
const EDITED_TITLE = 'Thủ tục cấp lại, đổi thẻ BHYT';
const IMAGE_TITLE = 'Sơ đồ quầy tiếp nhận';

let ui: AdminUi;
let pageId = '';
let imageSha = '';

beforeAll(async () => {
  ui = await startAdminUi({ name: 'ui-kiosk', browser: { hasTouch: true } });
  const { api, controller } = ui;

  const form = new FormData();
  form.append('title', IMAGE_TITLE);
  form.append(
    'file',
    new Blob([new Uint8Array(encodePng(64, 40, () => [11, 83, 148]))], { type: 'image/png' }),
    'so-do.png',
  );
  const up = await fetch(`${controller.url}/api/v1/content`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.token}` },
    body: form,
  });
  expect(up.status, await up.clone().text()).toBe(201);
  imageSha = ((await up.json()) as { sha256: string }).sha256;

  await ui.open();
  await ui.login();
}, 90_000);

afterAll(() => ui?.close());

describe('admin UI: kiosk pages, streams and survey', () => {
  it('writes a page with a heading, a list, a library image and a QR code; pasted script is gone', async () => {
    await ui.nav('Nội dung', 'Thư viện nội dung');
    await ui.page.getByRole('button', { name: 'Soạn trang thông tin cho ki-ốt' }).click();
    await ui.page.getByLabel('Tên trang (hiện trên menu ki-ốt)').fill(PAGE_TITLE);
    const body = ui.page.getByRole('textbox', { name: 'Nội dung trang' });
    await body.click();
    // Heading through the paragraph-style select, then a bulleted list, typed as staff would.
    await ui.page.keyboard.type('Cấp lại thẻ bảo hiểm y tế');
    await ui.page.getByLabel('Kiểu đoạn').selectOption({ label: 'Tiêu đề lớn' });
    await body.press('End');
    await body.press('Enter');
    await ui.page.getByLabel('Kiểu đoạn').selectOption({ label: 'Đoạn văn thường' });
    await ui.page.keyboard.type('Mang theo:');
    await body.press('Enter');
    await ui.page.getByRole('button', { name: 'Danh sách chấm' }).click();
    await ui.page.keyboard.type('Căn cước công dân');
    await body.press('Enter');
    await ui.page.keyboard.type('Sổ BHXH');
    await body.press('Enter');
    await body.press('Enter'); // leaves the list
    await ui.page.getByRole('button', { name: 'Đậm' }).click();
    await ui.page.keyboard.type('Miễn phí');
    await ui.page.getByRole('button', { name: 'Đậm' }).click();
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
    await ui.page.getByLabel('Ảnh trong thư viện').selectOption({ label: IMAGE_TITLE });
    await ui.page.getByRole('button', { name: 'Chèn ảnh' }).click();
    await body.locator(`img[data-sha256="${imageSha}"]`).waitFor();

    // A QR code with a bad address is refused beside it, and nothing typed is lost.
    await ui.page.getByRole('button', { name: 'Thêm mã QR' }).click();
    await ui.page.getByLabel('Địa chỉ mã QR 1').fill('vssid.baohiemxahoi.gov.vn');
    await ui.page.getByLabel('Chú thích mã QR 1').fill('Tải ứng dụng VssID');
    await ui.page.getByRole('button', { name: 'Lưu trang thông tin' }).click();
    await ui.page.getByText('Địa chỉ phải bắt đầu bằng http:// hoặc https://').waitFor();
    expect(await body.locator('h2').textContent()).toBe('Cấp lại thẻ bảo hiểm y tế');
    await ui.page.getByLabel('Địa chỉ mã QR 1').fill('https://vssid.baohiemxahoi.gov.vn');

    // The preview is the kiosk's frame: sandboxed, with the heading, the image and the QR code.
    const preview = ui.page.locator('iframe[data-testid="page-preview"]');
    expect(await preview.getAttribute('sandbox')).toBe('');
    const frame = ui.page.frameLocator('iframe[data-testid="page-preview"]');
    await frame.locator('figure.qr img').waitFor();
    expect(await frame.locator('h2').textContent()).toBe('Cấp lại thẻ bảo hiểm y tế');
    expect(await frame.locator('ul li').count()).toBe(2);
    expect(await frame.locator('img[src^="data:image/png"]').count()).toBe(1);
    // The editor form only: a full-page capture resizes the window and can catch the frame before it repaints.
    await ui.page.locator('form.page-editor').screenshot({ path: path.join(UI_SHOTS, '40-page-editor.png') });

    await ui.page.getByRole('button', { name: 'Lưu trang thông tin' }).click();
    await ui.page.getByText(`Đã lưu trang “${PAGE_TITLE}”`).waitFor();
    const list = (
      await ui.api.get<{ id: string; type: string; title: string; html: string; media: string[] }[]>('/content')
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
    expect(await ui.page.getByLabel('Tên trang (hiện trên menu ki-ốt)').inputValue()).toBe('');
  });

  it('edits the page from the list: new title and one more bullet, stored in place', async () => {
    expect(pageId).not.toBe('');
    await ui.page.getByRole('button', { name: `Sửa trang “${PAGE_TITLE}”` }).click();
    const title = ui.page.getByLabel('Tên trang (hiện trên menu ki-ốt)');
    await waitFor(async () => (await title.inputValue()) === PAGE_TITLE, 'page loaded into the editor');
    const body = ui.page.getByRole('textbox', { name: 'Nội dung trang' });
    // Opened as written: the library image shown again and the QR code in its row, not as a figure.
    await body.locator(`img[data-sha256="${imageSha}"]`).waitFor();
    expect(await body.locator('figure').count()).toBe(0);
    expect(await ui.page.getByLabel('Địa chỉ mã QR 1').inputValue()).toContain('vssid.baohiemxahoi.gov.vn');
    await title.fill(EDITED_TITLE);
    await body.locator('li', { hasText: 'Sổ BHXH' }).click();
    await body.press('End');
    await body.press('Enter');
    await ui.page.keyboard.type('Ảnh thẻ (nếu có)');
    await ui.page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await ui.page.getByText(`Đã lưu thay đổi của trang “${EDITED_TITLE}”`).waitFor();
    const stored = (
      await ui.api.get<{ type: string; title: string; html: string; media: string[] }>(`/content/${pageId}`)
    ).body;
    expect(stored.title).toBe(EDITED_TITLE);
    expect(stored.html).toMatch(/<ul><li>Căn cước công dân<\/li><li>Sổ BHXH<\/li><li>Ảnh thẻ \(nếu có\)<\/li><\/ul>/);
    expect(stored.html).toContain('<h2>Cấp lại thẻ bảo hiểm y tế</h2>');
    expect(stored.html).toContain(`<img src="media:${imageSha}"`);
    expect(stored.media).toEqual([imageSha]);
    expect(stored.html.match(/<figure class="qr">/g)).toHaveLength(1);
    await ui.page.getByRole('button', { name: 'Thôi sửa' }).click();
  });

  it('adds a live stream; a URL that is not HLS is refused beside the field and kept', async () => {
    await ui.page.getByRole('button', { name: 'Thêm luồng trực tiếp' }).click();
    await ui.page.getByLabel('Tên luồng (không bắt buộc)').fill('Đối thoại chính sách BHXH');
    const url = ui.page.getByLabel('Địa chỉ luồng (.m3u8)');
    await url.fill('https://truyenhinh.example.vn/doi-thoai.mp4');
    await ui.page.getByLabel('Phát luồng có tiếng').check();
    await ui.page.getByRole('button', { name: 'Lưu luồng trực tiếp' }).click();
    const err = ui.page.getByText('Địa chỉ phải là luồng HLS kết thúc bằng .m3u8');
    await err.waitFor();
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    expect(await url.inputValue()).toBe('https://truyenhinh.example.vn/doi-thoai.mp4');
    await url.fill('https://truyenhinh.example.vn/live/doi-thoai.m3u8');
    await ui.page.getByRole('button', { name: 'Lưu luồng trực tiếp' }).click();
    await ui.page.getByText('Đã lưu luồng trực tiếp.').waitFor();
    const stream = (
      await ui.api.get<{ type: string; title: string; url: string; audio?: boolean }[]>('/content')
    ).body.find((c) => c.type === 'stream');
    expect(stream).toMatchObject({
      title: 'Đối thoại chính sách BHXH',
      url: 'https://truyenhinh.example.vn/live/doi-thoai.m3u8',
      audio: true,
    });
    await ui.page.locator('tr[data-content-type="stream"]').waitFor();
  });

  it('edits the survey questions with a preview; the controller stores them', async () => {
    await ui.nav('Ki-ốt', 'Ki-ốt cảm ứng');
    const question = ui.page.getByLabel('Câu hỏi đánh giá');
    await question.waitFor();
    expect(await question.inputValue()).toBe('Ông/bà có hài lòng với việc giải quyết thủ tục hôm nay không?');
    await ui.page.getByLabel('Mã đợt khảo sát').fill('thu-tuc-bhyt');
    await question.fill('Ông/bà đánh giá thái độ phục vụ thế nào?');
    // Four levels instead of five.
    await ui.page.getByRole('button', { name: 'Bỏ mức 5' }).click();
    await ui.page.getByLabel('Mức 4', { exact: true }).fill('Rất tốt');
    // An emptied label is refused by the controller beside that field; the rest stays typed.
    await ui.page.getByLabel('Mức 2', { exact: true }).fill('');
    await ui.page.getByRole('button', { name: 'Lưu câu hỏi khảo sát' }).click();
    const level2 = ui.page.getByLabel('Mức 2', { exact: true });
    await waitFor(async () => (await level2.getAttribute('aria-invalid')) === 'true', 'error beside level 2');
    expect(await question.inputValue()).toBe('Ông/bà đánh giá thái độ phục vụ thế nào?');
    await level2.fill('Chưa tốt');
    // A new option gets its key from its label.
    await ui.page.getByRole('button', { name: 'Thêm lựa chọn' }).click();
    await ui.page.getByLabel('Lựa chọn 5', { exact: true }).fill('Đóng BHXH bắt buộc');
    await ui.page.getByTestId('survey-preview').getByText('Rất tốt').waitFor();
    await ui.page.getByRole('button', { name: 'Lưu câu hỏi khảo sát' }).click();
    await ui.page.getByText('Đã lưu câu hỏi khảo sát').waitFor();
    await ui.shot('41-kiosk-survey');
    const cfg = (
      await ui.api.get<{
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
    expect(buildRenderer).not.toThrow();
    const dev = await ui.api.post<{ id: string; token: string }>('/devices', {
      name: 'Kiosk sảnh Tam Kỳ',
      kind: 'kiosk',
    });
    expect(dev.status).toBe(201);
    const loop = await ui.api.post<{ id: string }>('/content', { type: 'slogan', text: 'Chạm để tra cứu thủ tục' });
    const pl = await ui.api.post<{ id: string }>('/playlists', {
      name: 'Ki-ốt sảnh',
      items: [
        { contentId: loop.body.id, durationMs: 2000 },
        { contentId: pageId, durationMs: 2000 },
      ],
    });
    expect(pl.status, pl.text).toBe(201);
    const sch = await ui.api.post('/schedules', { playlistId: pl.body.id, target: { deviceIds: [dev.body.id] } });
    expect(sch.status, sch.text).toBe(201);
    const player = ui.track(
      await startBrowserModePlayer({
        controllerUrl: ui.controller.url,
        token: dev.body.token,
        dataDir: tmpDir('ui-kiosk-player'),
        extraArgs: ['--kiosk'],
      }),
    );
    const kiosk = await ui.context.newPage();
    await kiosk.setViewportSize({ width: 960, height: 540 });
    await kiosk.goto(player.rendererUrl);
    await waitFor(
      async () => (await kiosk.evaluate(() => document.documentElement.dataset.showing ?? null)) === loop.body.id,
      'kiosk loop',
      30_000,
    );
    await kiosk.touchscreen.tap(480, 270);
    const entry = kiosk.locator(`[data-testid="page-${pageId}"]`);
    await entry.waitFor({ timeout: 10_000 });
    expect((await entry.textContent())?.trim()).toBe(EDITED_TITLE);
    await kiosk.screenshot({ path: path.join(UI_SHOTS, '42-kiosk-menu.png') });
    await kiosk.close();
  });
});
