import { describe, expect, it } from 'vitest';
import { BundleSchema, bundleHashInput, resolveTimeline } from '@bangtin/shared';
import crypto from 'node:crypto';
import { compileBodies, type CompileInput, toBundle } from './bundles';
import type { ScheduleRecord } from './store/schedules';
import type { CampaignRecord } from './store/campaigns';

const id = (n: number) => `01930000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const PROVINCE = id(1);
const TAM_KY = id(2);
const HOI_AN = id(3);
const CONTENT = id(10);
const PLAYLIST = id(20);
const NOW = Date.UTC(2027, 1, 10, 3); // 10:00 in Vietnam

function sched(n: number, p: Partial<ScheduleRecord> = {}): ScheduleRecord {
  return {
    id: id(100 + n),
    playlistId: PLAYLIST,
    startsAt: null,
    endsAt: null,
    priority: 10,
    createdAt: n,
    createdBy: null,
    target: { deviceIds: [], groupIds: [], tags: [] },
    recurrence: null,
    timeZone: null,
    exceptions: [],
    holidayListIds: [],
    weight: 1,
    campaignId: null,
    fallback: false,
    updatedAt: null,
    ...p,
  };
}

function input(p: Partial<CompileInput> = {}): CompileInput {
  return {
    devices: [
      { id: id(200), groupId: TAM_KY, tags: [] },
      { id: id(201), groupId: TAM_KY, tags: [] },
      { id: id(202), groupId: HOI_AN, tags: ['ngoài trời'] },
    ],
    groups: [
      { id: PROVINCE, parentId: null },
      { id: TAM_KY, parentId: PROVINCE },
      { id: HOI_AN, parentId: PROVINCE },
    ],
    content: new Map([[CONTENT, { id: CONTENT, type: 'slogan' as const, text: 'Khẩu hiệu', title: null }]]),
    playlists: new Map([[PLAYLIST, { id: PLAYLIST, name: 'DS', items: [{ contentId: CONTENT, durationMs: 5000 }] }]]),
    schedules: [],
    campaigns: new Map(),
    interrupts: [],
    holidayLists: new Map(),
    horizonUntil: NOW + 7 * 86_400_000,
    ...p,
  };
}

const ids = (body: { schedules: { id: string }[] } | undefined) => body?.schedules.map((s) => s.id);

describe('bundle compilation', () => {
  it('gives each device what targets it through groups, tags and direct ids, sharing equal bodies', () => {
    const schedules = [
      sched(1, { target: { deviceIds: [], groupIds: [PROVINCE], tags: [] } }),
      sched(2, { target: { deviceIds: [], groupIds: [TAM_KY], tags: [] } }),
      sched(3, { target: { deviceIds: [], groupIds: [], tags: ['ngoài trời'] }, weight: 2 }),
      sched(4, { target: { deviceIds: [id(201)], groupIds: [], tags: [] } }),
    ];
    const out = compileBodies(input({ schedules }), NOW);
    expect(ids(out.get(id(200)))).toEqual([id(101), id(102)]);
    expect(ids(out.get(id(201)))).toEqual([id(101), id(102), id(104)]);
    expect(ids(out.get(id(202)))).toEqual([id(101), id(103)]);
    expect(out.get(id(202))!.schedules[1]).toMatchObject({ weight: 2 });
    // Defaults are left out so bundles stay small and old ones hash the same.
    expect(out.get(id(200))!.schedules[0]).not.toHaveProperty('weight');
    // Every body parses as a bundle and its hash is what the player recomputes.
    for (const body of out.values()) {
      const b = BundleSchema.parse(toBundle(body, 1));
      expect(crypto.createHash('sha256').update(bundleHashInput(b)).digest('hex')).toBe(body.hash);
    }
  });

  it('changes only the affected devices when one schedule changes', () => {
    const base = [sched(1, { target: { deviceIds: [], groupIds: [TAM_KY], tags: [] } })];
    const before = compileBodies(input({ schedules: base }), NOW);
    const after = compileBodies(
      input({ schedules: [...base, sched(2, { target: { deviceIds: [], groupIds: [HOI_AN], tags: [] } })] }),
      NOW,
    );
    const changed = [...after].filter(([d, b]) => before.get(d)!.hash !== b.hash).map(([d]) => d);
    expect(changed).toEqual([id(202)]);
  });

  it('clips campaign entries to the campaign dates, drops drafts and cancelled ones, inherits campaign targets', () => {
    const campaign: CampaignRecord = {
      id: id(300),
      name: 'Tết',
      description: '',
      colour: '#c0392b',
      startsOn: '2027-02-01',
      endsOn: '2027-02-28',
      priority: 70,
      status: 'running',
      target: { deviceIds: [], groupIds: [HOI_AN], tags: [] },
      playlistIds: [PLAYLIST],
      createdBy: null,
      createdAt: 0,
      updatedAt: 0,
    };
    const entry = sched(1, { campaignId: campaign.id, priority: 70 });
    const out = compileBodies(input({ schedules: [entry], campaigns: new Map([[campaign.id, campaign]]) }), NOW);
    expect(ids(out.get(id(200)))).toEqual([]);
    expect(out.get(id(202))!.schedules[0]).toMatchObject({
      startsAt: Date.UTC(2027, 0, 31, 17),
      endsAt: Date.UTC(2027, 1, 28, 17),
      campaignId: campaign.id,
    });
    for (const status of ['draft', 'cancelled', 'ended'] as const) {
      const c = new Map([[campaign.id, { ...campaign, status }]]);
      expect(ids(compileBodies(input({ schedules: [entry], campaigns: c }), NOW).get(id(202)))).toEqual([]);
    }
  });

  it('carries urgent messages with their content, and holiday lists the schedules name', () => {
    const list = { id: id(400), name: 'Nghỉ lễ 2027', dates: ['2027-02-10'] };
    const out = compileBodies(
      input({
        schedules: [sched(1, { target: { deviceIds: [], groupIds: [PROVINCE], tags: [] }, holidayListIds: [list.id] })],
        holidayLists: new Map([[list.id, list]]),
        interrupts: [
          {
            id: id(500),
            contentId: CONTENT,
            text: null,
            startsAt: NOW - 1000,
            endsAt: null,
            itemDurationMs: 10_000,
            campaignId: null,
            target: { deviceIds: [], groupIds: [], tags: ['ngoài trời'] },
            createdBy: null,
            createdAt: NOW - 1000,
            cancelledAt: null,
          },
        ],
      }),
      NOW,
    );
    const b = toBundle(out.get(id(202))!, 1);
    expect(b.interrupts).toEqual([{ id: id(500), contentId: CONTENT, startsAt: NOW - 1000, itemDurationMs: 10_000 }]);
    expect(b.holidayLists).toEqual([list]);
    expect(out.get(id(200))!.interrupts).toBeUndefined();
    // Today (2027-02-10) is a holiday: the schedule is silent, the urgent message plays.
    expect(resolveTimeline(b, NOW, NOW + 60_000).map((s) => s.reason)).toEqual(['interrupt']);
    expect(resolveTimeline(toBundle(out.get(id(200))!, 1), NOW, NOW + 60_000)).toEqual([]);
  });
});

describe('bundle hash input', () => {
  it('is byte for byte the canonical JSON the player hashes', async () => {
    const { hashInput } = await import('./bundles');
    const out = compileBodies(
      input({
        schedules: [
          sched(1, {
            target: { deviceIds: [], groupIds: [PROVINCE], tags: [] },
            weight: 3,
            exceptions: ['2027-02-10'],
            holidayListIds: [id(400)],
          }),
        ],
        holidayLists: new Map([[id(400), { id: id(400), name: 'Tết Đinh Mùi', dates: ['2027-02-06'] }]]),
        interrupts: [
          {
            id: id(500),
            contentId: null,
            text: 'Khẩn: nghỉ làm việc',
            startsAt: NOW,
            endsAt: NOW + 60_000,
            itemDurationMs: 10_000,
            campaignId: null,
            target: { deviceIds: [], groupIds: [PROVINCE], tags: [] },
            createdBy: null,
            createdAt: NOW,
            cancelledAt: null,
          },
        ],
      }),
      NOW,
    );
    expect(out.get(id(200))!.interrupts).toHaveLength(1);
    for (const body of out.values()) {
      const { hash: _hash, ...rest } = body;
      expect(hashInput(rest)).toBe(bundleHashInput(toBundle(body, 9)));
    }
  });
});

describe('device zones, district-bound entries and campaign priorities', () => {
  it("carries the device's zone, pins schedules that name Vietnam's zone, and hashes as the player does", async () => {
    const { hashInput } = await import('./bundles');
    const devices = [
      { id: id(200), groupId: TAM_KY, tags: [], timeZone: 'Asia/Tokyo' },
      { id: id(201), groupId: TAM_KY, tags: [], timeZone: null },
      { id: id(203), groupId: TAM_KY, tags: [] },
    ];
    const schedules = [
      sched(1, { target: { deviceIds: [], groupIds: [TAM_KY], tags: [] } }),
      sched(2, { target: { deviceIds: [], groupIds: [TAM_KY], tags: [] }, timeZone: 'Asia/Ho_Chi_Minh' }),
      sched(3, { target: { deviceIds: [], groupIds: [TAM_KY], tags: [] }, timeZone: 'Asia/Bangkok' }),
    ];
    const out = compileBodies(input({ devices, schedules }), NOW);
    const tokyo = out.get(id(200))!;
    const vietnam = out.get(id(201))!;
    // Devices in the default zone share one body, which says nothing about zones it does not need.
    expect(out.get(id(203))).toBe(vietnam);
    expect(vietnam.timeZone).toBeUndefined();
    expect(vietnam.schedules.map((s) => s.timeZone)).toEqual([undefined, undefined, 'Asia/Bangkok']);
    expect(tokyo.timeZone).toBe('Asia/Tokyo');
    expect(tokyo.schedules.map((s) => s.timeZone)).toEqual([undefined, 'Asia/Ho_Chi_Minh', 'Asia/Bangkok']);
    for (const body of [tokyo, vietnam]) {
      const { hash: _hash, ...rest } = body;
      const b = BundleSchema.parse(toBundle(body, 3));
      expect(hashInput(rest)).toBe(bundleHashInput(b));
      expect(crypto.createHash('sha256').update(bundleHashInput(b)).digest('hex')).toBe(body.hash);
    }
  });

  it('keeps an entry bound to a district inside it, whatever its tags reach', () => {
    const devices = [
      { id: id(200), groupId: TAM_KY, tags: ['ngoài trời'] },
      { id: id(202), groupId: HOI_AN, tags: ['ngoài trời'] },
    ];
    const tag = { deviceIds: [], groupIds: [], tags: ['ngoài trời'] };
    const out = compileBodies(
      input({
        devices,
        schedules: [sched(1, { target: tag, scopeGroupId: TAM_KY }), sched(2, { target: tag })],
        interrupts: [
          {
            id: id(500),
            contentId: null,
            text: 'Khẩn',
            startsAt: NOW,
            endsAt: null,
            itemDurationMs: 10_000,
            campaignId: null,
            target: tag,
            createdBy: null,
            createdAt: NOW,
            cancelledAt: null,
            scopeGroupId: HOI_AN,
          },
        ],
      }),
      NOW,
    );
    expect(ids(out.get(id(200)))).toEqual([id(101), id(102)]);
    expect(out.get(id(200))!.interrupts).toBeUndefined();
    expect(ids(out.get(id(202)))).toEqual([id(102)]);
    expect(out.get(id(202))!.interrupts!.map((m) => m.id)).toEqual([id(500)]);
    // Bound to the province: reaches both districts below it.
    const wide = compileBodies(input({ devices, schedules: [sched(1, { target: tag, scopeGroupId: PROVINCE })] }), NOW);
    expect([ids(wide.get(id(200))), ids(wide.get(id(202)))]).toEqual([[id(101)], [id(101)]]);
  });

  it("gives entries that follow their campaign the campaign's current priority", () => {
    const campaign: CampaignRecord = {
      id: id(300),
      name: 'Tháng vận động',
      description: '',
      colour: '#c0392b',
      startsOn: '2027-02-01',
      endsOn: '2027-02-28',
      priority: 80,
      status: 'running',
      target: { deviceIds: [], groupIds: [TAM_KY], tags: [] },
      playlistIds: [PLAYLIST],
      createdBy: null,
      createdAt: 0,
      updatedAt: 0,
    };
    const schedules = [
      sched(1, { campaignId: campaign.id, priority: 70, priorityFromCampaign: true }),
      sched(2, { campaignId: campaign.id, priority: 70 }),
    ];
    const out = compileBodies(input({ schedules, campaigns: new Map([[campaign.id, campaign]]) }), NOW);
    expect(out.get(id(200))!.schedules.map((s) => s.priority)).toEqual([80, 70]);
  });
});
