import { z } from 'zod';
import { IdSchema } from './schemas';

/**
 * Request bodies and queries of user management and the audit log (issue 10). The password policy
 * itself (length, common passwords) is checked by the controller, which holds the list.
 */

/** At least this many characters (NFC code points) for every password set through the API. */
export const PASSWORD_MIN_LENGTH = 10;

export const UpdateUserBodySchema = z.object({
  role: z.enum(['admin', 'editor', 'viewer']).optional(),
  groupId: IdSchema.nullable().optional(),
  disabled: z.boolean().optional(),
  password: z.string().max(200).optional(),
});

export const ChangePasswordBodySchema = z.object({
  current: z.string().min(1, 'required').max(200),
  next: z.string().max(200),
});

const IsoInstant = z.string().datetime({ offset: true, message: 'must be an ISO 8601 instant' });

export const AuditQuerySchema = z.object({
  from: IsoInstant.optional(),
  to: IsoInstant.optional(),
  userId: IdSchema.optional(),
  entity: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,39}$/, 'an entity type such as users, interrupts, devices')
    .optional(),
  action: z
    .string()
    .regex(/^[a-z][a-z0-9.-]{0,59}$/, 'an action such as user.update or auth')
    .optional(),
  format: z.enum(['json', 'csv']).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});

export type UpdateUserBody = z.infer<typeof UpdateUserBodySchema>;
export type ChangePasswordBody = z.infer<typeof ChangePasswordBodySchema>;
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

/** One audit entry as `GET /audit` answers it. */
export interface AuditEntryView {
  id: number;
  at: string;
  userId: string | null;
  username: string | null;
  role: string | null;
  groupId: string | null;
  action: string;
  entity: string | null;
  entityId: string | null;
  /** Changed fields, before → after; secrets appear as `"(đã đổi)"`, never their value. */
  changes: Record<string, { before: unknown; after: unknown }>;
  /** The same, short and readable: `role: editor → admin; disabled: false → true`. */
  summary: string;
  method: string | null;
  route: string | null;
  status: number | null;
}
