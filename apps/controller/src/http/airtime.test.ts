/**
 * GET /reports/airtime and the spreadsheet exports on a real controller (port 0, SQLite in a temp
 * folder, migrations applied): closed days from the rollups plus the open day's unrolled tail, Vietnam
 * day boundaries, campaign attribution through every entry, district scoping, xlsx read back by exceljs.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, playedProof } from './test-harness';

const harness = createHarness('airtime');
afterAll(() => harness.cleanup());

/** 2027-02-06 in Vietnam (UTC+7): a closed day, and the 7th, the "open" one with a tail not rolled up. */
const at = (day: number, hour: number, minute = 0) => Date.UTC(2027, 1, day, hour - 7, minute);

let h: Harness;
let editor: string;
const ids = {} as Record<
  'tamKy' | 'hoiAn' | 'ledTamKy' | 'ledHoiAn' | 'campaign' | 'entryA' | 'entryB' | 'routine' | 'slogan' | 'other',
  string
>;

// JSON answers asserted field by field (tests may use `any`).

const get = async (token: string, url: string): Promise<{ status: number; body: any }> => h.call(token, 'GET', url);
const download = async (url: string, token = h.admin) => {
  const r = await fetch(`${h.c.url}/api/v1${url}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, type: r.headers.get('content-type'), bytes: Buffer.from(await r.arrayBuffer()) };
};
const workbook = async (bytes: Buffer) => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
};

const proof = playedProof;

beforeAll(async () => {
  h = await harness.start({ jobs: false });
  const post = async (url: string, body: unknown) => {
    const r = await h.call(h.admin, 'POST', url, body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  const province = await post('/groups', { name: 'Quảng Nam', kind: 'province' });
  ids.tamKy = (await post('/groups', { name: 'Tam Kỳ', kind: 'district', parentId: province.id })).id;
  ids.hoiAn = (await post('/groups', { name: 'Hội An', kind: 'district', parentId: province.id })).id;
  const office = await post('/groups', { name: 'BHXH phường An Mỹ', kind: 'office', parentId: ids.tamKy });
  ids.ledTamKy = (await post('/devices', { name: 'Bảng LED An Mỹ', kind: 'led', groupId: office.id })).id;
  ids.ledHoiAn = (await post('/devices', { name: 'Bảng LED Hội An', kind: 'led', groupId: ids.hoiAn })).id;
  await post('/users', { username: 'bientap', password: 'mat-khau-1', role: 'editor', groupId: ids.tamKy });
  editor = await h.login('bientap', 'mat-khau-1');
  const slogan = await post('/content', { type: 'slogan', title: 'BHXH tự nguyện', text: 'Tham gia BHXH tự nguyện' });
  ids.slogan = slogan.id;
  ids.other = (await post('/content', { type: 'slogan', text: 'BHYT hộ gia đình' })).id;
  const playlist = await post('/playlists', {
    name: 'Chiến dịch',
    items: [{ contentId: slogan.id, durationMs: 10_000 }],
  });
  const routine = await post('/schedules', {
    playlistId: playlist.id,
    target: { groupIds: [province.id] },
    priority: 40,
  });
  ids.routine = routine.id;
  const campaign = await post('/campaigns', {
    name: 'Tháng vận động BHXH tự nguyện',
    startsOn: '2027-02-01',
    endsOn: '2027-02-28',
    priority: 30,
    target: { groupIds: [province.id] },
    playlistIds: [playlist.id],
    status: 'scheduled',
  });
  ids.campaign = campaign.id;
  // Two entries of the same campaign: its airtime must count both.
  ids.entryA = (await post(`/campaigns/${campaign.id}/schedules`, {}))[0].id;
  ids.entryB = (await post(`/campaigns/${campaign.id}/schedules`, { priority: 5 }))[0].id;

  const { store } = h.c;
  // The 6th, closed and rolled up: Tam Kỳ 23:30 local (the 6th) and 00:30 local (the 7th), same UTC day.
  store.proofs.insertBatch(ids.ledTamKy, [
    proof(ids.entryA, ids.slogan, at(6, 8), 10),
    proof(ids.entryB, ids.slogan, at(6, 23, 30), 20),
    proof(ids.entryA, ids.slogan, at(7, 0, 30), 30),
  ]);
  store.proofs.insertBatch(ids.ledHoiAn, [
    proof(ids.entryA, ids.slogan, at(6, 9), 15),
    proof(ids.routine, ids.other, at(6, 9, 1), 5),
  ]);
  expect(store.rollups.rollupAll()).toBe(5);
  // The 7th, open: what the minute rollup has seen, then a tail that arrived after its last run.
  store.proofs.insertBatch(ids.ledHoiAn, [proof(ids.entryB, ids.slogan, at(7, 10), 40)]);
  expect(store.rollups.rollupAll()).toBe(1);
  store.proofs.insertBatch(ids.ledTamKy, [
    proof(ids.entryB, ids.slogan, at(7, 23, 40), 50),
    proof(ids.routine, ids.other, at(7, 23, 45), 7),
  ]);
  store.proofs.insertBatch(ids.ledHoiAn, [proof(ids.entryA, ids.slogan, at(8, 0, 10), 60)]);
  expect(store.rollups.unrolledCount()).toBe(3);
});

describe('GET /reports/airtime', () => {
  it('sums closed days from the rollups and the open day with its unrolled tail, each proof once', async () => {
    const r = await get(h.admin, `/reports/airtime?from=2027-02-06&to=2027-02-08&groupBy=day`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      from: '2027-02-06',
      to: '2027-02-08',
      timeZone: 'Asia/Ho_Chi_Minh',
      groupBy: 'day',
    });
    // 23:30 on the 6th stays on the 6th; 00:30 on the 7th (the same UTC day) is the 7th; 00:10 on the 8th, the 8th.
    expect(r.body.rows).toEqual([
      { key: '2027-02-06', name: '2027-02-06', plays: 4, airtimeSeconds: 10 + 20 + 15 + 5 },
      { key: '2027-02-07', name: '2027-02-07', plays: 4, airtimeSeconds: 30 + 40 + 50 + 7 },
      { key: '2027-02-08', name: '2027-02-08', plays: 1, airtimeSeconds: 60 },
    ]);
    expect(r.body.total).toEqual({ plays: 9, airtimeSeconds: 237 });

    // Rolling the tail up changes nothing in the answer.
    expect(h.c.store.rollups.rollupAll()).toBe(3);
    const again = await get(h.admin, `/reports/airtime?from=2027-02-06&to=2027-02-08&groupBy=day`);
    expect(again.body.rows).toEqual(r.body.rows);
    // Put the tail back (a fresh unrolled state) for the other cases.
    h.c.store.db.prepare('UPDATE proofs SET rolled_up = 0 WHERE started_at >= ?').run(at(7, 23, 40));
    h.c.store.db.prepare("DELETE FROM proof_daily WHERE local_date = '2027-02-08'").run();
    h.c.store.db
      .prepare(
        `UPDATE proof_daily SET plays = plays - 1, airtime_ms = airtime_ms - ? WHERE local_date = '2027-02-07'
         AND device_id = ? AND campaign_id = ?`,
      )
      .run(50_000, ids.ledTamKy, ids.campaign);
    h.c.store.db
      .prepare(`DELETE FROM proof_daily WHERE local_date = '2027-02-07' AND device_id = ? AND campaign_id = ''`)
      .run(ids.ledTamKy);
    expect((await get(h.admin, `/reports/airtime?from=2027-02-06&to=2027-02-08&groupBy=day`)).body.rows).toEqual(
      r.body.rows,
    );
  });

  it('counts every entry of a campaign, names campaigns, and keeps plays outside any campaign apart', async () => {
    const r = await get(h.admin, `/reports/airtime?from=2027-02-06&to=2027-02-07&groupBy=campaign`);
    expect(r.body.rows).toEqual([
      {
        key: ids.campaign,
        name: 'Tháng vận động BHXH tự nguyện',
        plays: 6,
        airtimeSeconds: 10 + 20 + 30 + 15 + 40 + 50,
      },
      { key: null, name: 'Ngoài chiến dịch', plays: 2, airtimeSeconds: 12 },
    ]);
    const one = await get(
      h.admin,
      `/reports/airtime?from=2027-02-07&to=2027-02-07&groupBy=district&campaignId=${ids.campaign}`,
    );
    expect(one.body.rows).toEqual([
      { key: ids.tamKy, name: 'Tam Kỳ', plays: 2, airtimeSeconds: 80 },
      { key: ids.hoiAn, name: 'Hội An', plays: 1, airtimeSeconds: 40 },
    ]);
    const none = await get(h.admin, `/reports/airtime?from=2027-02-06&to=2027-02-07&groupBy=content&campaignId=none`);
    expect(none.body.rows).toEqual([{ key: ids.other, name: 'BHYT hộ gia đình', plays: 2, airtimeSeconds: 12 }]);
    const devices = await get(h.admin, `/reports/airtime?from=2027-02-06&to=2027-02-06&groupBy=device`);
    expect(devices.body.rows).toEqual([
      {
        key: ids.ledTamKy,
        name: 'Bảng LED An Mỹ',
        plays: 2,
        airtimeSeconds: 30,
        districtId: ids.tamKy,
        districtName: 'Tam Kỳ',
      },
      {
        key: ids.ledHoiAn,
        name: 'Bảng LED Hội An',
        plays: 2,
        airtimeSeconds: 20,
        districtId: ids.hoiAn,
        districtName: 'Hội An',
      },
    ]);
  });

  it('shows an editor only their district, and another district as missing', async () => {
    const r = await get(editor, `/reports/airtime?from=2027-02-06&to=2027-02-08&groupBy=district`);
    expect(r.body.rows).toEqual([{ key: ids.tamKy, name: 'Tam Kỳ', plays: 5, airtimeSeconds: 10 + 20 + 30 + 50 + 7 }]);
    const byGroup = await get(
      editor,
      `/reports/airtime?from=2027-02-06&to=2027-02-08&groupBy=device&groupId=${ids.tamKy}`,
    );
    expect(byGroup.body.rows.map((x: { key: string }) => x.key)).toEqual([ids.ledTamKy]);
    expect((await get(editor, `/reports/airtime?from=2027-02-06&to=2027-02-08&groupId=${ids.hoiAn}`)).status).toBe(404);
    expect((await get(editor, `/reports/airtime?from=2027-02-06&to=2027-02-08&deviceId=${ids.ledHoiAn}`)).status).toBe(
      404,
    );
    const admin = await get(
      h.admin,
      `/reports/airtime?from=2027-02-06&to=2027-02-08&groupId=${ids.hoiAn}&groupBy=device`,
    );
    expect(admin.body.total).toEqual({ plays: 4, airtimeSeconds: 15 + 5 + 40 + 60 });
  });

  it('refuses bad input naming the field', async () => {
    const bad = async (q: string) => (await get(h.admin, `/reports/airtime?${q}`)).body.error.field;
    expect(await bad('from=2027-02-06&to=2027-02-07&groupBy=week')).toBe('groupBy');
    expect(await bad('from=2027-02-08&to=2027-02-07')).toBe('to');
    expect(await bad('from=2027-02-30&to=2027-03-01')).toBe('from');
    expect(await bad('to=2027-03-01')).toBe('from');
    expect(await bad('from=2027-02-06&to=2027-02-07&campaignId=x')).toBe('campaignId');
  });

  it('exports the table as xlsx with Vietnamese headers, names beside ids, a totals row and a frozen header', async () => {
    const r = await download(`/reports/airtime?from=2027-02-06&to=2027-02-08&groupBy=device&format=xlsx`);
    expect(r.status).toBe(200);
    expect(r.type).toContain('spreadsheetml');
    const ws = (await workbook(r.bytes)).worksheets[0]!;
    expect(ws.name).toBe('Phút phát');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.getRow(1).values).toEqual([
      undefined,
      'Thiết bị',
      'Mã thiết bị',
      'Huyện',
      'Lượt phát',
      'Thời lượng phát (giây)',
      'Thời lượng phát (phút)',
    ]);
    // Most airtime first.
    expect(ws.getRow(2).values).toEqual([undefined, 'Bảng LED Hội An', ids.ledHoiAn, 'Hội An', 4, 120, 2]);
    expect(ws.getRow(3).values).toEqual([undefined, 'Bảng LED An Mỹ', ids.ledTamKy, 'Tam Kỳ', 5, 117, 2]);
    const totals = ws.getRow(4);
    expect(totals.getCell(1).value).toBe('Tổng cộng');
    expect(totals.getCell(4).value).toEqual({ formula: 'SUM(D2:D3)', result: 9 });
    expect(totals.getCell(5).value).toEqual({ formula: 'SUM(E2:E3)', result: 237 });
    expect(ws.getColumn(1).width).toBeGreaterThan(20);

    const days = (
      await workbook((await download(`/reports/airtime?from=2027-02-06&to=2027-02-08&groupBy=day&format=xlsx`)).bytes)
    ).worksheets[0]!;
    // Days are real date cells.
    expect(days.getCell('A2').value).toEqual(new Date('2027-02-06T00:00:00Z'));
    expect(days.getCell('A2').numFmt).toBe('dd/mm/yyyy');
  });

  it('exports CSV with its BOM, the same columns and names', async () => {
    const r = await download(`/reports/airtime?from=2027-02-06&to=2027-02-08&groupBy=district&format=csv`);
    const text = r.bytes.toString('utf8');
    expect(text.startsWith('\uFEFFHuyện,Mã huyện,Lượt phát')).toBe(true);
    expect(text).toContain(`Tam Kỳ,${ids.tamKy},5,117,2\r\n`);
    expect(text.endsWith('Tổng cộng,,9,237,4\r\n')).toBe(true);
  });
});

describe('proof exports', () => {
  it('streams xlsx with Vietnam local times in date cells, names, a totals row and a frozen header', async () => {
    const from = new Date(at(6, 0)).toISOString();
    const to = new Date(at(8, 0)).toISOString();
    const r = await download(`/proofs?deviceId=${ids.ledTamKy}&from=${from}&to=${to}&format=xlsx`);
    expect(r.status).toBe(200);
    const ws = (await workbook(r.bytes)).worksheets[0]!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const header = ws.getRow(1).values as string[];
    expect(header.slice(1, 8)).toEqual([
      'Bắt đầu (giờ Việt Nam)',
      'Kết thúc (giờ Việt Nam)',
      'Thời lượng (giây)',
      'Thiết bị',
      'Huyện',
      'Nội dung',
      'Chiến dịch',
    ]);
    // 23:30 local on the 6th: a date cell that reads 23:30 (Excel has no zone, so the wall clock).
    const late = ws.getRow(3);
    expect(late.getCell(1).value).toEqual(new Date(Date.UTC(2027, 1, 6, 23, 30)));
    expect(late.getCell(1).numFmt).toBe('dd/mm/yyyy hh:mm:ss');
    expect(late.getCell(3).value).toBe(20);
    expect(late.getCell(4).value).toBe('Bảng LED An Mỹ');
    expect(late.getCell(5).value).toBe('Tam Kỳ');
    expect(late.getCell(6).value).toBe('BHXH tự nguyện');
    expect(late.getCell(7).value).toBe('Tháng vận động BHXH tự nguyện');
    const routine = ws.getRow(6);
    expect(routine.getCell(6).value).toBe('BHYT hộ gia đình');
    expect(routine.getCell(7).value).toBe('Ngoài chiến dịch');
    const totals = ws.getRow(7);
    expect(totals.getCell(1).value).toBe('Tổng cộng: 5 lượt');
    expect(totals.getCell(3).value).toEqual({ formula: 'SUM(C2:C6)', result: 10 + 20 + 30 + 50 + 7 });
    expect(ws.rowCount).toBe(7);
  });

  it('keeps the CSV columns and adds names and local times after them', async () => {
    const r = await download(`/proofs?deviceId=${ids.ledTamKy}&format=csv`);
    const [head, first] = r.bytes.toString('utf8').split('\r\n');
    expect(head).toBe(
      '\uFEFFid,deviceId,contentId,playlistId,scheduleId,startedAt,endedAt,durationMs,deviceStartedAt,clockOffsetMs,' +
        'endReason,output,deviceName,districtId,districtName,contentTitle,campaignId,campaignName,startedAtLocal,endedAtLocal',
    );
    const cells = first!.split(',');
    expect(cells[5]).toBe('2027-02-06T01:00:00.000Z');
    expect(cells.slice(12)).toEqual([
      'Bảng LED An Mỹ',
      ids.tamKy,
      'Tam Kỳ',
      'BHXH tự nguyện',
      ids.campaign,
      'Tháng vận động BHXH tự nguyện',
      '06/02/2027 08:00:00',
      '06/02/2027 08:00:10',
    ]);
  });
});
