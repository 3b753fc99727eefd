/// <reference lib="dom" />
// page.evaluate callbacks run in Chromium: they need the DOM types.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminUi, startAdminUi } from './support/admin-ui';
import { ROOT } from './support/processes';

/**
 * What a new user met on screen, checked in Debian's Chromium against a real controller: axe-core
 * over every screen of the admin app (the screens are the app's own route list, so a screen added
 * later is checked too) with no serious or critical violation, colour contrast included.
 */

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The paths of `ROUTES` in the app's source: the nav must offer all of them to an admin. */
function routePaths(): string[] {
  const src = fs.readFileSync(path.join(ROOT, 'apps/controller/web/src/app.tsx'), 'utf8');
  const list = src.slice(src.indexOf('export const ROUTES'));
  return [...list.slice(0, list.indexOf('];')).matchAll(/path: '([^']+)'/g)].map((m) => m[1]!);
}

let ui: AdminUi;

beforeAll(async () => {
  // An English browser: the dates must still read dd/mm/yyyy (native date inputs would say mm/dd/yyyy).
  // bypassCSP: the test injects axe-core as an inline script, which the app's CSP (script-src 'self')
  // rightly refuses; the app's own scripts are unaffected.
  ui = await startAdminUi({
    name: 'ui-findings',
    browser: { locale: 'en-US', extraArgs: ['--lang=en-US'], bypassCSP: true },
  });
  const slogan = await ui.api.post<{ id: string }>('/content', { type: 'slogan', text: 'Tham gia BHYT hộ gia đình' });
  const pl = await ui.api.post<{ id: string }>('/playlists', {
    name: 'Danh sách chiến dịch',
    items: [{ contentId: slogan.body.id, durationMs: 5000 }],
  });
  expect(pl.status, pl.text).toBe(201);
  const c = await ui.api.post('/campaigns', {
    name: 'Tháng hành động BHYT',
    colour: '#1f4e9c',
    startsOn: '2026-12-02',
    endsOn: '2026-12-31',
    priority: 50,
    target: { groupIds: [] },
    playlistIds: [pl.body.id],
    status: 'draft',
  });
  expect(c.status, c.text).toBe(201);
  const district = await ui.api.post<{ id: string }>('/groups', { name: 'Núi Thành', kind: 'district' });
  const sch = await ui.api.post('/schedules', {
    playlistId: pl.body.id,
    target: { groupIds: [district.body.id] },
    recurrence: { kind: 'weekly', days: [1, 2, 3, 4, 5], dayparts: [{ start: '07:00', end: '17:00' }] },
    weight: 2,
  });
  expect(sch.status, sch.text).toBe(201);
  await ui.open();
  await ui.login();
}, 90_000);

afterAll(() => ui?.close());

