import type { DeviceGroup, DeviceListItem, DeviceSummary, DeviceView, Playlist, Role } from '@bangtin/shared';
import type { RecurrenceBody } from '../schedules/recurrence';
import type { DailyRow } from '../reports/rollups';

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
export type ContentType = 'slogan' | 'image' | 'video' | 'page' | 'stream';
/** One item of the library; the media fields are there for images and videos only. */
export interface ContentView {
  id: string;
  type: ContentType;
  /** Slogans only. */
  text?: string;
  title: string | null;
  sha256?: string;
  mime?: string;
  size?: number;
  width?: number | null;
  height?: number | null;
  durationMs?: number | null;
  createdAt: string;
  /** Approval (issue 10): only `approved` airs; while an edit waits, `airing` is the version on air. */
  status?: 'approved' | 'pending' | 'rejected';
  approvedBy?: string | null;
  approvedByName?: string | null;
  approvedAt?: string | null;
  rejectionReason?: string | null;
  validFrom?: number | null;
  validUntil?: number | null;
  airing?: { text?: string; title: string | null } | null;
  updatedAt?: string | null;
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
  weight?: number;
  fallback?: boolean;
  holidayListIds?: string[];
  campaignId?: string | null;
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
export type { DeviceAlert, DeviceListItem, DeviceSummary } from '@bangtin/shared';
/** `GET /devices?limit=…`: one page of devices, filtered and sorted on the controller. */
export interface DevicePageView {
  items: DeviceListItem[];
  total: number;
  offset: number;
  limit: number;
  nextCursor: string | null;
}

/** An LED board or screen output as the player last reported it (`outputs` of `GET /devices`). */
export interface OutputView {
  id: string;
  kind: 'led' | 'screen' | 'log';
  state: 'online' | 'offline' | 'error';
  lastWriteAt: string | null;
  lastError: { code: string; message: string; at: string } | null;
  protocol?: string;
  port?: string;
  address?: string;
}
/** `GET /devices` rows with the fields added after the foundation. */
export type DeviceRow = DeviceView & { tags?: string[]; outputs?: OutputView[]; status?: string };
export interface MediaProgressView {
  needed: number;
  ready: number;
  bytesNeeded: number;
  bytesReady: number;
  failed: { sha256: string; reason: string }[];
  at: string;
}
export type DeviceCommand = 'identify' | 'reload' | 'clear-cache' | 'screenshot';

export interface HolidayListView {
  id: string;
  name: string;
  dates: string[];
}

export interface TargetBody {
  deviceIds: string[];
  groupIds: string[];
  tags?: string[];
}
export interface Delivery {
  deviceId: string;
  deviceName: string | null;
  acked: boolean;
  ackedAt: string | null;
  shownAt: string | null;
  /** Stopped messages: the device applied the bundle without it (null while not stopped). */
  stopAcked?: boolean | null;
  stopAckedAt?: string | null;
}
export interface InterruptView {
  id: string;
  text: string | null;
  contentId: string | null;
  target: TargetBody;
  startsAt: string;
  endsAt: string | null;
  active: boolean;
  cancelledAt: string | null;
  createdAt: string;
  deliveries: Delivery[];
  /** Who stopped it (issue 10); absent from older controllers. */
  stoppedBy?: { id: string; username: string | null } | null;
  stopPendingDeviceIds?: string[];
}
export type CampaignStatus = 'draft' | 'scheduled' | 'running' | 'ended' | 'cancelled';
export interface CampaignView {
  id: string;
  name: string;
  description: string;
  colour: string;
  startsOn: string;
  endsOn: string;
  priority: number;
  status: CampaignStatus;
  target: TargetBody;
  playlistIds: string[];
  scheduleIds: string[];
  recurrence?: RecurrenceBody | null;
}
export interface CampaignBody {
  name: string;
  description: string;
  colour: string;
  startsOn: string;
  endsOn: string;
  priority: number;
  target: TargetBody;
  playlistIds: string[];
  status?: 'draft' | 'scheduled';
  recurrence?: RecurrenceBody | null;
}
export interface TimelineSegmentView {
  start: string;
  end: string;
  playlistId: string;
  scheduleId: string;
  campaignId: string | null;
  reason: 'interrupt' | 'priority' | 'share' | 'fallback';
}
export interface TimelineView {
  deviceId: string;
  from: string;
  to: string;
  segments: TimelineSegmentView[];
}
/** An uploaded image or video (`POST /content` multipart). */
export type MediaContentView = ContentView & { type: 'image' | 'video'; sha256: string };

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

/** Headers for a raw authenticated request (uploads and blobs bypass `request`). */
function authHeaders(): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** An authenticated file as an object URL: `<img src>` cannot send the bearer token itself. */
export async function blobUrl(path: string): Promise<string> {
  const res = await fetch(`${API_BASE}${path}`, { headers: authHeaders() });
  if (!res.ok) throw new ApiError(res.status, `http-${res.status}`, res.statusText);
  return URL.createObjectURL(await res.blob());
}

/** An authenticated file as a data URL: a sandboxed frame (kiosk page previews) cannot fetch with the token. */
export async function dataUrl(path: string): Promise<string> {
  const res = await fetch(`${API_BASE}${path}`, { headers: authHeaders() });
  if (!res.ok) throw new ApiError(res.status, `http-${res.status}`, res.statusText);
  const blob = await res.blob();
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(new ApiError(0, 'network', 'could not read the file'));
    r.readAsDataURL(blob);
  });
}

