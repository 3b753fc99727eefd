import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { makeThumbnail, missingTools, probeMedia, sniffMime, systemTools } from './media-probe';
import { sanitizePageHtml } from './page-html';

const bytes = (...b: number[]) => Uint8Array.from([...b, ...new Array(60).fill(0)]);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

describe('sniffMime', () => {
  it('recognises the five playable formats by their first bytes', () => {
    expect(sniffMime(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(sniffMime(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe('image/png');
    expect(sniffMime(bytes(...ascii('RIFF'), 1, 2, 3, 4, ...ascii('WEBPVP8 ')))).toBe('image/webp');
    expect(sniffMime(bytes(0, 0, 0, 0x20, ...ascii('ftypisom')))).toBe('video/mp4');
    expect(sniffMime(bytes(0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84, ...ascii('webm')))).toBe('video/webm');
  });
  it('refuses look-alikes and everything else', () => {
    expect(sniffMime(bytes(0, 0, 0, 0x20, ...ascii('ftypheic')))).toBeNull(); // HEIF still image
    expect(sniffMime(bytes(0, 0, 0, 0x20, ...ascii('ftypqt  ')))).toBeNull(); // QuickTime
    expect(sniffMime(bytes(0x1a, 0x45, 0xdf, 0xa3, ...ascii('matroska')))).toBeNull(); // MKV, not WebM
    expect(sniffMime(bytes(...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WAVE')))).toBeNull();
    expect(sniffMime(bytes(...ascii('MZ')))).toBeNull(); // a renamed .exe
    expect(sniffMime(bytes(...ascii('<svg')))).toBeNull(); // SVG can carry script
    expect(sniffMime(new Uint8Array())).toBeNull();
  });
});

describe('probeMedia (Debian ffprobe)', () => {
  it('reads dimensions and duration of a real clip', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-probe-'));
    const file = path.join(dir, 'clip.webm');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=s=160x90:r=10:d=1', '-c:v', 'libvpx', file]);
    const p = await probeMedia(file, 'video/webm');
    expect(p).toMatchObject({ width: 160, height: 90, videoCodec: 'vp8' });
    expect(p.durationMs).toBeGreaterThanOrEqual(900);
    expect(p.durationMs).toBeLessThanOrEqual(1100);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('without ffmpeg on PATH', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-noffmpeg-'));
  // A PATH with nothing on it: the lookup is the real one, the machine just lacks the programs.
  const bare = systemTools({ PATH: path.join(dir, 'empty-bin') });
  const png = path.join(dir, 'board.png');
  const solid = { width: 640, height: 360, channels: 3 as const, background: { r: 200, g: 16, b: 46 } };

  it('names both programs as missing, and none with the real PATH', async () => {
    expect(await missingTools(bare)).toEqual(['ffprobe', 'ffmpeg']);
    expect(await missingTools(systemTools())).toEqual([]);
  });

  it('still reads an image and makes its thumbnail in-process', async () => {
    await sharp({ create: solid }).png().toFile(png);
    expect(await probeMedia(png, 'image/png', bare)).toEqual({
      width: 640,
      height: 360,
      durationMs: null,
      videoCodec: null,
    });
    const thumb = path.join(dir, 'thumb.jpg');
    expect(await makeThumbnail(png, 'image/png', thumb, bare)).toBe(true);
    const meta = await sharp(thumb).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 320, height: 180 });
  });

  it('refuses a truncated image', async () => {
    const jpg = path.join(dir, 'photo.jpg');
    await sharp({ create: solid }).jpeg().toFile(jpg);
    const bytes = fs.readFileSync(jpg);
    const cut = path.join(dir, 'cut.jpg');
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(probeMedia(cut, 'image/jpeg', bare)).rejects.toThrow();
  });

  it('accepts a video without its length, and makes no thumbnail', async () => {
    const clip = path.join(dir, 'clip.webm');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=s=160x90:r=10:d=1', '-c:v', 'libvpx', clip]);
    expect(await probeMedia(clip, 'video/webm', bare)).toEqual({
      width: null,
      height: null,
      durationMs: null,
      videoCodec: null,
    });
    expect(await makeThumbnail(clip, 'video/webm', path.join(dir, 'clip.jpg'), bare)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'clip.jpg'))).toBe(false);
  });
});

describe('sanitizePageHtml', () => {
  const sha = 'c'.repeat(64);
  it('drops script, handlers, styles, frames and foreign images; keeps text and media-store images', () => {
    const { html, media } = sanitizePageHtml(
      `<h2 onclick="x()">Hồ sơ</h2><script>alert(1)</script><style>*{}</style><iframe src="https://x"></iframe>` +
        `<p style="color:red">Mang <b>CCCD</b></p><img src="media:${sha}" onerror="y()"><img src="https://t/x.png">` +
        `<a href="javascript:alert(1)">x</a><svg><script>z()</script></svg>`,
    );
    expect(html).toBe(`<h2>Hồ sơ</h2><p>Mang <b>CCCD</b></p><img src="media:${sha}" /><a>x</a>`);
    expect(media).toEqual([sha]);
  });
  it('normalises Vietnamese to NFC', () => {
    const decomposed = 'Bảo hiểm'.normalize('NFD');
    expect(sanitizePageHtml(`<p>${decomposed}</p>`).html).toBe('<p>Bảo hiểm</p>');
  });
});
