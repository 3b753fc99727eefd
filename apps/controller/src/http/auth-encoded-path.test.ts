import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './test-harness';
import { PUBLIC_ROUTES } from './auth';

const { start, cleanup } = createHarness('encoded-path');
let h: Harness;

beforeAll(async () => {
  h = await start({ jobs: false });
});
afterAll(cleanup);

const ID = '00000000-0000-4000-8000-000000000000';
const SHA = 'a'.repeat(64);

/** A concrete URL for a route template: every `:param` gets a well-formed value. */
function concrete(template: string): string {
  return template.replace(/:(\w+)/g, (_m, name: string) => (name === 'sha256' ? SHA : ID));
}

async function send(method: string, url: string, token?: string) {
  const withBody = method !== 'GET' && method !== 'HEAD' && method !== 'DELETE';
  const res = await fetch(`${h.c.url}${url}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(withBody ? { 'content-type': 'application/json' } : {}),
    },
    ...(withBody ? { body: '{}' } : {}),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('session check on the decoded route (issue #14 item 9)', () => {
  it('answers 401 to the audit’s encoded prefixes without a session, never 2xx', async () => {
    const probes: [string, string][] = [
      ['POST', '/%61pi/v1/auth/logout'],
      ['GET', '/%61pi/v1/devices'],
      ['GET', '/%61%70%69/v1/devices'],
      ['GET', '/api/%76%31/devices'],
      ['GET', '/api/v1/%64evices'],
      ['GET', '/%61pi/v1/devices?limit=1'],
      ['POST', '/%61pi/v1/devices'],
      ['GET', '/%61pi/v1/auth/me'],
    ];
    for (const [method, url] of probes) {
      expect({ method, url, status: await send(method, url) }).toEqual({ method, url, status: 401 });
    }
    // The same encoded path with a valid session is the real route (the router decodes it).
    expect(await send('GET', '/%61pi/v1/devices', h.admin)).toBe(200);
  });

  it('walks every route the server knows: without a session each non-public one is 401, plain or encoded', async () => {
    const guarded = h.c.routes.filter((r) => !PUBLIC_ROUTES.has(r) && !r.startsWith('OPTIONS '));
    expect(guarded.length).toBeGreaterThan(40);
    const wrong: string[] = [];
    for (const r of guarded) {
      const [method, template] = r.split(' ') as [string, string];
      const url = concrete(template);
      const encoded = url.replace(/^\/api\//, '/%61pi/').replace(/\/v1\//, '/%76%31/');
      for (const u of [url, encoded]) {
        const status = await send(method, u);
        if (status !== 401) wrong.push(`${method} ${u} → ${status}`);
      }
    }
    expect(wrong).toEqual([]);
    console.info(`route matrix (no session): ${guarded.length} routes × plain/encoded, all 401`);
  });

  it('keeps the public routes public', async () => {
    expect(await send('GET', '/api/v1/health')).toBe(200);
    expect(await send('GET', '/%61pi/v1/health')).toBe(200);
    expect(await send('POST', '/api/v1/auth/login')).toBe(400); // reached the handler: the body is checked
  });
});
