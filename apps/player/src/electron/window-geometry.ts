/**
 * Where a screen output's window goes, from `--screen`:
 * - `fullscreen` or `fullscreen:2` — fullscreen (kiosk) on display 1 (the primary) or display 2;
 * - `384x192+0+0` — exactly 384×192 pixels at x=0, y=0 of the virtual desktop, no frame: the HDMI
 *   region an LED wall's sending card captures.
 */
export type ScreenPlacement =
  { kind: 'fullscreen'; display: number } | { kind: 'rect'; width: number; height: number; x: number; y: number };

export class ScreenSpecError extends Error {
  readonly code = 'BANGTIN_INVALID_SCREEN_SPEC';
}

export function parseScreenSpec(spec: string): ScreenPlacement {
  const s = spec.trim();
  const fs = /^fullscreen(?::(\d{1,2}))?$/.exec(s);
  if (fs) {
    const display = fs[1] === undefined ? 1 : Number(fs[1]);
    if (display < 1) throw new ScreenSpecError(`--screen ${spec}: displays are numbered from 1`);
    return { kind: 'fullscreen', display };
  }
  const r = /^(\d{1,5})x(\d{1,5})([+-]\d{1,5})([+-]\d{1,5})$/.exec(s);
  if (!r) {
    throw new ScreenSpecError(
      `--screen ${spec}: expected "fullscreen", "fullscreen:<display>" or WxH+X+Y (384x192+0+0)`,
    );
  }
  const [width, height, x, y] = [Number(r[1]), Number(r[2]), Number(r[3]), Number(r[4])];
  if (width < 16 || height < 16) throw new ScreenSpecError(`--screen ${spec}: at least 16×16 pixels`);
  if (width > 16384 || height > 16384) throw new ScreenSpecError(`--screen ${spec}: at most 16384 pixels a side`);
  return { kind: 'rect', width, height, x, y };
}

export interface DisplayInfo {
  id: number;
  bounds: { x: number; y: number; width: number; height: number };
}

/** Window options for a placement (the subset of BrowserWindow options this decides). */
export interface WindowPlacementOptions {
  x: number;
  y: number;
  width: number;
  height: number;
  fullscreen: boolean;
  kiosk: boolean;
  frame: false;
  resizable: false;
  movable: false;
  alwaysOnTop: boolean;
  /** Exact geometry: no DPI scaling surprises, one CSS pixel per LED. */
  zoomFactor: number;
}

export function placementOptions(
  p: ScreenPlacement,
  displays: readonly DisplayInfo[],
  opts: { kiosk: boolean; scaleFactor?: number } = { kiosk: false },
): WindowPlacementOptions {
  if (p.kind === 'fullscreen') {
    const d = displays[p.display - 1];
    if (!d) throw new ScreenSpecError(`display ${p.display} not found (${displays.length} connected)`);
    return {
      ...d.bounds,
      fullscreen: true,
      kiosk: opts.kiosk,
      frame: false,
      resizable: false,
      movable: false,
      alwaysOnTop: opts.kiosk,
      zoomFactor: 1,
    };
  }
  const scale = opts.scaleFactor ?? 1;
  return {
    // Electron positions in DIPs; divide so the window covers exactly these device pixels.
    x: Math.round(p.x / scale),
    y: Math.round(p.y / scale),
    width: Math.round(p.width / scale),
    height: Math.round(p.height / scale),
    fullscreen: false,
    kiosk: false,
    frame: false,
    resizable: false,
    movable: false,
    alwaysOnTop: true,
    zoomFactor: 1 / scale,
  };
}
