import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, powerSaveBlocker, screen, session } from 'electron';
import pino from 'pino';
import { kioskOptions, readPlayerConfig } from '../runtime/config';
import { startPlayer } from '../runtime/player';
import type { RendererChannel } from '../runtime/browser-mode';
import { startScreenRuntime } from '../runtime/screen-runtime';
import { createScreenOutput, type ScreenOutput } from '../runtime/screen-output';
import {
  RendererToRuntimeSchema,
  replaySlot,
  type RendererToRuntime,
  type RuntimeToRenderer,
} from '../renderer/bridge-protocol';
import { CaptureError } from '../runtime/screen-capture';
import { splitElectronArgs } from './app-args';
import { frameFromImage } from './capture-image';
import { FROM_RENDERER, TO_RENDERER } from './ipc-channels';
import { isTrustedAppUrl, permissionAllowed } from './trusted-url';
import { placementOptions, type ScreenPlacement } from './window-geometry';
import {
  acceptRendererMessage,
  afterRendererGone,
  numberDisplays,
  outputId,
  outputWebPreferences,
} from './window-policy';

/**
 * Electron main: a thin shell around the player runtime. It embeds the same runtime as the headless
 * player (`startPlayer`), serves the renderer on loopback (browser mode's server, for the page and
 * the media cache) and opens one window per screen output; the bridge to each window is IPC through
 * the preload's `window.bangtin`. Every decision worth testing lives in a pure module beside it
 * (trusted-url, window-geometry, window-policy, app-args, capture-image); the Electron binary cannot
 * run on the build machines.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const log = pino({ name: 'player', level: process.env.BANGTIN_LOG_LEVEL ?? 'info' });
let quitting = false;

/** IPC to one window, with the runtime's latest state replayed after every (re)load. */
function ipcChannel(win: BrowserWindow, appUrl: string): RendererChannel {
  const listeners: ((m: RendererToRuntime) => void)[] = [];
  const latest = new Map<string, RuntimeToRenderer>();
  ipcMain.on(FROM_RENDERER, (e, raw: unknown) => {
    if (!acceptRendererMessage(e.sender === win.webContents, e.senderFrame?.url, appUrl)) return;
    const r = RendererToRuntimeSchema.safeParse(raw);
    if (!r.success) return log.warn({ issue: r.error.issues[0] }, 'renderer message ignored');
    for (const l of listeners) l(r.data);
  });
  win.webContents.on('did-finish-load', () => {
    for (const m of latest.values()) win.webContents.send(TO_RENDERER, m);
  });
  return {
    send(m) {
      const slot = replaySlot(m);
      if (slot) latest.set(slot, m);
      if (!win.isDestroyed()) win.webContents.send(TO_RENDERER, m);
    },
    onMessage(listener) {
      listeners.push(listener);
      return () => listeners.splice(listeners.indexOf(listener), 1);
    },
    // The compositor's own frame: exactly what the window shows, page frames and streams included.
    async capture() {
      if (win.isDestroyed()) throw new CaptureError('the window is closed');
      return frameFromImage(await win.webContents.capturePage());
    },
  };
}

function createWindow(placement: ScreenPlacement, kiosk: boolean, pageUrl: string): BrowserWindow {
  const primary = screen.getPrimaryDisplay();
  const displays = numberDisplays(primary, screen.getAllDisplays());
  const { zoomFactor, ...bounds } = placementOptions(placement, displays, { kiosk, scaleFactor: primary.scaleFactor });
  const win = new BrowserWindow({
    ...bounds,
    backgroundColor: '#000000',
    show: false,
    autoHideMenuBar: true,
    webPreferences: outputWebPreferences(path.join(here, 'preload.cjs'), zoomFactor),
  });
  win.once('ready-to-show', () => win.show());
  // A crashed or killed renderer comes back by itself; the runtime replays the current item.
  win.webContents.on('render-process-gone', (_e, details) => {
    const next = afterRendererGone(details.reason, quitting);
    log.error({ reason: details.reason, exitCode: details.exitCode, ...next }, 'renderer process gone');
    if (next.reload) setTimeout(() => !win.isDestroyed() && win.reload(), next.delayMs);
  });
  win.on('unresponsive', () => {
    log.error('renderer unresponsive; reloading');
    win.webContents.forcefullyCrashRenderer();
  });
  void win.loadURL(pageUrl);
  return win;
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    log.warn('another bangtin player is running; exiting');
    app.quit();
    return;
  }
  const args = splitElectronArgs(process.argv.slice(app.isPackaged ? 1 : 2));
  const config = readPlayerConfig(args.playerArgs, process.env);
  // splitElectronArgs always passes --renderer-port, so the runtime's config has a screen.
  const screenConfig = config.screen!;
  if (args.startAtLogin !== null)
    app.setLoginItemSettings({ openAtLogin: args.startAtLogin, args: process.argv.slice(1) });

  await app.whenReady();
  powerSaveBlocker.start('prevent-display-sleep');
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) =>
    callback(permissionAllowed(permission)),
  );
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => permissionAllowed(permission));

  const rt = await startScreenRuntime({ ...config, screen: screenConfig, log });
  const appUrl = rt.browser.url;
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (ev, url) => {
      if (!isTrustedAppUrl(url, appUrl)) ev.preventDefault();
    });
    contents.on('will-redirect', (ev, url) => {
      if (!isTrustedAppUrl(url, appUrl)) ev.preventDefault();
    });
    contents.on('will-attach-webview', (ev) => ev.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  // Windows open the page with the bridge key, like a browser-mode screen (IPC carries the messages here).
  const windows = args.screens.map((p) => createWindow(p, screenConfig.kiosk, rt.browser.pageUrl));
  const outputs: ScreenOutput[] = windows.map((win, i) =>
    createScreenOutput({
      id: outputId(i),
      channel: ipcChannel(win, appUrl),
      cache: rt.cache,
      mediaBase: `${appUrl}media/`,
      kiosk: kioskOptions(screenConfig),
      transitionMs: screenConfig.transitionMs,
      log: log.child({ module: 'screen', window: i + 1 }),
    }),
  );
  const player = startPlayer({
    controllerUrl: config.controllerUrl,
    token: config.token,
    dataDir: config.dataDir,
    heartbeatMs: config.heartbeatMs,
    tls: config.tls,
    log,
    outputs,
    mediaCache: rt.cache,
  });
  for (const o of outputs) rt.attach(player, o);

  app.on('second-instance', () => windows[0]?.focus());
  app.on('before-quit', (e) => {
    if (quitting) return;
    quitting = true;
    e.preventDefault();
    void player
      .close()
      .then(() => rt.close())
      .finally(() => app.exit(0));
  });
}

main().catch((err: unknown) => {
  log.fatal({ err }, 'player app failed to start');
  app.exit(1);
});