describe('admin UI as a new user finds it', () => {
  it('axe-core: no serious or critical violation on any screen, contrast included', async () => {
    const page = ui.page;
    const nav = await page
      .getByRole('navigation')
      .getByRole('link')
      .evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
    const paths = routePaths();
    expect(paths.length).toBeGreaterThan(5);
    expect([...nav].sort()).toEqual([...paths].sort());
    const found: string[] = [];
    for (const p of paths) {
      await ui.open(p);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<AxeResult> } }).axe;
        interface AxeResult {
          violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
        }
        const r = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
        return r.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
      found.push(...violations.map((v) => `${p}: ${v}`));
    }
    expect(found).toEqual([]);
  });

  it('dates read and are typed as dd/mm/yyyy in an English browser; 03/12/2026 is 3 December', async () => {
    const page = ui.page;
    expect(await page.evaluate(() => navigator.language)).toBe('en-US');
    await ui.open('/campaigns');
    await page.locator('[data-campaign-row="Tháng hành động BHYT"]').getByText('02/12/2026 – 31/12/2026').waitFor();
    const from = page.getByLabel('Từ ngày');
    expect(await from.getAttribute('type')).toBe('text');
    expect(await from.inputValue()).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);

    await ui.open('/reports');
    const reportFrom = page.getByLabel('Từ ngày');
    await reportFrom.fill('03/12/2026');
    expect(await reportFrom.getAttribute('aria-invalid')).toBeNull();
    const asked = page.waitForRequest((r) => r.url().includes('from='));
    await page.getByRole('button', { name: 'Xem báo cáo' }).click();
    // 3 December: as a day, or as its midnight in Vietnam (17:00 UTC on the 2nd), never 12 March.
    expect(['2026-12-03', '2026-12-02T17:00:00.000Z']).toContain(new URL((await asked).url()).searchParams.get('from'));
    await reportFrom.fill('12/31/2026');
    expect(await reportFrom.getAttribute('aria-invalid')).toBe('true');
  });

  it('says things plainly, with the technical word in a tooltip; English mode reads English', async () => {
    const page = ui.page;
    await ui.open('/schedules');
    const weight = page.locator('label', { hasText: 'Tỉ lệ phát khi trùng giờ' });
    expect(await weight.getAttribute('title')).toBe('Trọng số (weight)');
    await page.getByRole('cell', { name: 'Thứ Hai–Thứ Sáu, 07:00–17:00' }).waitFor();
    await page.getByRole('cell', { name: /tỉ lệ phát ×2/ }).waitFor();
    // "Lặp lại": each radio button sits right beside its label's text.
    const gaps = await page.locator('fieldset.recurrence label.check').evaluateAll((labels) =>
      labels.map((l) => {
        const radio = l.querySelector('input')!.getBoundingClientRect();
        const range = document.createRange();
        range.selectNodeContents(l);
        const text = [...range.getClientRects()].filter((r) => r.left >= radio.right - 1);
        return Math.min(...text.map((r) => r.left)) - radio.right;
      }),
    );
    expect(gaps.length).toBe(4);
    for (const g of gaps) expect(g).toBeLessThan(16);
    expect(await page.locator('body').textContent()).not.toMatch(/Trọng số|Biểu thức cron/);

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('cell', { name: 'Monday–Friday, 07:00–17:00' }).waitFor();
    expect(await page.getByRole('main').textContent()).not.toMatch(/Thứ Hai|trọng số/);
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await page.getByRole('cell', { name: 'Thứ Hai–Thứ Sáu, 07:00–17:00' }).waitFor();
  });

  it("uploads through a Vietnamese 'Chọn tệp…' control, never the browser's 'Choose File'", async () => {
    const page = ui.page;
    await ui.open('/content');
    const picker = page.locator('.file-picker');
    await picker.getByText('Chọn tệp…').waitFor();
    await picker.getByText('Chưa chọn tệp').waitFor();
    const input = page.getByLabel('Tệp ảnh hoặc video');
    expect(await input.getAttribute('type')).toBe('file');
    // The native control (which speaks the browser's language, English here) is not drawn.
    expect((await input.boundingBox())!.width).toBeLessThanOrEqual(1);
    await input.setInputFiles({ name: 'áp-phích.png', mimeType: 'image/png', buffer: Buffer.from('x') });
    await picker.getByText('áp-phích.png').waitFor();
  });

  it('draws the playlist preview transport icons as SVG, not font symbols', async () => {
    const page = ui.page;
    await ui.open('/playlists');
    await page.getByLabel('Thêm nội dung').selectOption({ index: 1 });
    await page.getByRole('button', { name: 'Thêm vào danh sách' }).click();
    await page.getByRole('button', { name: 'Xem thử', exact: true }).click();
    const controls = page.locator('.pl-preview-controls');
    for (const icon of ['prev', 'pause', 'next']) {
      const box = await controls.locator(`svg[data-icon="${icon}"]`).boundingBox();
      expect(box!.width, icon).toBeGreaterThan(8);
    }
    expect(await controls.textContent()).not.toMatch(/[⏮⏸⏭▶]/u);
  });
});
