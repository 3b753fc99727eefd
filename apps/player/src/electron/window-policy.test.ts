// main.ts cannot run here (no Electron binary): what it decides about windows is checked on these
// pure functions, which main.ts calls as they are.
import { describe, expect, it } from 'vitest';
import {
  acceptRendererMessage,
  afterRendererGone,
  numberDisplays,
  outputId,
  outputWebPreferences,
} from './window-policy';

const APP = 'http://127.0.0.1:5174/';

describe('outputWebPreferences', () => {
  it('isolates and sandboxes the page, with no Node and no webview', () => {
    const p = outputWebPreferences('/opt/bangtin/preload.cjs', 1);
    expect(p).toMatchObject({
      preload: '/opt/bangtin/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
  it('lets videos with sound start without a touch, and never throttles playback', () => {
    const p = outputWebPreferences('/p.cjs', 0.5);
    expect(p.autoplayPolicy).toBe('no-user-gesture-required');
    expect(p.backgroundThrottling).toBe(false);
    expect(p.zoomFactor).toBe(0.5);
  });
});

describe('numberDisplays', () => {
  const d = (id: number, x: number) => ({ id, bounds: { x, y: 0, width: 1920, height: 1080 } });
  it('puts the primary display first, the others in their order', () => {
    expect(numberDisplays(d(7, 1920), [d(3, 0), d(7, 1920), d(9, 3840)]).map((x) => x.id)).toEqual([7, 3, 9]);
    expect(numberDisplays(d(1, 0), [d(1, 0)]).map((x) => x.id)).toEqual([1]);
  });
});

describe('outputId', () => {
  it('names the first window like browser mode, the others by number from 2', () => {
    expect([0, 1, 2].map(outputId)).toEqual(['screen', 'screen:2', 'screen:3']);
  });
});

describe('acceptRendererMessage', () => {
  it('accepts only the output’s own window showing the app', () => {
    expect(acceptRendererMessage(true, APP, APP)).toBe(true);
    expect(acceptRendererMessage(true, `${APP}index.html`, APP)).toBe(true);
  });
  it('refuses another window, a missing frame, or a frame elsewhere', () => {
    expect(acceptRendererMessage(false, APP, APP)).toBe(false);
    expect(acceptRendererMessage(true, undefined, APP)).toBe(false);
    expect(acceptRendererMessage(true, 'about:srcdoc', APP)).toBe(false);
    expect(acceptRendererMessage(true, 'http://127.0.0.1:9999/', APP)).toBe(false);
    expect(acceptRendererMessage(true, 'https://evil.example/', APP)).toBe(false);
  });
});

describe('afterRendererGone', () => {
  it('reloads a crashed renderer, later after running out of memory', () => {
    expect(afterRendererGone('crashed', false)).toEqual({ reload: true, delayMs: 1000 });
    expect(afterRendererGone('killed', false)).toEqual({ reload: true, delayMs: 1000 });
    expect(afterRendererGone('oom', false)).toEqual({ reload: true, delayMs: 5000 });
  });
  it('lets it go while the app quits', () => {
    expect(afterRendererGone('clean-exit', true).reload).toBe(false);
    expect(afterRendererGone('crashed', true).reload).toBe(false);
  });
});
