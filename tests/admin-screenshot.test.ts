/// <reference lib="dom" />
// page.evaluate callbacks run in Chromium: they need the DOM types.
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminUi, startAdminUi } from './support/admin-ui';
import { buildRenderer } from './support/browser';
import { startBrowserModePlayer, tmpDir, waitFor } from './support/processes';

/**
 * The device page's "take a screenshot" button end to end: staff click it in the admin UI, the
 * command reaches a real browser-mode player, its renderer (a second Chromium page) draws what it
 * shows, the PNG goes up to the controller, and the admin page shows it.
 */

const SCREEN = 'Màn hình sảnh Điện Bàn';
const SLOGAN = 'Chụp màn hình từ trang thiết bị — BHXH Điện Bàn';
const work = tmpDir('admin-shot');

let ui: AdminUi;
let screen: Page;
let deviceId: string;

beforeAll(async () => {
  ui = await startAdminUi({ name: 'admin-shot', browser: { viewport: { width: 1280, height: 900 } } });
  buildRenderer();
  const dev = await ui.api.post<{ id: string; token: string }>('/devices', { name: SCREEN, kind: 'screen' });
  expect(dev.status).toBe(201);
  deviceId = dev.body.id;
  const player = ui.track(
    await startBrowserModePlayer({
      controllerUrl: ui.controller.url,
      token: dev.body.token,
      dataDir: path.join(work, 'player'),
    }),
  );
  await ui.api.scheduleSlogan(deviceId, SLOGAN, 5000);

  // The player's screen: its own window (page) in the same browser, at a signage size.
  screen = await ui.context.newPage();
  await screen.setViewportSize({ width: 800, height: 450 });
  await screen.goto(player.rendererUrl);
  await waitFor(
    () => screen.evaluate(() => document.querySelector('.layer.visible .slogan')?.textContent ?? null),
    'the slogan on the player screen',
    20_000,
  );

  // Staff's tab in front: Chromium throttles a background tab's timers, which the admin app's
  // updates (React Query's notifications) run on.
  await ui.page.bringToFront();
  await ui.open();
  await ui.login();
}, 120_000);

afterAll(() => ui?.close());

describe('admin UI: remote screenshot of a screen player', () => {
  it('the device page button shows the picture the player really took', async () => {
    await ui.nav('Thiết bị', 'Thiết bị');
    await ui.page.getByRole('button', { name: `Quản lý: ${SCREEN}` }).click();
    const panel = ui.page.locator('.card', {
      has: ui.page.getByRole('heading', { name: `Quản lý thiết bị “${SCREEN}”` }),
    });
    await panel.getByText('Chưa có ảnh chụp màn hình.').waitFor();

    const clicked = Date.now();
    await panel.getByRole('button', { name: 'Chụp màn hình', exact: true }).click();
    const img = panel.getByRole('img', { name: 'Ảnh chụp màn hình gần nhất của thiết bị' });
    await img.waitFor({ timeout: 20_000 });
    const size = await waitFor(
      () =>
        img.evaluate((el: HTMLImageElement) =>
          el.complete && el.naturalWidth > 0 ? { w: el.naturalWidth, h: el.naturalHeight } : null,
        ),
      'the screenshot image to load',
    );
    // The player's window, pixel for pixel.
    expect(size).toEqual({ w: 800, h: 450 });
    await panel.getByText(/^Chụp lúc /).waitFor();
    await ui.shot('device-screenshot');

    // The same PNG the controller stores, taken after the click, showing the slogan's red box.
    const res = await fetch(`${ui.controller.url}/api/v1/devices/${deviceId}/screenshot`, {
      headers: { authorization: `Bearer ${ui.api.token}` },
    });
    expect(res.status).toBe(200);
    expect(Date.parse(res.headers.get('x-captured-at') ?? '')).toBeGreaterThan(clicked - 60_000);
    const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
    let red = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      if (png.data[i]! > 150 && png.data[i + 1]! < 15 && png.data[i + 2]! < 15) red++;
    }
    expect(red).toBeGreaterThan(800 * 450 * 0.3);
  });

  it('the content list switches a stream’s sound on, and the device’s bundle carries it', async () => {
    const title = 'Đối thoại chính sách BHXH tự nguyện';
    const c = await ui.api.post<{ id: string; audio: boolean }>('/content', {
      type: 'stream',
      title,
      url: 'https://live.example.vn/doi-thoai/index.m3u8',
    });
    expect(c.body.audio).toBe(false);
    await ui.page.getByRole('navigation').getByRole('link', { name: 'Nội dung', exact: true }).click();
    const toggle = ui.page.getByRole('checkbox', { name: `Phát có tiếng: ${title}` });
    await toggle.waitFor();
    expect(await toggle.isChecked()).toBe(false);
    // click(), not check(): the switch shows its new state once React Query notifies (on a timer),
    // after check() has already looked; the two waits below assert the stored and the shown state.
    await toggle.click();
    await waitFor(
      async () => (await ui.api.get<{ audio?: boolean }>(`/content/${c.body.id}`)).body.audio === true,
      'sound on',
    );
    await ui.page.waitForFunction(
      (name) => (document.querySelector(`input[aria-label="${name}"]`) as HTMLInputElement | null)?.checked === true,
      `Phát có tiếng: ${title}`,
    );
    // A schedule puts it in the device's bundle, with its sound setting.
    const p = await ui.api.post<{ id: string }>('/playlists', {
      name: 'Đối thoại',
      items: [{ contentId: c.body.id, durationMs: 5000 }],
    });
    await ui.api.post('/schedules', { playlistId: p.body.id, target: { deviceIds: [deviceId] }, priority: 5 });
    // The player stores the bundle it received in its own SQLite file (read-only here, WAL-safe).
    const bundled = await waitFor(() => {
      const db = new Database(path.join(work, 'player', 'player.sqlite'), { readonly: true });
      try {
        const row = db.prepare('SELECT json FROM bundle WHERE id = 1').get() as { json: string } | undefined;
        const b = row ? (JSON.parse(row.json) as { content: { id: string; audio?: boolean }[] }) : null;
        return b?.content.find((x) => x.id === c.body.id) ?? null;
      } finally {
        db.close();
      }
    }, 'the stream in the player’s stored bundle');
    expect(bundled.audio).toBe(true);
    await ui.shot('content-audio');
  });
});
