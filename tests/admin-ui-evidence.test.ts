import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminUi, startAdminUi } from './support/admin-ui';
import { type ChainedPlayer, connectChainedPlayer } from './support/chained-player';
import { ROOT, tmpDir } from './support/processes';

/**
 * Issue 11's Reports screen in Debian's Chromium against a real controller process. Two devices talk
 * Socket.IO like players (bundle acknowledged, chained proofs uploaded through `proofs:upload`), so the
 * figures are known: Đại Lộc airs the campaign, Duy Xuyên airs a routine slogan instead. The screen's
 * numbers must equal what the API answers, compliance shows green and red in words with the cause and
 * a drill-down, the verify label turns from "Đã xác minh" to a break after a row is edited in the
 * SQLite file, and the xlsx downloads parse back with names.
 */

/** The few exceljs calls the test makes (the library is the controller's dependency, read from there). */
interface Workbook {
  xlsx: { readFile(file: string): Promise<unknown> };
  worksheets: { eachRow(fn: (row: { values: unknown }) => void): void }[];
}
const ExcelJS = createRequire(path.join(ROOT, 'apps/controller/package.json'))('exceljs') as {
  Workbook: new () => Workbook;
};
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const CAMPAIGN = 'Tháng vận động BHXH tự nguyện';
const DL = 'Huyện Đại Lộc';
const DX = 'Huyện Duy Xuyên';
const LED_DL = 'Bảng LED Đại Lộc';
const LED_DX = 'Bảng LED Duy Xuyên';

interface AirRow {
  key: string | null;
  name: string;
  plays: number;
  airtimeSeconds: number;
}

let ui: AdminUi;
const players: ChainedPlayer[] = [];
let campaignId = '';
let firstProofA = '';
let earlySeconds = 300;
const groupIds: string[] = [];
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
const vi1 = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });
const minutes = (s: number) => vi1.format(Math.round(s / 6) / 10);

const workbook = async (file: string) => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
};
const sheetText = (wb: Workbook) => {
  const rows: string[][] = [];
  wb.worksheets[0]!.eachRow((r) =>
    rows.push(
      (r.values as unknown[])
        .slice(1)
        .map((v) => (v && typeof v === 'object' && 'result' in v ? String(v.result) : String(v ?? ''))),
    ),
  );
  return rows;
};

async function axe(): Promise<string[]> {
  await ui.page.addScriptTag({ path: AXE });
  return ui.page.evaluate(async () => {
    interface AxeResult {
      violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
    }
    const a = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<AxeResult> } }).axe;
    const r = await a.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

beforeAll(async () => {
  // bypassCSP: axe-core is injected as an inline script, which the app's CSP (script-src 'self') refuses.
  ui = await startAdminUi({ name: 'ui-evidence', browser: { bypassCSP: true } });
  const { api } = ui;
  const tokens: string[] = [];
  for (const [district, led] of [
    [DL, LED_DL],
    [DX, LED_DX],
  ]) {
    const g = await api.post<{ id: string }>('/groups', { name: district, kind: 'district' });
    expect(g.status).toBe(201);
    groupIds.push(g.body.id);
    const d = await api.post<{ id: string; token: string }>('/devices', { name: led, kind: 'led', groupId: g.body.id });
    expect(d.status).toBe(201);
    tokens.push(d.body.token);
  }
  const c = await api.post<{ id: string }>('/content', { type: 'slogan', text: 'Tham gia BHXH tự nguyện' });
  const pl = await api.post<{ id: string }>('/playlists', {
    name: 'Chiến dịch BHXH tự nguyện',
    items: [{ contentId: c.body.id, durationMs: 10_000 }],
  });
  const camp = await api.post<{ id: string }>('/campaigns', {
    name: CAMPAIGN,
    startsOn: today,
    endsOn: today,
    priority: 60,
    target: { deviceIds: [], groupIds, tags: [] },
    playlistIds: [pl.body.id],
    status: 'scheduled',
  });
  expect(camp.status, camp.text).toBe(201);
  campaignId = camp.body.id;
  const entries = await api.post<{ id: string }[]>(`/campaigns/${campaignId}/schedules`, {});
  expect(entries.status, entries.text).toBe(201);
  const campaignSchedule = entries.body[0]!.id;
  // Duy Xuyên's own routine slogan, at a lower priority: what it aired instead of the campaign.
  const devices = (await api.get<{ id: string; name: string }[]>('/devices')).body;
  const dx = devices.find((d) => d.name === LED_DX)!.id;
  const routine = await api.scheduleSlogan(dx, 'Khẩu hiệu thường ngày Duy Xuyên', 5000, { priority: 10 });

  const [a, b] = await Promise.all(tokens.map((token) => connectChainedPlayer(ui.controller.url, token)));
  players.push(a!, b!);
  const t = Date.now();
  // A: five minutes earlier today (less just after midnight: it stays in today), and one play running
  // from just before its bundle to half an hour on.
  const earlyStart = Math.max(t - 10 * 60_000, Date.parse(`${today}T00:00:00+07:00`));
  earlySeconds = Math.max(1, Math.min(300, Math.floor((t - 3000 - earlyStart) / 1000)));
  [firstProofA = ''] = await a!.upload(c.body.id, [
    [campaignSchedule, earlyStart, earlyStart + earlySeconds * 1000],
    [campaignSchedule, t - 2000, t + 30 * 60_000],
  ]);
  // B: only the routine slogan, over the same time: the campaign was pre-empted there.
  await b!.upload(routine.contentId, [[routine.scheduleId, t - 2000, t + 30 * 60_000]]);

  await ui.open();
  await ui.login();
}, 90_000);