/** The last screenshot a device uploaded, as an object URL with its capture time; null before any. */
export async function deviceScreenshot(id: string): Promise<{ url: string; capturedAt: string | null } | null> {
  const res = await fetch(`${API_BASE}/devices/${id}/screenshot`, { headers: authHeaders() });
  if (res.status === 404) return null;
  if (!res.ok) throw new ApiError(res.status, `http-${res.status}`, res.statusText);
  return { url: URL.createObjectURL(await res.blob()), capturedAt: res.headers.get('x-captured-at') };
}

/**
 * Uploads one file as multipart with XMLHttpRequest, because fetch reports no upload progress.
 * `onProgress` gets the fraction sent, 0..1.
 */
export function uploadMedia(
  file: File,
  title: string | null,
  onProgress: (fraction: number) => void,
): Promise<MediaContentView> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${API_BASE}/content`);
    for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'network error'));
    xhr.onload = () => {
      let json: unknown = null;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        json = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(json as MediaContentView);
        return;
      }
      const e = (json as { error?: { code?: string; field?: string | null; message?: string } } | null)?.error;
      if (xhr.status === 401) onUnauthorized?.();
      reject(new ApiError(xhr.status, e?.code ?? `http-${xhr.status}`, e?.message ?? xhr.statusText, e?.field ?? null));
    };
    const form = new FormData();
    // Fields before the file: the server reads them from the part that carries the file.
    if (title) form.append('title', title);
    form.append('file', file);
    xhr.send(form);
  });
}

/** `GET /health`: answered 503 (with this same body) while the server's disk is full. */
export interface HealthView {
  status: 'ok' | 'degraded';
  version: string;
  db: 'ok' | 'full';
}

/** The health answer whatever its status (503 is the news, not a failure); null when unreachable. */
export async function health(): Promise<HealthView | null> {
  try {
    const res = await fetch(`${API_BASE}/health`);
    return (await res.json()) as HealthView;
  } catch {
    return null;
  }
}

/** Downloads an authenticated file (the CSV export cannot be a plain link: it needs the bearer token). */
export async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(`${API_BASE}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) {
    const e = ((await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? `http-${res.status}`, e?.message ?? res.statusText);
  }
  saveBlob(await res.blob(), filename);
}

/**
 * Opens an authenticated HTML page (the printable campaign report) in a new tab: a plain link cannot
 * send the bearer token. The tab is opened before the fetch, inside the click, so no popup blocker
 * refuses it; the page arrives as a same-origin blob and keeps this app's CSP (no script runs in it).
 */
