import { z } from 'zod';
import { IdSchema, InstantSchema, NfcText, PlaylistItemSchema, PrioritySchema } from './schemas';

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

export const ScheduleTargetSchema = z
  .object({
    deviceIds: z.array(IdSchema).max(10_000).default([]),
    groupIds: z.array(IdSchema).max(1000).default([]),
  })
  .refine((t) => t.deviceIds.length + t.groupIds.length > 0, { message: 'name at least one device or group' });

export const CreateScheduleBodySchema = z
  .object({
    playlistId: IdSchema,
    target: ScheduleTargetSchema,
    startsAt: InstantSchema.nullish(),
    endsAt: InstantSchema.nullish(),
    priority: PrioritySchema.default(10),
  })
  .refine((s) => !s.startsAt || !s.endsAt || Date.parse(s.endsAt) > Date.parse(s.startsAt), {
    path: ['endsAt'],
    message: 'must be after startsAt',
  });

export const ProofQuerySchema = z.object({
  deviceId: IdSchema.optional(),
  from: InstantSchema.optional(),
  to: InstantSchema.optional(),
  format: z.enum(['json', 'csv']).default('json'),
  limit: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
});

export type LoginBody = z.infer<typeof LoginBodySchema>;
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;
export type CreateDeviceBody = z.infer<typeof CreateDeviceBodySchema>;
export type CreateContentBody = z.infer<typeof CreateContentBodySchema>;
export type CreatePlaylistBody = z.infer<typeof CreatePlaylistBodySchema>;
export type CreateScheduleBody = z.infer<typeof CreateScheduleBodySchema>;
export type ProofQueryParams = z.infer<typeof ProofQuerySchema>;
