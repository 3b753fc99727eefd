import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { Api } from './api';
import { buildRenderer, type ChromiumOptions, launchChromium } from './browser';
import {
  type BrowserModePlayer,
  type ControllerProc,
  startBrowserModePlayer,
  startControllerProcess,
} from './processes';

export interface PlayerScreen {
  controller: ControllerProc;
  /** The REST API, signed in as admin. */
  api: Api;
  deviceId: string;
  player: BrowserModePlayer;
  context: BrowserContext;
  /** The device's screen: a Chromium page on the player's renderer. */
  page: Page;
  /** Closes the browser and kills the player and the controller. */
  close(): Promise<void>;
}

/**
 * A screen player end to end without Electron: the renderer built as shipped, a real controller
 * with one device enrolled, that device's player serving its renderer in browser mode, and Chromium
 * showing it. Everything lives under `work` (`controller/`, `player/`, `chromium-profile/`).
 */
export async function startPlayerScreen(opts: {
  work: string;
  device: { name: string; kind: 'screen' | 'kiosk' };
  playerArgs?: string[];
  browser: ChromiumOptions;
  /** Runs before the renderer loads, e.g. to listen to its console from the first line. */
  beforeLoad?: (page: Page) => void;
}): Promise<PlayerScreen> {
  buildRenderer();
  const controller = await startControllerProcess({ dataDir: path.join(opts.work, 'controller') });
  let player: BrowserModePlayer | undefined;
  let context: BrowserContext | undefined;
  const close = async () => {
    await context?.close();
    await player?.kill9();
    await controller.kill9();
  };
  try {
    const api = await new Api(controller.url).login('admin', 'mat-khau-thu-nghiem');
    const dev = await api.post<{ id: string; token: string }>('/devices', opts.device);
    expect(dev.status).toBe(201);
    player = await startBrowserModePlayer({
      controllerUrl: controller.url,
      token: dev.body.token,
      dataDir: path.join(opts.work, 'player'),
      extraArgs: opts.playerArgs,
    });
    context = await launchChromium(path.join(opts.work, 'chromium-profile'), {
      headless: true,
      // What a kiosk browser needs for sound (Electron sets autoplayPolicy in webPreferences instead).
      extraArgs: ['--autoplay-policy=no-user-gesture-required'],
      ...opts.browser,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    opts.beforeLoad?.(page);
    await page.goto(player.rendererUrl);
    return { controller, api, deviceId: dev.body.id, player, context, page, close };
  } catch (err) {
    await close();
    throw err;
  }
}
