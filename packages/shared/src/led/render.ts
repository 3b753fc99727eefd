import { createBitmap, LED_PALETTE, type Bitmap } from './bitmap';
import { getLedFont, glyphFor, LED_FONTS, type LedFont } from './fonts';
import { describeFit, warning, type RenderWarning } from './fit-messages';

export type LedColourMode = 'mono' | 'tri' | 'rgb';

export interface LedBoardSpec {
  width: number;
  height: number;
  /** Which palette indices the board can show: mono 1, tri 1–8, rgb every LED_PALETTE entry. */
  colour?: LedColourMode;
}

/** Orders boards fewest LEDs first (then narrowest): the first is where a slogan scrolls longest. */
export function bySmallestBoard(
  a: Pick<LedBoardSpec, 'width' | 'height'>,
  b: Pick<LedBoardSpec, 'width' | 'height'>,
): number {
  return a.width * a.height - b.width * b.height || a.width - b.width;
}

export type RenderMode = 'auto' | 'static' | 'paged' | 'scroll';
export type LedAlign = 'left' | 'center' | 'right';

export interface RenderOptions {
  /** auto: static if it fits, else paged when every page holds whole words and pages ≤ maxPages, else scroll. */
  mode?: RenderMode;
  /** A LED_FONTS id; integer scales of it are still tried unless `scale` is given. */
  font?: string;
  scale?: number;
  /** Palette index (see LED_PALETTE); default 1. */
  colour?: number;
  align?: LedAlign;
  /** Allow two or more lines when the board is tall enough; default true. */
  multiLine?: boolean;
  /** How long each static or paged screen stays; default 3000 ms. */
  pageMs?: number;
  /** Most pages auto mode accepts before it scrolls instead; default 3. */
  maxPages?: number;
  scrollPxPerSecond?: number;
  /** Pixels the text moves between scroll frames; default the smallest power of two keeping frames ≤ maxFrames. */
  scrollStepPx?: number;
  maxFrames?: number;
}

export interface Frame {
  bitmap: Bitmap;
  durationMs: number;
}

export type LayoutMode = 'static' | 'paged' | 'scroll';

export interface FitReport {
  mode: LayoutMode;
  fontId: string;
  scale: number;
  /** Text lines on each screen. */
  lines: number;
  /** Width of the whole text set on one line in the chosen font. */
  textWidthPx: number;
  /** textWidthPx / board width, one decimal. */
  screensWide: number;
  pages: number;
  /** Sum of all frame durations: one full showing of the slogan. */
  totalMs: number;
  scrollMs?: number;
  /** Scroll only: pixels the text moves from one frame to the next. */
  scrollStepPx?: number;
  /** For staff, Vietnamese: "Rộng 3,2 màn hình: chạy chữ trong 12 giây". */
  message: string;
  messageEn: string;
  warnings: RenderWarning[];
}

export interface RenderResult {
  frames: Frame[];
  mode: LayoutMode;
  /** Scroll only: the whole text line, board-high, that the frames are windows onto. */
  strip?: Bitmap;
  fit: FitReport;
}

export const MIN_VIETNAMESE_ROWS = 12;
const MAX_TEXT_CODEPOINTS = 2000;
const MAX_BOARD_WIDTH = 4096;
const MAX_BOARD_HEIGHT = 1024;
const MAX_BOARD_PIXELS = 1 << 20;
const MAX_SCALE = 8;
const MAX_LINES = 8;
const LONG_SCROLL_MS = 60_000;
const MANY_PAGES = 10;
const SPACE = 0x20;

/** Look-alikes used when a font lacks the exact character, so pasted text does not turn into boxes. */
const SUBSTITUTES: ReadonlyMap<number, number> = new Map([
  [0x00a0, SPACE],
  [0x2007, SPACE],
  [0x202f, SPACE],
  [0x2010, 0x2d],
  [0x2011, 0x2d],
  [0x2212, 0x2d],
  [0x2032, 0x27],
  [0x2033, 0x22],
]);

interface Face {
  font: LedFont;
  scale: number;
  height: number;
}

type Paragraph = number[][]; // words of code points

// ---------- input ----------

const INVISIBLE = new Set([0xad, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]);
const WIDE_SPACES = new Set([
  0x09, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2008, 0x2009, 0x200a, 0x205f, 0x3000,
]);

/** Invisible and control characters would otherwise show as boxes or glue words together. */
function cleanChar(c: string): string {
  const cp = c.codePointAt(0)!;
  if (cp === 0x0a) return c;
  if (WIDE_SPACES.has(cp)) return ' ';
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || INVISIBLE.has(cp)) return '';
  return c;
}

