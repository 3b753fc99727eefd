import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeServerCert, makeTestCa, type TestCa } from '../../../../tests/support/certs';
import { MediaCache } from '../cache/media-cache';
import { PlayerConfigError, readPlayerConfig } from './config';
import { httpGet } from './http-get';
import { describeTlsError, readCaFile, trustFrom, VERIFIED } from './tls-trust';

let dir: string;
let ca: TestCa;
let wrongCa: TestCa;
let server: https.Server;
let plain: http.Server;
let httpsUrl: string;
let plainUrl: string;
const MEDIA = Buffer.from('ảnh thử nghiệm '.repeat(200));
const MEDIA_SHA = crypto.createHash('sha256').update(MEDIA).digest('hex');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-tls-trust-'));
  ca = makeTestCa(path.join(dir, 'ca'));
  wrongCa = makeTestCa(path.join(dir, 'wrong'), 'some other CA');
  const pair = makeServerCert(ca);
  server = https.createServer({ cert: pair.cert, key: pair.key }, (req, res) =>
    res.end(req.url === `/api/v1/media/${MEDIA_SHA}` ? MEDIA : 'xin chào'),
  );
  plain = http.createServer((_req, res) => res.end('plain'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  httpsUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  plainUrl = `https://127.0.0.1:${(plain.address() as AddressInfo).port}/`;
});
afterAll(() => {
  server.close();
  plain.close();
});

const base = ['--headless', '--controller', 'https://127.0.0.1:1', '--token', 'x'.repeat(20)];
const configError = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  try {
    readPlayerConfig([...base, ...argv], env);
  } catch (err) {
    expect(err).toBeInstanceOf(PlayerConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a PlayerConfigError');
};

const body = async (url: string, trust = VERIFIED) => {
  const res = await httpGet(url, { tls: trust });
  let text = '';
  for await (const chunk of res.body) text += String(chunk);
  return text;
};

describe('player --ca-file / --insecure', () => {
  it('verifies against the built-in roots by default', () => {
    expect(readPlayerConfig(base, {}).tls).toEqual({ ca: null, insecure: false });
  });

  it('adds the CA file to the built-in roots (flag or BANGTIN_CA_FILE)', () => {
    const t = readPlayerConfig([...base, '--ca-file', ca.certFile], {}).tls;
    expect(t.insecure).toBe(false);
    expect(t.ca).toHaveLength(tls.rootCertificates.length + 1);
    expect(t.ca!.at(-1)!.trim()).toBe(ca.pem.trim());
    expect(readPlayerConfig(base, { BANGTIN_CA_FILE: ca.certFile }).tls.ca).toHaveLength(
      tls.rootCertificates.length + 1,
    );
  });

  it('keeps NODE_EXTRA_CA_CERTS trusted next to --ca-file', () => {
    const t = readPlayerConfig([...base, '--ca-file', ca.certFile], { NODE_EXTRA_CA_CERTS: wrongCa.certFile }).tls;
    expect(t.ca).toHaveLength(tls.rootCertificates.length + 2);
    expect(t.ca!.at(-1)!.trim()).toBe(wrongCa.pem.trim());
    expect(configError(['--ca-file', ca.certFile], { NODE_EXTRA_CA_CERTS: path.join(dir, 'none.pem') })).toContain(
      'NODE_EXTRA_CA_CERTS: cannot read',
    );
  });

  it('names the flag and the file when the CA file is missing or holds no certificate', () => {
    const missing = path.join(dir, 'missing.pem');
    expect(configError(['--ca-file', missing])).toContain(`--ca-file / BANGTIN_CA_FILE: cannot read ${missing}`);
    const junk = path.join(dir, 'junk.pem');
    fs.writeFileSync(junk, 'hello\n');
    expect(configError(['--ca-file', junk])).toContain(`${junk} holds no PEM certificate`);
    const damaged = path.join(dir, 'damaged.pem');
    fs.writeFileSync(damaged, `${ca.pem}\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`);
    expect(configError(['--ca-file', damaged])).toContain('certificate #2 does not parse');
    expect(configError([], { BANGTIN_CA_FILE: ' ' })).toContain('--ca-file / BANGTIN_CA_FILE: is empty');
  });

  it('refuses --insecure together with --ca-file', () => {
    expect(configError(['--insecure', '--ca-file', ca.certFile])).toMatch(/^--insecure: cannot be combined/);
    expect(readPlayerConfig([...base, '--insecure'], {}).tls).toEqual({ ca: null, insecure: true });
  });
});

describe('TLS trust on a real https server', () => {
  it('downloads with the right CA, and with --insecure', async () => {
    expect(await body(httpsUrl, trustFrom(readCaFile(ca.certFile), false))).toBe('xin chào');
    expect(await body(httpsUrl, trustFrom(null, true))).toBe('xin chào');
  });

  it('refuses an unknown CA and says what to do', async () => {
    for (const trust of [VERIFIED, trustFrom(readCaFile(wrongCa.certFile), false)]) {
      const err = await httpGet(httpsUrl, { tls: trust }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).not.toBeNull();
      expect(describeTlsError(err)).toMatch(
        /^TLS: certificate not trusted \(self-signed \/ unknown CA.*pass --ca-file/,
      );
    }
  });

  it('names a host the certificate was not issued for', async () => {
    const err = await new Promise<Error>((resolve) => {
      const s = tls.connect({
        host: '127.0.0.1',
        port: (server.address() as AddressInfo).port,
        servername: 'kiosk.example',
        ca: ca.pem,
        checkServerIdentity: (_h, cert) => tls.checkServerIdentity('kiosk.example', cert),
      });
      s.on('error', resolve);
      s.on('secureConnect', () => resolve(new Error('connected')));
    });
    expect(describeTlsError(err)).toMatch(/^TLS: the certificate is not for this address/);
  });

  it('tells a plain HTTP port apart from a certificate problem', async () => {
    const err = await httpGet(plainUrl, { tls: VERIFIED }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(describeTlsError(err)).toMatch(/does not speak TLS on this port/);
    expect(describeTlsError(new Error('connect ECONNREFUSED 127.0.0.1:1'))).toBeNull();
  });
});

describe('media downloads over https', () => {
  const download = async (trust: ReturnType<typeof trustFrom>) => {
    const cache = new MediaCache({
      dir: fs.mkdtempSync(path.join(dir, 'media-')),
      controllerUrl: httpsUrl.replace(/\/$/, ''),
      token: 'dev_test-token-1234567890',
      retryDelaysMs: [],
      tls: trust,
    });
    await cache.open();
    const done = new Promise<string>((resolve) => {
      cache.on('ready', () => resolve('ready'));
      cache.on('failed', (_sha, reason) => resolve(reason));
    });
    cache.want([{ sha256: MEDIA_SHA, size: MEDIA.length }]);
    const result = await done;
    cache.close();
    return result;
  };

  it('trust the --ca-file CA, and name the certificate problem without it', async () => {
    expect(await download(trustFrom(readCaFile(ca.certFile), false))).toBe('ready');
    expect(await download(trustFrom(readCaFile(wrongCa.certFile), false))).toMatch(/^TLS: certificate not trusted/);
  });
});

describe('httpGet', () => {
  it('fails a download whose link goes silent', async () => {
    const silent = http.createServer((_req, res) => {
      res.writeHead(200);
      res.write('first bytes');
      // …and nothing more: the connection stays open without data.
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const res = await httpGet(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/`, { idleTimeoutMs: 200 });
      const read = (async () => {
        for await (const chunk of res.body) void chunk;
      })();
      await expect(read).rejects.toThrow(/no data from the controller for 0.2 s|aborted/);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
