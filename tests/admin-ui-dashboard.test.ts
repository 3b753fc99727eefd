import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControllerToPlayerEvents, type PlayerToControllerEvents, PROTOCOL_VERSION } from '@bangtin/shared';
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
 * The live dashboard in Debian's Chromium against a real controller process: a headless player
 * started after the page loaded shows up online without a reload (over the `/admin` socket, not by
 * polling), its lost LED board port raises an alert in Vietnamese, the district filter is applied by
 * the controller, a screen's last screenshot appears as a thumbnail in its row, and without the live
 * link the screen falls back to polling.
 */

const SHOTS = path.join(ROOT, 'test-artifacts/ui');
const ADMIN_PASSWORD = 'mat-khau-thu-nghiem';
const BOARD = 'Bảng LED Duy Xuyên';
const SCREEN = 'Màn hình sảnh Đại Lộc';
const KIOSK = 'Kiosk Đại Lộc';

let controller: ControllerProc;
let api: Api;
let context: BrowserContext;
let page: Page;
const procs: Proc[] = [];
const sockets: Socket[] = [];
const ids = { province: '', duyXuyen: '', daiLoc: '' };
const tokens = { board: '', screen: '', kiosk: '' };

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

const row = (name: string) => page.locator(`[data-device="${name}"]`);

