/// <reference lib="dom" />
// page.evaluate callbacks run in Chromium: they need the DOM types.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from './support/api';
import { buildWebIfMissing, launchChromium } from './support/browser';
import {
  type ControllerProc,
  type Proc,
  ROOT,
  startControllerProcess,
  startPlayerProcess,
  tmpDir,
  waitFor,
} from './support/processes';

/**
 * The device page's "take a screenshot" button end to end: staff click it in the admin UI, the
 * command reaches a real browser-mode player, its renderer (a second Chromium page) draws what it
 * shows, the PNG goes up to the controller, and the admin page shows it.
 */

const SHOTS = path.join(ROOT, 'test-artifacts/ui');
const ADMIN_PASSWORD = 'mat-khau-thu-nghiem';
const SCREEN = 'Màn hình sảnh Điện Bàn';
const SLOGAN = 'Chụp màn hình từ trang thiết bị — BHXH Điện Bàn';
const work = tmpDir('admin-shot');

let controller: ControllerProc;
let player: Proc;
let api: Api;
let context: BrowserContext;
let admin: Page;
let screen: Page;
let deviceId: string;

beforeAll(async () => {
  buildWebIfMissing();
  fs.mkdirSync(SHOTS, { recursive: true });
  const vite = spawnSync(
    path.join(ROOT, 'apps/player/node_modules/.bin/vite'),
    ['build', '-c', 'src/renderer/vite.config.ts', '--logLevel', 'warn'],
    { cwd: path.join(ROOT, 'apps/player'), encoding: 'utf8' },
  );
  if (vite.status !== 0) throw new Error(`renderer build failed: ${vite.stderr}`);

  controller = await startControllerProcess({ dataDir: path.join(work, 'controller'), adminPassword: ADMIN_PASSWORD });
  api = await new Api(controller.url).login('admin', ADMIN_PASSWORD);
  const dev = await api.post<{ id: string; token: string }>('/devices', { name: SCREEN, kind: 'screen' });
  expect(dev.status).toBe(201);
  deviceId = dev.body.id;
  player = startPlayerProcess({
    controllerUrl: controller.url,
    token: dev.body.token,
    dataDir: path.join(work, 'player'),
    extraArgs: ['--renderer-port', '0'],
  });
  const m = await waitFor(
    () => /"url":"(http:\/\/127\.0\.0\.1:\d+\/)"[^\n]*renderer served in browser mode/.exec(player.output()),
    'browser mode to listen',
    30_000,
  );
  await api.scheduleSlogan(deviceId, SLOGAN, 5000);

  context = await launchChromium(path.join(work, 'chromium'), {
    viewport: { width: 1280, height: 900 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  // The player's screen: its own window (page) in the same browser, at a signage size.
  screen = context.pages()[0] ?? (await context.newPage());
  await screen.setViewportSize({ width: 800, height: 450 });
  await screen.goto(m[1]!);
  await waitFor(
    () => screen.evaluate(() => document.querySelector('.layer.visible .slogan')?.textContent ?? null),
    'the slogan on the player screen',
    20_000,
  );

  admin = await context.newPage();
  await admin.goto(controller.url);
  await admin.getByLabel('Tên đăng nhập').fill('admin');
  await admin.getByLabel('Mật khẩu').fill(ADMIN_PASSWORD);
  await admin.getByRole('button', { name: 'Đăng nhập' }).click();
  await admin.getByRole('button', { name: 'Đăng xuất' }).waitFor();
}, 120_000);

afterAll(async () => {
  await context?.close();
  await player?.kill9();
  await controller?.kill9();
});

describe('admin UI: remote screenshot of a screen player', () => {
  it('the device page button shows the picture the player really took', async () => {
    await admin.getByRole('navigation').getByRole('link', { name: 'Thiết bị', exact: true }).click();
    await admin.getByRole('heading', { level: 1, name: 'Thiết bị', exact: true }).waitFor();
    await admin.getByRole('button', { name: `Quản lý: ${SCREEN}` }).click();
    const panel = admin.locator('.card', { has: admin.getByRole('heading', { name: `Quản lý thiết bị “${SCREEN}”` }) });
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
    await admin.screenshot({ path: path.join(SHOTS, 'device-screenshot.png'), fullPage: true });

    // The same PNG the controller stores, taken after the click, showing the slogan's red box.
    const res = await fetch(`${controller.url}/api/v1/devices/${deviceId}/screenshot`, {
      headers: { authorization: `Bearer ${api.token}` },
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
    const c = await api.post<{ id: string; audio: boolean }>('/content', {
      type: 'stream',
      title,
      url: 'https://live.example.vn/doi-thoai/index.m3u8',
    });
    expect(c.body.audio).toBe(false);
    await admin.getByRole('navigation').getByRole('link', { name: 'Nội dung', exact: true }).click();
    const toggle = admin.getByRole('checkbox', { name: `Phát có tiếng: ${title}` });
    await toggle.waitFor();
    expect(await toggle.isChecked()).toBe(false);
    await toggle.check();
    await waitFor(
      async () => (await api.get<{ audio?: boolean }>(`/content/${c.body.id}`)).body.audio === true,
      'sound on',
    );
    await admin.waitForFunction(
      (name) => (document.querySelector(`input[aria-label="${name}"]`) as HTMLInputElement | null)?.checked === true,
      `Phát có tiếng: ${title}`,
    );
    // A schedule puts it in the device's bundle, with its sound setting.
    const p = await api.post<{ id: string }>('/playlists', {
      name: 'Đối thoại',
      items: [{ contentId: c.body.id, durationMs: 5000 }],
    });
    await api.post('/schedules', { playlistId: p.body.id, target: { deviceIds: [deviceId] }, priority: 5 });
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
    await admin.screenshot({ path: path.join(SHOTS, 'content-audio.png'), fullPage: true });
  });
});
