import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bitmapsEqual } from '@bangtin/shared';
import { pngToBitmap } from '../apps/player/src/led/sim/render';
import { renderForBoard } from '../apps/player/src/runtime/led-outputs';
import { Api } from './support/api';
import { encodePng } from './support/png';
import { type Proc, spawnTs, tmpDir, waitFor } from './support/processes';

/**
 * `npm start` as a new user sees it, on a machine without ffmpeg: a PATH with nothing on it (node and
 * tsx are started by absolute path, so they still run). The terminal shows human lines only, the JSON
 * log goes to `controller.log`, and uploads still work at reduced capability.
 */
const work = tmpDir('demo');
const emptyBin = path.join(work, 'empty-bin');
fs.mkdirSync(emptyBin);
const procs: Proc[] = [];

afterAll(async () => {
  await Promise.all(procs.map((p) => p.kill9()));
});

async function startDemo(dataDir: string, extra: string[], env: Record<string, string> = {}) {
  const p = spawnTs('scripts/demo.ts', ['--port', '0', '--data-dir', dataDir, '--no-players', ...extra], env);
  procs.push(p);
  const url = await waitFor(
    () => {
      if (p.child.exitCode !== null) throw new Error(`demo exited: ${p.output()}`);
      return /admin URL : (http:\/\/127\.0\.0\.1:\d+)\//.exec(p.output())?.[1];
    },
    'the demo banner',
    60_000,
  );
  const password = /login {12}: admin \/ (\S+)/.exec(p.output())?.[1];
  expect(password).toBeTruthy();
  return { p, url, password: password! };
}

function jsonLines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim().startsWith('{'));
}

describe('npm start on a machine without ffmpeg', () => {
  const dataDir = path.join(work, 'data');
  let demo: Awaited<ReturnType<typeof startDemo>>;
  let api: Api;

  it('prints human lines, names the missing tools, and logs JSON to controller.log', async () => {
    demo = await startDemo(dataDir, [], { PATH: emptyBin });
    const out = demo.p.output();
    expect(out).toContain('Thiếu ffprobe, ffmpeg');
    expect(out).toContain('sudo apt-get install ffmpeg');
    expect(out).toContain(`Nhật ký / log                : ${path.join(dataDir, 'controller.log')}`);
    api = await new Api(demo.url).login('admin', demo.password);
    const log = await waitFor(() => {
      const text = fs.existsSync(path.join(dataDir, 'controller.log'))
        ? fs.readFileSync(path.join(dataDir, 'controller.log'), 'utf8')
        : '';
      return text.includes('optional tools missing') ? text : null;
    }, 'the JSON log file');
    const lines = jsonLines(log).map((l) => JSON.parse(l) as { name?: string; msg?: string; missing?: string[] });
    expect(lines.find((l) => l.msg?.startsWith('optional tools missing'))).toMatchObject({
      name: 'controller',
      missing: ['ffprobe', 'ffmpeg'],
    });
    expect(jsonLines(demo.p.output())).toEqual([]);
  });

  it('still reads an uploaded image and makes its thumbnail', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(encodePng(120, 40, (x) => [x * 2, 30, 60]))]), 'bang.png');
    const res = await fetch(`${demo.url}/api/v1/content`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}` },
      body: form,
    });
    const body = (await res.json()) as { sha256: string; width: number; height: number };
    expect(res.status).toBe(201);
    expect(body).toMatchObject({ width: 120, height: 40 });
    const thumb = await fetch(`${demo.url}/api/v1/media/${body.sha256}/thumbnail`, {
      headers: { authorization: `Bearer ${api.token}` },
    });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
  });

  it('accepts a video with a visible warning, and takes its length from staff', async () => {
    const clip = path.join(work, 'clip.webm');
    // The test machine has ffmpeg (the bootstrap installs it); only the controller's PATH lacks it.
    const ff = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=s=96x54:r=10:d=1', clip]);
    expect(ff.status).toBe(0);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(fs.readFileSync(clip))]), 'clip.webm');
    const res = await fetch(`${demo.url}/api/v1/content`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}` },
      body: form,
    });
    const video = (await res.json()) as { id: string; durationMs: number | null; warnings?: unknown[] };
    expect(res.status).toBe(201);
    expect(video.durationMs).toBeNull();
    expect(video.warnings).toEqual([
      { code: 'duration-unknown', field: 'durationMs', message: 'chưa đọc được thời lượng – cài ffmpeg' },
    ]);
    const bad = await api.request('PATCH', `/content/${video.id}`, { durationMs: 'ba mươi' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { field: 'durationMs' } });
    const set = await api.request('PATCH', `/content/${video.id}`, { durationMs: 30_000 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ id: video.id, durationMs: 30_000 });
    expect((await api.get(`/content/${video.id}`)).body).toMatchObject({ durationMs: 30_000 });
  });
});