beforeAll(async () => {
  buildWebIfMissing();
  fs.mkdirSync(SHOTS, { recursive: true });
  controller = await startControllerProcess({ dataDir: tmpDir('uid-controller'), adminPassword: ADMIN_PASSWORD });
  procs.push(controller);
  api = await new Api(controller.url).login('admin', ADMIN_PASSWORD);
  const group = async (name: string, kind: string, parentId?: string) =>
    (await api.post<{ id: string }>('/groups', { name, kind, parentId })).body.id;
  ids.province = await group('Tỉnh Quảng Nam', 'province');
  ids.duyXuyen = await group('Huyện Duy Xuyên', 'district', ids.province);
  ids.daiLoc = await group('Huyện Đại Lộc', 'district', ids.province);
  const device = async (name: string, kind: string, groupId: string) => {
    const r = await api.post<{ id: string; token: string }>('/devices', { name, kind, groupId });
    expect(r.status).toBe(201);
    return r.body.token;
  };
  tokens.board = await device(BOARD, 'led', ids.duyXuyen);
  tokens.screen = await device(SCREEN, 'screen', ids.daiLoc);
  tokens.kiosk = await device(KIOSK, 'kiosk', ids.daiLoc);

  context = await launchChromium(tmpDir('uid-chromium'), {
    viewport: { width: 1366, height: 768 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(controller.url);
  await page.getByLabel('Tên đăng nhập').fill('admin');
  await page.getByLabel('Mật khẩu').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tổng quan thiết bị' }).waitFor();
}, 90_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await context?.close();
  await Promise.all(procs.map((p) => p.kill9()));
});

describe('live dashboard', () => {
  it('shows a player going online without a reload, and its lost board port as an alert', async () => {
    await row(BOARD).locator('.status-offline').waitFor();
    await page.locator('[data-live="true"]').waitFor();
    // A mark in the page's memory: a reload would wipe it.
    await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
    const summaryFetches: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/devices/summary')) summaryFetches.push(r.url());
    });

    procs.push(
      startPlayerProcess({
        controllerUrl: controller.url,
        token: tokens.board,
        dataDir: tmpDir('uid-player'),
        // A board on a serial port that is not there: "board port lost".
        extraArgs: [
          '--output',
          `led,protocol=alpha,port=${path.join(tmpDir('uid-tty'), 'ttyMissing')},size=96x16,name=cong-chinh`,
        ],
      }),
    );
    await row(BOARD).locator('.status-online').waitFor({ timeout: 30_000 });
    await page.locator('.summary', { hasText: '1 trực tuyến' }).waitFor();
    const alert = page.locator('[data-alert="board"]');
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toContain(`${BOARD}: mất kết nối cổng bảng LED led:cong-chinh`);
    await row(BOARD).locator('.board-lost', { hasText: 'Mất cổng 1 bảng' }).waitFor();
    await page.locator('[data-district="Huyện Duy Xuyên"]', { hasText: '1 cảnh báo' }).waitFor();

    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    // The player's heartbeat carries its disk space (fs.statfs of its data folder).
    const disk = await waitFor(async () => {
      const r = await api.get<{ items: { disk: { freeBytes: number; totalBytes: number } | null }[] }>(
        `/devices?q=${encodeURIComponent(BOARD)}`,
      );
      return r.body.items[0]?.disk;
    }, 'disk stats in the heartbeat');
    expect(disk.totalBytes).toBeGreaterThan(disk.freeBytes);
    // The counts came over the socket: the summary endpoint was not polled meanwhile.
    expect(summaryFetches).toEqual([]);
    await shot('30-dashboard-live-alert');
  });

  it('filters by district on the controller', async () => {
    await row(KIOSK).waitFor();
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.url().includes('/api/v1/devices?') && r.url().includes(`groupId=${ids.daiLoc}`)),
      page.getByLabel('Huyện', { exact: true }).selectOption({ label: 'Huyện Đại Lộc' }),
    ]);
    expect(new URL(request.url()).searchParams.get('groupId')).toBe(ids.daiLoc);
    await row(BOARD).waitFor({ state: 'detached' });
    await row(SCREEN).waitFor();
    await row(KIOSK).waitFor();
    await page.getByTestId('dash-shown').getByText('Đang hiển thị 2 thiết bị theo bộ lọc').waitFor();

    // The name search without diacritics, also answered by the controller.
    await page.getByLabel('Lọc theo tên thiết bị').fill('kiosk dai loc');
    await row(SCREEN).waitFor({ state: 'detached' });
    await row(KIOSK).waitFor();
    await shot('31-dashboard-filtered');
    await page.getByLabel('Lọc theo tên thiết bị').fill('');
    await page.getByLabel('Huyện', { exact: true }).selectOption({ label: 'Tất cả huyện' });
    await row(BOARD).waitFor();
  });

  it("shows a screen's last screenshot in its row", async () => {
    // A screen player as a raw socket: it connects, uploads a screenshot, and the row shows it.
    const socket: Socket<ControllerToPlayerEvents, PlayerToControllerEvents> = io(controller.url, {
      auth: { token: tokens.screen, protocol: PROTOCOL_VERSION, playerVersion: 'test' },
      transports: ['websocket'],
      reconnection: false,
    });
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const png = new PNG({ width: 160, height: 90 });
    for (let i = 0; i < png.data.length; i += 4) png.data.set([0x0b, 0x5c, 0xad, 255], i);
    const stored = await socket
      .timeout(5000)
      .emitWithAck('screenshot:upload', { png: PNG.sync.write(png), capturedAt: Date.now(), output: 'screen' });
    expect(stored).toMatchObject({ stored: true });
    const thumb = row(SCREEN).getByRole('img', { name: `Ảnh chụp màn hình gần nhất của ${SCREEN}` });
    await thumb.waitFor({ timeout: 15_000 });
    expect(await thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(160);
    await shot('32-dashboard-screenshot');
  });

  it('falls back to polling when the live link is refused', async () => {
    // A second tab whose WebSocket to the controller is closed at once: no live link.
    const tab = await context.newPage();
    await tab.routeWebSocket(/\/socket\.io\//, (ws) => void ws.close());
    const summaryFetches: string[] = [];
    tab.on('request', (r) => {
      if (r.url().includes('/api/v1/devices/summary')) summaryFetches.push(r.url());
    });
    await tab.goto(controller.url);
    await tab.getByLabel('Tên đăng nhập').fill('admin');
    await tab.getByLabel('Mật khẩu').fill(ADMIN_PASSWORD);
    await tab.getByRole('button', { name: 'Đăng nhập' }).click();
    await tab.locator('[data-live="false"]', { hasText: 'Mất kết nối trực tiếp' }).waitFor();
    await tab.locator(`[data-device="${KIOSK}"] .status-offline`).waitFor();
    procs.push(
      startPlayerProcess({ controllerUrl: controller.url, token: tokens.kiosk, dataDir: tmpDir('uid-kiosk') }),
    );
    await tab.locator(`[data-device="${KIOSK}"] .status-online`).waitFor({ timeout: 30_000 });
    expect(summaryFetches.length).toBeGreaterThan(1);
    await tab.close();
  });
});
