import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Proof } from '@bangtin/shared';
import { openDatabase } from './db';
import { openStore, type Store } from './index';
import { currentVersion, MIGRATIONS } from './migrations';
import { statusOn } from './campaigns';

const dirs: string[] = [];
const stores: Store[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-store-'));
  dirs.push(d);
  return d;
}
function fresh(): Store {
  const s = openStore(tmp());
  stores.push(s);
  return s;
}
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

let seq = 0;
function proof(p: Partial<Proof> & { startedAt: number }): Proof {
  seq++;
  return {
    id: `01930000-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    contentId: '01930000-0000-7000-8000-c00000000001',
    playlistId: '01930000-0000-7000-8000-a00000000001',
    scheduleId: '01930000-0000-7000-8000-500000000001',
    endedAt: p.startedAt + 10_000,
    deviceStartedAt: p.startedAt,
    clockOffsetMs: 0,
    endReason: 'completed',
    output: 'main',
    ...p,
  };
}

function seed(store: Store) {
  const g = store.groups.create({ name: 'Tam Kỳ', kind: 'district', parentId: null });
  const c = store.content.createSlogan({ text: 'Khẩu hiệu', title: null, createdBy: null });
  const p = store.content.createPlaylist({
    name: 'DS',
    items: [{ contentId: c.id, durationMs: 5000 }],
    createdBy: null,
  });
  return { g, c, p };
}

describe('migration 3 (scheduling)', () => {
  it('upgrades a version-2 database in place, keeping schedules and proofs', () => {
    const dir = tmp();
    const old = openDatabase(dir, MIGRATIONS.slice(0, 2));
    expect(currentVersion(old)).toBe(2);
    old.exec(`INSERT INTO playlists (id, name, created_at) VALUES ('01930000-0000-7000-8000-0000000000a1', 'DS', 1)`);
    // The version-2 schedule table has no scheduling columns: insert as the old code did.
    old
      .prepare(
        'INSERT INTO schedules (id, playlist_id, starts_at, ends_at, priority, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run('01930000-0000-7000-8000-0000000000b1', '01930000-0000-7000-8000-0000000000a1', null, null, 10, 5);
    // A version-2 proof row, written with the columns that version had (today's ProofStore also writes the chain).
    const p = proof({ startedAt: 1_700_000_000_000 });
    old
      .prepare(
        `INSERT INTO proofs (id, device_id, content_id, playlist_id, schedule_id, started_at, ended_at, received_at,
           device_started_at, clock_offset_ms, end_reason, output) VALUES (?, 'dev-1', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        p.id,
        p.contentId,
        p.playlistId,
        p.scheduleId,
        p.startedAt,
        p.endedAt,
        p.endedAt,
        p.deviceStartedAt,
        p.clockOffsetMs,
        p.endReason,
        p.output,
      );
    old.close();

    const store = openStore(dir);
    stores.push(store);
    expect(currentVersion(store.db)).toBe(MIGRATIONS.at(-1)!.version);
    const [s] = store.schedules.list();
    expect(s).toMatchObject({
      priority: 10,
      weight: 1,
      fallback: false,
      recurrence: null,
      campaignId: null,
      exceptions: [],
    });
    expect(store.rollups.unrolledCount()).toBe(1);
  });
});

describe('schedule store', () => {
  it('stores every scheduling field, updates targets and soft-deletes', () => {
    const store = fresh();
    const { g, p } = seed(store);
    const s = store.schedules.create({
      playlistId: p.id,
      target: { deviceIds: [], groupIds: [g.id], tags: ['ngoài trời'] },
      startsAt: 1000,
      endsAt: null,
      priority: 40,
      createdBy: null,
      recurrence: { kind: 'weekly', days: [1, 2], dayparts: [{ start: '07:00', end: '11:30' }] },
      timeZone: 'Asia/Bangkok',
      exceptions: ['2027-02-06'],
      weight: 3,
      fallback: false,
    });
    expect(store.schedules.get(s.id)).toMatchObject({
      target: { deviceIds: [], groupIds: [g.id], tags: ['ngoài trời'] },
      recurrence: { kind: 'weekly', days: [1, 2] },
      timeZone: 'Asia/Bangkok',
      exceptions: ['2027-02-06'],
      weight: 3,
    });
    const u = store.schedules.update(s.id, {
      target: { deviceIds: [], groupIds: [g.id] },
      weight: 1,
      recurrence: null,
    });
    expect(u).toMatchObject({ target: { tags: [] }, weight: 1, recurrence: null, startsAt: 1000 });
    expect(store.schedules.referencing('group', g.id)).toEqual([s.id]);
    expect(store.schedules.delete(s.id)).toBe(true);
    expect(store.schedules.get(s.id)).toBeNull();
    expect(store.schedules.list()).toEqual([]);
    expect(store.schedules.delete(s.id)).toBe(false);
    // The row stays for reports.
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM schedules').get()).toEqual({ n: 1 });
  });
});

