import { describe, expect, it } from 'vitest';
import { parseTags } from './tags';

describe('parseTags', () => {
  it('splits on commas and semicolons, trims, drops empties and repeats', () => {
    expect(parseTags(' chợ , trường học;; chợ ,\nngoài trời ')).toEqual(['chợ', 'trường học', 'ngoài trời']);
    expect(parseTags('')).toEqual([]);
  });

  it('normalises decomposed Vietnamese to NFC so the same tag is not stored twice', () => {
    const decomposed = 'cho\u031b\u0323'; // "chợ" typed with combining marks
    expect(parseTags(`${decomposed}, chợ`)).toEqual(['chợ']);
  });
});