describe('npm start -- --verbose', () => {
  it('pretty-prints the log to the terminal instead of the file', async () => {
    const dataDir = path.join(work, 'verbose');
    const demo = await startDemo(dataDir, ['--verbose']);
    await waitFor(() => /INFO.*controller/.test(demo.p.output()), 'a pretty log line');
    expect(jsonLines(demo.p.output())).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'controller.log'))).toBe(false);
    expect(demo.p.output()).not.toContain('Thiếu ffprobe');
  });
});

describe('npm start with its simulated players', () => {
  it('keeps the Alpha board and the BX-5E board (over loopback TCP) pictures up to date, pixel for pixel', async () => {
    const dataDir = path.join(work, 'data-players');
    const p = spawnTs('scripts/demo.ts', ['--port', '0', '--data-dir', dataDir]);
    procs.push(p);
    const url = await waitFor(
      () => /admin URL : (http:\/\/127\.0\.0\.1:\d+)\//.exec(p.output())?.[1],
      'the demo banner',
      60_000,
    );
    const password = /login {12}: admin \/ (\S+)/.exec(p.output())![1]!;
    expect(p.output()).toMatch(/Bảng LED BX-5E \/ BX-5E board : .*led-board-bx\.png \(tcp 127\.0\.0\.1:\d+\)/);
    const api = await new Api(url).login('admin', password);
    const size = { width: 96, height: 16 };
    await waitFor(
      async () => {
        const bxPng = path.join(dataDir, 'led-board-bx.png');
        const alphaPng = path.join(dataDir, 'led-board.png');
        if (!fs.existsSync(bxPng) || !fs.existsSync(alphaPng)) return null;
        const devices = (await api.get<{ name: string; nowPlaying: { contentId: string } | null }[]>('/devices')).body;
        const led = devices.find((d) => d.name === 'Bảng LED BHXH Tam Kỳ');
        if (!led?.nowPlaying) return null;
        const content = (await api.get<{ text: string }>(`/content/${led.nowPlaying.contentId}`)).body;
        const frame = renderForBoard(content.text, size)[0]!.bitmap;
        const bx = pngToBitmap(fs.readFileSync(bxPng), { scale: 6 });
        return bitmapsEqual(bx, frame) ? true : null;
      },
      'the BX board picture to match the slogan playing',
      60_000,
    );
    const alpha = pngToBitmap(fs.readFileSync(path.join(dataDir, 'led-board.png')), { scale: 6 });
    expect(alpha.data.some((v) => v !== 0)).toBe(true);
    const devices = (
      await api.get<{ name: string; outputs?: { id: string; state: string; protocol?: string }[] }[]>('/devices')
    ).body;
    const outputs = devices.find((d) => d.name === 'Bảng LED BHXH Tam Kỳ')?.outputs ?? [];
    expect(outputs.map((o) => [o.id, o.protocol])).toEqual(
      expect.arrayContaining([
        ['led:bang-tam-ky', 'alpha'],
        ['led:bang-bx', 'bx'],
      ]),
    );
  });
});