function parseText(text: unknown): Paragraph[] {
  if (typeof text !== 'string') throw new TypeError(`slogan text must be a string, got ${typeof text}`);
  const nfc = Array.from(text.normalize('NFC').replace(/\r\n?/g, '\n'), cleanChar).join('');
  const count = Array.from(nfc).length;
  if (count > MAX_TEXT_CODEPOINTS) {
    throw new RangeError(`slogan text is ${count} characters; at most ${MAX_TEXT_CODEPOINTS} fit any LED programme`);
  }
  const paragraphs = nfc
    .split('\n')
    .map((p) =>
      p
        .split(' ')
        .filter((w) => w.length > 0)
        .map((w) => Array.from(w, (c) => c.codePointAt(0)!)),
    )
    .filter((p) => p.length > 0);
  if (paragraphs.length === 0) throw new RangeError('slogan text is empty');
  return paragraphs;
}

function checkBoard(board: unknown): Required<LedBoardSpec> {
  if (typeof board !== 'object' || board === null)
    throw new TypeError('board must be an object { width, height, colour? }');
  const { width, height, colour = 'mono' } = board as LedBoardSpec;
  for (const [name, v, max] of [
    ['width', width, MAX_BOARD_WIDTH],
    ['height', height, MAX_BOARD_HEIGHT],
  ] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v))
      throw new TypeError(`board ${name} must be an integer, got ${String(v)}`);
    if (v < 1 || v > max) throw new RangeError(`board ${name} must be 1–${max} pixels, got ${v}`);
  }
  if (width * height > MAX_BOARD_PIXELS)
    throw new RangeError(`board ${width}×${height} is larger than ${MAX_BOARD_PIXELS} pixels`);
  if (colour !== 'mono' && colour !== 'tri' && colour !== 'rgb') {
    throw new TypeError(`board colour must be mono, tri or rgb, got ${String(colour)}`);
  }
  return { width, height, colour };
}

interface Settings {
  mode: RenderMode;
  colour: number;
  align: LedAlign;
  multiLine: boolean;
  pageMs: number;
  maxPages: number;
  pxPerSecond: number;
  stepPx: number | null;
  maxFrames: number;
  font: string | null;
  scale: number | null;
}

function positive(name: string, v: unknown, fallback: number, max: number, integer = false): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > max || (integer && !Number.isInteger(v))) {
    throw new RangeError(`${name} must be a ${integer ? 'whole' : 'positive'} number up to ${max}, got ${String(v)}`);
  }
  return v;
}

function checkOptions(o: RenderOptions, board: Required<LedBoardSpec>, warnings: RenderWarning[]): Settings {
  if (typeof o !== 'object' || o === null) throw new TypeError('render options must be an object');
  const mode = o.mode ?? 'auto';
  if (!['auto', 'static', 'paged', 'scroll'].includes(mode))
    throw new TypeError(`unknown render mode "${String(mode)}"`);
  const align = o.align ?? 'center';
  if (!['left', 'center', 'right'].includes(align)) throw new TypeError(`unknown align "${String(align)}"`);
  if (o.font !== undefined && !LED_FONTS.some((f) => f.id === o.font)) {
    throw new RangeError(`unknown LED font "${String(o.font)}"; known: ${LED_FONTS.map((f) => f.id).join(', ')}`);
  }
  let colour = o.colour ?? 1;
  if (!Number.isInteger(colour) || colour < 1 || LED_PALETTE[colour] === undefined) {
    throw new RangeError(
      `colour must be a palette index 1–${Object.keys(LED_PALETTE).length - 1}, got ${String(colour)}`,
    );
  }
  const maxColour = board.colour === 'mono' ? 1 : board.colour === 'tri' ? 8 : Infinity;
  if (colour > maxColour) {
    warnings.push(warning('colour-not-supported', { colour, board: board.colour }));
    colour = 1;
  }
  return {
    mode,
    colour,
    align,
    multiLine: o.multiLine ?? true,
    pageMs: positive('pageMs', o.pageMs, 3000, 3_600_000),
    maxPages: positive('maxPages', o.maxPages, 3, 1000, true),
    pxPerSecond: positive('scrollPxPerSecond', o.scrollPxPerSecond, 24, 1000),
    stepPx: o.scrollStepPx === undefined ? null : positive('scrollStepPx', o.scrollStepPx, 1, board.width, true),
    maxFrames: positive('maxFrames', o.maxFrames, 120, 10_000, true),
    font: o.font ?? null,
    scale: o.scale === undefined ? null : positive('scale', o.scale, 1, MAX_SCALE, true),
  };
}

