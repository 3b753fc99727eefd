import { describe, expect, it } from 'vitest';
import { getPixel, type Bitmap } from './bitmap';
import { renderSlogan } from './render';
import { bitmapsEqual, toTextArt } from './text-art';

function litColumns(b: Bitmap): number[] {
  const cols: number[] = [];
  for (let x = 0; x < b.width; x++)
    for (let y = 0; y < b.height; y++)
      if (getPixel(b, x, y)) {
        cols.push(x);
        break;
      }
  return cols;
}

function litRows(b: Bitmap): number[] {
  const rows: number[] = [];
  for (let y = 0; y < b.height; y++)
    for (let x = 0; x < b.width; x++)
      if (getPixel(b, x, y)) {
        rows.push(y);
        break;
      }
  return rows;
}

const blank = (b: Bitmap): boolean => b.data.every((v) => v === 0);

describe('renderSlogan static', () => {
  it('shows short text still, centred, in the largest font that fits', () => {
    const r = renderSlogan('BHXH', { width: 96, height: 16 });
    expect(r.mode).toBe('static');
    expect(r.frames).toHaveLength(1);
    expect(r.fit.fontId).toBe('unifont-8x16');
    const cols = litColumns(r.frames[0]!.bitmap);
    const left = cols[0]!;
    const right = 95 - cols[cols.length - 1]!;
    expect(Math.abs(left - right)).toBeLessThanOrEqual(2);
    expect(r.fit.message).toBe('Vừa một màn hình: hiển thị đứng yên');
    expect(r.fit.warnings).toEqual([]);
  });

  it('falls back to a narrower font before giving up on static', () => {
    // 14 letters: 112 px in 8-px fonts, 84 px in 6x13.
    const r = renderSlogan('An sinh xã hội', { width: 96, height: 16 });
    expect(r.mode).toBe('static');
    expect(r.fit.fontId).toBe('fixed-6x13');
    expect(r.fit.textWidthPx).toBe(84);
  });

  it('uses two lines on a tall board', () => {
    const r = renderSlogan('Tham gia BHXH', { width: 64, height: 32 });
    expect(r.mode).toBe('static');
    expect(r.fit.lines).toBe(2);
    const rows = litRows(r.frames[0]!.bitmap);
    expect(rows[0]!).toBeLessThan(16);
    expect(rows[rows.length - 1]!).toBeGreaterThanOrEqual(16);
  });

  it('aligns left and right on request', () => {
    const left = renderSlogan('BHXH', { width: 96, height: 16 }, { align: 'left' });
    const right = renderSlogan('BHXH', { width: 96, height: 16 }, { align: 'right' });
    expect(litColumns(left.frames[0]!.bitmap)[0]).toBeLessThan(3);
    expect(litColumns(right.frames[0]!.bitmap).at(-1)).toBeGreaterThan(92);
  });

  it('clips and warns when static is forced on text that cannot fit', () => {
    const r = renderSlogan(
      'Bảo hiểm xã hội là trụ cột chính của hệ thống an sinh',
      { width: 64, height: 16 },
      { mode: 'static' },
    );
    expect(r.mode).toBe('static');
    expect(r.fit.warnings.map((w) => w.code)).toContain('text-clipped');
  });
});

