import { z } from 'zod';
import { cronExpressionError } from './schedule/cron';
import { isValidTimeZone, parseLocalDate, parseLocalTime } from './schedule/zone';

/**
 * Zod schemas for every payload that crosses a boundary (HTTP body, socket payload, stored bundle).
 * Types are inferred from these in `domain.ts`, so a type and its validator can never drift apart.
 */

/** Stable ids: UUIDs (v7 for proofs, v4/v7 elsewhere). */
export const IdSchema = z.string().uuid();

/** An instant as ISO 8601 with an offset; normalised to UTC `…Z` by `toIso`. */
export const InstantSchema = z.iso.datetime({ offset: true });

/** Vietnamese text: trimmed and NFC-normalised so diacritics compare and render the same everywhere. */
export const NfcText = (max: number) =>
  z
    .string()
    .transform((s) => s.normalize('NFC').trim())
    .pipe(z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`));

export const ContentTypeSchema = z.enum(['slogan', 'image', 'video', 'page', 'stream']);

export const SloganContentSchema = z.object({
  id: IdSchema,
  type: z.literal('slogan'),
  text: NfcText(2000),
  title: z.string().max(200).nullable().default(null),
});

/** Content carried in a bundle. Media types join the union as the player learns to play them. */
export const ContentItemSchema = z.discriminatedUnion('type', [SloganContentSchema]);

export const PlaylistItemSchema = z.object({
  contentId: IdSchema,
  /** How long the item is shown: 1 s to 1 h. */
  durationMs: z.number().int().min(1000).max(3_600_000),
});

export const PlaylistSchema = z.object({
  id: IdSchema,
  name: NfcText(200),
  items: z.array(PlaylistItemSchema).min(1, 'a playlist needs at least one item').max(500),
});

export const PrioritySchema = z.number().int().min(0).max(1000);

/** A schedule as it travels in a bundle: the targets are already resolved by the controller. */
export const BundleScheduleSchema = z
  .object({
    id: IdSchema,
    playlistId: IdSchema,
    /** UTC instant in ms, inclusive; null = since ever. */
    startsAt: z.number().int().nullable(),
    /** UTC instant in ms, exclusive; null = forever. */
    endsAt: z.number().int().nullable(),
    priority: PrioritySchema,
    /** Creation instant in ms: orders schedules of equal priority (newest first) wherever an order is needed. */
    createdAt: z.number().int(),
    // Scheduling fields (issue 3). All optional WITHOUT defaults on purpose: a bundle parsed on the
    // player must hash the same as the object the controller hashed, so parsing must not add keys.
    // The engine applies the defaults (see `normalizeSchedule` in schedule/model.ts).
    /** When, inside the validity window, the schedule runs; default `{kind: 'always'}`. */
    recurrence: z.lazy(() => RecurrenceSchema).optional(),
    /** IANA zone the recurrence and exceptions are read in; default Asia/Ho_Chi_Minh. */
    timeZone: z.lazy(() => TimeZoneSchema).optional(),
    /** Local dates (YYYY-MM-DD) on which the schedule does not run, e.g. Tết. */
    exceptions: z
      .array(z.lazy(() => LocalDateSchema))
      .max(1000)
      .optional(),
    /** Named holiday lists (bundle `holidayLists`) whose dates are exceptions too. */
    holidayListIds: z.array(IdSchema).max(50).optional(),
    /** Share of airtime against schedules of equal priority, in items; default 1. */
    weight: z.number().int('must be a whole number').min(1, 'must be a positive integer').max(1000).optional(),
    campaignId: IdSchema.nullable().optional(),
    /** A device group's default playlist: plays only when nothing else does, so a board is never dark. */
    fallback: z.boolean().optional(),
  })
  .superRefine((s, ctx) => {
    if (s.startsAt !== null && s.endsAt !== null && s.endsAt <= s.startsAt) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    }
    if (s.recurrence?.kind === 'once' && (s.startsAt === null || s.endsAt === null)) {
      ctx.addIssue({
        code: 'custom',
        path: [s.startsAt === null ? 'startsAt' : 'endsAt'],
        message: 'a one-off schedule (recurrence "once") needs both startsAt and endsAt',
      });
    }
  });

export const BundleSchema = z.object({
  protocol: z.number().int(),
  /** Monotonic per controller: a player ignores a bundle older than the one it has. */
  version: z.number().int().nonnegative(),
  /** sha256 of the canonical JSON of content, playlists and schedules. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  generatedAt: z.number().int(),
  content: z.array(ContentItemSchema),
  playlists: z.array(PlaylistSchema),
  schedules: z.array(BundleScheduleSchema),
  /** Urgent messages for this device: they preempt every schedule while active. */
  interrupts: z
    .array(z.lazy(() => InterruptSchema))
    .max(100)
    .optional(),
  /** Holiday lists referenced by the schedules' `holidayListIds`. */
  holidayLists: z
    .array(z.lazy(() => HolidayListSchema))
    .max(100)
    .optional(),
  /**
   * ms UTC up to which the controller vouches that this bundle is complete (it knows no change
   * planned before then). The engine expands rules on the fly and can resolve past it; see
   * `bundleHorizon`. Default: generatedAt + 7 days.
   */
  horizonUntil: z.number().int().nullable().optional(),
});

export const EndReasonSchema = z.enum(['completed', 'preempted', 'stopped']);

/** One play as the player reports it. The controller takes the device id from the socket, never the payload. */
export const ProofSchema = z
  .object({
    id: z.string().uuid(),
    contentId: IdSchema,
    playlistId: IdSchema,
    scheduleId: IdSchema,
    /** Controller-clock instants (device clock + measured offset), ms UTC. */
    startedAt: z.number().int().positive(),
    endedAt: z.number().int().positive(),
    /** The device's own clock reading at start, ms UTC, kept for audits of clock drift. */
    deviceStartedAt: z.number().int().positive(),
    clockOffsetMs: z.number().int(),
    endReason: EndReasonSchema,
    /** Which output showed it: `screen`, `led:<name>`; `main` for the headless runtime. */
    output: z.string().min(1).max(64).default('main'),
  })
  .refine((p) => p.endedAt >= p.startedAt, { path: ['endedAt'], message: 'must not be before startedAt' });

export const ProofBatchSchema = z.object({
  proofs: z.array(z.unknown()).min(1).max(5000),
});

export const NowPlayingSchema = z.object({
  contentId: IdSchema,
  playlistId: IdSchema,
  scheduleId: IdSchema,
  startedAt: z.number().int(),
});

export const HeartbeatSchema = z.object({
  nowPlaying: NowPlayingSchema.nullable(),
  bundleVersion: z.number().int().nonnegative().nullable(),
  outboxSize: z.number().int().nonnegative(),
  uptimeMs: z.number().int().nonnegative(),
  clockOffsetMs: z.number().int(),
});

export const BundleAckSchema = z.object({
  version: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

export const HandshakeAuthSchema = z.object({
  token: z.string().min(16).max(200),
  protocol: z.number().int(),
  playerVersion: z.string().max(50).default('unknown'),
});

// ---------------------------------------------------------------------------------------------
// Scheduling (issue 3): recurrence, dayparts, holidays, urgent messages.
// Referenced lazily from BundleScheduleSchema/BundleSchema above, which are declared earlier.

/** An IANA time zone the runtime knows, e.g. `Asia/Ho_Chi_Minh`. */
export const TimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => isValidTimeZone(tz), 'is not a known IANA time zone (e.g. Asia/Ho_Chi_Minh)');

/** A local calendar date `YYYY-MM-DD`. */
export const LocalDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((d) => parseLocalDate(d) !== null, 'is not a real calendar date');

/** A wall-clock time `HH:MM`, 00:00 to 24:00 (24:00 only makes sense as an end). */
export const LocalTimeSchema = z
  .string()
  .refine((t) => parseLocalTime(t) !== null, 'must be a time HH:MM between 00:00 and 24:00');

/**
 * A daily time window. `end` before `start` is an overnight daypart: `22:00–06:00` runs from 22:00
 * to 06:00 the next morning and belongs to the day it starts on (for `days`). `end == start` is
 * rejected: it would be either empty or a whole day, and staff mean neither.
 */
export const DaypartSchema = z.object({ start: LocalTimeSchema, end: LocalTimeSchema }).superRefine((d, ctx) => {
  const s = parseLocalTime(d.start);
  const e = parseLocalTime(d.end);
  if (s === null || e === null) return;
  if (s === 1440) ctx.addIssue({ code: 'custom', path: ['start'], message: 'must be before 24:00' });
  else if (e === s) ctx.addIssue({ code: 'custom', path: ['end'], message: `must differ from start ${d.start}` });
});

export const IsoWeekdaySchema = z
  .number()
  .int('must be an ISO weekday 1 (Monday) to 7 (Sunday)')
  .min(1, 'must be an ISO weekday 1 (Monday) to 7 (Sunday)')
  .max(7, 'must be an ISO weekday 1 (Monday) to 7 (Sunday)');

export const AlwaysRecurrenceSchema = z.object({ kind: z.literal('always') });

/** Only the validity window: startsAt and endsAt are both required. */
export const OnceRecurrenceSchema = z.object({ kind: z.literal('once') });

export const WeeklyRecurrenceSchema = z.object({
  kind: z.literal('weekly'),
  days: z
    .array(IsoWeekdaySchema)
    .min(1, 'pick at least one day')
    .max(7)
    .superRefine((days, ctx) => {
      const seen = new Set<number>();
      days.forEach((d, i) => {
        if (seen.has(d)) ctx.addIssue({ code: 'custom', path: [i], message: `duplicate day ${d}` });
        seen.add(d);
      });
    }),
  dayparts: z
    .array(DaypartSchema)
    .min(1, 'add at least one daypart')
    .max(24)
    .superRefine((parts, ctx) => {
      // Two dayparts of the same day must not overlap: staff who write 07:00–12:00 and 11:00–13:00
      // almost always typed one of them wrong, and a silent union would hide it.
      const spans = parts
        .map((p, i) => {
          const s = parseLocalTime(p.start);
          const e = parseLocalTime(p.end);
          return s === null || e === null || s === e ? null : { i, s, e: e > s ? e : e + 1440 };
        })
        .filter((x): x is { i: number; s: number; e: number } => x !== null)
        .sort((a, b) => a.s - b.s);
      for (let k = 1; k < spans.length; k++) {
        const prev = spans[k - 1]!;
        const cur = spans[k]!;
        if (cur.s < prev.e) {
          ctx.addIssue({
            code: 'custom',
            path: [cur.i],
            message: `overlaps daypart ${parts[prev.i]!.start}–${parts[prev.i]!.end}`,
          });
        }
      }
    }),
});

/** Each firing of `expression` (in the schedule's zone) opens a window of `durationMs`. */
export const CronRecurrenceSchema = z.object({
  kind: z.literal('cron'),
  expression: z
    .string()
    .min(1, 'must not be empty')
    .max(200)
    .superRefine((e, ctx) => {
      const why = cronExpressionError(e);
      if (why) ctx.addIssue({ code: 'custom', message: `invalid cron expression: ${why}` });
    }),
  durationMs: z.number().int().min(1000, 'must be at least 1 s').max(86_400_000, 'must be at most 24 h'),
});

export const RecurrenceSchema = z.discriminatedUnion('kind', [
  AlwaysRecurrenceSchema,
  OnceRecurrenceSchema,
  WeeklyRecurrenceSchema,
  CronRecurrenceSchema,
]);

/** A named list of holidays staff can edit (e.g. "Nghỉ lễ 2027"), shared by many schedules. */
export const HolidayListSchema = z.object({
  id: IdSchema,
  name: NfcText(200),
  dates: z.array(LocalDateSchema).max(1000),
});

/**
 * An urgent message: preempts every schedule on its targets from `startsAt` until `endsAt` (null =
 * until cancelled, which the controller does by setting `endsAt` or dropping it from the bundle).
 * It shows bundle content `contentId`, or else the plain `text`.
 */
export const InterruptSchema = z
  .object({
    id: IdSchema,
    contentId: IdSchema.nullable().optional(),
    text: NfcText(1000).nullable().optional(),
    startsAt: z.number().int(),
    endsAt: z.number().int().nullable().optional(),
    /** Length of one play (one proof); the message repeats for as long as it is active. Default 10 s. */
    itemDurationMs: z.number().int().min(1000).max(3_600_000).optional(),
    campaignId: IdSchema.nullable().optional(),
  })
  .superRefine((m, ctx) => {
    if ((m.contentId ?? null) === null && (m.text ?? null) === null) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'an urgent message needs contentId or text' });
    }
    if (m.endsAt !== undefined && m.endsAt !== null && m.endsAt <= m.startsAt) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    }
  });