// ---------- measuring ----------

function glyphOf(font: LedFont, cp: number): number {
  const g = glyphFor(font, cp);
  if (g >= 0) return g;
  const sub = SUBSTITUTES.get(cp);
  return sub === undefined ? -1 : glyphFor(font, sub);
}

function cpWidth(face: Face, cp: number): number {
  const g = glyphOf(face.font, cp);
  return (g < 0 ? face.font.advance : face.font.widths[g]!) * face.scale;
}

function lineWidth(face: Face, line: readonly number[]): number {
  let w = 0;
  for (const cp of line) w += cpWidth(face, cp);
  return w;
}

/** Fonts × integer scales that fit the board's height, tallest first, then widest (easiest to read). */
function candidateFaces(height: number, s: Settings): { faces: Face[]; tooTall: boolean } {
  const bases = s.font ? [s.font] : LED_FONTS.map((f) => f.id);
  const faces: Face[] = [];
  for (const id of bases) {
    const font = getLedFont(id);
    const maxScale = Math.min(MAX_SCALE, Math.floor(height / font.height));
    for (let scale = 1; scale <= maxScale; scale++) {
      if (s.scale === null || s.scale === scale) faces.push({ font, scale, height: font.height * scale });
    }
  }
  faces.sort(
    (a, b) =>
      b.height - a.height || b.font.advance * b.scale - a.font.advance * a.scale || (a.font.id < b.font.id ? -1 : 1),
  );
  if (faces.length > 0) return { faces, tooTall: false };
  // Nothing fits: the smallest choice, cropped, beats refusing to show anything.
  const font = getLedFont(s.font ?? LED_FONTS[0]!.id);
  const scale = s.scale ?? 1;
  return { faces: [{ font, scale, height: font.height * scale }], tooTall: true };
}

/** Lines of `face` that fit `height`, with one blank row between them when there is room for it. */
function linesFor(face: Face, height: number, multiLine: boolean): { count: number; gap: number } {
  if (!multiLine || face.height > height) return { count: 1, gap: 0 };
  const withGap = Math.floor((height + 1) / (face.height + 1));
  const tight = Math.floor(height / face.height);
  return tight > withGap
    ? { count: Math.min(tight, MAX_LINES), gap: 0 }
    : { count: Math.min(withGap, MAX_LINES), gap: 1 };
}

/** Greedy word wrap; a word wider than the line is cut between letters (never through one). */
function wrap(paragraphs: Paragraph[], face: Face, maxWidth: number): { lines: number[][]; cut: boolean } {
  const lines: number[][] = [];
  let cut = false;
  const spaceW = cpWidth(face, SPACE);
  for (const words of paragraphs) {
    let line: number[] = [];
    let lineW = 0;
    for (const word of words) {
      const w = lineWidth(face, word);
      if (line.length > 0 && lineW + spaceW + w <= maxWidth) {
        line.push(SPACE, ...word);
        lineW += spaceW + w;
        continue;
      }
      if (line.length > 0) lines.push(line);
      line = [];
      lineW = 0;
      if (w <= maxWidth) {
        line = [...word];
        lineW = w;
        continue;
      }
      cut = true;
      for (const cp of word) {
        const cw = cpWidth(face, cp);
        if (line.length > 0 && lineW + cw > maxWidth) {
          lines.push(line);
          line = [];
          lineW = 0;
        }
        line.push(cp);
        lineW += cw;
      }
    }
    if (line.length > 0) lines.push(line);
  }
  return { lines, cut };
}

function joinParagraphs(paragraphs: Paragraph[]): number[] {
  const out: number[] = [];
  for (const words of paragraphs) {
    for (const word of words) {
      if (out.length > 0) out.push(SPACE);
      out.push(...word);
    }
  }
  return out;
}

// ---------- drawing ----------

function drawLine(b: Bitmap, face: Face, line: readonly number[], x0: number, y0: number, colour: number): void {
  const { font, scale } = face;
  const { width: bw, height: bh, data } = b;
  let x = x0;
  for (const cp of line) {
    const g = glyphOf(font, cp);
    const gw = g < 0 ? font.advance : font.widths[g]!;
    if (x >= bw) break;
    if (x + gw * scale > 0) {
      for (let gy = 0; gy < font.height; gy++) {
        for (let gx = 0; gx < gw; gx++) {
          const lit =
            g >= 0
              ? font.masks[font.offsets[g]! + gy * gw + gx] === 1
              : gy >= font.boxTop &&
                gy <= font.boxBottom &&
                gx >= 1 &&
                gx <= gw - 2 &&
                (gy === font.boxTop || gy === font.boxBottom || gx === 1 || gx === gw - 2);
          if (!lit) continue;
          for (let sy = 0; sy < scale; sy++) {
            const py = y0 + gy * scale + sy;
            if (py < 0 || py >= bh) continue;
            const row = py * bw;
            for (let sx = 0; sx < scale; sx++) {
              const px = x + gx * scale + sx;
              if (px >= 0 && px < bw) data[row + px] = colour;
            }
          }
        }
      }
    }
    x += gw * scale;
  }
}

