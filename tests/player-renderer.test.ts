/// <reference lib="dom" />
// page.evaluate callbacks run in Chromium: they need the DOM types.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from './support/api';
import { type PlayerScreen, startPlayerScreen } from './support/player-screen';
import { ROOT, tmpDir, waitFor } from './support/processes';

const ARTIFACTS = path.join(ROOT, 'test-artifacts/player');
const IDLE_MS = 4000;

let screen: PlayerScreen;
let priority = 10;
const work = tmpDir('renderer');

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
}

async function upload(file: string, title: string): Promise<{ id: string; sha256: string; type: string }> {
  const form = new FormData();
  form.append('title', title);
  form.append('file', new Blob([fs.readFileSync(file)]), path.basename(file));
  const res = await fetch(`${screen.controller.url}/api/v1/content`, {
    method: 'POST',
    headers: { authorization: `Bearer ${screen.api.token}` },
    body: form,
  });
  const body = (await res.json()) as { id: string; sha256: string; type: string };
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body;
}

/** A playlist of these items scheduled on the device above everything scheduled before. */
async function schedule(items: { contentId: string; durationMs: number }[]): Promise<string> {
  const p = await screen.api.post<{ id: string }>('/playlists', { name: `Danh sách ${priority}`, items });
  expect(p.status).toBe(201);
  const s = await screen.api.post<{ id: string }>('/schedules', {
    playlistId: p.body.id,
    target: { deviceIds: [screen.deviceId] },
    priority: (priority += 10),
  });
  expect(s.status, s.text).toBe(201);
  return s.body.id;
}

const showing = () => screen.page.evaluate(() => document.documentElement.dataset.showing ?? null);
const shot = (name: string) => screen.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  screen = await startPlayerScreen({
    work,
    device: { name: 'Kiosk sảnh Hội An', kind: 'kiosk' },
    playerArgs: ['--kiosk', '--kiosk-idle-ms', String(IDLE_MS)],
    browser: { viewport: { width: 960, height: 540 }, hasTouch: true },
  });
}, 90_000);

afterAll(() => screen?.close());

