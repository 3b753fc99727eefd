import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminUi, startAdminUi } from './support/admin-ui';
import { encodePng } from './support/png';
import { waitFor } from './support/processes';

/**
 * The playlist screen's preview in Debian's Chromium against a real controller: the playlist as it is
 * being edited (unsaved order and durations) plays item after item, with the LED board drawn by the
 * drivers' renderer, and the player's controls (pause, next, previous, keyboard) do what they say.
 */

const SLOGAN_A = { title: 'Khẩu hiệu BHYT', text: 'Mua BHYT hộ gia đình' };
const SLOGAN_B = { title: 'Khẩu hiệu BHXH', text: 'Đóng BHXH đúng hạn' };
const IMAGE_TITLE = 'Ảnh tuyên truyền';
const PLAYLIST = 'Danh sách xem thử';

let ui: AdminUi;

beforeAll(async () => {
  ui = await startAdminUi({ name: 'ui-playlist' });
  for (const s of [SLOGAN_A, SLOGAN_B]) {
    const r = await ui.api.post('/content', { type: 'slogan', ...s });
    expect(r.status, r.text).toBe(201);
  }
  const form = new FormData();
  form.append('title', IMAGE_TITLE);
  const png = encodePng(80, 48, (x) => (x < 40 ? [200, 30, 30] : [250, 220, 0]));
  form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'tuyen-truyen.png');
  const up = await fetch(`${ui.controller.url}/api/v1/content`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ui.api.token}` },
    body: form,
  });
  expect(up.status, await up.clone().text()).toBe(201);
  await ui.open();
  await ui.login();
}, 90_000);

afterAll(async () => {
  await ui?.close();
});

describe('admin UI: playlist preview', () => {
  it('plays the unsaved playlist in order with its durations, and pauses, skips and follows edits', async () => {
    const { page } = ui;
    await ui.nav('Danh sách phát', 'Danh sách phát');
    await page.getByLabel('Tên danh sách phát').fill(PLAYLIST);
    for (const label of [SLOGAN_A.title, SLOGAN_B.title, IMAGE_TITLE]) {
      await page.getByLabel('Thêm nội dung').selectOption({ label });
      await page.getByRole('button', { name: 'Thêm vào danh sách' }).click();
    }
    await page.getByLabel('Thời lượng mục 1 (giây)').fill('2');
    await page.getByLabel('Thời lượng mục 2 (giây)').fill('3');
    await page.getByLabel('Thời lượng mục 3 (giây)').fill('2');

    await page.getByRole('button', { name: 'Xem thử', exact: true }).click();
    const player = page.getByRole('region', { name: 'Xem thử danh sách phát' });
    const now = player.locator('.pl-preview-now');
    const board = player.locator('figure[data-board="96×16"] canvas');
    const progress = player.getByRole('progressbar', { name: 'Thời gian của mục đang phát' });

    // First the first slogan, on the LED board (lit by the renderer) and as screen text.
    await now.getByText(`Mục 1/3: ${SLOGAN_A.title}`).waitFor();
    await waitFor(async () => Number(await board.getAttribute('data-lit')) > 0, 'LED preview of slogan A');
    expect(await board.getAttribute('aria-label')).toContain(SLOGAN_A.text);
    expect(await player.locator('.pl-preview-screen p').textContent()).toBe(SLOGAN_A.text);
    expect(await player.getByTestId('preview-left').textContent()).toMatch(/^Còn [12] giây$/);
    await ui.shot('50-playlist-preview');

    // After its 2 s, the second slogan on its own (no click), with its 3 s.
    await now.getByText(`Mục 2/3: ${SLOGAN_B.title}`).waitFor();
    await waitFor(
      async () => (await board.getAttribute('aria-label'))?.includes(SLOGAN_B.text) === true,
      'LED preview of slogan B',
    );
    expect(Number(await progress.getAttribute('max'))).toBe(3000);

    // Paused, the progress and the item stay where they are.
    await player.getByRole('button', { name: 'Tạm dừng xem thử', exact: true }).click();
    await player.getByText('Đang tạm dừng').waitFor();
    const heldAt = await progress.getAttribute('data-offset-ms');
    await page.waitForTimeout(3500);
    expect(await progress.getAttribute('data-offset-ms')).toBe(heldAt);
    expect(await now.textContent()).toContain(`Mục 2/3: ${SLOGAN_B.title}`);

    // Next shows the image (the library file, loaded), next again loops to the start, previous goes back.
    await player.getByRole('button', { name: 'Mục sau', exact: true }).click();
    await now.getByText(`Mục 3/3: ${IMAGE_TITLE}`).waitFor();
    const img = player.getByRole('img', { name: IMAGE_TITLE });
    await img.waitFor();
    await waitFor(
      async () => (await img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)) === 80,
      'image file to load',
    );
    await player.getByRole('button', { name: 'Mục sau', exact: true }).click();
    await now.getByText(`Mục 1/3: ${SLOGAN_A.title}`).waitFor();
    await player.getByRole('button', { name: 'Mục trước', exact: true }).click();
    await now.getByText(`Mục 3/3: ${IMAGE_TITLE}`).waitFor();
    await player.getByRole('button', { name: 'Mục trước', exact: true }).click();
    await now.getByText(`Mục 2/3: ${SLOGAN_B.title}`).waitFor();

    // The keyboard works too: arrows step through the items, Enter on the play button resumes.
    await player.getByRole('button', { name: 'Mục sau', exact: true }).focus();
    await page.keyboard.press('ArrowLeft');
    await now.getByText(`Mục 1/3: ${SLOGAN_A.title}`).waitFor();

    // Reordering the unsaved list moves the item on screen with it.
    await page.locator('.playlist-items li').nth(0).getByRole('button', { name: 'Xuống' }).click();
    await now.getByText(`Mục 2/3: ${SLOGAN_A.title}`).waitFor();
    // A duration edited while previewing counts: item 2 (slogan A now) lasts 4 s.
    await page.getByLabel('Thời lượng mục 2 (giây)').fill('4');
    await waitFor(async () => (await progress.getAttribute('max')) === '4000', 'edited duration in the preview');

    await player.getByRole('button', { name: 'Phát xem thử', exact: true }).focus();
    await page.keyboard.press('Enter');
    await player.getByRole('button', { name: 'Tạm dừng xem thử', exact: true }).waitFor();
    expect(await player.getByText('Đang tạm dừng').count()).toBe(0);
    await waitFor(
      async () => Number(await progress.getAttribute('data-offset-ms')) > 0,
      'progress to move again after resuming',
    );

    // The preview did not change the form: saving stores the order and durations as edited.
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    await page.getByText('Đã lưu danh sách phát.').waitFor();
    const saved = (await ui.api.get<{ name: string; items: { durationMs: number }[] }[]>('/playlists')).body;
    expect(saved.find((p) => p.name === PLAYLIST)?.items.map((i) => i.durationMs)).toEqual([3000, 4000, 2000]);
    expect(await player.count()).toBe(0);
  });
});