describe('renderSlogan paged', () => {
  it('splits on word boundaries and never cuts a word that fits', () => {
    const text = 'Tham gia BHXH tự nguyện – an tâm tuổi già';
    const r = renderSlogan(text, { width: 96, height: 16 }, { mode: 'paged', pageMs: 2500 });
    expect(r.mode).toBe('paged');
    expect(r.frames.length).toBeGreaterThan(1);
    for (const f of r.frames) expect(f.durationMs).toBe(2500);
    // Re-render each page's words as static text: identical pixels prove the page holds whole words.
    const charsPerLine = Math.floor(
      96 / (r.fit.fontId === 'unifont-8x16' ? 8 : Number(r.fit.fontId.split('-')[1]!.split('x')[0])),
    );
    const words = text.split(' ');
    const pages: string[] = [];
    for (const w of words) {
      const last = pages.at(-1);
      if (last !== undefined && [...`${last} ${w}`].length <= charsPerLine) pages[pages.length - 1] = `${last} ${w}`;
      else pages.push(w);
    }
    expect(r.frames).toHaveLength(pages.length);
    pages.forEach((p, i) => {
      const alone = renderSlogan(p, { width: 96, height: 16 }, { mode: 'static', font: r.fit.fontId, scale: 1 });
      expect(bitmapsEqual(alone.frames[0]!.bitmap, r.frames[i]!.bitmap)).toBe(true);
    });
    expect(r.fit.message).toBe(
      `Rộng ${String(r.fit.screensWide).replace('.', ',')} màn hình: chia ${pages.length} trang, mỗi trang 2,5 giây`,
    );
  });

  it('cuts a word wider than the board between letters and warns', () => {
    const r = renderSlogan('Nghiêngnghiêngnghiêng', { width: 48, height: 16 }, { mode: 'paged', font: 'unifont-8x16' });
    expect(r.frames).toHaveLength(4); // 21 letters, 6 per screen
    expect(r.fit.warnings.map((w) => w.code)).toContain('word-cut');
    // The first page is exactly the first six letters, each whole.
    const first = renderSlogan('Nghiên', { width: 48, height: 16 }, { mode: 'static', font: 'unifont-8x16' });
    expect(bitmapsEqual(first.frames[0]!.bitmap, r.frames[0]!.bitmap)).toBe(true);
  });

  it('auto picks pages when they hold whole words and are few', () => {
    const r = renderSlogan('Đóng BHXH, BHYT đầy đủ', { width: 96, height: 16 });
    expect(r.mode).toBe('paged');
    expect(r.frames.length).toBeLessThanOrEqual(3);
  });
});

describe('renderSlogan scroll', () => {
  const text = 'Bảo hiểm xã hội là trụ cột chính của hệ thống an sinh xã hội';
  const board = { width: 96, height: 16 };

  it('enters from the right edge and leaves at the left', () => {
    const r = renderSlogan(text, board, { mode: 'scroll', scrollStepPx: 4, scrollPxPerSecond: 20 });
    expect(r.mode).toBe('scroll');
    expect(r.strip).toBeDefined();
    const frames = r.frames;
    expect(blank(frames[0]!.bitmap)).toBe(true);
    expect(blank(frames.at(-1)!.bitmap)).toBe(true);
    // Second frame: only the rightmost 4 columns can be lit.
    const cols = litColumns(frames[1]!.bitmap);
    expect(cols.length).toBeGreaterThan(0);
    expect(Math.min(...cols)).toBeGreaterThanOrEqual(92);
    // The second-to-last frame shows just the tail of the text at the left edge.
    expect(Math.max(...litColumns(frames.at(-2)!.bitmap))).toBeLessThan(4);
    for (const f of frames) expect(f.durationMs).toBe(200);
    expect(r.fit.scrollMs).toBe(frames.length * 200);
    expect(r.fit.totalMs).toBe(r.fit.scrollMs);
  });

  it('makes every frame a window onto the strip', () => {
    const r = renderSlogan(text, board, { mode: 'scroll', scrollStepPx: 8 });
    const strip = r.strip!;
    r.frames.forEach((f, i) => {
      const p = board.width - i * 8;
      for (let y = 0; y < board.height; y++) {
        for (let x = 0; x < board.width; x++) {
          const sx = x - p;
          const want = sx >= 0 && sx < strip.width ? getPixel(strip, sx, y) : 0;
          if (getPixel(f.bitmap, x, y) !== want) throw new Error(`frame ${i} differs at ${x},${y}`);
        }
      }
    });
  });

  it('keeps the frame list small by default and reports the time in Vietnamese', () => {
    const r = renderSlogan(text, board);
    expect(r.mode).toBe('scroll');
    expect(r.frames.length).toBeLessThanOrEqual(120);
    const seconds = r.fit.scrollMs! / 1000;
    expect(r.fit.message).toMatch(/^Rộng \d+,\d màn hình: chạy chữ trong \d+ giây$/);
    expect(r.fit.message).toContain(`${Math.round(seconds)} giây`);
    expect(r.fit.messageEn).toMatch(/screens wide: scrolls in \d+ s$/);
    expect(r.fit.screensWide).toBeCloseTo(r.fit.textWidthPx / 96, 1);
  });

  it('warns when scrolling takes over a minute', () => {
    const r = renderSlogan(`${text} ${text} ${text}`, board, { mode: 'scroll', scrollPxPerSecond: 10 });
    expect(r.fit.warnings.map((w) => w.code)).toContain('text-too-long');
  });
});

