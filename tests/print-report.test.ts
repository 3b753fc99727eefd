import path from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplianceGroupRow } from '../apps/controller/src/reports/compliance';
import { count, minutes, percent } from '../apps/controller/src/reports/print';
import { type AdminUi, startAdminUi } from './support/admin-ui';
import { type ChainedPlayer, connectChainedPlayer } from './support/chained-player';
import { pdfPages } from './support/pdf-text';
import { waitFor } from './support/processes';

/**
 * Issue 11's printable campaign report as leaders get it: the "In báo cáo" button of the campaign list
 * in Debian's Chromium opens the page (fetched with the session, shown from a blob), and Chromium prints
 * it to PDF. Three devices in two districts talk Socket.IO like players and upload chained proofs, so the
 * page must show exactly what GET /reports/airtime, /reports/compliance and /proofs/verify answer; then
 * one stored proof is edited and another deleted in the SQLite file, and the next print names both.
 *
 * The campaign is cancelled once the proofs are in: the players then hold a bundle without it, so the
 * planned side stops growing with the clock and the page (rendered a moment after the API answered)
 * has the same figures to the tenth of a minute.
 */

const CAMPAIGN = 'Tuần lễ BHXH toàn dân — tháng 12';
const TB = 'Huyện Thăng Bình';
const QS = 'Huyện Quế Sơn';
const LED_TB = 'Bảng LED Thăng Bình';
const KIOSK_TB = 'Màn hình sảnh Thăng Bình';
const LED_QS = 'Bảng LED Quế Sơn';
/** The A4 page less the report's @page margins (12 mm each side): 186 mm at 96 px per inch. */
const CONTENT_WIDTH_PX = (186 / 25.4) * 96;

const localDate = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(ms);
const today = localDate(Date.now());
const yesterday = localDate(Date.now() - 86_400_000);
const range = `from=${yesterday}&to=${today}`;
/** An instant as the report's footer writes it, `dd/mm/yyyy HH:mm` in Vietnam, formatted here by Intl. */
const vnMinute = (ms: number) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
    .format(ms)
    .replace(',', '');
/** A printed PDF's text on one line: a name the layout wrapped reads as it does in the source. */
const flat = (pages: string[]) => pages.join('\n').replace(/\s+/g, ' ');
/** The report's section headings (h2), in the order the page prints them. */
const HEADINGS = [
  'Tóm tắt',
  'Số phút phát theo ngày',
  'Theo huyện',
  'Thời lượng thiếu theo nguyên nhân',
  'Chi tiết từng huyện',
  'Xác minh chuỗi bằng chứng',
];

interface AirRow {
  key: string | null;
  name: string;
  plays: number;
  airtimeSeconds: number;
}
/** As GET /reports/compliance answers a row (groupBy=device adds the device's name). */
type ComplianceRow = ComplianceGroupRow & { deviceName?: string };
const LEVEL = { green: 'Đạt', amber: 'Cần theo dõi', red: 'Không đạt' } as const;

let ui: AdminUi;
const players: ChainedPlayer[] = [];
let campaignId = '';
/** Proof ids per device, in chain order. */
const proofIds = new Map<string, string[]>();

/** Clicks "In báo cáo" on the campaign's row and returns the report's tab once it has rendered. */
async function printFromCampaignList(): Promise<Page> {
  await ui.nav('Chiến dịch', 'Chiến dịch truyền thông');
  const [tab] = await Promise.all([
    ui.context.waitForEvent('page'),
    ui.page
      .locator(`[data-campaign-row="${CAMPAIGN}"]`)
      .getByRole('button', { name: 'In báo cáo', exact: true })
      .click(),
  ]);
  await tab.waitForURL(/^blob:/);
  await tab.locator('[data-verification]').waitFor();
  return tab;
}

/** The text of each cell of the row whose first cell is `name`, in `table`. */
const cells = (tab: Page, table: string, name: string) =>
  tab
    .locator(`${table} tbody tr`, { has: tab.locator('td:first-child', { hasText: name }) })
    .locator('td')
    .allTextContents();

/** Planned, delivered, percent (with the level in words), shortfall: as the page writes a compliance row. */
const complianceCells = (c: ComplianceRow) => [
  minutes(c.plannedSeconds),
  minutes(c.deliveredSeconds),
  `${percent(c.percent)}${c.level ? ` (${LEVEL[c.level]})` : ''}`,
  minutes(c.shortfallSeconds),
];

