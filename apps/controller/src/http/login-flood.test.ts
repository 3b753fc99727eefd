import crypto from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, createHarness, type Harness } from './test-harness';

const { start, cleanup } = createHarness('login-flood');
let h: Harness;
const PER_ADDRESS = 5;

beforeAll(async () => {
  // Small limits so the flood is short: 5 logins a minute per address, one password check at a time.
  h = await start({ jobs: false, login: { perAddressMax: PER_ADDRESS, concurrency: 1, queue: 0 } });
});
afterAll(cleanup);

interface Answer {
  status: number;
  retryAfter: string | undefined;
  code: string | undefined;
}

/** A request from a chosen loopback address (Linux routes all of 127/8 to lo), one connection each. */
function request(localAddress: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const { port } = new URL(h.c.url);
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        localAddress,
        method,
        path,
        agent: false,
        headers: data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let code: string | undefined;
          try {
            code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
          } catch {
            code = undefined;
          }
          resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, code });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const login = (from: string, username: string, password: string) =>
  request(from, 'POST', '/api/v1/auth/login', { username, password });

describe('login flood with random usernames (issue #14 item 2)', () => {
  it('answers one address 429 with Retry-After whatever the usernames, while /health and other addresses are served', async () => {
    const answers: Answer[] = [];
    let flooding = true;
    const flood = Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = 0; i < 10; i++) {
          answers.push(await login('127.0.0.1', `u-${crypto.randomUUID()}`, 'sai-mat-khau-123'));
        }
      }),
    ).finally(() => (flooding = false));
    const health: number[] = [];
    while (flooding) health.push((await request('127.0.0.3', 'GET', '/api/v1/health')).status);
    await flood;

    const byCode = new Map<string, number>();
    for (const a of answers) byCode.set(`${a.status} ${a.code}`, (byCode.get(`${a.status} ${a.code}`) ?? 0) + 1);
    console.info('login flood, 160 attempts from one address:', Object.fromEntries(byCode), {
      healthAnswered: health.length,
      lockoutEntries: h.c.loginGuard.lockoutEntries(),
    });

    // The harness's own admin login used one of this address's five.
    const checked = answers.filter((a) => a.status === 401);
    expect(checked.length).toBeLessThanOrEqual(PER_ADDRESS - 1);
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBe(answers.length - checked.length);
    expect(answers.filter((a) => a.code === 'too-many-attempts').length).toBeGreaterThanOrEqual(150);
    for (const a of limited) expect(Number(a.retryAfter)).toBeGreaterThan(0);
    expect(health.length).toBeGreaterThan(0);
    expect(health.every((s) => s === 200)).toBe(true);
    // Random usernames did not grow the lockout table: only checked passwords can add a pair.
    expect(h.c.loginGuard.lockoutEntries()).toBeLessThanOrEqual(PER_ADDRESS);

    // Another address is not held back by the flood.
    expect((await login('127.0.0.2', 'admin', ADMIN_PASSWORD)).status).toBe(200);
  });

  it('refuses password checks beyond the concurrency cap with 429 login-busy and Retry-After: 1', async () => {
    const answers = await Promise.all(
      Array.from({ length: PER_ADDRESS }, () => login('127.0.0.4', 'admin', 'sai-mat-khau-123')),
    );
    console.info(
      'parallel logins with one password check at a time:',
      answers.map((a) => `${a.status} ${a.code}`),
    );
    const busy = answers.filter((a) => a.code === 'login-busy');
    expect(busy.length).toBeGreaterThan(0);
    for (const a of busy) expect([a.status, a.retryAfter]).toEqual([429, '1']);
    expect(answers.every((a) => a.code === 'login-busy' || a.code === 'invalid-credentials')).toBe(true);
  });
});
