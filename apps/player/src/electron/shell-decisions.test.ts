// The Electron binary cannot be downloaded or run on these machines (installed with
// ELECTRON_SKIP_BINARY_DOWNLOAD=1): main.ts delegates every decision to these pure modules, tested here.
import { describe, expect, it } from 'vitest';
import { readPlayerConfig } from '../runtime/config';
import { splitElectronArgs } from './app-args';
import { isTrustedAppUrl, permissionAllowed } from './trusted-url';
import { parseScreenSpec, placementOptions, ScreenSpecError } from './window-geometry';

const APP = 'http://127.0.0.1:5174/';

describe('isTrustedAppUrl', () => {
  it('allows only the renderer served by the player itself', () => {
    expect(isTrustedAppUrl('http://127.0.0.1:5174/', APP)).toBe(true);
    expect(isTrustedAppUrl('http://127.0.0.1:5174/index.html?x=1#y', APP)).toBe(true);
  });
  it('refuses other ports, hosts, schemes and credentials', () => {
    expect(isTrustedAppUrl('http://127.0.0.1:8080/', APP)).toBe(false);
    expect(isTrustedAppUrl('https://127.0.0.1:5174/', APP)).toBe(false);
    expect(isTrustedAppUrl('http://evil.example/', APP)).toBe(false);
    expect(isTrustedAppUrl('http://127.0.0.1.evil.example:5174/', APP)).toBe(false);
    expect(isTrustedAppUrl('http://user:pw@127.0.0.1:5174/', APP)).toBe(false);
    expect(isTrustedAppUrl('file:///etc/passwd', APP)).toBe(false);
    expect(isTrustedAppUrl('javascript:alert(1)', APP)).toBe(false);
    expect(isTrustedAppUrl('not a url', APP)).toBe(false);
  });
  it('denies every permission request', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'fullscreen', 'clipboard-read', 'openExternal']) {
      expect(permissionAllowed(p)).toBe(false);
    }
  });
});

describe('parseScreenSpec / placementOptions', () => {
  const displays = [
    { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } },
    { id: 2, bounds: { x: 1920, y: 0, width: 1280, height: 720 } },
  ];

  it('places an LED wall region at exact pixels, frameless and on top', () => {
    const p = parseScreenSpec('384x192+0+0');
    expect(p).toEqual({ kind: 'rect', width: 384, height: 192, x: 0, y: 0 });
    expect(placementOptions(p, displays)).toMatchObject({
      x: 0,
      y: 0,
      width: 384,
      height: 192,
      fullscreen: false,
      frame: false,
      resizable: false,
      alwaysOnTop: true,
      zoomFactor: 1,
    });
  });

  it('keeps one CSS pixel per device pixel on a scaled desktop', () => {
    const o = placementOptions(parseScreenSpec('384x192+1920+0'), displays, { kiosk: false, scaleFactor: 2 });
    expect(o).toMatchObject({ x: 960, y: 0, width: 192, height: 96, zoomFactor: 0.5 });
  });

  it('puts a fullscreen window on the chosen display', () => {
    expect(placementOptions(parseScreenSpec('fullscreen'), displays, { kiosk: true })).toMatchObject({
      x: 0,
      width: 1920,
      fullscreen: true,
      kiosk: true,
    });
    expect(placementOptions(parseScreenSpec('fullscreen:2'), displays)).toMatchObject({ x: 1920, width: 1280 });
    expect(() => placementOptions(parseScreenSpec('fullscreen:3'), displays)).toThrow(/display 3 not found/);
  });

  it('refuses malformed or absurd specs with a clear message', () => {
    for (const bad of ['384x192', '384*192+0+0', 'fullscreen:0', '8x8+0+0', '99999x10+0+0', 'big']) {
      expect(() => parseScreenSpec(bad)).toThrow(ScreenSpecError);
    }
    expect(parseScreenSpec('640x360-640+0')).toEqual({ kind: 'rect', width: 640, height: 360, x: -640, y: 0 });
  });
});

describe('splitElectronArgs', () => {
  it('takes the shell flags and passes the rest to the player runtime', () => {
    const a = splitElectronArgs([
      '--controller',
      'http://10.0.0.5:8080',
      '--screen',
      'fullscreen:2',
      '--screen=384x192+0+0',
      '--kiosk',
      '--start-at-login',
    ]);
    expect(a.screens).toEqual([
      { kind: 'fullscreen', display: 2 },
      { kind: 'rect', width: 384, height: 192, x: 0, y: 0 },
    ]);
    expect(a.startAtLogin).toBe(true);
    expect(a.playerArgs).toEqual(['--controller', 'http://10.0.0.5:8080', '--kiosk', '--renderer-port', '0']);
    // What the shell hands the runtime is a screen with its kiosk (it used to be refused for no port).
    const config = readPlayerConfig([...a.playerArgs, '--token', 'dev_0123456789abcdef0123', '--kiosk-english'], {});
    expect(config.screen).toMatchObject({ rendererPort: 0, kiosk: true, kioskEnglish: true });
    expect(splitElectronArgs(['--renderer-port=9000']).playerArgs).toEqual(['--renderer-port=9000']);
  });
  it('defaults to one fullscreen window and leaves the login item alone', () => {
    const a = splitElectronArgs([]);
    expect(a.screens).toEqual([{ kind: 'fullscreen', display: 1 }]);
    expect(a.startAtLogin).toBeNull();
    // With no screen flags the runtime gets a plain (non-kiosk) screen on any free port, with a quota.
    const screen = readPlayerConfig(
      [...a.playerArgs, '--controller', 'http://10.0.0.5:8080', '--token', 'dev_0123456789abcdef0123'],
      {},
    ).screen!;
    expect(screen).toMatchObject({ rendererPort: 0, kiosk: false, transitionMs: 0 });
    expect(screen.mediaQuotaBytes).toBeGreaterThan(1024 ** 3);
    expect(splitElectronArgs(['--start-at-login=false']).startAtLogin).toBe(false);
    expect(() => splitElectronArgs(['--screen'])).toThrow(/needs a value/);
  });
});