describe('player renderer in browser mode (real controller, player and Chromium)', () => {
  it('shows the scheduled slogan with every Vietnamese diacritic', async () => {
    const text = 'Tham gia bảo hiểm xã hội tự nguyện — an sinh cho mọi người';
    const c = await screen.api.post<{ id: string }>('/content', { type: 'slogan', text });
    expect(c.status).toBe(201);
    await schedule([{ contentId: c.body.id, durationMs: 3000 }]);
    await waitFor(async () => (await showing()) === c.body.id, 'slogan on screen');
    const visible = screen.page.locator('.layer.visible .slogan');
    expect(await visible.textContent()).toBe(text.normalize('NFC'));
    // Auto-fitted: large, and not overflowing its box.
    const fit = await visible.evaluate((el) => ({
      size: parseFloat(getComputedStyle(el.firstElementChild!).fontSize),
      overflow: el.scrollHeight > el.clientHeight || el.scrollWidth > el.clientWidth,
    }));
    expect(fit.overflow).toBe(false);
    expect(fit.size).toBeGreaterThan(30);
    await shot('slogan');

    // Remote command from the device page: the identify overlay shows on this screen.
    const cmd = await screen.api.post(`/devices/${screen.deviceId}/commands`, {
      command: 'identify',
      durationMs: 5000,
    });
    expect(cmd.status, cmd.text).toBe(202);
    await screen.page.waitForSelector('#identify:not([hidden])', { timeout: 10_000 });
    expect(await screen.page.locator('#identify').textContent()).toBe('Kiosk sảnh Hội An');
    await waitFor(() => screen.page.locator('#identify').isHidden(), 'identify overlay to go away', 10_000);
  });

  it('remote screenshot: the command makes the renderer draw its output, and the PNG reaches the controller', async () => {
    const text = 'Chụp màn hình từ xa — BHXH Việt Nam';
    const c = await screen.api.post<{ id: string }>('/content', { type: 'slogan', text });
    await schedule([{ contentId: c.body.id, durationMs: 4000 }]);
    await waitFor(async () => (await showing()) === c.body.id, 'slogan before the screenshot');
    const none = await fetch(`${screen.controller.url}/api/v1/devices/${screen.deviceId}/screenshot`, {
      headers: { authorization: `Bearer ${screen.api.token}` },
    });
    expect(none.status).toBe(404);

    const asked = Date.now();
    const cmd = await screen.api.post(`/devices/${screen.deviceId}/commands`, { command: 'screenshot' });
    expect(cmd.status, cmd.text).toBe(202);
    const res = await waitFor(async () => {
      const r = await fetch(`${screen.controller.url}/api/v1/devices/${screen.deviceId}/screenshot`, {
        headers: { authorization: `Bearer ${screen.api.token}` },
      });
      return r.status === 200 ? r : null;
    }, 'screenshot at the controller');
    expect(res.headers.get('content-type')).toBe('image/png');
    const capturedAt = Date.parse(res.headers.get('x-captured-at') ?? '');
    expect(capturedAt).toBeGreaterThan(asked - 60_000);
    const bytes = Buffer.from(await res.arrayBuffer());
    fs.writeFileSync(path.join(ARTIFACTS, 'remote-screenshot.png'), bytes);
    const png = PNG.sync.read(bytes);
    // The output is the 960×540 window.
    expect([png.width, png.height]).toEqual([960, 540]);
    const colours = new Set<number>();
    let accent = 0; // the slogan's yellow text (#ffd400)
    let box = 0; // the slogan box's red (#a50000)
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
      colours.add((r << 16) | (g << 8) | b);
      if (r > 230 && g > 190 && g < 230 && b < 40) accent++;
      if (r > 150 && r < 180 && g < 15 && b < 15) box++;
    }
    expect(colours.size).toBeGreaterThan(2);
    expect(box).toBeGreaterThan(960 * 540 * 0.5);
    expect(accent).toBeGreaterThan(2000);

    // The same pixels the browser shows: compare with Chromium's own screenshot of the page.
    const own = PNG.sync.read(await screen.page.screenshot());
    let same = 0;
    for (let i = 0; i < own.data.length; i += 4) {
      const d =
        Math.abs(own.data[i]! - png.data[i]!) +
        Math.abs(own.data[i + 1]! - png.data[i + 1]!) +
        Math.abs(own.data[i + 2]! - png.data[i + 2]!);
      if (d < 60) same++;
    }
    expect(same / (own.data.length / 4)).toBeGreaterThan(0.9);

    const viewer = await screen.api.post<{ id: string }>('/users', {
      username: 'xem-man-hinh',
      password: 'mat-khau-thu-nghiem-2',
      role: 'viewer',
    });
    expect(viewer.status, viewer.text).toBe(201);
    const v = await new Api(screen.controller.url).login('xem-man-hinh', 'mat-khau-thu-nghiem-2');
    const denied = await fetch(`${screen.controller.url}/api/v1/devices/${screen.deviceId}/screenshot`, {
      headers: { authorization: `Bearer ${v.token}` },
    });
    expect(denied.status).toBe(403);
  });

  it('plays an uploaded image and video in order, and their proofs record the screen', async () => {
    const png = path.join(work, 'bang-xanh.png');
    const webm = path.join(work, 'clip.webm');
    ffmpeg(['-f', 'lavfi', '-i', 'color=c=0x0b3d91:s=320x180:d=1', '-frames:v', '1', png]);
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=320x180:r=25:d=1.5', '-c:v', 'libvpx', '-b:v', '300k', webm]);
    const image = await upload(png, 'Ảnh nền xanh');
    const video = await upload(webm, 'Đoạn phim ngắn');
    expect([image.type, video.type]).toEqual(['image', 'video']);

    await screen.page.evaluate(() => {
      const w = window as unknown as { seen: string[] };
      w.seen = [];
      new MutationObserver(() => {
        const id = document.documentElement.dataset.showing;
        if (id && w.seen.at(-1) !== id) w.seen.push(id);
      }).observe(document.documentElement, { attributes: true, attributeFilter: ['data-showing'] });
    });
    await schedule([
      { contentId: image.id, durationMs: 2000 },
      { contentId: video.id, durationMs: 2000 },
    ]);
    await waitFor(async () => (await showing()) === image.id, 'image on screen', 20_000);
    const img = screen.page.locator('.layer.visible img');
    expect(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(320);
    await shot('image');
    await waitFor(async () => (await showing()) === video.id, 'video on screen after the image', 10_000);
    await waitFor(
      () => screen.page.locator('.layer.visible video').evaluate((v: HTMLVideoElement) => v.currentTime > 0.2),
      'video playing',
    );
    await shot('video');
    const seen = await screen.page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    const i = seen.indexOf(image.id);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(seen[i + 1]).toBe(video.id);

    // Image proofs come from the renderer's reports, for the screen output. The first slot may be
    // short (the image was still downloading when it began: the proof starts when it was really
    // shown); wait for a whole 2 s slot.
    const span = (p: { startedAt: string; endedAt: string }) => Date.parse(p.endedAt) - Date.parse(p.startedAt);
    const proofs = await waitFor(
      async () => {
        const r = await screen.api.get<
          { contentId: string; output: string; endReason: string; startedAt: string; endedAt: string }[]
        >(`/proofs?deviceId=${screen.deviceId}`);
        const mine = r.body.filter((p) => p.contentId === image.id);
        return mine.some((p) => span(p) > 1500) ? mine : null;
      },
      'a whole image slot proven at the controller',
      20_000,
    );
    for (const p of proofs) {
      expect(p.output).toBe('screen');
      expect(p.endReason).toBe('completed');
      expect(span(p)).toBeLessThanOrEqual(2600);
    }
  });

  it('kiosk: touch opens the menu, a page in a script-free frame, the survey; the answer reaches the controller; idle returns to the loop', async () => {
    // The survey's questions come from the controller (not the renderer's built-in default).
    const bad = await screen.api.request('PUT', '/surveys/config', { id: 'x', question: '', ratingLabels: ['Tốt'] });
    expect(bad.status).toBe(400);
    const survey = await screen.api.request('PUT', '/surveys/config', {
      id: 'hoi-an-2026',
      question: 'Ông/bà đánh giá thái độ phục vụ của cán bộ hôm nay thế nào?'.normalize('NFD'),
      ratingLabels: ['Chưa tốt', 'Bình thường', 'Tốt', 'Rất tốt'],
      choiceQuestion: {
        question: 'Ông/bà chờ bao lâu?',
        options: [
          { key: 'duoi-15-phut', label: 'Dưới 15 phút' },
          { key: 'tren-15-phut', label: 'Trên 15 phút' },
        ],
      },
    });
    expect(survey.status, survey.text).toBe(200);
    expect(survey.body.question).toBe('Ông/bà đánh giá thái độ phục vụ của cán bộ hôm nay thế nào?'.normalize('NFC'));
    expect((await screen.api.get<{ id: string }>('/surveys/config')).body.id).toBe('hoi-an-2026');
    const loop = await screen.api.post<{ id: string }>('/content', {
      type: 'slogan',
      text: 'Chạm để tra cứu thủ tục BHXH',
    });
    const info = await screen.api.post<{ id: string }>('/content', {
      type: 'page',
      title: 'Thủ tục cấp lại thẻ BHYT',
      html: '<h1>Cấp lại thẻ bảo hiểm y tế</h1><p>Mang theo căn cước công dân.</p><script>document.title="hacked"</script><img src=x onerror="parent.postMessage(1,\'*\')">',
      qrCodes: [{ url: 'https://vssid.baohiemxahoi.gov.vn', label: 'Tải ứng dụng VssID' }],
    });
    expect(info.status, info.text).toBe(201);
    expect(info.body).not.toHaveProperty('html', expect.stringContaining('<script'));
    await schedule([
      { contentId: loop.body.id, durationMs: 2000 },
      { contentId: info.body.id, durationMs: 2000 },
    ]);
    // The page is a menu entry, not a loop item: the loop keeps showing the slogan.
    await waitFor(async () => (await showing()) === loop.body.id, 'kiosk loop');
    const touchedProof = await screen.page.evaluate(() => document.documentElement.dataset.proof);

    // Without --kiosk-english the kiosk speaks Vietnamese only: no English line anywhere.
    const english = () => screen.page.locator('#kiosk .en, #kiosk [lang="en"]').count();
    expect(await screen.page.locator('#kiosk .hint').textContent()).toBe('Chạm vào màn hình để xem thông tin');
    expect(await english()).toBe(0);

    await screen.page.touchscreen.tap(480, 270);
    await screen.page.waitForSelector(`[data-testid="page-${info.body.id}"]`, { timeout: 10_000 });
    expect(await screen.page.evaluate(() => document.body.dataset.kiosk)).toBe('menu');
    expect(await screen.page.locator('#kiosk h1').textContent()).toBe('Thông tin bảo hiểm xã hội');
    expect(await screen.page.locator('[data-testid="open-survey"]').textContent()).toBe('Đánh giá mức độ hài lòng');
    expect(await english()).toBe(0);
    await shot('kiosk-menu');
    // The kiosk ignores taps for 0.5 s after waking (the waking touch must not press a button).
    await screen.page.waitForTimeout(600);

    await screen.page.tap(`[data-testid="page-${info.body.id}"]`);
    const frame = screen.page.locator('iframe.page-frame');
    expect(await frame.getAttribute('sandbox')).toBe('');
    await expect
      .poll(() => screen.page.frameLocator('iframe.page-frame').locator('h1').textContent(), { timeout: 10_000 })
      .toBe('Cấp lại thẻ bảo hiểm y tế');
    expect(await screen.page.frameLocator('iframe.page-frame').locator('figure.qr img').count()).toBe(1);
    await shot('kiosk-page');

    await screen.page.tap('[data-testid="open-survey"]');
    expect(await screen.page.locator('#kiosk h1').textContent()).toBe(
      'Ông/bà đánh giá thái độ phục vụ của cán bộ hôm nay thế nào?'.normalize('NFC'),
    );
    // A four-point scale, as configured.
    expect(await screen.page.locator('#kiosk .rating button').count()).toBe(4);
    expect(await screen.page.locator('[data-testid="rating-4"]').textContent()).toBe('4 · Rất tốt');
    await screen.page.tap('[data-testid="rating-4"]');
    await shot('kiosk-survey');
    expect(await screen.page.locator('#kiosk h1').textContent()).toBe('Ông/bà chờ bao lâu?');
    await screen.page.tap('[data-testid="choice-duoi-15-phut"]');
    expect(await screen.page.evaluate(() => document.body.dataset.kiosk)).toBe('thanks');
    expect(await screen.page.locator('#kiosk h1').textContent()).toBe('Cảm ơn ông/bà đã góp ý!');
    expect(await english()).toBe(0);

    const answers = await waitFor(async () => {
      const r =
        await screen.api.get<{ deviceId: string; rating: number; choice: string | null; surveyId: string }[]>(
          '/surveys',
        );
      return r.body.length > 0 ? r.body : null;
    }, 'survey answer at the controller');
    expect(answers).toEqual([
      expect.objectContaining({
        deviceId: screen.deviceId,
        rating: 4,
        choice: 'duoi-15-phut',
        surveyId: 'hoi-an-2026',
      }),
    ]);

    await waitFor(
      async () => (await screen.page.evaluate(() => document.body.dataset.kiosk)) === 'loop',
      'back to loop',
      10_000,
    );
    await waitFor(async () => (await showing()) === loop.body.id, 'loop item shown again');

    // Touch, then leave it: after the idle timeout the kiosk goes back to the loop by itself.
    await screen.page.touchscreen.tap(100, 100);
    expect(await screen.page.evaluate(() => document.body.dataset.kiosk)).toBe('menu');
    await waitFor(
      async () => (await screen.page.evaluate(() => document.body.dataset.kiosk)) === 'loop',
      'idle timeout',
      IDLE_MS + 5000,
    );
    await waitFor(() => screen.page.locator('#stage').isVisible(), 'stage visible again');
    await shot('kiosk-back-to-loop');

    // The play the first touch interrupted is recorded as such.
    const interrupted = await waitFor(async () => {
      const r = await screen.api.get<{ id: string; endReason: string }[]>(`/proofs?deviceId=${screen.deviceId}`);
      return r.body.find((p) => p.id === touchedProof && p.endReason === 'user-interaction');
    }, 'touch-interrupted proof');
    expect(interrupted.endReason).toBe('user-interaction');
  });

  it('going offline changes nothing on screen', async () => {
    const text = 'Bảo hiểm y tế — chỗ dựa khi ốm đau';
    const c = await screen.api.post<{ id: string }>('/content', { type: 'slogan', text });
    await schedule([{ contentId: c.body.id, durationMs: 1500 }]);
    await waitFor(async () => (await showing()) === c.body.id, 'slogan before going offline');
    await screen.page.evaluate(() => {
      const w = window as unknown as { proofs: string[]; blank: number };
      w.proofs = [];
      w.blank = 0;
      new MutationObserver(() => {
        const d = document.documentElement.dataset;
        if (!d.showing) w.blank++;
        if (d.proof && !w.proofs.includes(d.proof)) w.proofs.push(d.proof);
      }).observe(document.documentElement, { attributes: true });
    });
    const before = await screen.page.locator('#stage').screenshot();
    await screen.controller.stop();

    // Several more slots go by with the controller gone.
    await waitFor(
      () => screen.page.evaluate(() => (window as unknown as { proofs: string[] }).proofs.length >= 3),
      'playback continues offline',
      15_000,
    );
    expect(await showing()).toBe(c.body.id);
    expect(await screen.page.evaluate(() => (window as unknown as { blank: number }).blank)).toBe(0);
    const after = await screen.page.locator('#stage').screenshot();
    await shot('offline');
    expect(after.equals(before)).toBe(true);
  });
});