describe('campaign status', () => {
  it('follows the calendar for published campaigns only', () => {
    const c = { startsOn: '2027-02-01', endsOn: '2027-02-28' };
    expect(statusOn({ ...c, status: 'scheduled' }, '2027-01-31')).toBe('scheduled');
    expect(statusOn({ ...c, status: 'scheduled' }, '2027-02-01')).toBe('running');
    expect(statusOn({ ...c, status: 'running' }, '2027-02-28')).toBe('running');
    expect(statusOn({ ...c, status: 'running' }, '2027-03-01')).toBe('ended');
    expect(statusOn({ ...c, status: 'draft' }, '2027-02-10')).toBe('draft');
    expect(statusOn({ ...c, status: 'cancelled' }, '2027-02-10')).toBe('cancelled');
  });

  it('stores targets and playlists in order', () => {
    const store = fresh();
    const { g, p } = seed(store);
    const c = store.campaigns.create({
      name: 'Chiến dịch BHXH toàn dân',
      description: '',
      colour: '#123456',
      startsOn: '2027-02-01',
      endsOn: '2027-02-28',
      priority: 70,
      target: { deviceIds: [], groupIds: [g.id], tags: ['kiosk'] },
      playlistIds: [p.id],
      createdBy: null,
    });
    expect(store.campaigns.get(c.id)).toMatchObject({
      status: 'draft',
      target: { groupIds: [g.id], tags: ['kiosk'] },
      playlistIds: [p.id],
    });
    store.campaigns.update(c.id, { playlistIds: [], priority: 80 });
    expect(store.campaigns.get(c.id)).toMatchObject({ priority: 80, playlistIds: [], target: { groupIds: [g.id] } });
  });
});

describe('urgent messages', () => {
  it('cancels once and keeps the first ack of each device', () => {
    const store = fresh();
    const m = store.interrupts.create(
      {
        contentId: null,
        text: 'Khẩn',
        startsAt: 1000,
        endsAt: null,
        itemDurationMs: 10_000,
        campaignId: null,
        target: { deviceIds: ['d1'], groupIds: [], tags: [] },
        createdBy: null,
      },
      ['d1', 'd2'],
      1000,
    );
    expect(store.interrupts.active(2000).map((x) => x.id)).toEqual([m.id]);
    expect(store.interrupts.ack(m.id, 'd1', 3000, null)).toBe(true);
    expect(store.interrupts.ack(m.id, 'd1', 4000, 3500)).toBe(true);
    expect(store.interrupts.ack('01930000-0000-7000-8000-000000000999', 'd1', 4000, null)).toBe(false);
    expect(store.interrupts.deliveries(m.id)).toEqual([
      { deviceId: 'd1', ackedAt: 3000, shownAt: 3500 },
      { deviceId: 'd2', ackedAt: null, shownAt: null },
    ]);
    expect(store.interrupts.cancel(m.id, 5000)).toMatchObject({ endsAt: 5000, cancelledAt: 5000 });
    expect(store.interrupts.cancel(m.id, 9000)).toMatchObject({ endsAt: 5000, cancelledAt: 5000 });
    expect(store.interrupts.active(5000)).toEqual([]);
    expect(store.interrupts.endedBetween(4000, 6000)).toBe(1);
  });
});

describe('proof rollups and retention', () => {
  it('counts each proof exactly once, late ones too, by local date and campaign; retention spares unrolled proofs', () => {
    const store = fresh();
    const { g, p } = seed(store);
    const campaign = store.campaigns.create({
      name: 'Tết',
      description: '',
      colour: '#c0392b',
      startsOn: '2027-02-01',
      endsOn: '2027-02-28',
      priority: 70,
      target: { deviceIds: [], groupIds: [g.id], tags: [] },
      playlistIds: [p.id],
      createdBy: null,
    });
    const s = store.schedules.create({
      playlistId: p.id,
      target: { deviceIds: [], groupIds: [g.id] },
      startsAt: null,
      endsAt: null,
      priority: 70,
      createdBy: null,
      campaignId: campaign.id,
    });
    // 2027-02-05 23:59:50 in Vietnam is 16:59:50 UTC: that play belongs to the 5th locally.
    const late5th = Date.UTC(2027, 1, 5, 16, 59, 50);
    const morning6th = Date.UTC(2027, 1, 5, 17, 0, 0);
    store.proofs.insertBatch('dev-1', [
      proof({ startedAt: late5th, contentId: 'c1', scheduleId: s.id }),
      proof({ startedAt: morning6th, contentId: 'c1', scheduleId: s.id }),
      proof({ startedAt: morning6th + 10_000, contentId: 'c1', scheduleId: 'unknown-schedule' }),
    ]);
    store.schedules.delete(s.id); // deleting the schedule must not lose the campaign in reports
    expect(store.rollups.rollupAll(2)).toBe(3);
    expect(store.rollups.rollupAll()).toBe(0);
    expect(store.rollups.daily()).toEqual([
      {
        deviceId: 'dev-1',
        campaignId: campaign.id,
        contentId: 'c1',
        localDate: '2027-02-05',
        plays: 1,
        airtimeMs: 10_000,
      },
      { deviceId: 'dev-1', campaignId: '', contentId: 'c1', localDate: '2027-02-06', plays: 1, airtimeMs: 10_000 },
      {
        deviceId: 'dev-1',
        campaignId: campaign.id,
        contentId: 'c1',
        localDate: '2027-02-06',
        plays: 1,
        airtimeMs: 10_000,
      },
    ]);
    // A player back from a week offline: its old proof is added to the same day, once.
    const lateProof = proof({ startedAt: late5th - 60_000, contentId: 'c1', scheduleId: s.id });
    store.proofs.insertBatch('dev-1', [lateProof]);
    store.proofs.insertBatch('dev-1', [lateProof]);
    // Retention before the rollup of that proof: it is old, but not counted yet, so it stays.
    expect(store.rollups.deleteRolledBefore(Date.UTC(2027, 2, 1))).toBe(3);
    expect(store.proofs.count()).toBe(1);
    expect(store.rollups.rollupAll()).toBe(1);
    expect(store.rollups.daily({ campaignId: campaign.id, to: '2027-02-05' })).toEqual([
      {
        deviceId: 'dev-1',
        campaignId: campaign.id,
        contentId: 'c1',
        localDate: '2027-02-05',
        plays: 2,
        airtimeMs: 20_000,
      },
    ]);
    expect(store.rollups.deleteRolledBefore(Date.UTC(2027, 2, 1))).toBe(1);
  });
});

