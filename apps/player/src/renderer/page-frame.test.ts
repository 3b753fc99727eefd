import { describe, expect, it } from 'vitest';
import { pageSrcdoc } from './page-frame';

const SHA = 'ab'.repeat(32);

describe('pageSrcdoc', () => {
  it('points media: images at the local cache and allows no script', () => {
    const doc = pageSrcdoc(`<p>Thủ tục</p><img src="media:${SHA}" alt="">`, 'http://127.0.0.1:5174/media/');
    expect(doc).toContain(`<img src="http://127.0.0.1:5174/media/${SHA}" alt="">`);
    expect(doc).toContain("default-src 'none'; img-src http://127.0.0.1:5174 data:");
    expect(doc).not.toMatch(/script-src/);
    expect(doc).toContain('<html lang="vi">');
  });
  it('leaves text that merely mentions media: alone', () => {
    const doc = pageSrcdoc(`<p>media:${SHA}</p>`, 'bangtin-media://m/');
    expect(doc).toContain(`<p>media:${SHA}</p>`);
    expect(doc).toContain('img-src bangtin-media: data:');
  });
});
