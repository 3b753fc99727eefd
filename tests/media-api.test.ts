import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from './support/api';
import { type ControllerProc, startControllerProcess, tmpDir } from './support/processes';

const LIMIT = 200_000;
const work = tmpDir('media');
let controller: ControllerProc;
let api: Api;

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
}

async function upload(bytes: Buffer, name: string, token = api.token) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const res = await fetch(`${controller.url}/api/v1/content`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form,
  });
  return { status: res.status, body: (await res.json()) as any };
}

const get = (p: string, headers: Record<string, string> = {}) => fetch(`${controller.url}/api/v1${p}`, { headers });

beforeAll(async () => {
  process.env.BANGTIN_MEDIA_MAX_BYTES = String(LIMIT); // inherited by the controller process
  controller = await startControllerProcess({ dataDir: path.join(work, 'controller') });
  api = await new Api(controller.url).login('admin', 'mat-khau-thu-nghiem');
}, 60_000);

afterAll(async () => {
  await controller?.kill9();
});

describe('media API: uploads checked by content, served with Range to staff and players', () => {
  let png: Buffer;
  let video: { sha256: string; size: number };

  it('records sha256, size, dimensions and duration; makes a thumbnail', async () => {
    ffmpeg(['-f', 'lavfi', '-i', 'color=c=red:s=64x48:d=1', '-frames:v', '1', path.join(work, 'a.png')]);
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=96x54:r=10:d=1', '-c:v', 'libvpx', path.join(work, 'b.webm')]);
    png = fs.readFileSync(path.join(work, 'a.png'));
    const img = await upload(png, 'khong-phai-ten-that.bin'); // the name does not matter
    expect(img.status).toBe(201);
    expect(img.body).toMatchObject({ type: 'image', mime: 'image/png', width: 64, height: 48, size: png.length });
    const webm = fs.readFileSync(path.join(work, 'b.webm'));
    const v = await upload(webm, 'clip.png'); // nor does a lying extension
    expect(v.status).toBe(201);
    expect(v.body).toMatchObject({ type: 'video', mime: 'video/webm', width: 96, height: 54 });
    expect(v.body.durationMs).toBeGreaterThanOrEqual(900);
    video = v.body;
    const thumb = await get(`/media/${video.sha256}/thumbnail`, { authorization: `Bearer ${api.token}` });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await thumb.arrayBuffer()).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  });

  it('refuses files by their bytes, and files over the size limit', async () => {
    const fake = await upload(Buffer.from('MZ\x90\x00 not really a picture'), 'anh.png');
    expect(fake.status).toBe(415);
    expect(fake.body.error).toMatchObject({ code: 'unsupported-media-type', field: 'file' });
    const big = Buffer.concat([png.subarray(0, 16), Buffer.alloc(LIMIT + 10)]);
    const tooBig = await upload(big, 'to.png');
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error).toMatchObject({ code: 'file-too-large', field: 'file' });
    expect((await upload(png, 'a.png', null)).status).toBe(401);
    // JSON slogans still work on the same path.
    expect((await api.post('/content', { type: 'slogan', text: 'Khẩu hiệu' })).status).toBe(201);
  });

  it('validates stream URLs and sanitises pages', async () => {
    const bad = await api.post('/content', { type: 'stream', url: 'http://cam.local/live.mp4' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('url');
    const ok = await api.post('/content', { type: 'stream', url: 'https://live.example.vn/doi-thoai/index.m3u8' });
    expect(ok.status).toBe(201);
    const page = await api.post('/content', {
      type: 'page',
      title: 'Hỏi đáp',
      html: `<p onmouseover="x()">Câu hỏi</p><script>alert(1)</script><img src="media:${video.sha256}">`,
    });
    expect(page.status).toBe(201);
    expect(page.body.html).toBe(`<p>Câu hỏi</p><img src="media:${video.sha256}" />`);
    expect(page.body.media).toEqual([video.sha256]);
    const missing = await api.post('/content', {
      type: 'page',
      title: 'X',
      html: `<img src="media:${'0'.repeat(64)}">`,
    });
    expect(missing.status).toBe(404);
  });

  it('audio: off by default, set at upload or later on videos and streams only, validated', async () => {
    expect(video).not.toHaveProperty('audio', true);
    const stream = await api.post('/content', { type: 'stream', url: 'https://live.example.vn/hoi-nghi/index.m3u8' });
    expect(stream.status).toBe(201);
    expect(stream.body.audio).toBe(false);
    const loud = await api.post('/content', {
      type: 'stream',
      url: 'https://live.example.vn/doi-thoai/index.m3u8',
      audio: true,
    });
    expect(loud.body.audio).toBe(true);
    const bad = await api.post('/content', { type: 'stream', url: 'https://x.vn/a.m3u8', audio: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('audio');

    // Multipart: the field precedes the file, as a form sends it.
    const form = new FormData();
    form.append('audio', 'true');
    form.append('file', new Blob([fs.readFileSync(path.join(work, 'b.webm'))]), 'clip.webm');
    const res = await fetch(`${controller.url}/api/v1/content`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}` },
      body: form,
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { audio: boolean }).audio).toBe(true);
    const badForm = new FormData();
    badForm.append('audio', 'loud');
    badForm.append('file', new Blob([fs.readFileSync(path.join(work, 'b.webm'))]), 'clip.webm');
    const refused = await fetch(`${controller.url}/api/v1/content`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}` },
      body: badForm,
    });
    expect(refused.status).toBe(400);

    const on = await api.request('PATCH', `/content/${stream.body.id}`, { audio: true });
    expect(on.status, on.text).toBe(200);
    expect(on.body.audio).toBe(true);
    expect((await api.get(`/content/${stream.body.id}`)).body.audio).toBe(true);
    const off = await api.request('PATCH', `/content/${stream.body.id}`, { audio: false });
    expect(off.body.audio).toBe(false);
    const slogan = await api.post('/content', { type: 'slogan', text: 'Không có tiếng' });
    const noSound = await api.request('PATCH', `/content/${slogan.body.id}`, { audio: true });
    expect(noSound.status).toBe(400);
    expect(noSound.body.error.field).toBe('audio');
    expect((await api.request('PATCH', `/content/${stream.body.id}`, { audio: 1 })).status).toBe(400);
    expect(
      (await api.request('PATCH', `/content/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, { audio: true }))
        .status,
    ).toBe(404);
  });

  it('serves byte ranges to a player with its device token, and refuses unknown tokens', async () => {
    const dev = await api.post<{ token: string }>('/devices', { name: 'Màn hình sảnh', kind: 'screen' });
    const auth = { authorization: `Bearer ${dev.body.token}` };
    const whole = await get(`/media/${video.sha256}`, auth);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('etag')).toBe(`"${video.sha256}"`);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const all = Buffer.from(await whole.arrayBuffer());
    expect(all.length).toBe(video.size);

    const part = await get(`/media/${video.sha256}`, { ...auth, range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${video.size}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(all.subarray(100, 200));
    const tail = await get(`/media/${video.sha256}`, { ...auth, range: `bytes=${video.size - 5}-` });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(all.subarray(video.size - 5));
    expect((await get(`/media/${video.sha256}`, { ...auth, range: `bytes=${video.size}-` })).status).toBe(416);

    expect((await get(`/media/${video.sha256}`, { authorization: 'Bearer dev_not-a-real-token-123456' })).status).toBe(
      401,
    );
    expect((await get(`/media/${video.sha256}`)).status).toBe(401);
    expect((await get(`/media/${'f'.repeat(64)}`, auth)).status).toBe(404);
  });
});
