import crypto from 'node:crypto';
import type { RendererChannel } from './browser-mode';

export interface CapturedFrame {
  png: Buffer;
  width: number;
  height: number;
}

export class CaptureError extends Error {
  readonly code = 'SCREEN_CAPTURE_FAILED';
}

/**
 * Asks the renderer to draw what it shows (`capture`) and waits for its `screenshot` answer with the
 * same request id. Browser mode's only way to see its screen; Electron captures in main instead
 * (`webContents.capturePage()`, see RendererChannel.capture). When several renderers share one
 * channel (two browsers on the same kiosk URL), the first answer wins.
 */
export function captureViaRenderer(channel: RendererChannel, timeoutMs = 15_000): Promise<CapturedFrame> {
  const requestId = crypto.randomUUID();
  return new Promise<CapturedFrame>((resolve, reject) => {
    const done = (fn: () => void) => {
      clearTimeout(timer);
      unsubscribe();
      fn();
    };
    const timer = setTimeout(
      () => done(() => reject(new CaptureError(`no renderer answered the capture within ${timeoutMs} ms`))),
      timeoutMs,
    );
    const unsubscribe = channel.onMessage((m) => {
      if (m.type !== 'screenshot' || m.requestId !== requestId) return;
      const r = m.result;
      if ('error' in r) return done(() => reject(new CaptureError(`renderer could not capture: ${r.error}`)));
      done(() => resolve({ png: Buffer.from(r.png, 'base64'), width: r.width, height: r.height }));
    });
    channel.send({ type: 'capture', requestId });
  });
}
