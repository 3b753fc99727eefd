import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@bangtin/shared';
import { makeServerCert, makeTestCa, type TestCa, type TestServerCert } from '../../../tests/support/certs';
import pino from 'pino';
import { readConfig } from './config';
import { type ControllerOptions, startController } from './server';

let ca: TestCa;
let first: TestServerCert;
let second: TestServerCert;
beforeAll(() => {
  ca = makeTestCa(fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-server-tls-')));
  first = makeServerCert(ca, 'first');
  second = makeServerCert(ca, 'second');
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A real controller on port 0 (the HTTP test harness logs in with the global fetch, which has no CA option). */
async function start(extra: Partial<ControllerOptions>) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-server-tls-data-'));
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const c = await startController({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    adminPassword: 'mat-khau-thu-nghiem',
    log: pino({ level: 'silent' }),
    jobs: false,
    ...extra,
  });
  cleanups.push(() => c.close());
  return c;
}

function get(url: string, headers: Record<string, string> = {}, body?: string) {
  return new Promise<number>((resolve, reject) => {
    const req = https.request(url, { method: body ? 'POST' : 'GET', ca: ca.pem, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function fingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca: ca.pem }, () => {
      resolve(s.getPeerCertificate().fingerprint256);
      s.end();
    });
    s.on('error', reject);
  });
}

describe('startController({ tls })', () => {
  it('serves https:// and wss:// on one port and swaps the certificate with reloadTls', async () => {
    const c = await start({ tls: { cert: first.cert, key: first.key } });
    expect(c.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await get(`${c.url}/api/v1/health`)).toBe(200);

    // The player's handshake over wss: refused for its token, which proves the TLS and WebSocket layers passed.
    const sock = io(c.url, {
      transports: ['websocket'],
      reconnection: false,
      ca: ca.pem,
      auth: { token: 'dev_not-a-real-token-123456', protocol: PROTOCOL_VERSION, playerVersion: 't' },
    });
    const refused = await new Promise<string>((resolve) => sock.on('connect_error', (e) => resolve(e.message)));
    sock.close();
    expect(refused).toBe('unauthorized');

    expect(await fingerprint(c.port)).toBe(first.fingerprint256);
    expect(() => c.reloadTls({ cert: second.cert, key: first.key })).toThrow();
    expect(await fingerprint(c.port)).toBe(first.fingerprint256);
    c.reloadTls({ cert: second.cert, key: second.key });
    expect(await fingerprint(c.port)).toBe(second.fingerprint256);
  });

  it('counts failed logins per real client behind a trusted proxy, and ignores X-Forwarded-For otherwise', async () => {
    const fail = (url: string, client: string) =>
      get(
        `${url}/api/v1/auth/login`,
        { 'content-type': 'application/json', 'x-forwarded-for': client },
        JSON.stringify({ username: 'admin', password: 'sai-mat-khau-1' }),
      );
    const trusted = await start({ tls: { cert: first.cert, key: first.key }, trustProxy: ['127.0.0.1'] });
    for (let i = 0; i < 5; i++) expect(await fail(trusted.url, '10.1.1.1')).toBe(401);
    expect(await fail(trusted.url, '10.1.1.1')).toBe(429);
    expect(await fail(trusted.url, '10.2.2.2')).toBe(401);

    const direct = await start({ tls: { cert: first.cert, key: first.key } });
    for (let i = 0; i < 5; i++) expect(await fail(direct.url, '10.1.1.1')).toBe(401);
    expect(await fail(direct.url, '10.2.2.2')).toBe(429);
  });

  it('--trust-proxy takes addresses and CIDR ranges and names itself when wrong', () => {
    expect(readConfig(['--trust-proxy', '127.0.0.1, 10.0.0.0/8,::1'], {}).trustProxy).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
    ]);
    expect(readConfig([], { BANGTIN_TRUST_PROXY: '192.168.1.0/24' }).trustProxy).toEqual(['192.168.1.0/24']);
    for (const bad of ['yes', '10.0.0.0/33', '127.0.0.1,proxy.local'])
      expect(() => readConfig(['--trust-proxy', bad], {})).toThrow(/^--trust-proxy \/ BANGTIN_TRUST_PROXY: must be IP/);
  });
});