beforeAll(async () => {
  ui = await startAdminUi({ name: 'print-report' });
  const { api } = ui;
  const groupIds: string[] = [];
  const tokens = new Map<string, string>();
  for (const [district, devices] of [
    [TB, [LED_TB, KIOSK_TB]],
    [QS, [LED_QS]],
  ] as const) {
    const g = await api.post<{ id: string }>('/groups', { name: district, kind: 'district' });
    expect(g.status, g.text).toBe(201);
    groupIds.push(g.body.id);
    for (const name of devices) {
      const kind = name === KIOSK_TB ? 'kiosk' : 'led';
      const d = await api.post<{ id: string; token: string }>('/devices', { name, kind, groupId: g.body.id });
      expect(d.status, d.text).toBe(201);
      tokens.set(name, d.body.token);
    }
  }
  const slogan = await api.post<{ id: string }>('/content', {
    type: 'slogan',
    text: 'BHXH toàn dân, an sinh bền vững',
  });
  const playlist = await api.post<{ id: string }>('/playlists', {
    name: 'Tuần lễ BHXH toàn dân',
    items: [{ contentId: slogan.body.id, durationMs: 10_000 }],
  });
  const campaign = await api.post<{ id: string }>('/campaigns', {
    name: CAMPAIGN,
    startsOn: yesterday,
    endsOn: today,
    priority: 60,
    target: { deviceIds: [], groupIds, tags: [] },
    playlistIds: [playlist.body.id],
    status: 'scheduled',
  });
  expect(campaign.status, campaign.text).toBe(201);
  campaignId = campaign.body.id;
  const entries = await api.post<{ id: string }[]>(`/campaigns/${campaignId}/schedules`, {});
  expect(entries.status, entries.text).toBe(201);
  const entry = entries.body[0]!.id;
  const devices = (await api.get<{ id: string; name: string }[]>('/devices')).body;
  const qsId = devices.find((d) => d.name === LED_QS)!.id;
  // Quế Sơn's own slogan at a lower priority: what it airs instead of the campaign (pre-empted).
  const routine = await api.scheduleSlogan(qsId, 'Khẩu hiệu thường ngày Quế Sơn', 5000, { priority: 10 });

  const [ledTb, kioskTb, ledQs] = await Promise.all(
    [LED_TB, KIOSK_TB, LED_QS].map((n) => connectChainedPlayer(ui.controller.url, tokens.get(n)!)),
  );
  players.push(ledTb!, kioskTb!, ledQs!);
  const held = Date.now();
  // Let the plays that started with the bundle finish (their end must not lie in the future).
  await new Promise((r) => setTimeout(r, 2600));
  const min = 60_000;
  proofIds.set(
    LED_TB,
    await ledTb!.upload(slogan.body.id, [
      [entry, held - 40 * min, held - 25 * min],
      [entry, held - 20 * min, held - 10 * min],
      [entry, held, held + 2500],
    ]),
  );
  // The kiosk aired half of what was planned, and nothing else: unexplained.
  proofIds.set(KIOSK_TB, await kioskTb!.upload(slogan.body.id, [[entry, held, held + 1200]]));
  // Quế Sơn's board aired the campaign for half a second, then its own slogan: pre-empted.
  proofIds.set(LED_QS, [
    ...(await ledQs!.upload(slogan.body.id, [[entry, held, held + 500]])),
    ...(await ledQs!.upload(routine.contentId, [[routine.scheduleId, held + 500, held + 2500]])),
  ]);
  const versions = new Map(devices.map((d) => [d.id, 0]));
  const before = (await api.get<{ id: string; ackedBundleVersion: number | null }[]>('/devices')).body;
  for (const d of before) versions.set(d.id, d.ackedBundleVersion ?? 0);
  const cancelled = await api.post(`/campaigns/${campaignId}/cancel`);
  expect(cancelled.status, cancelled.text).toBe(200);
  // Each player acknowledges the bundle without the campaign: from then on the plan is closed.
  await waitFor(
    async () => {
      const now = (await api.get<{ id: string; ackedBundleVersion: number | null }[]>('/devices')).body;
      return now.every((d) => (d.ackedBundleVersion ?? 0) > versions.get(d.id)!) || null;
    },
    'the players to hold the bundle without the campaign',
    15_000,
  );

  await ui.open();
  await ui.login();
}, 90_000);

