import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './test-harness';

const { start, cleanup } = createHarness('headers');
let h: Harness;

beforeAll(async () => {
  h = await start({ jobs: false });
});
afterAll(cleanup);

function directives(csp: string | null): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of (csp ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) m.set(name, values.join(' '));
  }
  return m;
}

function expectCommonHeaders(res: Response): void {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(directives(res.headers.get('content-security-policy')).get('frame-ancestors')).toBe("'none'");
}

describe('security headers over real HTTP (issue #14 item 6)', () => {
  it('serves the admin UI with a CSP that allows only its own scripts and no framing', async () => {
    const res = await fetch(`${h.c.url}/devices`); // an SPA path: the shell (built or not)
    expect(res.status).toBe(200);
    expectCommonHeaders(res);
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('default-src')).toBe("'self'");
    expect(csp.get('object-src')).toBe("'none'");
    expect(csp.get('base-uri')).toBe("'none'");
    expect(csp.has('upgrade-insecure-requests')).toBe(false); // controllers run on plain HTTP on a LAN
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('puts the headers on API answers, errors included', async () => {
    expectCommonHeaders(await fetch(`${h.c.url}/api/v1/health`));
    expectCommonHeaders(await fetch(`${h.c.url}/api/v1/devices`)); // 401
    expectCommonHeaders(await fetch(`${h.c.url}/api/v1/no-such-route`));
  });

  it('sends nosniff with media files, for staff and for players (whose answer is sent early)', async () => {
    const png = new PNG({ width: 4, height: 4 });
    png.data.fill(200);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(PNG.sync.write(png))]), 'anh.png');
    const up = await fetch(`${h.c.url}/api/v1/content`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.admin}` },
      body: form,
    });
    expect(up.status).toBe(201);
    const item = (await up.json()) as { media: { sha256: string } | null; sha256?: string };
    const sha = item.media?.sha256 ?? item.sha256;
    expect(sha).toMatch(/^[0-9a-f]{64}$/);

    const staff = await fetch(`${h.c.url}/api/v1/media/${sha}`, { headers: { authorization: `Bearer ${h.admin}` } });
    expect([staff.status, staff.headers.get('content-type')]).toEqual([200, 'image/png']);
    expectCommonHeaders(staff);

    const dev = await h.call(h.admin, 'POST', '/devices', { name: 'Màn hình sảnh', kind: 'kiosk' });
    const player = await fetch(`${h.c.url}/api/v1/media/${sha}`, {
      headers: { authorization: `Bearer ${dev.body.token as string}` },
    });
    expect(player.status).toBe(200);
    expectCommonHeaders(player);
  });
});