export async function openPage(path: string): Promise<void> {
  const tab = window.open('', '_blank');
  try {
    const url = await blobUrl(path);
    if (tab) tab.location.href = url;
    else window.location.assign(url);
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (err) {
    tab?.close();
    throw err;
  }
}

/** Offers a blob as a file download (CSV built in the browser, authenticated exports). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
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
  devices: () => request<DeviceRow[]>('GET', '/devices'),
  /** `query`: `limit=…&offset=…&q=…&groupId=…&status=…&alert=…&sort=…` (see README). */
  devicePage: (query: string) => request<DevicePageView>('GET', `/devices?${query}`),
  deviceSummary: () => request<DeviceSummary>('GET', '/devices/summary'),
  createDevice: (b: { name: string; kind: string; groupId: string | null }) =>
    request<{ id: string; token: string }>('POST', '/devices', b),
  updateDevice: (id: string, b: { name?: string; groupId?: string | null; tags?: string[] }) =>
    request<DeviceRow>('PATCH', `/devices/${id}`, b),
  deviceMedia: (id: string) => request<MediaProgressView | null>('GET', `/devices/${id}/media`),
  deviceCommand: (id: string, command: DeviceCommand) =>
    request<{ delivered: number }>('POST', `/devices/${id}/commands`, { command }),
  revokeDevice: (id: string) => request<DeviceView>('POST', `/devices/${id}/revoke`),
  content: () => request<ContentView[]>('GET', '/content'),
  createSlogan: (b: { text: string; title: string | null }) =>
    request<ContentView>('POST', '/content', { type: 'slogan', ...b }),
  updateSlogan: (
    id: string,
    b: { text?: string; title?: string | null; validFrom?: number | null; validUntil?: number | null },
  ) => request<ContentView>('PATCH', `/content/${id}`, b),
  deleteContent: (id: string) => request<void>('DELETE', `/content/${id}`),
  pendingContent: () => request<ContentView[]>('GET', '/content/pending'),
  approveContent: (id: string) => request<ContentView>('POST', `/content/${id}/approve`),
  rejectContent: (id: string, reason: string) => request<ContentView>('POST', `/content/${id}/reject`, { reason }),
  updatePlaylist: (id: string, b: { name?: string; items?: { contentId: string; durationMs: number }[] }) =>
    request<Playlist>('PATCH', `/playlists/${id}`, b),
  deletePlaylist: (id: string) => request<void>('DELETE', `/playlists/${id}`),
  duplicatePlaylist: (id: string) => request<Playlist>('POST', `/playlists/${id}/duplicate`),
  updateSchedule: (id: string, b: Record<string, unknown>) => request<ScheduleView>('PATCH', `/schedules/${id}`, b),
  duplicateSchedule: (id: string) => request<ScheduleView>('POST', `/schedules/${id}/duplicate`),
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
    recurrence?: RecurrenceBody;
    weight?: number;
    fallback?: boolean;
    holidayListIds?: string[];
    exceptions?: string[];
    campaignId?: string | null;
  }) => request<ScheduleView>('POST', '/schedules', b),
  proofsDaily: (q: string) => request<DailyRow[]>('GET', `/proofs/daily?${q}`),
  surveys: (q: string) =>
    request<{ surveyId: string; deviceId: string; rating: number; choice: string | null }[]>('GET', `/surveys?${q}`),
  holidayLists: () => request<HolidayListView[]>('GET', '/holiday-lists'),
  createHolidayList: (b: { name: string; dates: string[] }) => request<HolidayListView>('POST', '/holiday-lists', b),
  deleteHolidayList: (id: string) => request<void>('DELETE', `/holiday-lists/${id}`),
  deleteSchedule: (id: string) => request<void>('DELETE', `/schedules/${id}`),
  proofs: (q: string) => request<ProofView[]>('GET', `/proofs?${q}`),
  users: () => request<User[]>('GET', '/users'),
  interrupts: () => request<InterruptView[]>('GET', '/interrupts'),
  interrupt: (id: string) => request<InterruptView>('GET', `/interrupts/${id}`),
  createInterrupt: (b: { text: string; target: TargetBody; durationMs?: number }) =>
    request<InterruptView>('POST', '/interrupts', b),
  cancelInterrupt: (id: string) => request<InterruptView>('POST', `/interrupts/${id}/cancel`),
  campaigns: () => request<CampaignView[]>('GET', '/campaigns'),
  createCampaign: (b: CampaignBody) => request<CampaignView>('POST', '/campaigns', b),
  updateCampaign: (id: string, b: Partial<CampaignBody>) => request<CampaignView>('PATCH', `/campaigns/${id}`, b),
  cancelCampaign: (id: string) => request<CampaignView>('POST', `/campaigns/${id}/cancel`),
  scheduleCampaign: (id: string, b: { startsAt?: string | null; endsAt?: string | null }) =>
    request<ScheduleView[]>('POST', `/campaigns/${id}/schedules`, b),
  timeline: (deviceId: string, from: string, to: string) =>
    request<TimelineView>(
      'GET',
      `/devices/${deviceId}/timeline?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    ),
  createUser: (b: { username: string; password: string; role: Role; groupId: string | null }) =>
    request<User>('POST', '/users', b),
};

/** A kiosk information page as the controller stored it (`html` sanitised, QR figures appended). */
export type PageContentView = ContentView & { type: 'page'; html: string; media: string[] };
export type StreamContentView = ContentView & { type: 'stream'; url: string; audio?: boolean };
export interface PageBody {
  title: string;
  html: string;
  qrCodes: { url: string; label: string }[];
}
export interface StreamBody {
  title: string | null;
  url: string;
  audio: boolean;
}
export interface SurveyConfigBody {
  id: string;
  question: string;
  ratingLabels: string[];
  choiceQuestion: { question: string; options: { key: string; label: string }[] } | null;
}
export interface SurveyAnswerView {
  id: string;
  surveyId: string;
  deviceId: string;
  rating: number;
  choice: string | null;
  answeredAt: string;
}

/** Kiosk content and survey (pages, streams, the survey's questions). */
export const kioskApi = {
  createPage: (b: PageBody) => request<PageContentView>('POST', '/content', { type: 'page', ...b }),
  /** What staff wrote for a page (text without the QR figures, and the QR codes), to edit it. */
  pageSource: (id: string) => request<PageBody>('GET', `/content/${id}/source`),
  updatePage: (id: string, b: Partial<PageBody>) => request<PageContentView>('PATCH', `/content/${id}`, b),
  createStream: (b: StreamBody) => request<StreamContentView>('POST', '/content', { type: 'stream', ...b }),
  surveyConfig: () => request<SurveyConfigBody>('GET', '/surveys/config'),
  saveSurveyConfig: (b: SurveyConfigBody) => request<SurveyConfigBody>('PUT', '/surveys/config', b),
  surveyAnswers: (limit = 10_000) => request<SurveyAnswerView[]>('GET', `/surveys?limit=${limit}`),
};
