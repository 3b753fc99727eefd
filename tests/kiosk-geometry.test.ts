/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// page.evaluate callbacks run in Chromium: they need the DOM types.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlayerScreen, startPlayerScreen } from './support/player-screen';
import { ROOT, tmpDir, waitFor } from './support/processes';

/**
 * The kiosk renderer in a lobby's two orientations, portrait 1080×1920 (the usual one) and landscape
 * 1920×1080, in Chromium against a real controller and player: on every kiosk screen (loop, menu,
 * information page, survey) each button lies inside the window and no two overlap; the touch hint
 * does not cover the loop's slogan (the hotline); a long page title is not squeezed one word per line.
 * The player runs with `--kiosk-english`, the fuller layout: each English line lies under its Vietnamese.
 */

const ARTIFACTS = path.join(ROOT, 'test-artifacts/player');
const HOTLINE = 'Tổng đài hỗ trợ BHXH: 1900 9068';
const PAGE_TITLE = 'Thủ tục cấp lại thẻ bảo hiểm y tế khi bị mất hoặc hư hỏng';
const LABELS = ['Rất không hài lòng', 'Không hài lòng', 'Bình thường', 'Hài lòng', 'Rất hài lòng'];

let screen: PlayerScreen;
let loopId = '';
let pageId = '';

interface Box {
  what: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The boxes of the visible interactive elements of the kiosk layer (and the page frame). */
const interactiveBoxes = () =>
  screen.page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('#kiosk button, #kiosk a[href], #kiosk input, #kiosk iframe')]
      .filter((el) => el.offsetParent !== null)
      .map((el) => {
        const r = el.getBoundingClientRect();
        return {
          what: `${el.tagName.toLowerCase()} “${el.textContent ?? ''}”`,
          x: r.x,
          y: r.y,
          w: r.width,
          h: r.height,
        };
      }),
  );

const overlap = (a: Box, b: Box) =>
  Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > 0.5 &&
  Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) > 0.5;

function expectLaidOut(boxes: Box[], width: number, height: number, where: string): void {
  expect(boxes.length, `${where}: interactive elements`).toBeGreaterThan(0);
  for (const b of boxes) {
    const inside = b.x >= -0.5 && b.y >= -0.5 && b.x + b.w <= width + 0.5 && b.y + b.h <= height + 0.5;
    expect(inside, `${where}: ${b.what} at ${JSON.stringify(b)} inside ${width}×${height}`).toBe(true);
  }
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++)
      expect(overlap(boxes[i]!, boxes[j]!), `${where}: ${boxes[i]!.what} overlaps ${boxes[j]!.what}`).toBe(false);
}

/**
 * Each English line of the kiosk layer with the Vietnamese it belongs to (the element before it): a
 * button's or the hint's `.vi` span, else the heading just above.
 */
const englishPairs = () =>
  screen.page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('#kiosk .en')].map((en) => {
      const vi = en.previousElementSibling as HTMLElement | null;
      const box = (el: HTMLElement) => {
        const r = el.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
      };
      return {
        vi: vi?.textContent ?? null,
        en: en.textContent,
        lang: en.lang,
        viBox: vi ? box(vi) : null,
        enBox: box(en),
        screen: { width: innerWidth, height: innerHeight },
      };
    }),
  );

/** The English lines asked for are there, each on screen and under (never beside or above) its Vietnamese. */
async function expectEnglishUnder(where: string, want: [vi: string, en: string][]): Promise<void> {
  const pairs = await englishPairs();
  for (const [vi, en] of want)
    expect(
      pairs.some((p) => p.vi === vi && p.en === en),
      `${where}: "${en}" under "${vi}" in ${JSON.stringify(pairs)}`,
    ).toBe(true);
  for (const p of pairs) {
    expect(p.lang, `${where}: ${p.en}`).toBe('en');
    expect(p.viBox, `${where}: ${p.en} without Vietnamese before it`).not.toBeNull();
    expect(p.enBox.top, `${where}: "${p.en}" under "${p.vi}"`).toBeGreaterThanOrEqual(p.viBox!.bottom - 0.5);
    const inside =
      p.enBox.left >= -0.5 && p.enBox.right <= p.screen.width + 0.5 && p.enBox.bottom <= p.screen.height + 0.5;
    expect(inside, `${where}: "${p.en}" at ${JSON.stringify(p.enBox)} on the screen`).toBe(true);
  }
}

