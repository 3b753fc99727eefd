import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { PNG } from 'pngjs';
import { afterEach, describe, expect, it } from 'vitest';
import { Api } from './support/api';
import { type Proc, spawnTs, startControllerProcess, startPlayerProcess, tmpDir, waitFor } from './support/processes';

const procs: Proc[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.kill9()));
});

async function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  const p = spawnTs('apps/controller/src/main.ts', args);
  procs.push(p);
  const code = await p.exited;
  return { code, out: p.output() };
}

async function uploadPng(url: string, token: string): Promise<{ sha256: string; bytes: Buffer }> {
  const png = new PNG({ width: 4, height: 4 });
  png.data.fill(200);
  const bytes = PNG.sync.write(png);
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), 'logo-bhxh.png');
  const res = await fetch(`${url}/api/v1/content`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  expect(res.status).toBe(201);
  return { sha256: crypto.createHash('sha256').update(bytes).digest('hex'), bytes };
}

function rows(file: string, sql: string): unknown[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    return db.prepare(sql).pluck().all();
  } finally {
    db.close();
  }
}

describe('backup and restore (real controller, player and CLI processes)', () => {
  it('backs up online while a player writes proofs and the API writes content; restore refuses while running, then restores', async () => {
    const dataDir = tmpDir('backup-ctl');
    const out = tmpDir('backup-out');
    const controller = await startControllerProcess({ dataDir });
    procs.push(controller);
    const api = await new Api(controller.url).login('admin', 'mat-khau-thu-nghiem');
    const dev = await api.post<{ id: string; token: string }>('/devices', { name: 'Bảng LED Tam Kỳ', kind: 'led' });
    expect(dev.status).toBe(201);
    procs.push(
      startPlayerProcess({ controllerUrl: controller.url, token: dev.body.token, dataDir: tmpDir('backup-pl') }),
    );
    await api.scheduleSlogan(dev.body.id, 'Tham gia BHXH tự nguyện', 1000);
    const media = await uploadPng(controller.url, api.token!);
    const proofsBefore = await waitFor(async () => {
      const n = (await api.get<unknown[]>(`/proofs?deviceId=${dev.body.id}`)).body.length;
      return n >= 2 ? n : null;
    }, 'proofs from the player');

    // Writes keep coming through the API while the backup runs.
    let writing = true;
    const written: string[] = [];
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const r = await api.post('/content', { type: 'slogan', text: `Khẩu hiệu số ${i}` });
        if (r.status === 201) written.push(`Khẩu hiệu số ${i}`);
      }
    })();
    await waitFor(() => written.length >= 5, 'API writes');
    const writtenBefore = [...written];

    const file = path.join(out, 'bangtin-manual.sqlite');
    const backup = await cli(['backup', '--to', file, '--data-dir', dataDir]);
    writing = false;
    await writer;
    expect(backup.out).toContain(`Đã sao lưu / backup written: ${file}`);
    expect(backup.out).toContain('integrity_check: ok');
    expect(backup.out).toMatch(/devices 1, proofs \d+/);
    expect(backup.code).toBe(0);

    const texts = rows(file, 'SELECT text FROM content') as string[];
    for (const t of writtenBefore) expect(texts).toContain(t);
    expect((rows(file, 'SELECT id FROM proofs') as string[]).length).toBeGreaterThanOrEqual(proofsBefore);
    const manifest = JSON.parse(fs.readFileSync(`${file}.media.json`, 'utf8'));
    expect(manifest.files).toContainEqual({ name: media.sha256, bytes: media.bytes.length, sha256: media.sha256 });

    // A second backup to the same file is refused rather than overwriting it.
    const again = await cli(['backup', '--to', file, '--data-dir', dataDir]);
    expect(again.code).toBe(1);
    expect(again.out).toContain('đã tồn tại / already exists');

    const refused = await cli(['restore', '--from', file, '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain(`bộ điều khiển đang chạy trên ${dataDir} (pid ${controller.child.pid})`);
    expect(fs.readdirSync(dataDir).filter((f) => f.includes('before-restore'))).toEqual([]);

    // Something written after the backup: the restore must take it away (and keep it aside).
    expect((await api.post('/content', { type: 'slogan', text: 'Viết sau khi sao lưu' })).status).toBe(201);
    expect(await controller.stop()).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'controller.pid'))).toBe(false);

    const restored = await cli(['restore', '--from', file, '--data-dir', dataDir]);
    expect(restored.out).toContain('Đã khôi phục / restored');
    expect(restored.out).toContain('Media: đủ mọi tệp trong danh sách');
    expect(restored.out).toContain('systemctl start bangtin-controller');
    expect(restored.code).toBe(0);
    const aside = fs.readdirSync(dataDir).filter((f) => /^bangtin\.sqlite\.before-restore-/.test(f));
    expect(aside).toHaveLength(1);
    expect(rows(path.join(dataDir, aside[0]!), 'SELECT text FROM content')).toContain('Viết sau khi sao lưu');

    const back = await startControllerProcess({ dataDir });
    procs.push(back);
    const api2 = await new Api(back.url).login('admin', 'mat-khau-thu-nghiem');
    const served = JSON.stringify((await api2.get('/content')).body);
    for (const t of writtenBefore) expect(served).toContain(t);
    expect(served).not.toContain('Viết sau khi sao lưu');
    expect((await api2.get(`/devices/${dev.body.id}`)).body.name).toBe('Bảng LED Tam Kỳ');
    const health = await fetch(`${back.url}/api/v1/health`);
    expect(health.status).toBe(200);
    const h = (await health.json()) as { backup: { lastAt: string | null; file: string | null } };
    // The nightly job's first copy is made at start.
    expect(h.backup.file).toMatch(/^bangtin-nightly-.*\.sqlite$/);
  });
});
