/**
 * GET /reports/campaigns/:id/print on a real controller (port 0, SQLite in a temp folder): the session,
 * district scoping, validation naming the field, HTML escaping, and the same numbers as the airtime API.
 * Printing it in Chromium with real players is tests/print-report.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@bangtin/shared';
import { count, esc, minutes } from '../reports/print';
import { createHarness, type Harness, playedProof } from './test-harness';

const harness = createHarness('print');
afterAll(() => harness.cleanup());

/** 10 and 11 November 2026 in Vietnam (UTC+7), both past. */
const at = (day: number, hour: number, minute = 0) => Date.UTC(2026, 10, day, hour - 7, minute);
const CAMPAIGN = 'Tháng vận động "BHXH" <tự nguyện> & BHYT';
const DEVICE = 'Bảng LED <An Mỹ>';

let h: Harness;
let editorTamKy: string;
let editorNuiThanh: string;
let campaignId = '';

const page = async (url: string, token: string | null) => {
  const r = await fetch(`${h.c.url}/api/v1${url}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return {
    status: r.status,
    type: r.headers.get('content-type'),
    csp: r.headers.get('content-security-policy'),
    text: await r.text(),
  };
};

/** The cells of the first table row whose first cell is `name` (already escaped as the page has it). */
function rowCells(html: string, name: string): string[] {
  const m = new RegExp(`<tr><td>${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</td>(.*?)</tr>`).exec(html);
  if (!m) throw new Error(`no row for ${name}`);
  return [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]!);
}

const proof = playedProof;

beforeAll(async () => {
  h = await harness.start({ jobs: false });
  const post = async (url: string, body: unknown) => {
    const r = await h.call(h.admin, 'POST', url, body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  const province = await post('/groups', { name: 'Quảng Nam', kind: 'province' });
  const tamKy = (await post('/groups', { name: 'Tam Kỳ', kind: 'district', parentId: province.id })).id;
  const hoiAn = (await post('/groups', { name: 'Hội An', kind: 'district', parentId: province.id })).id;
  const nuiThanh = (await post('/groups', { name: 'Núi Thành', kind: 'district', parentId: province.id })).id;
  const office = await post('/groups', { name: 'BHXH phường An Mỹ', kind: 'office', parentId: tamKy });
  const ledTamKy = (await post('/devices', { name: DEVICE, kind: 'led', groupId: office.id })).id;
  const ledHoiAn = (await post('/devices', { name: 'Bảng LED Hội An', kind: 'led', groupId: hoiAn })).id;
  await post('/users', { username: 'bientap.tamky', password: 'Tam-Ky-bien-tap-2026', role: 'editor', groupId: tamKy });
  await post('/users', {
    username: 'bientap.nuithanh',
    password: 'Nui-Thanh-bien-tap-2026',
    role: 'editor',
    groupId: nuiThanh,
  });
  editorTamKy = await h.login('bientap.tamky', 'Tam-Ky-bien-tap-2026');
  editorNuiThanh = await h.login('bientap.nuithanh', 'Nui-Thanh-bien-tap-2026');
  const slogan = await post('/content', { type: 'slogan', text: 'Tham gia BHXH tự nguyện' });
  const playlist = await post('/playlists', {
    name: 'Chiến dịch',
    items: [{ contentId: slogan.id, durationMs: 10_000 }],
  });
  const campaign = await post('/campaigns', {
    name: CAMPAIGN,
    startsOn: '2026-11-01',
    endsOn: '2026-11-30',
    target: { groupIds: [province.id] },
    playlistIds: [playlist.id],
    status: 'scheduled',
  });
  campaignId = campaign.id;
  const entry = (await post(`/campaigns/${campaignId}/schedules`, {}))[0].id;
  const routine = (await post('/schedules', { playlistId: playlist.id, target: { groupIds: [province.id] } })).id;
  const { store } = h.c;
  store.proofs.insertBatch(ledTamKy, [
    proof(entry, slogan.id, at(10, 8), 95),
    proof(entry, slogan.id, at(10, 23, 30), 20),
    proof(entry, slogan.id, at(11, 9), 33),
    proof(routine, slogan.id, at(11, 9, 5), 600), // not the campaign's
  ]);
  store.proofs.insertBatch(ledHoiAn, [proof(entry, slogan.id, at(11, 10), 4000)]);
  store.rollups.rollupAll();
  // A tail the minute rollup has not seen yet counts too.
  store.proofs.insertBatch(ledHoiAn, [proof(entry, slogan.id, at(11, 11), 17)]);
});

describe('GET /reports/campaigns/:id/print', () => {
  const url = () => `/reports/campaigns/${campaignId}/print?from=2026-11-10&to=2026-11-11`;

  it('needs a session', async () => {
    const r = await page(url(), null);
    expect(r.status).toBe(401);
    expect(JSON.parse(r.text).error.code).toBe('unauthorized');
  });

  it('names the bad field: from, to, or the campaign', async () => {
    for (const [q, field] of [
      ['from=2026-13-01&to=2026-11-11', 'from'],
      ['from=10/11/2026', 'from'],
      ['from=2026-11-11&to=2026-11-10', 'to'],
      ['from=2026-01-01&to=2026-11-11', 'to'],
    ]) {
      const r = await page(`/reports/campaigns/${campaignId}/print?${q}`, h.admin);
      expect(r.status, q).toBe(400);
      expect(JSON.parse(r.text).error.field, q).toBe(field);
    }
    const missing = await page(`/reports/campaigns/${newId()}/print`, h.admin);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text).error.field).toBe('id');
  });

  it('renders the campaign as HTML with the airtime API’s numbers, escaped, without any script', async () => {
    const r = await page(url(), h.admin);
    expect(r.status, r.text).toBe(200);
    expect(r.type).toBe('text/html; charset=utf-8');
    expect(r.csp).toContain("script-src 'self'");
    expect(r.text).not.toMatch(/<script/i);
    expect(r.text).toContain(`<title>Báo cáo chiến dịch: ${esc(CAMPAIGN)}</title>`);
    expect(r.text).not.toContain(CAMPAIGN);
    expect(r.text).not.toContain(DEVICE);
    expect(r.text).toContain(esc(DEVICE));
    expect(r.text).toContain('10/11/2026 – 11/11/2026');
    expect(r.text).toMatch(/Lập lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} \(giờ Việt Nam\)/);

    const api = await h.call(
      h.admin,
      'GET',
      `/reports/airtime?from=2026-11-10&to=2026-11-11&groupBy=district&campaignId=${campaignId}`,
    );
    expect(api.body.rows.map((x: { name: string }) => x.name).sort()).toEqual(['Hội An', 'Tam Kỳ']);
    for (const d of api.body.rows as { name: string; plays: number; airtimeSeconds: number }[]) {
      // District, devices, plays, minutes, then planned/delivered/percent/shortfall (no bundles held here).
      expect(rowCells(r.text, esc(d.name)).slice(1, 3)).toEqual([count(d.plays), minutes(d.airtimeSeconds)]);
    }
    expect(r.text).toContain(`<dd data-total-plays>${count(api.body.total.plays)}</dd>`);
    expect(r.text).toContain(`<dd data-total-minutes>${minutes(api.body.total.airtimeSeconds)} phút</dd>`);
    // 4000 s in Hội An: 66,7 minutes plus the tail's 17 s → 67,0; 1.000s separators are Vietnamese.
    expect(minutes(4017)).toBe('67,0');
    expect(minutes(123_456)).toBe('2.057,6');
    // The chart has a bar per day of the range, and the proofs are unchained (stored directly).
    expect(r.text.match(/<rect /g)).toHaveLength(2);
    expect(r.text).toContain('Chưa có bằng chứng nào có chuỗi để xác minh.');
  });

  it('limits an editor to their district, and one without devices sees nothing of the others', async () => {
    const own = await page(url(), editorTamKy);
    expect(own.status).toBe(200);
    expect(own.text).toContain('<dt>Phạm vi</dt><dd>Tam Kỳ</dd>');
    expect(rowCells(own.text, 'Tam Kỳ').slice(1, 3)).toEqual(['3', minutes(95 + 20 + 33)]);
    expect(own.text).not.toContain('Hội An');

    const other = await page(url(), editorNuiThanh);
    expect(other.status).toBe(200);
    expect(other.text).toContain('<dt>Phạm vi</dt><dd>Núi Thành</dd>');
    for (const name of ['Tam Kỳ', 'Hội An', esc(DEVICE), 'Bảng LED Hội An']) expect(other.text).not.toContain(name);
    expect(other.text).toContain('<dd data-total-plays>0</dd>');
  });

  it('defaults to the campaign’s days up to today', async () => {
    const r = await page(`/reports/campaigns/${campaignId}/print`, h.admin);
    expect(r.status).toBe(200);
    // The campaign ran 1–30 November 2026, all before this machine's today (or cut at today).
    expect(r.text).toMatch(/<dt>Khoảng thời gian báo cáo<\/dt><dd>01\/11\/2026 – \d{2}\/11\/2026<\/dd>/);
  });

  it('GET /reports/compliance counts a device in an office for its district, not for the office', async () => {
    const r = await h.call(
      h.admin,
      'GET',
      `/reports/compliance?campaignId=${campaignId}&from=2026-11-10&to=2026-11-11&groupBy=district`,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const names = (r.body.rows as { groupName: string | null }[]).map((x) => x.groupName);
    expect(names).toContain('Tam Kỳ');
    expect(names).not.toContain('BHXH phường An Mỹ');
    const dev = await h.call(
      h.admin,
      'GET',
      `/reports/compliance?campaignId=${campaignId}&from=2026-11-10&to=2026-11-11&groupBy=device`,
    );
    const row = (dev.body.rows as { deviceName: string; groupName: string | null }[]).find(
      (x) => x.deviceName === DEVICE,
    );
    expect(row?.groupName).toBe('Tam Kỳ');
  });
});