const kioskState = () => screen.page.evaluate(() => document.body.dataset.kiosk ?? 'loop');

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  screen = await startPlayerScreen({
    work: tmpDir('kiosk-geometry'),
    device: { name: 'Ki-ốt sảnh Tam Kỳ', kind: 'kiosk' },
    // Long enough that the kiosk never falls back to the loop in the middle of a check.
    playerArgs: ['--kiosk', '--kiosk-idle-ms', '60000', '--kiosk-english'],
    browser: { viewport: { width: 1080, height: 1920 }, hasTouch: true },
  });
  const survey = await screen.api.request('PUT', '/surveys/config', {
    id: 'tam-ky-2026',
    question: 'Ông/bà có hài lòng với việc giải quyết thủ tục hôm nay không?',
    ratingLabels: LABELS,
    choiceQuestion: null,
  });
  expect(survey.status, survey.text).toBe(200);
  const loop = await screen.api.post<{ id: string }>('/content', { type: 'slogan', text: HOTLINE });
  const page = await screen.api.post<{ id: string }>('/content', {
    type: 'page',
    title: PAGE_TITLE,
    html: '<h1>Cấp lại thẻ BHYT</h1><p>Mang theo căn cước công dân.</p>',
  });
  expect(page.status, page.text).toBe(201);
  loopId = loop.body.id;
  pageId = page.body.id;
  const p = await screen.api.post<{ id: string }>('/playlists', {
    name: 'Ki-ốt',
    items: [
      { contentId: loopId, durationMs: 60_000 },
      { contentId: pageId, durationMs: 5000 },
    ],
  });
  const s = await screen.api.post('/schedules', { playlistId: p.body.id, target: { deviceIds: [screen.deviceId] } });
  expect(s.status, s.text).toBe(201);
}, 90_000);

afterAll(() => screen?.close());

describe('kiosk geometry in portrait and landscape (real controller, player and Chromium)', () => {
  for (const [name, width, height] of [
    ['portrait', 1080, 1920],
    ['landscape', 1920, 1080],
  ] as const) {
    it(`${name} ${width}×${height}: buttons inside the screen, none overlapping; hint clear of the hotline`, async () => {
      const page = screen.page;
      await page.setViewportSize({ width, height });
      // The slogan is fitted when it is shown: reload so it is fitted to this window.
      await page.reload();
      await waitFor(
        async () => (await page.evaluate(() => document.documentElement.dataset.showing)) === loopId,
        'hotline slogan on screen',
      );
      await page.locator('#kiosk .hint').waitFor();
      const loop = await page.evaluate(() => {
        const r = (el: Element) => {
          const b = el.getBoundingClientRect();
          return { what: el.className, x: b.x, y: b.y, w: b.width, h: b.height };
        };
        return {
          hint: r(document.querySelector('#kiosk .hint')!),
          text: r(document.querySelector('.layer.visible .slogan > span')!),
          main: document.querySelector('#kiosk .hint .vi')?.textContent,
        };
      });
      expect(loop.main).toBe('Chạm vào màn hình để xem thông tin');
      await expectEnglishUnder(`${name} loop`, [
        ['Chạm vào màn hình để xem thông tin', 'Touch the screen for information'],
      ]);
      expect(overlap(loop.hint, loop.text), `hint ${JSON.stringify(loop.hint)} over ${JSON.stringify(loop.text)}`).toBe(
        false,
      );
      expectLaidOut([loop.hint, loop.text], width, height, `${name} loop`);
      await page.screenshot({ path: path.join(ARTIFACTS, `kiosk-${name}-loop.png`) });

      await page.touchscreen.tap(width / 2, height / 3);
      await page.locator(`[data-testid="page-${pageId}"]`).waitFor();
      expect(await kioskState()).toBe('menu');
      expectLaidOut(await interactiveBoxes(), width, height, `${name} menu`);
      await expectEnglishUnder(`${name} menu`, [
        ['Thông tin bảo hiểm xã hội', 'Social insurance information'],
        ['Chọn nội dung cần xem', 'Choose what to read'],
        ['Đánh giá mức độ hài lòng', 'Rate our service'],
        ['Quay lại', 'Back'],
      ]);
      // The page's own title is the controller's text: Vietnamese only.
      expect(await page.locator(`[data-testid="page-${pageId}"] .en`).count()).toBe(0);
      await page.screenshot({ path: path.join(ARTIFACTS, `kiosk-${name}-menu.png`) });
      await page.waitForTimeout(600); // the kiosk ignores taps for 0.5 s after waking

      await page.tap(`[data-testid="page-${pageId}"]`);
      await page.locator('iframe.page-frame').waitFor();
      expectLaidOut(await interactiveBoxes(), width, height, `${name} page`);
      const title = await page.locator('#kiosk .toolbar h1').evaluate((el) => ({
        lines: Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight || '0')),
        width: el.getBoundingClientRect().width,
      }));
      // 12 words: on one or two lines, at least half the window wide.
      expect(title.width, `title width ${title.width}`).toBeGreaterThan(width / 2);
      expect(title.lines, 'title lines').toBeLessThanOrEqual(3);
      await page.screenshot({ path: path.join(ARTIFACTS, `kiosk-${name}-page.png`) });

      await page.tap('[data-testid="open-survey"]');
      await page.locator('[data-testid="rating-5"]').waitFor();
      expect(await page.locator('[data-testid="rating-5"]').textContent()).toBe('5 · Rất hài lòng');
      expectLaidOut(await interactiveBoxes(), width, height, `${name} survey`);
      await page.screenshot({ path: path.join(ARTIFACTS, `kiosk-${name}-survey.png`) });

      await page.tap('[data-testid="rating-5"]');
      await waitFor(async () => (await kioskState()) === 'thanks', 'thanks screen');
      const thanks = await page.locator('#kiosk h1').textContent();
      expect(thanks).toBe('Cảm ơn ông/bà đã góp ý!');
      await expectEnglishUnder(`${name} thanks`, [['Cảm ơn ông/bà đã góp ý!', 'Thank you for your feedback.']]);
    });
  }
});
