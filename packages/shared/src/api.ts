import { z } from 'zod';
import {
  IdSchema,
  InstantSchema,
  LocalDateSchema,
  NfcText,
  PlaylistItemSchema,
  PrioritySchema,
  RecurrenceSchema,
  TimeZoneSchema,
} from './schemas';
import { GROUP_KINDS } from './domain';

/** Request bodies and queries of the REST API (`/api/v1`), shared by the controller and the admin UI. */

export const LoginBodySchema = z.object({
  username: z.string().trim().min(1, 'required').max(100),
  password: z.string().min(1, 'required').max(200),
});

export const CreateUserBodySchema = z
  .object({
    username: z
      .string()
      .trim()
      .regex(/^[a-zA-Z0-9._-]{3,50}$/, '3–50 letters, digits, dot, dash or underscore'),
    password: z.string().min(8, 'must be at least 8 characters').max(200),
    role: z.enum(['admin', 'editor', 'viewer']),
    groupId: IdSchema.nullish(),
  })
  .refine((u) => u.role !== 'editor' || !!u.groupId, { path: ['groupId'], message: 'an editor needs a district' });

export const CreateDeviceBodySchema = z.object({
  name: NfcText(200),
  kind: z.enum(['led', 'kiosk', 'screen']),
  groupId: IdSchema.nullish(),
});

export const CreateContentBodySchema = z.object({
  type: z.literal('slogan', { message: 'only "slogan" can be created as JSON; media is uploaded as multipart' }),
  text: NfcText(2000),
  title: z.string().trim().max(200).nullish(),
});

export const CreatePlaylistBodySchema = z.object({
  name: NfcText(200),
  items: z.array(PlaylistItemSchema).min(1, 'a playlist needs at least one item').max(500),
});

/** A device tag: a short label such as "ngoài trời" or "cổng chính". */
export const TagSchema = z
  .string()
  .transform((t) => t.normalize('NFC').trim())
  .pipe(z.string().min(1, 'must not be empty').max(50, 'must be at most 50 characters'));

/** Who something plays on: any set of devices, groups (with everything below them) and tags. */
export const TargetSchema = z.object({
  deviceIds: z.array(IdSchema).max(10_000).default([]),
  groupIds: z.array(IdSchema).max(1000).default([]),
  tags: z.array(TagSchema).max(100).default([]),
});

export const ScheduleTargetSchema = TargetSchema.refine(
  (t) => t.deviceIds.length + t.groupIds.length + t.tags.length > 0,
  { message: 'name at least one device, group or tag' },
);

/** The scheduling fields shared by schedule entries and a campaign's entries (issue 3). */
const schedulingFields = {
  startsAt: InstantSchema.nullish(),
  endsAt: InstantSchema.nullish(),
  recurrence: RecurrenceSchema.optional(),
  timeZone: TimeZoneSchema.optional(),
  exceptions: z.array(LocalDateSchema).max(1000).optional(),
  holidayListIds: z.array(IdSchema).max(50).optional(),
  weight: z.number().int('must be a whole number').min(1, 'must be a positive integer').max(1000).optional(),
};

type WindowFields = { startsAt?: string | null; endsAt?: string | null; recurrence?: { kind: string } | undefined };

/** Cross-field checks with the field named: an end before a start, a one-off without both ends. */
export function checkWindow(s: WindowFields, ctx: z.RefinementCtx): void {
  if (s.startsAt && s.endsAt && Date.parse(s.endsAt) <= Date.parse(s.startsAt)) {
    ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
  }
  if (s.recurrence?.kind === 'once' && (!s.startsAt || !s.endsAt)) {
    ctx.addIssue({
      code: 'custom',
      path: [s.startsAt ? 'endsAt' : 'startsAt'],
      message: 'a one-off schedule (recurrence "once") needs both startsAt and endsAt',
    });
  }
}

export const CreateScheduleBodySchema = z
  .object({
    playlistId: IdSchema,
    /** May be left out on a campaign entry: it then follows the campaign's targets. */
    target: ScheduleTargetSchema.optional(),
    priority: PrioritySchema.optional(),
    campaignId: IdSchema.nullish(),
    fallback: z.boolean().optional(),
    ...schedulingFields,
  })
  .superRefine((s, ctx) => {
    if (!s.target && !s.campaignId) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: 'name at least one device, group or tag' });
    }
    checkWindow(s, ctx);
  });

export const UpdateScheduleBodySchema = z
  .object({
    playlistId: IdSchema.optional(),
    target: ScheduleTargetSchema.optional(),
    priority: PrioritySchema.optional(),
    campaignId: IdSchema.nullish(),
    fallback: z.boolean().optional(),
    ...schedulingFields,
    recurrence: RecurrenceSchema.nullish(),
  })
  .superRefine((s, ctx) => checkWindow({ ...s, recurrence: s.recurrence ?? undefined }, ctx));

export const HexColourSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour #rrggbb');

export const CreateCampaignBodySchema = z
  .object({
    name: NfcText(200),
    description: z
      .string()
      .max(5000)
      .transform((d) => d.normalize('NFC').trim())
      .default(''),
    colour: HexColourSchema.default('#c0392b'),
    startsOn: LocalDateSchema,
    endsOn: LocalDateSchema,
    priority: PrioritySchema.default(50),
    target: TargetSchema.default({ deviceIds: [], groupIds: [], tags: [] }),
    playlistIds: z.array(IdSchema).max(100).default([]),
    /** Publish at once (`scheduled`; the job makes it `running` on its first day) or keep as a draft. */
    status: z.enum(['draft', 'scheduled']).default('draft'),
    /** When its entries run, unless an entry sets its own (weekly dayparts, cron or always). */
    recurrence: RecurrenceSchema.nullish(),
  })
  .refine((c) => c.endsOn >= c.startsOn, { path: ['endsOn'], message: 'must not be before startsOn' });