afterAll(async () => {
  for (const p of players) p.close();
  await ui?.close();
});

describe('printable campaign report in Chromium (issue 11)', () => {
  let tab: Page;
  /** The clock just before the report was asked for and just after it rendered: its generation time lies between. */
  let asked = 0;
  let shown = 0;
  /** What /proofs/verify counted, and the campaign's totals from /reports/airtime, when the first report was printed. */
  let checked = 0;
  let total: AirRow | undefined;

  it('shows the numbers GET /reports/airtime and /reports/compliance answer, and the verification', async () => {
    asked = Date.now();
    tab = await printFromCampaignList();
    shown = Date.now();
    await tab.emulateMedia({ media: 'print' });
    const { api } = ui;
    const district = await api.get<{ rows: AirRow[]; total: AirRow }>(
      `/reports/airtime?${range}&groupBy=district&campaignId=${campaignId}`,
    );
    const device = await api.get<{ rows: AirRow[] }>(
      `/reports/airtime?${range}&groupBy=device&campaignId=${campaignId}`,
    );
    const compDistrict = await api.get<{ rows: ComplianceRow[] }>(
      `/reports/compliance?campaignId=${campaignId}&${range}&groupBy=district`,
    );
    const compDevice = await api.get<{ rows: ComplianceRow[] }>(
      `/reports/compliance?campaignId=${campaignId}&${range}&groupBy=device`,
    );
    const verify = await api.get<{ ok: boolean; checked: number }>(`/proofs/verify?${range}`);
    expect(district.status, district.text).toBe(200);
    expect(compDistrict.status, compDistrict.text).toBe(200);

    // The figures themselves, from the proofs uploaded: 15 + 10 min + 2,5 s and 1,2 s; 0,5 s in Quế Sơn.
    const byName = [...district.body.rows].sort((a, b) => a.name.localeCompare(b.name, 'vi'));
    expect(byName.map((r) => [r.name, r.plays, r.airtimeSeconds])).toEqual([
      [QS, 1, 0.5],
      [TB, 4, 25 * 60 + 2.5 + 1.2],
    ]);
    const level = new Map(compDevice.body.rows.map((r) => [r.deviceName, r.level]));
    expect(level).toEqual(
      new Map([
        [KIOSK_TB, 'red'],
        [LED_QS, 'red'],
        [LED_TB, 'green'],
      ]),
    );
    expect(compDevice.body.rows.find((r) => r.deviceName === LED_QS)!.causes.preempted).toBeGreaterThan(0);
    expect(compDevice.body.rows.find((r) => r.deviceName === KIOSK_TB)!.causes.unexplained).toBeGreaterThan(0);
    expect(verify.body).toMatchObject({ ok: true, checked: 6 });
    checked = verify.body.checked;
    total = district.body.total;

    expect(await tab.locator('[data-total-plays]').textContent()).toBe(count(district.body.total.plays));
    expect(await tab.locator('[data-total-minutes]').textContent()).toBe(
      `${minutes(district.body.total.airtimeSeconds)} phút`,
    );
    for (const a of district.body.rows) {
      const c = compDistrict.body.rows.find((r) => r.groupName === a.name)!;
      expect(await cells(tab, '[data-table="districts"]', a.name), a.name).toEqual([
        a.name,
        count(c.devices),
        count(a.plays),
        minutes(a.airtimeSeconds),
        ...complianceCells(c),
      ]);
      expect(await cells(tab, '[data-table="causes"]', a.name), a.name).toEqual([
        a.name,
        minutes(c.shortfallSeconds),
        ...[c.causes.offline, c.causes.boardError, c.causes.preempted, c.causes.unexplained].map(minutes),
      ]);
    }
    for (const [name, districtName] of [
      [LED_TB, TB],
      [KIOSK_TB, TB],
      [LED_QS, QS],
    ] as const) {
      const a = device.body.rows.find((r) => r.name === name)!;
      const c = compDevice.body.rows.find((r) => r.deviceName === name)!;
      expect(await cells(tab, `[data-district="${districtName}"] table`, name), name).toEqual([
        name,
        count(a.plays),
        minutes(a.airtimeSeconds),
        ...complianceCells(c),
      ]);
    }
    // Red and green are in words as well as colour (a black-and-white printer keeps the meaning).
    expect(await tab.locator('[data-table="districts"] td.red').count()).toBeGreaterThan(0);
    // A bar per day with airtime, drawn inline.
    expect(await tab.locator('figure svg rect').count()).toBeGreaterThan(0);
    expect(await tab.locator('[data-verification]').textContent()).toBe(
      `Đã xác minh ${count(verify.body.checked)} bằng chứng: không có bằng chứng nào bị sửa hay bị xoá.`,
    );
    expect(await tab.locator('footer').textContent()).toMatch(
      /^Lập lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} \(giờ Việt Nam\)/,
    );
  });

  it('the print stylesheet fits the A4 width, keeps rows whole and hides the screen hint', async () => {
    await tab.emulateMedia({ media: 'screen' });
    expect(await tab.locator('.hint').isVisible()).toBe(true);
    await tab.emulateMedia({ media: 'print' });
    expect(await tab.locator('.hint').isVisible()).toBe(false);
    // Laid out at the printed width: nothing may stick out of the A4 content box (it would be cut off).
    await tab.setViewportSize({ width: Math.floor(CONTENT_WIDTH_PX), height: 1000 });
    const layout = await tab.evaluate(() => {
      const wide = [...document.body.querySelectorAll('*')]
        .map((el) => ({ el, r: el.getBoundingClientRect() }))
        .filter(({ r }) => r.width > 0 && r.right > document.documentElement.clientWidth + 0.5)
        .map(({ el, r }) => `${el.tagName.toLowerCase()} "${(el.textContent ?? '').slice(0, 30)}" right ${r.right}`);
      const style = (sel: string) => [...document.querySelectorAll(sel)].map((el) => getComputedStyle(el));
      return {
        wide,
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        rows: style('tr').map((s) => s.breakInside),
        heads: style('thead').map((s) => s.display),
        headings: style('h2, h3').map((s) => s.breakAfter),
      };
    });
    expect(layout.wide).toEqual([]);
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
    expect(layout.rows.length).toBeGreaterThan(5);
    expect(new Set(layout.rows)).toEqual(new Set(['avoid']));
    // A table that goes on to a next page repeats its header there; a heading never ends a page.
    expect(new Set(layout.heads)).toEqual(new Set(['table-header-group']));
    expect(new Set(layout.headings)).toEqual(new Set(['avoid']));
  });

  it('prints to a PDF of a few A4 pages, A4 even when the printer asks for Letter', async () => {
    const pages = (pdf: Buffer) => {
      const text = pdf.toString('latin1');
      const boxes = [...text.matchAll(/\/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]/g)].map((m) => [
        Number(m[3]) - Number(m[1]),
        Number(m[4]) - Number(m[2]),
      ]);
      return { count: (text.match(/\/Type\s*\/Page\b(?!s)/g) ?? []).length, boxes };
    };
    // 210 × 297 mm is 595,3 × 841,9 pt; Chromium rounds the paper to whole hundredths of an inch.
    const expectA4 = ([w, h]: number[]) => {
      expect(Math.abs(w! - 595.3)).toBeLessThan(1.5);
      expect(Math.abs(h! - 841.9)).toBeLessThan(1.5);
    };
    const a4Pdf = await tab.pdf({ format: 'A4', printBackground: true });
    const a4 = pages(a4Pdf);
    expect(a4.count).toBeGreaterThan(0);
    expect(a4.count).toBeLessThanOrEqual(4);
    expect(a4.boxes).toHaveLength(a4.count);
    for (const box of a4.boxes) expectA4(box);
    // The report's own `@page { size: A4 }` wins over the printer's paper (Letter is 612 × 792 pt).
    const ownPdf = await tab.pdf({ format: 'Letter', preferCSSPageSize: true, printBackground: true });
    const own = pages(ownPdf);
    expect(own.count).toBe(a4.count);
    for (const box of own.boxes) expectA4(box);
    await tab.close();

    // What the leader reads on paper: the PDF's own text, read back by PDF.js through the fonts' Unicode maps.
    const text = await pdfPages(a4Pdf);
    expect(text).toHaveLength(a4.count);
    const paper = flat(text);
    expect(text[0]!.replace(/\s+/g, ' ')).toContain(`Báo cáo chiến dịch: ${CAMPAIGN}`);
    expect(paper).toContain(`Chiến dịch ${CAMPAIGN}`);
    expect(paper).toContain(`Tổng lượt phát ${count(total!.plays)}`);
    expect(paper).toContain(`Tổng số phút phát ${minutes(total!.airtimeSeconds)} phút`);
    // Every section heading, in order (a heading that printed twice or out of place would not match).
    const at = HEADINGS.map((h) => paper.indexOf(h));
    expect(
      HEADINGS.filter((_, k) => at[k]! < 0),
      'headings missing on paper',
    ).toEqual([]);
    expect(at).toEqual([...at].sort((x, y) => x - y));
    /** The paper's text from heading `k` to the next one. */
    const section = (k: number) => paper.slice(at[k], at[k + 1]);
    // Both districts in the district table (with its total), the cause table and a section each.
    for (const k of [2, 3, 4]) for (const d of [TB, QS]) expect(section(k), `${HEADINGS[k]}: ${d}`).toContain(d);
    expect(section(2)).toContain('Tổng cộng');
    expect(section(4)).toContain(`Cộng ${TB}`);
    expect(section(4)).toContain(`Cộng ${QS}`);
    for (const d of [LED_TB, KIOSK_TB, LED_QS]) expect(section(4), d).toContain(d);
    expect(paper).toContain(`Đã xác minh ${count(checked)} bằng chứng: không có bằng chứng nào bị sửa hay bị xoá.`);
    expect(paper).not.toContain('chỗ đứt');
    // Generated between the click and the render, written in Vietnam's local time.
    const stamps = new Set([vnMinute(asked), vnMinute(shown)]);
    const footer = /Lập lúc (\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}) \(giờ Việt Nam\) bởi hệ thống bangtin\./.exec(
      text.at(-1)!.replace(/\s+/g, ' '),
    );
    expect(footer, 'the footer on the last page').not.toBeNull();
    expect(stamps).toContain(footer![1]);
    // The screen's "press Ctrl+P" hint is not printed.
    expect(paper).not.toContain('Ctrl+P');
    // A4 asked as Letter prints the same text on the same pages.
    expect(await pdfPages(ownPdf)).toEqual(text);
  });

  it('names an edited proof and a deleted one under the next print', async () => {
    const db = new Database(path.join(ui.controllerDir, 'bangtin.sqlite'));
    db.prepare('UPDATE proofs SET ended_at = ended_at + 60000 WHERE id = ?').run(proofIds.get(LED_QS)![0]);
    db.prepare('DELETE FROM proofs WHERE id = ?').run(proofIds.get(LED_TB)![1]);
    db.close();
    const v = await ui.api.get<{ ok: boolean; checked: number; breaks: { seq: number; kind: string }[] }>(
      `/proofs/verify?${range}`,
    );
    expect(v.body.ok).toBe(false);
    expect(v.body.breaks.map((b) => [b.seq, b.kind]).sort()).toEqual([
      [1, 'hash-mismatch'],
      [2, 'missing'],
    ]);

    const again = await printFromCampaignList();
    await again.emulateMedia({ media: 'print' });
    expect(await again.locator('[data-verification]').textContent()).toBe(
      `Phát hiện 2 chỗ đứt trong chuỗi bằng chứng (đã kiểm tra ${count(v.body.checked)} bằng chứng).`,
    );
    const rows = await again
      .locator('[data-table="breaks"] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 3).map((td) => td.textContent)));
    expect(rows.sort()).toEqual(
      [
        [LED_QS, '1', 'nội dung bị sửa'],
        [LED_TB, '2', 'thiếu bằng chứng (bị xoá hoặc chưa gửi)'],
      ].sort(),
    );
    expect(await again.locator('.verification').getAttribute('class')).toContain('bad');
    // On paper too: the break count and each break, and no claim that the chain holds.
    const paper = flat(await pdfPages(await again.pdf({ format: 'A4', printBackground: true })));
    expect(paper).toContain(
      `Phát hiện 2 chỗ đứt trong chuỗi bằng chứng (đã kiểm tra ${count(v.body.checked)} bằng chứng).`,
    );
    expect(paper).toContain(`${LED_QS} 1 nội dung bị sửa`);
    expect(paper).toContain(`${LED_TB} 2 thiếu bằng chứng (bị xoá hoặc chưa gửi)`);
    expect(paper).not.toContain('Đã xác minh');
    await again.close();
  });
});
