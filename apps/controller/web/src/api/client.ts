import type { DeviceGroup, DeviceView, Playlist, Role } from '@bangtin/shared';

/** Shapes of the controller's answers (README "API overview"). */
export interface User {
  id: string;
  username: string;
  role: Role;
  groupId: string | null;
}
export interface LoginAnswer {
  token: string;
  expiresAt: string;
  user: User;
}
export interface ContentView {
  id: string;
  type: 'slogan';
  text: string;
  title: string | null;
  createdAt: string;
}
export interface ScheduleView {
  id: string;
  playlistId: string;
  target: { deviceIds: string[]; groupIds: string[] };
  startsAt: string | null;
  endsAt: string | null;
  priority: number;
  createdAt: string;
  /** Issue 3 (scheduling): present once the controller has recurrence. */
  recurrence?: { kind: string };
  recurrenceText?: string;
}
export interface ProofView {
  id: string;
  deviceId: string;
  contentId: string;
  playlistId: string;
  scheduleId: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
}
export type { DeviceGroup, DeviceView, Playlist };

/** An API refusal: `{ error: { code, field, message } }` with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'bangtin.token';
let token: string | null = readStoredToken();
let onUnauthorized: (() => void) | null = null;

function readStoredToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** The bearer token lives in memory and in sessionStorage: it survives a reload, not a closed tab. */
export function setToken(t: string | null): void {
  token = t;
  try {
    if (t) sessionStorage.setItem(TOKEN_KEY, t);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage may be refused; the token then lives in memory only.
  }
}

export function getToken(): string | null {
  return token;
}

export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn;
}

export const API_BASE = '/api/v1';

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; field?: string | null; message?: string } } | null)?.error;
    const err = new ApiError(
      res.status,
      e?.code ?? `http-${res.status}`,
      e?.message ?? res.statusText,
      e?.field ?? null,
    );
    if (res.status === 401 && path !== '/auth/login') onUnauthorized?.();
    throw err;
  }
  return json as T;
}

/** Downloads an authenticated file (the CSV export cannot be a plain link: it needs the bearer token). */
export async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(`${API_BASE}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) {
    const e = ((await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? `http-${res.status}`, e?.message ?? res.statusText);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke later: some browsers start the download only after the click handler returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export const api = {
  login: (username: string, password: string) => request<LoginAnswer>('POST', '/auth/login', { username, password }),
  logout: () => request<void>('POST', '/auth/logout'),
  me: () => request<User>('GET', '/auth/me'),
  groups: () => request<DeviceGroup[]>('GET', '/groups'),
  devices: () => request<DeviceView[]>('GET', '/devices'),
  createDevice: (b: { name: string; kind: string; groupId: string | null }) =>
    request<{ id: string; token: string }>('POST', '/devices', b),
  revokeDevice: (id: string) => request<DeviceView>('POST', `/devices/${id}/revoke`),
  content: () => request<ContentView[]>('GET', '/content'),
  createSlogan: (b: { text: string; title: string | null }) =>
    request<ContentView>('POST', '/content', { type: 'slogan', ...b }),
  playlists: () => request<Playlist[]>('GET', '/playlists'),
  createPlaylist: (b: { name: string; items: { contentId: string; durationMs: number }[] }) =>
    request<Playlist>('POST', '/playlists', b),
  schedules: () => request<ScheduleView[]>('GET', '/schedules'),
  createSchedule: (b: {
    playlistId: string;
    target: { deviceIds: string[]; groupIds: string[] };
    priority: number;
    startsAt: string | null;
    endsAt: string | null;
    recurrence?: { kind: 'weekly'; days: number[]; dayparts: { start: string; end: string }[] };
  }) => request<ScheduleView>('POST', '/schedules', b),
  deleteSchedule: (id: string) => request<void>('DELETE', `/schedules/${id}`),
  proofs: (q: string) => request<ProofView[]>('GET', `/proofs?${q}`),
  users: () => request<User[]>('GET', '/users'),
  createUser: (b: { username: string; password: string; role: Role; groupId: string | null }) =>
    request<User>('POST', '/users', b),
};