function alignX(align: LedAlign, boardWidth: number, w: number): number {
  if (align === 'left') return 0;
  if (align === 'right') return boardWidth - w;
  return Math.floor((boardWidth - w) / 2);
}

/** One screen with `lines` stacked and centred vertically as a block. */
function drawScreen(
  board: Required<LedBoardSpec>,
  face: Face,
  lines: number[][],
  gap: number,
  s: Settings,
  align = s.align,
): Bitmap {
  const b = createBitmap(board.width, board.height);
  const blockH = lines.length * face.height + (lines.length - 1) * gap;
  let y = Math.floor((board.height - blockH) / 2);
  for (const line of lines) {
    drawLine(b, face, line, alignX(align, board.width, lineWidth(face, line)), y, s.colour);
    y += face.height + gap;
  }
  return b;
}

// ---------- layout ----------

interface Layout {
  mode: LayoutMode;
  face: Face;
  pages: number[][][];
  gap: number;
  clipped?: boolean;
  cut?: boolean;
}

function tryStatic(paragraphs: Paragraph[], faces: Face[], board: Required<LedBoardSpec>, s: Settings): Layout | null {
  // A line break the author typed is kept whenever some face has room for the lines; only then are
  // the paragraphs run together on one line.
  if (paragraphs.length > 1 && s.multiLine) {
    for (const face of faces) {
      const { count, gap } = linesFor(face, board.height, true);
      if (count < paragraphs.length) continue;
      const { lines, cut } = wrap(paragraphs, face, board.width);
      if (!cut && lines.length <= count) return { mode: 'static', face, pages: [lines], gap };
    }
  }
  const oneLine = joinParagraphs(paragraphs);
  const joined = [oneLine.length > 0 ? splitWords(oneLine) : []];
  for (const face of faces) {
    const { count, gap } = linesFor(face, board.height, s.multiLine);
    if (lineWidth(face, oneLine) <= board.width) return { mode: 'static', face, pages: [[oneLine]], gap };
    if (count > 1) {
      const { lines, cut } = wrap(joined, face, board.width);
      if (!cut && lines.length <= count) return { mode: 'static', face, pages: [lines], gap };
    }
  }
  return null;
}

function splitWords(line: number[]): number[][] {
  const words: number[][] = [[]];
  for (const cp of line) {
    if (cp === SPACE) words.push([]);
    else words[words.length - 1]!.push(cp);
  }
  return words.filter((w) => w.length > 0);
}

function pagedWith(paragraphs: Paragraph[], face: Face, board: Required<LedBoardSpec>, s: Settings): Layout {
  const { count, gap } = linesFor(face, board.height, s.multiLine);
  const { lines, cut } = wrap(paragraphs, face, board.width);
  const pages: number[][][] = [];
  for (let i = 0; i < lines.length; i += count) pages.push(lines.slice(i, i + count));
  return { mode: 'paged', face, pages, gap, cut };
}

function choosePaged(
  paragraphs: Paragraph[],
  faces: Face[],
  board: Required<LedBoardSpec>,
  s: Settings,
  strict: boolean,
): Layout | null {
  let fallback: Layout | null = null;
  for (const face of faces) {
    const l = pagedWith(paragraphs, face, board, s);
    if (!l.cut && (!strict || l.pages.length <= s.maxPages)) return l;
    // Narrower faces cut fewer words, so the last one tried is the best fallback.
    fallback = l;
  }
  return strict ? null : fallback;
}

function scrollFrames(strip: Bitmap, board: Required<LedBoardSpec>, s: Settings): { frames: Frame[]; stepPx: number } {
  const travel = board.width + strip.width;
  let step = s.stepPx ?? 1;
  if (s.stepPx === null) while (Math.ceil(travel / step) + 1 > s.maxFrames && step < board.width) step *= 2;
  const count = Math.ceil(travel / step) + 1;
  const durationMs = (step / s.pxPerSecond) * 1000;
  const frames: Frame[] = [];
  for (let i = 0; i < count; i++) {
    // Left edge of the text on the board: starts just past the right edge, ends fully past the left.
    const p = board.width - i * step;
    const b = createBitmap(board.width, board.height);
    const from = Math.max(0, p);
    const to = Math.min(board.width, p + strip.width);
    if (to > from) {
      for (let y = 0; y < board.height; y++) {
        const src = y * strip.width + (from - p);
        b.data.set(strip.data.subarray(src, src + (to - from)), y * board.width + from);
      }
    }
    frames.push({ bitmap: b, durationMs });
  }
  return { frames, stepPx: step };
}

