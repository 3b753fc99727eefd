import type { WebPreferences } from 'electron';
import { isTrustedAppUrl } from './trusted-url';
import type { DisplayInfo } from './window-geometry';

/**
 * The web preferences of every output window. Security: isolated, sandboxed, no Node in the page
 * (the preload's one bridge object is all it gets). Playback: signage is never "in the background",
 * and videos whose content asks for sound may start unmuted without a user gesture (a kiosk browser in
 * browser mode needs `--autoplay-policy=no-user-gesture-required` for the same).
 */
export function outputWebPreferences(preload: string, zoomFactor: number): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInSubFrames: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    backgroundThrottling: false,
    zoomFactor,
    autoplayPolicy: 'no-user-gesture-required',
  };
}

/** Displays as `--screen fullscreen:N` numbers them: the primary is 1, the others follow in Electron's order. */
export function numberDisplays<D extends DisplayInfo>(primary: D, all: readonly D[]): D[] {
  return [primary, ...all.filter((d) => d.id !== primary.id)];
}

/** Proofs name the output: the first window is `screen` (as in browser mode), the others `screen:2`, … */
export function outputId(windowIndex: number): string {
  return windowIndex === 0 ? 'screen' : `screen:${windowIndex + 1}`;
}

/**
 * A message on the renderer IPC channel counts only if it comes from that output's own window, from
 * a frame showing the app itself (not a page frame or anything navigated to).
 */
export function acceptRendererMessage(fromOwnWindow: boolean, frameUrl: string | undefined, appUrl: string): boolean {
  return fromOwnWindow && frameUrl !== undefined && isTrustedAppUrl(frameUrl, appUrl);
}

/** What to do when a window's renderer process is gone: bring it back, unless the app is quitting. */
export function afterRendererGone(reason: string, quitting: boolean): { reload: boolean; delayMs: number } {
  if (quitting) return { reload: false, delayMs: 0 };
  // A crash loop (e.g. a GPU driver fault) must not spin the CPU: wait a little longer after an OOM.
  return { reload: true, delayMs: reason === 'oom' ? 5000 : 1000 };
}