describe('job ledger', () => {
  it('claims a slot once, re-claims only unfinished slots', () => {
    const store = fresh();
    expect(store.jobs.claim('j', '2027-02-06', 1)).toBe(true);
    expect(store.jobs.unfinished('j')).toEqual(['2027-02-06']);
    // Unfinished (crashed): may be claimed again.
    expect(store.jobs.claim('j', '2027-02-06', 2)).toBe(true);
    store.jobs.finish('j', '2027-02-06', { n: 1 });
    expect(store.jobs.claim('j', '2027-02-06', 3)).toBe(false);
    expect(store.jobs.isFinished('j', '2027-02-06')).toBe(true);
    expect(store.jobs.unfinished('j')).toEqual([]);
    expect(store.jobs.runs('j')).toEqual([
      { job: 'j', slot: '2027-02-06', startedAt: 2, finishedAt: 2, result: '{"n":1}' },
    ]);
  });
});

describe('migration 8 (device zones, district scope, campaign priorities)', () => {
  it("binds editors' schedules and messages to their district and marks entries at their campaign's priority", () => {
    const dir = tmp();
    const old = openDatabase(dir, MIGRATIONS.slice(0, 7));
    old.exec(`
      INSERT INTO device_groups (id, parent_id, name, kind) VALUES ('g-tamky', NULL, 'Tam Kỳ', 'district');
      INSERT INTO users (id, username, password_hash, role, group_id, created_at)
        VALUES ('u-editor', 'bientap', 'x', 'editor', 'g-tamky', 1), ('u-admin', 'quantri', 'x', 'admin', NULL, 1);
      INSERT INTO playlists (id, name, created_at) VALUES ('p1', 'DS', 1);
      INSERT INTO campaigns (id, name, starts_on, ends_on, priority, status, created_at, updated_at)
        VALUES ('c1', 'Tết', '2027-02-01', '2027-02-28', 70, 'running', 1, 1);
      INSERT INTO schedules (id, playlist_id, priority, created_at, created_by, campaign_id) VALUES
        ('s-editor', 'p1', 10, 1, 'u-editor', NULL),
        ('s-admin', 'p1', 10, 1, 'u-admin', NULL),
        ('s-follows', 'p1', 70, 1, 'u-admin', 'c1'),
        ('s-own', 'p1', 20, 1, 'u-admin', 'c1');
      INSERT INTO interrupts (id, text, starts_at, item_duration_ms, created_by, created_at)
        VALUES ('m-editor', 'Khẩn', 1, 10000, 'u-editor', 1);
    `);
    old.close();

    const store = openStore(dir);
    stores.push(store);
    const s = new Map(store.schedules.list().map((x) => [x.id, x]));
    expect(s.get('s-editor')).toMatchObject({ scopeGroupId: 'g-tamky', priorityFromCampaign: false });
    expect(s.get('s-admin')).toMatchObject({ scopeGroupId: null });
    expect(s.get('s-follows')).toMatchObject({ priorityFromCampaign: true });
    expect(s.get('s-own')).toMatchObject({ priorityFromCampaign: false });
    expect(store.interrupts.get('m-editor')!.scopeGroupId).toBe('g-tamky');
    expect(store.devices.list()).toEqual([]);
    // The campaign moves; only the entry that followed it moves along.
    expect(store.schedules.followCampaignPriority('c1', 90)).toBe(1);
    expect(store.schedules.get('s-follows')!.priority).toBe(90);
    expect(store.schedules.get('s-own')!.priority).toBe(20);
  });
});