function missingGlyphs(paragraphs: Paragraph[], font: LedFont): number[] {
  const seen = new Set<number>();
  for (const words of paragraphs)
    for (const word of words) for (const cp of word) if (glyphOf(font, cp) < 0) seen.add(cp);
  return [...seen];
}

/**
 * Lays a slogan out for one LED board and returns exactly the pixels the board shows, frame by frame.
 * Pure and deterministic: the admin preview and the serial drivers call this with the same arguments.
 */
export function renderSlogan(text: string, boardSpec: LedBoardSpec, options: RenderOptions = {}): RenderResult {
  const paragraphs = parseText(text);
  const board = checkBoard(boardSpec);
  const warnings: RenderWarning[] = [];
  const s = checkOptions(options, board, warnings);

  if (board.height < MIN_VIETNAMESE_ROWS) warnings.push(warning('too-few-rows', { rows: board.height }));
  const { faces, tooTall } = candidateFaces(board.height, s);
  if (tooTall && board.height >= MIN_VIETNAMESE_ROWS) {
    warnings.push(warning('font-too-tall', { font: faces[0]!.font.id, rows: board.height, need: faces[0]!.height }));
  }

  let layout: Layout | null = null;
  if (s.mode === 'static' || s.mode === 'auto') layout = tryStatic(paragraphs, faces, board, s);
  if (!layout && s.mode === 'static') {
    // Forced static that does not fit: show the start of the text in the narrowest face.
    const face = faces[faces.length - 1]!;
    layout = { mode: 'static', face, pages: [[joinParagraphs(paragraphs)]], gap: 0, clipped: true };
  }
  if (!layout && (s.mode === 'paged' || s.mode === 'auto'))
    layout = choosePaged(paragraphs, faces, board, s, s.mode === 'auto');

  const oneLine = joinParagraphs(paragraphs);
  let frames: Frame[];
  let strip: Bitmap | undefined;
  let face: Face;
  let mode: LayoutMode;
  let lines = 1;
  let stepPx: number | undefined;
  if (layout) {
    face = layout.face;
    mode = layout.mode;
    lines = Math.max(...layout.pages.map((p) => p.length));
    const align = layout.clipped ? 'left' : s.align;
    frames = layout.pages.map((page) => ({
      bitmap: drawScreen(board, face, page, layout.gap, s, align),
      durationMs: s.pageMs,
    }));
    if (layout.clipped) warnings.push(warning('text-clipped', {}));
    if (layout.cut) warnings.push(warning('word-cut', {}));
  } else {
    face = faces[0]!;
    mode = 'scroll';
    strip = createBitmap(Math.max(1, lineWidth(face, oneLine)), board.height);
    drawLine(strip, face, oneLine, 0, Math.floor((board.height - face.height) / 2), s.colour);
    const scrolled = scrollFrames(strip, board, s);
    frames = scrolled.frames;
    stepPx = scrolled.stepPx;
  }

  for (const cp of missingGlyphs(paragraphs, face.font))
    warnings.push(warning('missing-glyph', { cp, font: face.font.id }));
  const textWidthPx = lineWidth(face, oneLine);
  const totalMs = frames.reduce((sum, f) => sum + f.durationMs, 0);
  if (mode === 'scroll' && totalMs > LONG_SCROLL_MS) warnings.push(warning('text-too-long', { ms: totalMs }));
  if (mode === 'paged' && frames.length > MANY_PAGES) warnings.push(warning('text-too-long', { pages: frames.length }));

  const screensWide = Math.round((textWidthPx / board.width) * 10) / 10;
  const { message, messageEn } = describeFit({
    mode,
    screensWide,
    pages: frames.length,
    pageMs: s.pageMs,
    totalMs,
    lines,
  });
  const fit: FitReport = {
    mode,
    fontId: face.font.id,
    scale: face.scale,
    lines,
    textWidthPx,
    screensWide,
    pages: mode === 'scroll' ? 1 : frames.length,
    totalMs,
    ...(mode === 'scroll' ? { scrollMs: totalMs, scrollStepPx: stepPx } : {}),
    message,
    messageEn,
    warnings,
  };
  return strip ? { frames, mode, strip, fit } : { frames, mode, fit };
}
