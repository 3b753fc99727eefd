import type { z } from 'zod';
import type {
  BundleAckSchema,
  BundleScheduleSchema,
  BundleSchema,
  ContentItemSchema,
  ContentTypeSchema,
  EndReasonSchema,
  HandshakeAuthSchema,
  HeartbeatSchema,
  NowPlayingSchema,
  PlaylistItemSchema,
  PlaylistSchema,
  ProofSchema,
} from './schemas';

export type ContentType = z.infer<typeof ContentTypeSchema>;
export type ContentItem = z.infer<typeof ContentItemSchema>;
export type PlaylistItem = z.infer<typeof PlaylistItemSchema>;
export type Playlist = z.infer<typeof PlaylistSchema>;
export type BundleSchedule = z.infer<typeof BundleScheduleSchema>;
export type Bundle = z.infer<typeof BundleSchema>;
export type EndReason = z.infer<typeof EndReasonSchema>;
export type Proof = z.infer<typeof ProofSchema>;
export type NowPlaying = z.infer<typeof NowPlayingSchema>;
export type Heartbeat = z.infer<typeof HeartbeatSchema>;
export type BundleAck = z.infer<typeof BundleAckSchema>;
export type HandshakeAuth = z.infer<typeof HandshakeAuthSchema>;

export type DeviceKind = 'led' | 'kiosk' | 'screen';
export const DEVICE_KINDS = ['led', 'kiosk', 'screen'] as const satisfies readonly DeviceKind[];

export type Role = 'admin' | 'editor' | 'viewer';
export const ROLES = ['admin', 'editor', 'viewer'] as const satisfies readonly Role[];

/** Device group tree: province → district → office. */
export type GroupKind = 'province' | 'district' | 'office';
export const GROUP_KINDS = ['province', 'district', 'office'] as const satisfies readonly GroupKind[];

export interface DeviceGroup {
  id: string;
  parentId: string | null;
  name: string;
  kind: GroupKind;
}

/** A device as the API lists it. */
export interface DeviceView {
  id: string;
  name: string;
  kind: DeviceKind;
  groupId: string | null;
  online: boolean;
  lastSeenAt: string | null;
  nowPlaying: { contentId: string; startedAt: string } | null;
  bundleVersion: number | null;
  ackedBundleVersion: number | null;
  outboxSize: number | null;
  clockOffsetMs: number | null;
  /** The device clock against the controller's, with a warning; optional (absent from older controllers). */
  clock?: DeviceClockView;
  revokedAt: string | null;
  /** IANA zone the device's schedules are read in (Asia/Ho_Chi_Minh unless set). */
  timeZone?: string;
}

/** Device clocks this far from the controller's are `skewed`. */
export const CLOCK_SKEW_WARN_MS = 60_000;
/** A clock change the player noticed is shown as `jumped` for this long. */
export const CLOCK_JUMP_WARN_MS = 24 * 3600 * 1000;

export interface DeviceClockView {
  /** Controller clock minus the device's (ms), as last reported; null before the first report. */
  offsetMs: number | null;
  warning: 'skewed' | 'jumped' | null;
  /** When the player last noticed its clock being changed (controller clock), and by how much. */
  jumpedAt: string | null;
  jumpMs: number | null;
}

/** The clock part of a device row: `jumped` for a day after a noticed change, else `skewed` past 1 min. */
export function deviceClockView(
  offsetMs: number | null,
  jump: { jumpedAt: number | null; jumpMs: number | null } | null,
  now: number,
): DeviceClockView {
  const jumpedAt = jump?.jumpedAt ?? null;
  const recent = jumpedAt !== null && now - jumpedAt < CLOCK_JUMP_WARN_MS;
  const skewed = offsetMs !== null && Math.abs(offsetMs) >= CLOCK_SKEW_WARN_MS;
  return {
    offsetMs,
    warning: recent ? 'jumped' : skewed ? 'skewed' : null,
    jumpedAt: jumpedAt === null ? null : new Date(jumpedAt).toISOString(),
    jumpMs: jump?.jumpMs ?? null,
  };
}

// Scheduling (issue 3).
import type {
  CronRecurrenceSchema,
  DaypartSchema,
  HolidayListSchema,
  InterruptSchema,
  RecurrenceSchema,
  WeeklyRecurrenceSchema,
} from './schemas';

export type Recurrence = z.infer<typeof RecurrenceSchema>;
export type WeeklyRecurrence = z.infer<typeof WeeklyRecurrenceSchema>;
export type CronRecurrence = z.infer<typeof CronRecurrenceSchema>;
export type Daypart = z.infer<typeof DaypartSchema>;
export type HolidayList = z.infer<typeof HolidayListSchema>;
export type Interrupt = z.infer<typeof InterruptSchema>;

// Media, kiosk surveys (issue 5).
import type {
  DeviceCommandSchema,
  MediaProgressSchema,
  ScreenshotUploadSchema,
  SurveyAnswerSchema,
  SurveyConfigSchema,
} from './schemas';

export type SurveyAnswer = z.infer<typeof SurveyAnswerSchema>;
export type MediaProgress = z.infer<typeof MediaProgressSchema>;
export type DeviceCommand = z.infer<typeof DeviceCommandSchema>;
export type ScreenshotUpload = z.infer<typeof ScreenshotUploadSchema>;
export type SurveyConfig = z.output<typeof SurveyConfigSchema>;
/** Content items backed by a file in the media store. */
export type MediaContentItem = Extract<ContentItem, { type: 'image' | 'video' }>;

// LED outputs and their status (issue 4).
import type { DeviceConfigSchema, LedOutputConfigSchema, OutputStatusSchema } from './schemas';

export type OutputStatus = z.infer<typeof OutputStatusSchema>;
export type LedOutputConfig = z.infer<typeof LedOutputConfigSchema>;
export type DeviceConfig = z.infer<typeof DeviceConfigSchema>;