export const UpdateCampaignBodySchema = z.object({
  name: NfcText(200).optional(),
  description: z
    .string()
    .max(5000)
    .transform((d) => d.normalize('NFC').trim())
    .optional(),
  colour: HexColourSchema.optional(),
  startsOn: LocalDateSchema.optional(),
  endsOn: LocalDateSchema.optional(),
  priority: PrioritySchema.optional(),
  target: TargetSchema.optional(),
  playlistIds: z.array(IdSchema).max(100).optional(),
  status: z.enum(['draft', 'scheduled']).optional(),
  /** null clears it: the entries then run whenever their own windows say. */
  recurrence: RecurrenceSchema.nullish(),
});

/** Schedules every playlist of a campaign at once, linked to it. */
export const CampaignScheduleBodySchema = z
  .object({
    target: ScheduleTargetSchema.optional(),
    priority: PrioritySchema.optional(),
    ...schedulingFields,
  })
  .superRefine(checkWindow);

export const CreateGroupBodySchema = z.object({
  name: NfcText(200),
  kind: z.enum(GROUP_KINDS),
  parentId: IdSchema.nullish(),
});

export const UpdateGroupBodySchema = z.object({
  name: NfcText(200).optional(),
  parentId: IdSchema.nullable().optional(),
});

export const GroupFallbackBodySchema = z.object({
  playlistId: IdSchema,
  priority: PrioritySchema.default(0),
});

export const UpdateDeviceBodySchema = z.object({
  name: NfcText(200).optional(),
  groupId: IdSchema.nullable().optional(),
  tags: z.array(TagSchema).max(50).optional(),
  /** IANA zone its schedules are read in (those naming no zone); null = back to Asia/Ho_Chi_Minh. */
  timeZone: TimeZoneSchema.nullable().optional(),
});

export const HolidayListBodySchema = z.object({
  name: NfcText(200),
  dates: z.array(LocalDateSchema).max(1000),
});

export const UpdateHolidayListBodySchema = HolidayListBodySchema.partial();

export const CreateInterruptBodySchema = z
  .object({
    text: NfcText(1000).optional(),
    contentId: IdSchema.optional(),
    target: ScheduleTargetSchema,
    /** How long it preempts; absent = until cancelled. */
    durationMs: z
      .number()
      .int()
      .min(1000, 'must be at least 1 s')
      .max(7 * 86_400_000, 'must be at most 7 days')
      .optional(),
    /** Length of one play (one proof) while it repeats. */
    itemDurationMs: z.number().int().min(1000).max(3_600_000).default(10_000),
    campaignId: IdSchema.nullish(),
  })
  .refine((m) => m.text !== undefined || m.contentId !== undefined, {
    path: ['text'],
    message: 'an urgent message needs text or contentId',
  });

/** At most this much timeline in one request: a month of one device's segments is already a lot. */
export const MAX_TIMELINE_MS = 31 * 86_400_000;

export const TimelineQuerySchema = z
  .object({
    from: InstantSchema.optional(),
    to: InstantSchema.optional(),
    /**
     * `slot` (default): one segment per item slot where schedules share airtime. `schedule`: one
     * segment per stretch of the same sharers, listed in `shares` (see `resolveTimelineBySchedule`).
     */
    granularity: z.enum(['slot', 'schedule']).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to) {
      const span = Date.parse(q.to) - Date.parse(q.from);
      if (span <= 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
      else if (span > MAX_TIMELINE_MS)
        ctx.addIssue({ code: 'custom', path: ['to'], message: 'the window must be at most 31 days' });
    }
  });

export const CalendarQuerySchema = z.object({
  weeks: z.coerce.number().int().min(1).max(8).default(2),
});

/** Largest `limit` of GET /proofs. */
export const PROOF_PAGE_MAX = 10_000;

export const ProofQuerySchema = z.object({
  deviceId: IdSchema.optional(),
  from: InstantSchema.optional(),
  to: InstantSchema.optional(),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
  /**
   * At most 10,000 per answer (a million built one JSON answer in memory: issue 14). Absent: 10,000 for
   * JSON; for CSV and xlsx every matching row (it streams row by row, so memory stays flat however many).
   */
  limit: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(PROOF_PAGE_MAX, `must be at most ${PROOF_PAGE_MAX}; page on with cursor (x-next-cursor)`)
    .optional(),
  /** Where the previous page ended: the `x-next-cursor` header of its answer (opaque). */
  cursor: z.string().min(1).max(200).optional(),
});

export type LoginBody = z.infer<typeof LoginBodySchema>;
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;
export type CreateDeviceBody = z.infer<typeof CreateDeviceBodySchema>;
export type CreateContentBody = z.infer<typeof CreateContentBodySchema>;
export type CreatePlaylistBody = z.infer<typeof CreatePlaylistBodySchema>;
export type CreateScheduleBody = z.infer<typeof CreateScheduleBodySchema>;
export type ProofQueryParams = z.infer<typeof ProofQuerySchema>;
export type Target = z.infer<typeof TargetSchema>;
export type UpdateScheduleBody = z.infer<typeof UpdateScheduleBodySchema>;
export type CreateCampaignBody = z.infer<typeof CreateCampaignBodySchema>;
export type UpdateCampaignBody = z.infer<typeof UpdateCampaignBodySchema>;
export type CreateInterruptBody = z.infer<typeof CreateInterruptBodySchema>;