describe('renderSlogan input', () => {
  it('renders decomposed and precomposed Vietnamese identically', () => {
    const pre = renderSlogan('Tiếng Việt: ế ở ữ ặ', { width: 128, height: 16 });
    const dec = renderSlogan(
      'Tie\u0302\u0301ng Vie\u0323\u0302t: e\u0302\u0301 o\u031b\u0309 u\u031b\u0303 a\u0306\u0323',
      { width: 128, height: 16 },
    );
    expect(dec.frames).toHaveLength(pre.frames.length);
    pre.frames.forEach((f, i) => expect(bitmapsEqual(f.bitmap, dec.frames[i]!.bitmap)).toBe(true));
    expect(dec.fit.warnings).toEqual([]);
  });

  it('drops invisible characters and keeps an author line break on a tall board', () => {
    const clean = renderSlogan('BHXH', { width: 96, height: 16 });
    const dirty = renderSlogan('B\u200bH\u00adXH\u0007', { width: 96, height: 16 });
    expect(bitmapsEqual(clean.frames[0]!.bitmap, dirty.frames[0]!.bitmap)).toBe(true);
    const broken = renderSlogan('An\nsinh', { width: 96, height: 32 });
    expect(broken.fit.lines).toBe(2);
  });

  it('warns about boards with too few rows for diacritics', () => {
    const r = renderSlogan('Xin chào', { width: 64, height: 7 });
    const w = r.fit.warnings.find((x) => x.code === 'too-few-rows');
    expect(w?.message).toBe('Bảng này chỉ có 7 hàng: chữ tiếng Việt có dấu cần ít nhất 12 hàng');
    expect(w?.messageEn).toBe('This board has 7 rows: Vietnamese diacritics need at least 12');
    expect(r.frames[0]!.bitmap.height).toBe(7);
  });

  it('fits 12-row boards without the warning', () => {
    const r = renderSlogan('Hệ thống', { width: 80, height: 12 });
    expect(r.fit.warnings).toEqual([]);
    expect(r.fit.fontId).toMatch(/12-vn$/);
  });

  it('rejects empty text and impossible boards with clear errors', () => {
    expect(() => renderSlogan('   \n ', { width: 96, height: 16 })).toThrow(/empty/);
    expect(() => renderSlogan(42 as unknown as string, { width: 96, height: 16 })).toThrow(TypeError);
    expect(() => renderSlogan('A', { width: 0, height: 16 })).toThrow(RangeError);
    expect(() => renderSlogan('A', { width: 96, height: -1 })).toThrow(RangeError);
    expect(() => renderSlogan('A', { width: 96.5, height: 16 })).toThrow(TypeError);
    expect(() => renderSlogan('A', { width: 100_000, height: 16 })).toThrow(/width/);
    expect(() => renderSlogan('A', { width: 96, height: 16 }, { font: 'comic-sans' })).toThrow(/unknown LED font/);
    expect(() => renderSlogan('A', { width: 96, height: 16 }, { scrollPxPerSecond: 0 })).toThrow(RangeError);
    expect(() => renderSlogan('A', { width: 96, height: 16 }, { colour: 0 })).toThrow(RangeError);
    expect(() => renderSlogan('A'.repeat(2001), { width: 96, height: 16 })).toThrow(RangeError);
  });

  it('is deterministic', () => {
    const a = renderSlogan('Đóng BHXH, BHYT đầy đủ để được hưởng quyền lợi', { width: 96, height: 16 });
    const b = renderSlogan('Đóng BHXH, BHYT đầy đủ để được hưởng quyền lợi', { width: 96, height: 16 });
    expect(a.frames.map((f) => toTextArt(f.bitmap))).toEqual(b.frames.map((f) => toTextArt(f.bitmap)));
    expect(a.fit).toEqual(b.fit);
  });
});

describe('renderSlogan colours', () => {
  it('paints lit pixels with the chosen palette index on colour boards', () => {
    const r = renderSlogan('BHXH', { width: 96, height: 16, colour: 'tri' }, { colour: 2 });
    expect(new Set(r.frames[0]!.bitmap.data)).toEqual(new Set([0, 2]));
  });

  it('falls back to colour 1 on a mono board and says so', () => {
    const r = renderSlogan('BHXH', { width: 96, height: 16, colour: 'mono' }, { colour: 3 });
    expect(new Set(r.frames[0]!.bitmap.data)).toEqual(new Set([0, 1]));
    expect(r.fit.warnings.map((w) => w.code)).toEqual(['colour-not-supported']);
  });

  it('allows RGB-only colours on RGB boards', () => {
    const r = renderSlogan('BHXH', { width: 96, height: 16, colour: 'rgb' }, { colour: 10 });
    expect(new Set(r.frames[0]!.bitmap.data)).toEqual(new Set([0, 10]));
  });
});
