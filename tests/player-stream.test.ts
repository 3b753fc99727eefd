/// <reference lib="dom" />
// page.evaluate callbacks run in Chromium: they need the DOM types.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlayerScreen, startPlayerScreen } from './support/player-screen';
import { ROOT, tmpDir, waitFor } from './support/processes';

const ARTIFACTS = path.join(ROOT, 'test-artifacts/player');
const work = tmpDir('stream');
const hlsDir = path.join(work, 'hls');

let screen: PlayerScreen;
let hls: { url: string; requests: string[]; close(): Promise<void> };
let priority = 10;
const consoleLines: string[] = [];

/** An HLS origin on loopback, as a livestream's CDN answers: CORS open, the right types, 404 otherwise. */
async function serveHls(dir: string): Promise<typeof hls> {
  const TYPES: Record<string, string> = {
    '.m3u8': 'application/vnd.apple.mpegurl',
    '.ts': 'video/mp2t',
  };
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    // Only /live/<file> exists; any other path (a stream that has ended) is 404.
    const m = /^\/live\/([\w.-]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(m?.[1] ?? req.url ?? '');
    const file = m ? path.join(dir, m[1]!) : null;
    const headers = { 'access-control-allow-origin': '*' };
    if (!file || !fs.existsSync(file)) return res.writeHead(404, headers).end();
    res.writeHead(200, { ...headers, 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function schedule(items: { contentId: string; durationMs: number }[]): Promise<void> {
  const p = await screen.api.post<{ id: string }>('/playlists', { name: `Luồng trực tiếp ${priority}`, items });
  expect(p.status, p.text).toBe(201);
  const s = await screen.api.post('/schedules', {
    playlistId: p.body.id,
    target: { deviceIds: [screen.deviceId] },
    priority: (priority += 10),
  });
  expect(s.status, s.text).toBe(201);
}

const showing = () => screen.page.evaluate(() => document.documentElement.dataset.showing ?? null);
/** The player's log line, after offset `from`, saying the renderer ended an item early with `why`. */
const earlyEnd = (from: number, why: string) =>
  screen.player
    .output()
    .slice(from)
    .split('\n')
    .find((l) => l.includes('renderer ended an item early') && l.includes(why));
const visibleVideo = () => screen.page.locator('.layer.visible video');

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.mkdirSync(hlsDir, { recursive: true });
  // A tiny livestream recording: H.264 + AAC in MPEG-TS segments of 1 s, the most common HLS form
  // (Debian's Chromium decodes H.264; hls.js remuxes the segments for Media Source Extensions).
  const ff = spawnSync(
    'ffmpeg',
    [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=s=320x180:r=25:d=8'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:duration=8'],
      ...['-c:v', 'libx264', '-profile:v', 'baseline', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '25'],
      ...['-c:a', 'aac', '-b:a', '64k', '-f', 'hls', '-hls_time', '1', '-hls_playlist_type', 'vod'],
      ...['-hls_segment_filename', path.join(hlsDir, 'seg%d.ts'), path.join(hlsDir, 'index.m3u8')],
    ],
    { encoding: 'utf8' },
  );
  if (ff.status !== 0) throw new Error(`ffmpeg failed: ${ff.stderr}`);
  hls = await serveHls(hlsDir);

  screen = await startPlayerScreen({
    work,
    device: { name: 'Màn hình hội trường', kind: 'screen' },
    browser: { viewport: { width: 640, height: 360 } },
    beforeLoad: (page) => {
      page.on('console', (msg) => consoleLines.push(`${msg.type()}: ${msg.text()}`));
      page.on('pageerror', (err) => consoleLines.push(`pageerror: ${err.message}`));
    },
  });
}, 90_000);

afterAll(async () => {
  if (screen) fs.writeFileSync(path.join(ARTIFACTS, 'stream-player.log'), screen.player.output());
  fs.writeFileSync(path.join(ARTIFACTS, 'stream-console.log'), consoleLines.join('\n'));
  await screen?.close();
  await hls?.close();
});

describe('HLS streams in the browser-mode renderer (real controller, player, Chromium and HLS origin)', () => {
  let streamId: string;

  it('plays a scheduled stream with sound, and its proof reaches the controller', async () => {
    const c = await screen.api.post<{ id: string; audio: boolean }>('/content', {
      type: 'stream',
      title: 'Đối thoại trực tiếp về BHXH',
      url: `${hls.url}/live/index.m3u8`,
      audio: true,
    });
    expect(c.status, c.text).toBe(201);
    streamId = c.body.id;
    await schedule([{ contentId: streamId, durationMs: 4000 }]);

    await waitFor(async () => (await showing()) === streamId, 'stream on screen', 20_000);
    // Really playing: time advances past several frames, with data buffered ahead.
    const first = await visibleVideo().evaluate((v: HTMLVideoElement) => v.currentTime);
    await waitFor(
      () => visibleVideo().evaluate((v: HTMLVideoElement, t0) => v.currentTime > t0 + 0.5, first),
      'stream time advancing',
      10_000,
    );
    const state = await visibleVideo().evaluate((v: HTMLVideoElement) => ({
      readyState: v.readyState,
      paused: v.paused,
      muted: v.muted,
      width: v.videoWidth,
    }));
    expect(state).toEqual({ readyState: state.readyState, paused: false, muted: false, width: 320 });
    expect(state.readyState).toBeGreaterThanOrEqual(3); // HAVE_FUTURE_DATA
    expect(hls.requests).toContain('index.m3u8');
    expect(hls.requests.filter((r) => r.endsWith('.ts')).length).toBeGreaterThanOrEqual(2);
    await screen.page.screenshot({ path: path.join(ARTIFACTS, 'stream.png') });

    const proof = await waitFor(
      async () => {
        const r = await screen.api.get<{ contentId: string; output: string; endReason: string }[]>(
          `/proofs?deviceId=${screen.deviceId}`,
        );
        return r.body.find((p) => p.contentId === streamId);
      },
      'a proof of the stream at the controller',
      20_000,
    );
    expect(proof.output).toBe('screen');
  });

  it('skips a dead stream with a logged reason, keeps the last frame, and plays the next item', async () => {
    const dead = await screen.api.post<{ id: string }>('/content', {
      type: 'stream',
      title: 'Luồng đã tắt',
      url: `${hls.url}/gone/index.m3u8`,
    });
    const next = await screen.api.post<{ id: string }>('/content', {
      type: 'slogan',
      text: 'Tiếp theo: khẩu hiệu BHXH',
    });
    await screen.page.evaluate(() => {
      const w = window as unknown as { seen: string[]; blank: number };
      w.seen = [];
      w.blank = 0;
      new MutationObserver(() => {
        const id = document.documentElement.dataset.showing;
        if (!id) w.blank++;
        else if (w.seen.at(-1) !== id) w.seen.push(id);
      }).observe(document.documentElement, { attributes: true, attributeFilter: ['data-showing'] });
    });
    const logFrom = screen.player.output().length;
    await schedule([
      { contentId: dead.body.id, durationMs: 3000 },
      { contentId: next.body.id, durationMs: 3000 },
    ]);

    const reason = await waitFor(
      () => earlyEnd(logFrom, 'media-error'),
      'the dead stream reported by the renderer',
      20_000,
    );
    expect(reason).toMatch(/manifestLoadError|HTTP 404|DEMUXER_ERROR/);
    await waitFor(async () => (await showing()) === next.body.id, 'the next item after the dead stream', 20_000);
    // The screen went from the live stream straight to the slogan: never blank, never the dead item.
    const seen = await screen.page.evaluate(() => (window as unknown as { seen: string[]; blank: number }).seen);
    expect(seen).not.toContain(dead.body.id);
    expect(seen).toContain(next.body.id);
    expect(await screen.page.evaluate(() => (window as unknown as { blank: number }).blank)).toBe(0);
    await screen.page.screenshot({ path: path.join(ARTIFACTS, 'stream-dead-then-next.png') });
    expect(await screen.page.locator('.layer.visible .slogan').textContent()).toBe('Tiếp theo: khẩu hiệu BHXH');

    // Nothing was on screen for the dead stream, so there is no proof of it; the slogan has one.
    await waitFor(
      async () =>
        (await screen.api.get<{ contentId: string }[]>(`/proofs?deviceId=${screen.deviceId}`)).body.some(
          (p) => p.contentId === next.body.id,
        ),
      'a proof of the next item',
      20_000,
    );
    const proofs = await screen.api.get<{ contentId: string }[]>(`/proofs?deviceId=${screen.deviceId}`);
    expect(proofs.body.some((p) => p.contentId === dead.body.id)).toBe(false);
  });

  it('plays through hls.js where the browser has no native HLS (Electron builds), and reports its errors', async () => {
    // Debian's Chromium plays HLS natively; an Electron build may not. Hide native HLS in a second
    // window on the same renderer so the hls.js path (Media Source Extensions) runs for real.
    const mse = await screen.context.newPage();
    await mse.addInitScript(() => {
      const native = HTMLMediaElement.prototype.canPlayType;
      HTMLMediaElement.prototype.canPlayType = function (type: string) {
        return /mpegurl/i.test(type) ? '' : native.call(this, type);
      };
    });
    await mse.goto(screen.page.url());
    const dead = await screen.api.post<{ id: string }>('/content', {
      type: 'stream',
      title: 'Luồng hỏng',
      url: `${hls.url}/ended/index.m3u8`,
    });
    const logFrom = screen.player.output().length;
    await schedule([
      { contentId: streamId, durationMs: 4000 },
      { contentId: dead.body.id, durationMs: 2000 },
    ]);
    await waitFor(
      () =>
        mse.evaluate(
          (id) =>
            document.documentElement.dataset.showing === id &&
            (document.querySelector<HTMLVideoElement>('.layer.visible video')?.currentTime ?? 0) > 0.5,
          streamId,
        ),
      'the stream playing through hls.js',
      20_000,
    );
    const src = await mse.locator('.layer.visible video').evaluate((v: HTMLVideoElement) => v.src);
    expect(src).toMatch(/^blob:/); // Media Source Extensions, fed by hls.js
    const reason = await waitFor(
      () => earlyEnd(logFrom, 'manifestLoadError'),
      'hls.js reporting the dead stream',
      20_000,
    );
    expect(reason).toContain('HTTP 404');
    await mse.close();
  });
});
