import type { AuditEntryView, Role } from '@bangtin/shared';
import { request } from './client';

/** A user as the admin list shows it (issue 10 adds disabling). */
export interface UserRow {
  id: string;
  username: string;
  role: Role;
  groupId: string | null;
  disabled: boolean;
  disabledAt: string | null;
}

export type UserPatch = { role?: Role; groupId?: string | null; disabled?: boolean; password?: string };

/** User management and the audit trail (README "Users and audit log"). */
export const staffApi = {
  userRows: () => request<UserRow[]>('GET', '/users'),
  updateUser: (id: string, b: UserPatch) => request<UserRow>('PATCH', `/users/${id}`, b),
  changePassword: (current: string, next: string) => request<void>('POST', '/auth/password', { current, next }),
  audit: (query: string) => request<AuditEntryView[]>('GET', `/audit?${query}`),
};
