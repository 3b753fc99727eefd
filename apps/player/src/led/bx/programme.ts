/**
 * Pure compiler: an LedProgramme (the preview's exact pixels) → BX dynamic areas.
 *
 * - Area 0 (full board, ImmePlay 0, loops) holds the playlist item: one page per frame, shown statically
 *   for the frame's time, so a paged slogan is one A7 00 and the card pages it by itself.
 * - A scrolling slogan is sent as its whole text line (`strip`) cut into board-wide pages with the card's
 *   own "continuous move left" mode: one A7 00 however long the slogan is, and the card scrolls it
 *   smoothly instead of bangtin streaming frames.
 * - Area 1 (full board, ImmePlay 1) holds an urgent message: the card stops everything else and shows only
 *   it; the cancel deletes area 1 and the playlist in area 0 is back at once.
 */
import type { LedColourMode } from '@bangtin/shared';
import { createBitmap, type Bitmap } from '@bangtin/shared';
import type { BoardSize, LedProgramme } from '../driver';
import type { BxCard } from './cards';
import { encodePage, pageBytes } from './pixels';
import type { BxArea, BxPage } from './protocol';

export const PLAYLIST_AREA = 0;
export const URGENT_AREA = 1;
/** The manuals: each dynamic area holds at most 300 K. */
export const AREA_CAPACITY_BYTES = 300 * 1024;

export const DISPLAY_STATIC = 0x01;
export const DISPLAY_CONTINUOUS_LEFT = 0x04;

export interface BxCompileTarget {
  card: BxCard;
  colour: LedColourMode;
  size: BoardSize;
}

/** A board-wide window of a strip starting at column x (dark past its end). */
function window(strip: Bitmap, x0: number, width: number): Bitmap {
  const b = createBitmap(width, strip.height);
  for (let y = 0; y < strip.height; y++)
    for (let x = 0; x < width; x++) {
      const sx = x0 + x;
      if (sx < strip.width) b.data[y * width + x] = strip.data[y * strip.width + sx]!;
    }
  return b;
}

/** Speed level 0 (fastest) … for a wanted scroll speed; the card's levels are not documented in px/s. */
function speedLevel(pxPerSecond: number | undefined): number {
  if (!pxPerSecond || pxPerSecond >= 64) return 0;
  if (pxPerSecond >= 32) return 1;
  if (pxPerSecond >= 16) return 3;
  return 5;
}

export function compileArea(programme: LedProgramme, target: BxCompileTarget, areaId: number): BxArea {
  const { card, colour, size } = target;
  if (card.pixels === 'font') throw new RangeError(`${card.label} is a font card: it takes text, not pictures`);
  let pages: BxPage[];
  if (programme.strip && programme.strip.width > size.width) {
    const strip = programme.strip;
    pages = [];
    for (let x = 0; x < strip.width; x += size.width)
      pages.push({
        displayMode: DISPLAY_CONTINUOUS_LEFT,
        speed: speedLevel(programme.scrollPxPerSecond),
        stayTime: 0,
        bitmap: encodePage(window(strip, x, size.width), card.pixels, colour),
      });
  } else {
    if (programme.frames.length === 0) throw new RangeError('a programme needs at least one frame');
    pages = programme.frames.map((f) => {
      if (f.bitmap.width !== size.width || f.bitmap.height !== size.height)
        throw new RangeError(
          `frame is ${f.bitmap.width}×${f.bitmap.height}, the board is ${size.width}×${size.height}`,
        );
      return {
        displayMode: DISPLAY_STATIC,
        speed: 0,
        stayTime: Math.min(0xffff, Math.max(1, Math.round(f.durationMs / 10))),
        bitmap: encodePage(f.bitmap, card.pixels, colour),
      };
    });
  }
  return {
    id: areaId,
    runMode: 0,
    timeoutSeconds: 0,
    immediate: areaId === URGENT_AREA,
    x: 0,
    y: 0,
    width: size.width,
    height: size.height,
    pages,
  };
}

/** A dark board: one black page in area 0 (the protocol has no power-off; see README). */
export function blankArea(target: BxCompileTarget): BxArea {
  const { card, colour, size } = target;
  return {
    id: PLAYLIST_AREA,
    runMode: 1,
    timeoutSeconds: 0,
    immediate: true,
    x: 0,
    y: 0,
    width: size.width,
    height: size.height,
    pages: [
      {
        displayMode: DISPLAY_STATIC,
        speed: 0,
        stayTime: 100,
        bitmap: encodePage(createBitmap(size.width, size.height), card.pixels, colour),
      },
    ],
  };
}

export function areaBytes(a: BxArea): number {
  return a.pages.reduce((n, p) => n + p.bitmap.length, 0);
}

export { pageBytes };
