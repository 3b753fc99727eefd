import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { MediaCache } from '../cache/media-cache';
import type { Player } from './player';
import { type BrowserMode, startBrowserMode } from './browser-mode';
import { kioskOptions, type ScreenConfig } from './config';
import type { TlsTrust } from './tls-trust';
import { createScreenOutput, type ScreenOutput } from './screen-output';

/** Where `pnpm build:renderer` puts the renderer; `BANGTIN_RENDERER_DIR` overrides (bundled builds). */
export const RENDERER_DIR =
  process.env.BANGTIN_RENDERER_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/renderer');

export interface ScreenRuntime {
  cache: MediaCache;
  browser: BrowserMode;
  /** A fresh screen output for each player run (the LED config may restart the player). */
  output(): ScreenOutput;
  attach(player: Player, output: ScreenOutput): void;
  close(): Promise<void>;
}

/**
 * The parts of a screen player that outlive player restarts: the media cache (in `<data-dir>/media`)
 * and the browser-mode server with its bridge.
 */
export async function startScreenRuntime(opts: {
  screen: ScreenConfig;
  controllerUrl: string;
  token: string;
  dataDir: string;
  log: Logger;
  rendererDir?: string;
  tls?: TlsTrust;
}): Promise<ScreenRuntime> {
  const rendererDir = opts.rendererDir ?? RENDERER_DIR;
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    throw new Error(`renderer not built: ${rendererDir}/index.html is missing; run pnpm build:renderer`);
  }
  const cache = new MediaCache({
    dir: path.join(opts.dataDir, 'media'),
    controllerUrl: opts.controllerUrl,
    token: opts.token,
    quotaBytes: opts.screen.mediaQuotaBytes,
    log: opts.log.child({ module: 'media-cache' }),
    ...(opts.tls ? { tls: opts.tls } : {}),
  });
  await cache.open();
  /** Mime types of the media the current bundle uses, for the media route's content-type. */
  const mimes = new Map<string, string>();
  const browser = await startBrowserMode({
    port: opts.screen.rendererPort,
    rendererDir,
    log: opts.log.child({ module: 'browser-mode' }),
    mediaFile: (sha) => {
      const file = cache.filePath(sha);
      return file ? { file, mime: mimes.get(sha) ?? 'application/octet-stream' } : null;
    },
  });
  const remember = (player: Player) => {
    for (const c of player.bundle()?.content ?? [])
      if (c.type === 'image' || c.type === 'video') mimes.set(c.sha256, c.mime);
  };
  return {
    cache,
    browser,
    output: () =>
      createScreenOutput({
        channel: browser,
        cache,
        mediaBase: `${browser.url}media/`,
        kiosk: kioskOptions(opts.screen),
        transitionMs: opts.screen.transitionMs,
        log: opts.log.child({ module: 'screen' }),
      }),
    attach(player, output) {
      remember(player);
      player.on('bundle', () => remember(player));
      output.attach(player);
    },
    close: async () => {
      cache.close();
      await browser.close();
    },
  };
}
