/** A small REST client for tests: real HTTP against the controller. */
export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export class Api {
  token: string | null = null;
  constructor(readonly baseUrl: string) {}

  async request<T = any>(method: string, path: string, body?: unknown, rawBody?: string): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined || rawBody !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers,
      body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // CSV or empty bodies stay as text.
    }
    return { status: res.status, body: parsed as T, text, headers: res.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }

  async login(username: string, password: string): Promise<this> {
    const r = await this.post<{ token: string }>('/auth/login', { username, password });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
    this.token = r.body.token;
    return this;
  }

  /** Creates a slogan, a one-item playlist and a schedule on the device; returns their ids. */
  async scheduleSlogan(deviceId: string, text: string, durationMs = 1000, extra: Record<string, unknown> = {}) {
    const c = await this.post<{ id: string }>('/content', { type: 'slogan', text });
    if (c.status !== 201) throw new Error(`content failed: ${c.status} ${c.text}`);
    const p = await this.post<{ id: string }>('/playlists', {
      name: `DS ${text.slice(0, 20)}`,
      items: [{ contentId: c.body.id, durationMs }],
    });
    if (p.status !== 201) throw new Error(`playlist failed: ${p.status} ${p.text}`);
    const s = await this.post<{ id: string }>('/schedules', {
      playlistId: p.body.id,
      target: { deviceIds: [deviceId] },
      ...extra,
    });
    if (s.status !== 201) throw new Error(`schedule failed: ${s.status} ${s.text}`);
    return { contentId: c.body.id, playlistId: p.body.id, scheduleId: s.body.id };
  }
}
