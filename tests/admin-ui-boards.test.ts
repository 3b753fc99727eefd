import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminUi, startAdminUi } from './support/admin-ui';
import { waitFor } from './support/processes';

/**
 * The slogan editor previews a slogan on the LED board sizes in use: the common sizes while no board
 * is configured, then exactly the sizes the fleet has once a board is set up (`GET /boards`).
 */

const SLOGAN = 'Toàn dân tham gia bảo hiểm y tế';

let ui: AdminUi;

beforeAll(async () => {
  ui = await startAdminUi({ name: 'ui-boards' });
  await ui.open();
  await ui.login();
}, 90_000);

afterAll(() => ui?.close());

// The tests project has no DOM types: the little of the canvas this reads.
type Canvas = { width: number; height: number };

describe('admin UI: slogan preview on the board sizes in use', () => {
  it('shows the common sizes with no board, then an 80×12 preview after a board of that size is configured', async () => {
    const { page, api } = ui;
    await ui.nav('Nội dung', 'Thư viện nội dung');
    await page.getByLabel('Nội dung khẩu hiệu').fill(SLOGAN);
    await page.getByText('Chưa có bảng LED nào được cấu hình: xem trước trên các cỡ bảng thông dụng.').waitFor();
    await page.locator('figure[data-board="96×16"] canvas').waitFor();
    expect(await page.locator('.previews figure.led-preview').count()).toBe(3);

    const district = await api.post<{ id: string }>('/groups', { name: 'Huyện Duy Xuyên', kind: 'district' });
    expect(district.status, district.text).toBe(201);
    const device = await api.post<{ id: string }>('/devices', {
      name: 'Bảng LED chợ Nam Phước',
      kind: 'led',
      groupId: district.body.id,
    });
    expect(device.status, device.text).toBe(201);
    const put = await api.request('PUT', `/devices/${device.body.id}/outputs`, [
      { name: 'cho', protocol: 'alpha', port: '/dev/ttyUSB0', baud: 9600, size: '80x12', address: '00' },
    ]);
    expect(put.status, put.text).toBe(200);

    // Coming back to the editor reads the sizes in use again.
    await ui.nav('Thiết bị', 'Thiết bị');
    await ui.nav('Nội dung', 'Thư viện nội dung');
    await page.getByLabel('Nội dung khẩu hiệu').fill(SLOGAN);
    const board = page.locator('figure[data-board="80×12"] canvas');
    await board.waitFor();
    await waitFor(async () => Number(await board.getAttribute('data-lit')) > 0, 'the 80×12 preview to light up');
    // Pixel-exact: 80 × 12 LEDs at the preview's 7 px pitch (560 px wide at most).
    const size = await board.evaluate((el) => {
      const c = el as unknown as Canvas;
      return { width: c.width, height: c.height };
    });
    expect(size).toEqual({ width: 80 * 7, height: 12 * 7 });
    expect(await page.locator('.previews figure.led-preview').count()).toBe(1);
    const label = page.locator('.fleet-preview[data-fleet-size="80x12"] .fleet-size');
    expect(await label.textContent()).toBe('80×12 · 1 bảng · Huyện Duy Xuyên');
    await page.getByText('Xem trước trên các cỡ bảng đang dùng', { exact: false }).waitFor();
    await ui.shot('70-content-fleet-preview');
  });
});
