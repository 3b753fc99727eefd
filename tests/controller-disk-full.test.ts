import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startController as startInProcess } from '@bangtin/controller';
import { startPlayer } from '@bangtin/player';
import { Api } from './support/api';
import { type Proc, spawnTs, tmpDir, waitFor } from './support/processes';

/**
 * The controller's data folder on a real 16 MiB tmpfs that the test fills and frees, with a real
 * controller process. Mounting needs root (CI runs as root); elsewhere the test is skipped and says why.
 */
const mountPoint = tmpDir('ctl-disk-full');
const mounted =
  process.getuid?.() === 0 &&
  spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint], { stdio: 'ignore' }).status === 0;
if (!mounted) console.warn(`controller-disk-full: SKIPPED, cannot mount a tmpfs at ${mountPoint} (needs root)`);

const procs: Proc[] = [];
const inProcess: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const o of inProcess.splice(0).reverse()) await o.close();
  await Promise.all(procs.map((p) => p.kill9()));
  if (mounted) spawnSync('umount', ['-l', mountPoint]);
});

const PASSWORD = 'mat-khau-o-day-day';

/** Writes a file until the disk refuses more, then gives back `leave` bytes; returns its path. */
function fill(dir: string, leave: number): string {
  const file = path.join(dir, 'filler.bin');
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(64 * 1024, 0x5a);
  let size = 0;
  try {
    for (;;) size += fs.writeSync(fd, block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
  fs.ftruncateSync(fd, Math.max(0, size - leave));
  fs.closeSync(fd);
  return file;
}

async function startController(dataDir: string): Promise<Proc & { url: string }> {
  const p = spawnTs('apps/controller/src/main.ts', ['--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir], {
    BANGTIN_ADMIN_PASSWORD: PASSWORD,
    BANGTIN_STORAGE_PROBE_MS: '200',
  });
  procs.push(p);
  const m = await waitFor(
    () => {
      if (p.child.exitCode !== null) throw new Error(`controller exited: ${p.output()}`);
      return /bangtin controller: (http:\/\/127\.0\.0\.1:\d+)/.exec(p.output());
    },
    'controller to listen',
    20_000,
  );
  return { ...p, url: m[1]! };
}

const slogan = (api: Api, text: string) => api.post('/content', { type: 'slogan', text });
const texts = async (api: Api) =>
  ((await api.get<{ text?: string }[]>('/content')).body ?? []).map((c) => c.text).filter(Boolean);

describe.skipIf(!mounted)('a controller whose disk is full (real tmpfs, real process)', () => {
  it('starts read-only, refuses changes with 507, keeps serving reads, and recovers by itself', async () => {
    const dataDir = path.join(mountPoint, 'data');
    const first = await startController(dataDir);
    const api1 = await new Api(first.url).login('admin', PASSWORD);
    expect((await slogan(api1, 'Trước khi ổ đầy')).status).toBe(201);
    expect(await first.stop()).toBe(0);

    // Full apart from ~100 KB: below the controller's reserve, enough for SQLite to open its files.
    let filler = fill(mountPoint, 100 * 1024);
    const c = await startController(dataDir);
    const anon = new Api(c.url);
    const health = await anon.get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'degraded', db: 'full', storage: { state: 'full' } });
    expect(health.body.version).toEqual(expect.any(String));
    expect(health.body.storage.cause).toContain(`disk full at ${dataDir}`);
    expect(c.output().match(/storage full: disk full at/g)).toHaveLength(1);

    // Login works (the session is held in memory), reads work, changes get 507 with the cause.
    const api = await new Api(c.url).login('admin', PASSWORD);
    expect(await texts(api)).toEqual(['Trước khi ổ đầy']);
    const refused = await slogan(api, 'Khi ổ đầy');
    expect(refused.status).toBe(507);
    expect(refused.body.error.code).toBe('storage-full');
    expect(refused.body.error.message).toContain(`disk full at ${dataDir}`);
    expect((await api.get('/devices')).status).toBe(200);

    // Space returns: within a few probes health is ok and the same session can write.
    fs.rmSync(filler);
    await waitFor(async () => (await anon.get('/health')).status === 200, 'health to recover', 10_000);
    expect((await anon.get('/health')).body).toMatchObject({ status: 'ok', db: 'ok', storage: { state: 'ok' } });
    expect((await slogan(api, 'Sau khi giải phóng')).status).toBe(201);
    expect(await texts(api)).toEqual(expect.arrayContaining(['Trước khi ổ đầy', 'Sau khi giải phóng']));

    // The disk fills while running, to the last byte: noticed, refused, recovered again.
    filler = fill(mountPoint, 0);
    await waitFor(async () => (await anon.get('/health')).status === 503, 'the full disk to be noticed', 10_000);
    const again = await slogan(api, 'Lại đầy');
    expect(again.status).toBe(507);
    expect(again.body.error.code).toBe('storage-full');
    expect((await api.get('/content')).status).toBe(200);
    fs.rmSync(filler);
    await waitFor(async () => (await anon.get('/health')).status === 200, 'health to recover again', 10_000);
    expect((await slogan(api, 'Lần cuối')).status).toBe(201);

    expect(c.child.exitCode).toBeNull();
    expect(await c.stop()).toBe(0);
    // Nothing stored was lost, and the session made while full was written when space returned.
    const last = await startController(dataDir);
    const check = new Api(last.url);
    check.token = api.token;
    expect(await texts(check)).toEqual(expect.arrayContaining(['Trước khi ổ đầy', 'Sau khi giải phóng', 'Lần cuối']));
    expect(await texts(check)).not.toContain('Khi ổ đầy');
    expect(await texts(check)).not.toContain('Lại đầy');
    expect(c.output()).toContain('storage writable again');
  }, 30_000);
});

