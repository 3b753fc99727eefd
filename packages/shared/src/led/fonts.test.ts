import { describe, expect, it } from 'vitest';
import { getLedFont, LED_FONTS } from './fonts';
import { renderSlogan } from './render';
import { toTextArt } from './text-art';

// Written out by hand (not generated) so a build-script bug cannot shrink the list it is checked against.
const VIETNAMESE_LETTERS = [
  'à',
  'á',
  'ả',
  'ã',
  'ạ',
  'ă',
  'ằ',
  'ắ',
  'ẳ',
  'ẵ',
  'ặ',
  'â',
  'ầ',
  'ấ',
  'ẩ',
  'ẫ',
  'ậ',
  'đ',
  'è',
  'é',
  'ẻ',
  'ẽ',
  'ẹ',
  'ê',
  'ề',
  'ế',
  'ể',
  'ễ',
  'ệ',
  'ì',
  'í',
  'ỉ',
  'ĩ',
  'ị',
  'ò',
  'ó',
  'ỏ',
  'õ',
  'ọ',
  'ô',
  'ồ',
  'ố',
  'ổ',
  'ỗ',
  'ộ',
  'ơ',
  'ờ',
  'ớ',
  'ở',
  'ỡ',
  'ợ',
  'ù',
  'ú',
  'ủ',
  'ũ',
  'ụ',
  'ư',
  'ừ',
  'ứ',
  'ử',
  'ữ',
  'ự',
  'ỳ',
  'ý',
  'ỷ',
  'ỹ',
  'ỵ',
  'À',
  'Á',
  'Ả',
  'Ã',
  'Ạ',
  'Ă',
  'Ằ',
  'Ắ',
  'Ẳ',
  'Ẵ',
  'Ặ',
  'Â',
  'Ầ',
  'Ấ',
  'Ẩ',
  'Ẫ',
  'Ậ',
  'Đ',
  'È',
  'É',
  'Ẻ',
  'Ẽ',
  'Ẹ',
  'Ê',
  'Ề',
  'Ế',
  'Ể',
  'Ễ',
  'Ệ',
  'Ì',
  'Í',
  'Ỉ',
  'Ĩ',
  'Ị',
  'Ò',
  'Ó',
  'Ỏ',
  'Õ',
  'Ọ',
  'Ô',
  'Ồ',
  'Ố',
  'Ổ',
  'Ỗ',
  'Ộ',
  'Ơ',
  'Ờ',
  'Ớ',
  'Ở',
  'Ỡ',
  'Ợ',
  'Ù',
  'Ú',
  'Ủ',
  'Ũ',
  'Ụ',
  'Ư',
  'Ừ',
  'Ứ',
  'Ử',
  'Ữ',
  'Ự',
  'Ỳ',
  'Ý',
  'Ỷ',
  'Ỹ',
  'Ỵ',
];

describe('Vietnamese letter list', () => {
  it('has 134 distinct NFC single code points', () => {
    expect(VIETNAMESE_LETTERS).toHaveLength(134);
    expect(new Set(VIETNAMESE_LETTERS).size).toBe(134);
    for (const l of VIETNAMESE_LETTERS) {
      expect(l.normalize('NFC')).toBe(l);
      expect([...l]).toHaveLength(1);
    }
  });

  it('equals every base letter × tone mark composed', () => {
    const bases = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y'];
    const tones = ['\u0300', '\u0301', '\u0309', '\u0303', '\u0323'];
    const composed = new Set<string>(['ă', 'â', 'ê', 'ô', 'ơ', 'ư', 'đ']);
    for (const b of bases) for (const t of tones) composed.add((b.normalize('NFD') + t).normalize('NFC'));
    for (const l of [...composed]) composed.add(l.toUpperCase());
    expect([...composed].sort()).toEqual([...VIETNAMESE_LETTERS].sort());
  });
});

describe('LED fonts', () => {
  it('lists fonts with ids, heights and licences', () => {
    expect(LED_FONTS.length).toBeGreaterThanOrEqual(7);
    for (const f of LED_FONTS) {
      expect(f.id).toMatch(/^[a-z0-9-]+$/);
      expect(f.height).toBeGreaterThanOrEqual(12);
      expect(f.licence.length).toBeGreaterThan(5);
    }
    const ids = LED_FONTS.map((f) => f.id);
    expect(ids).toEqual(
      expect.arrayContaining(['fixed-6x13', 'fixed-8x13', 'unifont-8x16', 'fixed-10x20', 'fixed-6x12-vn']),
    );
    // Ordered by line height so callers can pick "the largest that fits" by scanning.
    const heights = LED_FONTS.map((f) => f.height);
    expect(heights).toEqual([...heights].sort((a, b) => a - b));
  });

  it.each(LED_FONTS.map((f) => f.id))('%s has a real glyph for every Vietnamese letter and the punctuation', (id) => {
    const font = getLedFont(id);
    const missing = [...VIETNAMESE_LETTERS, ...'–—“”‘’…•«»°№'].filter((c) => !font.glyphIndex.has(c.codePointAt(0)!));
    expect(missing).toEqual([]);
    for (const l of VIETNAMESE_LETTERS) {
      const g = font.glyphIndex.get(l.codePointAt(0)!)!;
      const mask = font.masks.subarray(font.offsets[g]!, font.offsets[g]! + font.widths[g]! * font.height);
      expect(mask.some((v) => v === 1)).toBe(true);
    }
  });

  it.each(LED_FONTS.map((f) => f.id))('%s draws each accented letter differently from its neighbours', (id) => {
    // Catches a packing bug that shifts glyphs: "ệ" must not equal "ê" or "ẹ".
    const font = getLedFont(id);
    const pixels = (c: string): string => {
      const g = font.glyphIndex.get(c.codePointAt(0)!)!;
      return font.masks.subarray(font.offsets[g]!, font.offsets[g]! + font.widths[g]! * font.height).join('');
    };
    expect(new Set(VIETNAMESE_LETTERS.map(pixels)).size).toBe(134);
  });

  it('draws a missing glyph as a visible box and warns', () => {
    const r = renderSlogan('A中B', { width: 96, height: 16 }, { font: 'fixed-8x13' });
    const codes = r.fit.warnings.map((w) => w.code);
    expect(codes).toContain('missing-glyph');
    expect(r.fit.warnings.find((w) => w.code === 'missing-glyph')!.message).toContain('U+4E2D');
    const art = toTextArt(r.frames[0]!.bitmap).split('\n');
    // The middle glyph cell (8 px wide, centred: text 24 px from x=36) has a closed outline.
    const cell = art.map((row) => row.slice(44, 52));
    const lit = cell.filter((row) => row.includes('#'));
    expect(lit.length).toBeGreaterThan(5);
    expect(lit[0]).toMatch(/^\.#{6}\.$/);
    expect(lit[lit.length - 1]).toMatch(/^\.#{6}\.$/);
  });
});
