import { PNG } from 'pngjs';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControllerToPlayerEvents, type PlayerToControllerEvents, PROTOCOL_VERSION } from '@bangtin/shared';
import { type AdminUi, loginThroughUi, startAdminUi } from './support/admin-ui';
import { startPlayerProcess, tmpDir, waitFor } from './support/processes';

/**
 * The live dashboard in Debian's Chromium against a real controller process: a headless player
 * started after the page loaded shows up online without a reload (over the `/admin` socket, not by
 * polling), its lost LED board port raises an alert in Vietnamese, the district filter is applied by
 * the controller, a screen's last screenshot appears as a thumbnail in its row, and without the live
 * link the screen falls back to polling.
 */

const BOARD = 'Bảng LED Duy Xuyên';
const SCREEN = 'Màn hình sảnh Đại Lộc';
const KIOSK = 'Kiosk Đại Lộc';

let ui: AdminUi;
const sockets: Socket[] = [];
const ids = { province: '', duyXuyen: '', daiLoc: '' };
const tokens = { board: '', screen: '', kiosk: '' };

const row = (name: string) => ui.page.locator(`[data-device="${name}"]`);

beforeAll(async () => {
  ui = await startAdminUi({ name: 'uid' });
  const { api } = ui;
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

  await ui.open();
  await ui.login();
  await ui.page.getByRole('heading', { level: 1, name: 'Tổng quan thiết bị' }).waitFor();
}, 90_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await ui?.close();
});

describe('live dashboard', () => {
  it('shows a player going online without a reload, and its lost board port as an alert', async () => {
    await row(BOARD).locator('.status-offline').waitFor();
    await ui.page.locator('[data-live="true"]').waitFor();
    // A mark in the page's memory: a reload would wipe it.
    await ui.page.evaluate(() => Object.assign(window, { __sameDocument: true }));
    const summaryFetches: string[] = [];
    ui.page.on('request', (r) => {
      if (r.url().includes('/api/v1/devices/summary')) summaryFetches.push(r.url());
    });

    ui.track(
      startPlayerProcess({
        controllerUrl: ui.controller.url,
        token: tokens.board,
        dataDir: tmpDir('uid-player'),
        // A board on a serial port that is not there: "board port lost".
        extraArgs: ['--output', `led,protocol=alpha,port=/dev/ttyBangtinMissing,size=96x16,name=cong-chinh`],
      }),
    );
    await row(BOARD).locator('.status-online').waitFor({ timeout: 30_000 });
    await ui.page.locator('.summary', { hasText: '1 trực tuyến' }).waitFor();
    const alert = ui.page.locator('[data-alert="board"]');
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toContain(`${BOARD}: mất kết nối cổng bảng LED led:cong-chinh`);
    await row(BOARD).locator('.board-lost', { hasText: 'Mất cổng 1 bảng' }).waitFor();
    await ui.page.locator('[data-district="Huyện Duy Xuyên"]', { hasText: '1 cảnh báo' }).waitFor();

    expect(await ui.page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    // The player's heartbeat carries its disk space (fs.statfs of its data folder).
    const disk = await waitFor(async () => {
      const r = await ui.api.get<{ items: { disk: { freeBytes: number; totalBytes: number } | null }[] }>(
        `/devices?q=${encodeURIComponent(BOARD)}`,
      );
      return r.body.items[0]?.disk;
    }, 'disk stats in the heartbeat');
    expect(disk.totalBytes).toBeGreaterThan(disk.freeBytes);
    // The counts came over the socket: the summary endpoint was not polled meanwhile.
    expect(summaryFetches).toEqual([]);
    await ui.shot('30-dashboard-live-alert');
  });

  it('filters by district on the controller', async () => {
    await row(KIOSK).waitFor();
    const [request] = await Promise.all([
      ui.page.waitForRequest((r) => r.url().includes('/api/v1/devices?') && r.url().includes(`groupId=${ids.daiLoc}`)),
      ui.page.getByLabel('Huyện', { exact: true }).selectOption({ label: 'Huyện Đại Lộc' }),
    ]);
    expect(new URL(request.url()).searchParams.get('groupId')).toBe(ids.daiLoc);
    await row(BOARD).waitFor({ state: 'detached' });
    await row(SCREEN).waitFor();
    await row(KIOSK).waitFor();
    await ui.page.getByTestId('dash-shown').getByText('Đang hiển thị 2 thiết bị theo bộ lọc').waitFor();

    // The name search without diacritics, also answered by the controller.
    await ui.page.getByLabel('Lọc theo tên thiết bị').fill('kiosk dai loc');
    await row(SCREEN).waitFor({ state: 'detached' });
    await row(KIOSK).waitFor();
    await ui.shot('31-dashboard-filtered');
    await ui.page.getByLabel('Lọc theo tên thiết bị').fill('');
    await ui.page.getByLabel('Huyện', { exact: true }).selectOption({ label: 'Tất cả huyện' });
    await row(BOARD).waitFor();
  });

  it("shows a screen's last screenshot in its row", async () => {
    // A screen player as a raw socket: it connects, uploads a screenshot, and the row shows it.
    const socket: Socket<ControllerToPlayerEvents, PlayerToControllerEvents> = io(ui.controller.url, {
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
    await ui.shot('32-dashboard-screenshot');
  });

  it('falls back to polling when the live link is refused', async () => {
    // A second tab whose WebSocket to the controller is closed at once: no live link.
    const tab = await ui.context.newPage();
    await tab.routeWebSocket(/\/socket\.io\//, (ws) => void ws.close());
    const summaryFetches: string[] = [];
    tab.on('request', (r) => {
      if (r.url().includes('/api/v1/devices/summary')) summaryFetches.push(r.url());
    });
    await tab.goto(ui.controller.url);
    await loginThroughUi(tab);
    await tab.locator('[data-live="false"]', { hasText: 'Mất kết nối trực tiếp' }).waitFor();
    await tab.locator(`[data-device="${KIOSK}"] .status-offline`).waitFor();
    ui.track(
      startPlayerProcess({ controllerUrl: ui.controller.url, token: tokens.kiosk, dataDir: tmpDir('uid-kiosk') }),
    );
    await tab.locator(`[data-device="${KIOSK}"] .status-online`).waitFor({ timeout: 30_000 });
    expect(summaryFetches.length).toBeGreaterThan(1);
    await tab.close();
  });
});