describe('proof uploads while the controller database cannot grow (real SQLite SQLITE_FULL, real player)', () => {
  it('answers store-failed instead of crashing, loses no proof, and takes them once it can write', async () => {
    const controller = await startInProcess({
      port: 0,
      host: '127.0.0.1',
      dataDir: tmpDir('ctl-full-proofs'),
      adminPassword: PASSWORD,
      log: pino({ level: 'silent' }),
      storageProbeMs: 200,
      storageReserveBytes: 0,
    });
    inProcess.push(controller);
    const api = await new Api(controller.url).login('admin', PASSWORD);
    const dev = (await api.post('/devices', { name: 'Bảng LED ổ đầy', kind: 'led' })).body;
    const player = startPlayer({
      controllerUrl: controller.url,
      token: dev.token,
      dataDir: tmpDir('ctl-full-proofs-p'),
      log: pino({ level: 'silent' }),
      heartbeatMs: 300,
    });
    inProcess.push(player);
    let crashed: unknown = null;
    process.once('uncaughtException', (err) => (crashed = err));
    await waitFor(() => player.connected(), 'the player to connect');
    await api.scheduleSlogan(dev.id, 'Ổ đĩa máy chủ đầy', 1000);
    const stored = async () => (await api.get(`/proofs?deviceId=${dev.id}&limit=10000`)).body as { id: string }[];
    await waitFor(async () => (await stored()).length >= 2, 'proofs before the database is capped', 20_000);

    // The database may not grow by a page: every insert that needs one fails with SQLITE_FULL.
    const db = controller.store.db;
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    // The room left in its pages is used up too (with rows smaller than any real one, in the tables
    // the uploads and the probe write), so the very next insert fails.
    const pad = (sql: string, ...args: unknown[]) => {
      try {
        db.prepare(sql).run(...args);
        return true;
      } catch {
        return false;
      }
    };
    let n = 0;
    for (const size of [2000, 200, 20, 1])
      while (pad('INSERT INTO meta (key, value) VALUES (?, ?)', `pad${n++}`, 'x'.repeat(size)));
    while (
      pad(
        `INSERT INTO proofs (id, device_id, content_id, playlist_id, schedule_id, started_at, ended_at, received_at)
         VALUES (?, 'pad', '', '', '', 0, 0, 0)`,
        String(n++),
      )
    );
    await waitFor(() => controller.storage.full, 'the controller to notice', 20_000);
    const before = (await stored()).length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(player.connected()).toBe(true);
    expect((await stored()).length).toBeLessThanOrEqual(before + 2);

    db.pragma('max_page_count = 1073741823');
    await waitFor(() => !controller.storage.full, 'the controller to recover', 10_000);
    await waitFor(async () => (await stored()).length >= before + 4, 'the held proofs to arrive', 20_000);
    const ids = (await stored()).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(player.storage().lostPlays).toBe(0);
    expect(crashed).toBeNull();
  }, 30_000);
});
