import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeServerCert, makeTestCa, type TestCa, type TestServerCert } from './support/certs';
import {
  type ControllerProc,
  type Proc,
  spawnTs,
  startControllerProcess,
  startPlayerProcess,
  tmpDir,
  waitFor,
} from './support/processes';

/** HTTPS against the controller, trusting only the test CA (as a browser with it installed would). */
async function apiRequest<T = any>(
  base: string,
  ca: string,
  method: string,
  route: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const data = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${base}/api/v1${route}`,
      {
        method,
        ca,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(data ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || 'null') as T }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** The fingerprint of the certificate a fresh TLS connection is served. */
function servedFingerprint(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      resolve(s.getPeerCertificate().fingerprint256);
      s.end();
    });
    s.on('error', reject);
  });
}

describe('TLS: controller on HTTPS/WSS, players trusting a private CA', () => {
  let dir: string;
  let ca: TestCa;
  let wrongCa: TestCa;
  let first: TestServerCert;
  let renewed: TestServerCert;
  let certFile: string;
  let keyFile: string;
  let controller: ControllerProc;
  let token: string;
  const procs: Proc[] = [];

  beforeAll(async () => {
    dir = tmpDir('tls');
    ca = makeTestCa(path.join(dir, 'ca'));
    wrongCa = makeTestCa(path.join(dir, 'wrong-ca'), 'not the office CA');
    first = makeServerCert(ca, 'first');
    renewed = makeServerCert(ca, 'renewed');
    // The paths the controller is started with; SIGHUP rereads them (as after a renewal).
    certFile = path.join(dir, 'controller.pem');
    keyFile = path.join(dir, 'controller.key');
    fs.copyFileSync(first.certFile, certFile);
    fs.copyFileSync(first.keyFile, keyFile);
    controller = await startControllerProcess({
      dataDir: path.join(dir, 'controller'),
      extraArgs: ['--tls-cert', certFile, '--tls-key', keyFile],
    });
    procs.push(controller);
    const login = await apiRequest<{ token: string }>(controller.url, ca.pem, 'POST', '/auth/login', {
      body: { username: 'admin', password: 'mat-khau-thu-nghiem' },
    });
    expect(login.status).toBe(200);
    token = login.body.token;
  }, 40_000);
  afterAll(async () => {
    await Promise.all(procs.splice(0).map((p) => p.kill9()));
  });

  const enrol = async (name: string) => {
    const r = await apiRequest<{ id: string; token: string }>(controller.url, ca.pem, 'POST', '/devices', {
      token,
      body: { name, kind: 'led' },
    });
    expect(r.status).toBe(201);
    return r.body;
  };
  const online = async (id: string) =>
    (await apiRequest<{ online: boolean }>(controller.url, ca.pem, 'GET', `/devices/${id}`, { token })).body.online;

  it('serves https:// and a player with --ca-file comes online over WSS', async () => {
    expect(controller.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const dev = await enrol('Bảng LED TLS');
    const player = startPlayerProcess({
      controllerUrl: controller.url,
      token: dev.token,
      dataDir: tmpDir('tls-player'),
      extraArgs: ['--ca-file', ca.certFile],
    });
    procs.push(player);
    await waitFor(() => online(dev.id), 'player online over wss');
    // The log reaches the pipe a little after the socket is up.
    await waitFor(() => player.output().includes('connected to controller'), 'connection logged');
    expect(player.output()).not.toContain('TLS:');
  });

  it('a player trusting another CA is refused, says why, and keeps retrying', async () => {
    const dev = await enrol('Bảng LED sai CA');
    const player = startPlayerProcess({
      controllerUrl: controller.url,
      token: dev.token,
      dataDir: tmpDir('tls-wrong-ca'),
      extraArgs: ['--ca-file', wrongCa.certFile],
    });
    procs.push(player);
    const why = /TLS: certificate not trusted \(self-signed \/ unknown CA[^)]*\); pass --ca-file/g;
    await waitFor(() => (player.output().match(why)?.length ?? 0) >= 2, 'the refusal logged on two attempts');
    expect(player.output()).not.toContain('connected to controller');
    expect(await online(dev.id)).toBe(false);
  });

  it('--insecure connects without verification and warns loudly', async () => {
    const dev = await enrol('Bảng LED không kiểm tra');
    const player = startPlayerProcess({
      controllerUrl: controller.url,
      token: dev.token,
      dataDir: tmpDir('tls-insecure'),
      extraArgs: ['--insecure'],
    });
    procs.push(player);
    await waitFor(() => online(dev.id), 'insecure player online');
    // Once at start, once on connecting.
    const warning = /KHÔNG KIỂM TRA CHỨNG CHỈ TLS \/ TLS certificate verification is OFF/g;
    await waitFor(() => (player.output().match(warning)?.length ?? 0) >= 2, 'the warning at start and on connect');
  });

  it('a screen player with --ca-file downloads its media over https', async () => {
    const png = new PNG({ width: 8, height: 8 });
    png.data.fill(0xc0);
    const image = PNG.sync.write(png);
    const boundary = 'bangtin-tls-test-boundary';
    const form = Buffer.concat([
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="title"\r\n\r\nẢnh qua HTTPS\r\n`),
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="anh.png"\r\ncontent-type: image/png\r\n\r\n`,
      ),
      image,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const uploaded = await new Promise<{ status: number; body: { id: string; sha256: string } }>((resolve, reject) => {
      const req = https.request(
        `${controller.url}/api/v1/content`,
        {
          method: 'POST',
          ca: ca.pem,
          headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      req.end(form);
    });
    expect(uploaded.status).toBe(201);
    const dev = await enrol('Màn hình TLS');
    const playerDir = tmpDir('tls-screen');
    const player = startPlayerProcess({
      controllerUrl: controller.url,
      token: dev.token,
      dataDir: playerDir,
      extraArgs: ['--ca-file', ca.certFile, '--renderer-port', '0'],
    });
    procs.push(player);
    const playlist = await apiRequest<{ id: string }>(controller.url, ca.pem, 'POST', '/playlists', {
      token,
      body: { name: 'DS TLS', items: [{ contentId: uploaded.body.id, durationMs: 2000 }] },
    });
    expect(playlist.status).toBe(201);
    const sched = await apiRequest(controller.url, ca.pem, 'POST', '/schedules', {
      token,
      body: { playlistId: playlist.body.id, target: { deviceIds: [dev.id] } },
    });
    expect(sched.status).toBe(201);
    const cached = path.join(playerDir, 'media', uploaded.body.sha256);
    await waitFor(() => fs.existsSync(cached), 'the image in the player media cache', 20_000);
    expect(fs.readFileSync(cached).equals(image)).toBe(true);
    expect(player.output()).not.toContain('media download failed');
  });

  it('SIGHUP loads a renewed certificate for new connections, and keeps it when the next one is broken', async () => {
    expect(await servedFingerprint(controller.port, ca.pem)).toBe(first.fingerprint256);
    fs.copyFileSync(renewed.certFile, certFile);
    fs.copyFileSync(renewed.keyFile, keyFile);
    controller.child.kill('SIGHUP');
    await waitFor(() => controller.output().includes('SIGHUP: TLS certificate reloaded'), 'reload logged');
    expect(await servedFingerprint(controller.port, ca.pem)).toBe(renewed.fingerprint256);

    // A renewal that went wrong (the key of another certificate): refused, the served pair stays.
    fs.copyFileSync(first.keyFile, keyFile);
    controller.child.kill('SIGHUP');
    await waitFor(() => controller.output().includes('SIGHUP: TLS certificate NOT reloaded'), 'failure logged');
    expect(controller.output()).toContain(`is not a valid key for ${certFile}`);
    expect(await servedFingerprint(controller.port, ca.pem)).toBe(renewed.fingerprint256);
    expect(controller.child.exitCode).toBeNull();
  });

  it('exits 2 naming the flag or the file when the TLS configuration is wrong', async () => {
    const run = async (args: string[]) => {
      const p = spawnTs('apps/controller/src/main.ts', ['--port', '0', '--data-dir', tmpDir('tls-bad'), ...args]);
      procs.push(p);
      return { code: await p.exited, out: p.output() };
    };
    const missing = path.join(dir, 'missing.pem');
    const [onlyCert, unreadable] = await Promise.all([
      run(['--tls-cert', certFile]),
      run(['--tls-cert', missing, '--tls-key', keyFile]),
    ]);
    expect(onlyCert.code).toBe(2);
    expect(onlyCert.out).toContain('--tls-key / BANGTIN_TLS_KEY: is required with --tls-cert');
    expect(unreadable.code).toBe(2);
    expect(unreadable.out).toContain(`--tls-cert: cannot read ${missing}`);
  });
});