afterAll(async () => {
  for (const p of players) p.close();
  await ui?.close();
});

describe('admin UI: evidence reports (issue 11)', () => {
  it('campaign + district + Hôm nay: the table and the sentence equal GET /reports/airtime, with names', async () => {
    await ui.nav('Báo cáo', 'Báo cáo phát sóng');
    const card = ui.page.getByTestId('airtime');
    await ui.page.getByLabel('Chiến dịch', { exact: true }).selectOption({ label: CAMPAIGN });
    await ui.page.getByLabel('Khoảng thời gian').selectOption({ label: 'Hôm nay' });

    // Whole province first: a row per district.
    const all = await ui.api.get<{ rows: AirRow[]; total: AirRow }>(
      `/reports/airtime?from=${today}&to=${today}&groupBy=district&campaignId=${campaignId}`,
    );
    expect(all.body.rows.map((r) => r.name)).toEqual([DL]);
    const dlRow = card.getByTestId('airtime-table').locator(`tr[data-row="${DL}"]`);
    await dlRow.waitFor();
    expect(await dlRow.locator('td').allTextContents()).toEqual([
      String(all.body.rows[0]!.plays),
      minutes(all.body.rows[0]!.airtimeSeconds),
    ]);

    // Then Đại Lộc: a row per device, by name, and the answer as a sentence.
    await ui.page.getByLabel('Huyện', { exact: true }).selectOption({ label: DL });
    const r = await ui.api.get<{ rows: AirRow[]; total: { plays: number; airtimeSeconds: number } }>(
      `/reports/airtime?from=${today}&to=${today}&groupBy=device&campaignId=${campaignId}&groupId=${groupIds[0]}`,
    );
    expect(r.body.rows).toHaveLength(1);
    expect(r.body.total.plays).toBe(2);
    // 5 minutes (or what of today came before) + 30 minutes 2 seconds.
    expect(r.body.total.airtimeSeconds).toBe(earlySeconds + 1802);
    const row = card.getByTestId('airtime-table').locator(`tr[data-row="${LED_DL}"]`);
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual(['2', minutes(r.body.total.airtimeSeconds)]);
    expect(await card.locator('tr[data-row="total"] td').allTextContents()).toEqual([
      '2',
      minutes(r.body.total.airtimeSeconds),
    ]);
    await card
      .getByTestId('airtime-summary')
      .filter({ hasText: `${CAMPAIGN} ở ${DL}, ` })
      .filter({ hasText: `${minutes(r.body.total.airtimeSeconds)} phút, 2 lượt phát` })
      .waitFor();
    // One bar today, its value the same minutes.
    const bars = card.getByTestId('airtime-chart').locator('g[data-value]');
    expect(await bars.count()).toBe(1);
    expect(Number(await bars.first().getAttribute('data-value'))).toBe(
      Math.round(r.body.total.airtimeSeconds / 6) / 10,
    );
    // The verify label covers the district's proofs.
    await card.getByTestId('verify').filter({ hasText: 'Đã xác minh: 2 lượt phát' }).waitFor();

    const [download] = await Promise.all([
      ui.page.waitForEvent('download'),
      card.getByRole('button', { name: 'Tải Excel phút phát' }).click(),
    ]);
    const file = path.join(tmpDir('ui-evidence-xlsx'), 'airtime.xlsx');
    await download.saveAs(file);
    const rows = sheetText(await workbook(file));
    expect(rows[0]).toEqual(expect.arrayContaining(['Thiết bị', 'Huyện', 'Lượt phát', 'Thời lượng phát (phút)']));
    expect(rows[1]).toEqual(expect.arrayContaining([LED_DL, DL, '2']));
    expect(rows.at(-1)![0]).toBe('Tổng cộng');
    await ui.shot('20-reports-airtime');
  });

  it('compliance per district: green and red in words, the cause of the shortfall, the drill-down, axe clean', async () => {
    await ui.page.getByLabel('Huyện', { exact: true }).selectOption({ label: 'Tất cả huyện' });
    const card = ui.page.getByTestId('compliance');
    await card.getByText('Đạt khi đã phát ≥ 95 % kế hoạch').waitFor();
    const api = await ui.api.get<{ rows: { groupName: string; level: string; causes: Record<string, number> }[] }>(
      `/reports/compliance?campaignId=${campaignId}&from=${today}&to=${today}`,
    );
    // Vietnamese alphabetical order: D before Đ.
    expect(api.body.rows.map((x) => [x.groupName, x.level])).toEqual([
      [DX, 'red'],
      [DL, 'green'],
    ]);
    const green = card.locator(`tr[data-row="${DL}"]`);
    const red = card.locator(`tr[data-row="${DX}"]`);
    await green.locator('.level', { hasText: 'Đạt' }).waitFor();
    expect(await green.getAttribute('data-level')).toBe('green');
    expect(await red.locator('.level').textContent()).toContain('Không đạt');
    // Duy Xuyên played its routine slogan instead: the whole shortfall is pre-emption, none unexplained.
    expect(await red.locator('td[data-cause="unexplained"]').textContent()).toBe('0');
    expect(await red.locator('td[data-cause="offline"]').textContent()).toBe('0');
    expect(api.body.rows[0]!.causes.preempted).toBeGreaterThan(0);
    expect(await red.locator('td[data-cause="preempted"]').textContent()).not.toBe('0');

    await red.getByRole('button', { name: `Xem thiết bị: ${DX}` }).click();
    const drill = ui.page.getByTestId('compliance-devices');
    await drill.getByRole('heading', { name: `Thiết bị ở ${DX}` }).waitFor();
    const dev = drill.locator(`tr[data-row="${LED_DX}"]`);
    await dev.locator('.level', { hasText: 'Không đạt' }).waitFor();
    // B uploaded one chained proof of its own schedule.
    await dev.getByTestId('verify').filter({ hasText: 'Đã xác minh: 1 lượt phát' }).waitFor();
    await ui.page.waitForLoadState('networkidle');
    expect(await axe()).toEqual([]);
    await ui.shot('21-reports-compliance');

    const [download] = await Promise.all([
      ui.page.waitForEvent('download'),
      card.getByRole('button', { name: 'Tải Excel kế hoạch và thực tế' }).click(),
    ]);
    const file = path.join(tmpDir('ui-evidence-comp'), 'compliance.xlsx');
    await download.saveAs(file);
    const rows = sheetText(await workbook(file));
    expect(rows.find((x) => x[0] === DX)).toEqual(expect.arrayContaining(['Không đạt (< 80 %)']));
    expect(rows.find((x) => x[0] === DL)).toEqual(expect.arrayContaining(['Đạt (≥ 95 %)']));
  });

  it('shows the break once a stored proof row is edited in the SQLite file', async () => {
    const db = new Database(path.join(ui.controllerDir, 'bangtin.sqlite'));
    db.prepare('UPDATE proofs SET ended_at = ended_at + 60000 WHERE id = ?').run(firstProofA);
    db.close();
    const v = await ui.api.get<{ breaks: { seq: number; kind: string }[] }>(`/proofs/verify?groupId=${groupIds[0]}`);
    expect(v.body.breaks.map((b) => [b.seq, b.kind])).toEqual([[1, 'hash-mismatch']]);
    await ui.page.reload();
    await ui.page.getByLabel('Huyện', { exact: true }).selectOption({ label: DL });
    const label = ui.page.getByTestId('airtime').getByTestId('verify');
    await label.filter({ hasText: '1 chỗ đứt chuỗi bằng chứng' }).waitFor();
    expect(await label.textContent()).toContain('lượt số 1 bị sửa');
    expect(await axe()).toEqual([]);
  });

  it('the campaign list shows the minutes aired so far, and per district on click', async () => {
    await ui.nav('Chiến dịch', 'Chiến dịch truyền thông');
    const r = await ui.api.get<{ rows: AirRow[] }>(
      `/reports/airtime?from=${today}&to=${today}&groupBy=district&campaignId=${campaignId}`,
    );
    const total = r.body.rows.reduce((n, x) => n + x.airtimeSeconds, 0);
    const cell = ui.page.locator(`[data-campaign-row="${CAMPAIGN}"] td[data-airtime]`);
    await cell.filter({ hasText: `${minutes(total)} phút` }).waitFor();
    await cell.getByRole('button').click();
    const panel = ui.page.getByTestId('campaign-airtime');
    await panel.getByText(`Tổng: ${minutes(total)} phút`).waitFor();
    expect(await panel.locator(`tr[data-row="${DL}"] td`).allTextContents()).toEqual([
      String(r.body.rows[0]!.plays),
      minutes(r.body.rows[0]!.airtimeSeconds),
    ]);
    expect(fs.existsSync(ui.controllerDir)).toBe(true);
  });
});
