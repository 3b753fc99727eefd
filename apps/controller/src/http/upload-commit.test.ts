/**
 * Issue 14, item 10, on a real controller (port 0, SQLite and media folder in a temp dir): a refused
 * upload leaves no file and no media row (nothing is committed before every check passed), and a
 * screenshot's output name with Vietnamese letters is stored and sent back percent-encoded.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './test-harness';

const harness = createHarness('upload-commit');
afterAll(() => harness.cleanup());
let h: Harness;

beforeAll(async () => {
  h = await harness.start();
});

function pngOf(width: number, height: number, seed = 0): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < png.data.length; i += 4) png.data.set([(i / 4 + seed) % 256, 0x3d, 0x91, 255], i);
  return PNG.sync.write(png);
}

async function upload(bytes: Buffer, name = 'anh.png') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const res = await fetch(`${h.c.url}/api/v1/content`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.admin}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; field: string } } };
}

/** Files in the media folder and its thumbnails, temporary ones included. */
const mediaFiles = () => {
  const dir = path.join(h.dataDir, 'media');
  return [
    ...fs.readdirSync(dir).filter((f) => f !== 'thumbnails'),
    ...fs.readdirSync(path.join(dir, 'thumbnails')).map((f) => `thumbnails/${f}`),
  ];
};
const mediaRows = () => (h.c.store.db.prepare('SELECT count(*) AS n FROM media').get() as { n: number }).n;
const contentRows = () => (h.c.store.db.prepare('SELECT count(*) AS n FROM content').get() as { n: number }).n;

describe('a refused upload leaves nothing behind', () => {
  it('refuses a PNG with an HTML page appended (a polyglot): no file, no media row, nothing served', async () => {
    const before = { files: mediaFiles(), media: mediaRows(), content: contentRows() };
    const polyglot = Buffer.concat([
      pngOf(64, 32),
      Buffer.from('<!doctype html><html><body><script>fetch("/api/v1/users")</script></body></html>'),
    ]);
    const r = await upload(polyglot);
    expect(r).toMatchObject({ status: 415, body: { error: { code: 'trailing-data', field: 'file' } } });
    expect(mediaFiles()).toEqual(before.files);
    expect(mediaRows()).toBe(before.media);
    expect(contentRows()).toBe(before.content);
    const sha = (await import('node:crypto')).createHash('sha256').update(polyglot).digest('hex');
    const served = await fetch(`${h.c.url}/api/v1/media/${sha}`, { headers: { authorization: `Bearer ${h.admin}` } });
    expect(served.status).toBe(404);
  });

  it('keeps nothing when storing the content item fails after the checks (the commit is undone)', async () => {
    const before = { files: mediaFiles(), media: mediaRows() };
    // A real SQLite failure at the last step of the commit.
    h.c.store.db.exec(
      "CREATE TEMP TRIGGER refuse_content BEFORE INSERT ON content BEGIN SELECT RAISE(ABORT, 'disk says no'); END",
    );
    try {
      expect((await upload(pngOf(40, 20, 7))).status).toBe(500);
    } finally {
      h.c.store.db.exec('DROP TRIGGER refuse_content');
    }
    expect(mediaFiles()).toEqual(before.files);
    expect(mediaRows()).toBe(before.media);
  });

  it('stores a plain PNG: its file, thumbnail, media row and content item', async () => {
    const png = pngOf(48, 24, 3);
    const r = await upload(png);
    expect(r.status).toBe(201);
    const sha = (r.body as unknown as { sha256: string }).sha256;
    expect(mediaFiles().sort()).toEqual(expect.arrayContaining([sha, `thumbnails/${sha}.jpg`]));
    expect(mediaFiles().filter((f) => f.startsWith('.'))).toEqual([]);
    const served = await fetch(`${h.c.url}/api/v1/media/${sha}`, { headers: { authorization: `Bearer ${h.admin}` } });
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
  });
});

describe('screenshot output names', () => {
  it('stores "Đèn LED" and serves it percent-encoded as UTF-8; refuses control characters by field', async () => {
    const dev = await h.call(h.admin, 'POST', '/devices', { name: 'Bảng LED Tam Kỳ', kind: 'led' });
    const socket = h.player(dev.body.token);
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const upload = (output: string) =>
      socket.timeout(5000).emitWithAck('screenshot:upload', { png: pngOf(32, 16), capturedAt: Date.now(), output });

    expect(await upload('Đèn\r\nSet-Cookie: x=1')).toMatchObject({
      error: { code: 'invalid-screenshot', field: 'output' },
    });
    // Sent decomposed (NFD), stored composed.
    expect(await upload('Đèn LED'.normalize('NFD'))).toMatchObject({ stored: true });
    const res = await fetch(`${h.c.url}/api/v1/devices/${dev.body.id}/screenshot`, {
      headers: { authorization: `Bearer ${h.admin}` },
    });
    expect(res.status).toBe(200);
    const header = res.headers.get('x-screenshot-output')!;
    expect(header).toBe('%C4%90%C3%A8n%20LED');
    expect(decodeURIComponent(header)).toBe('Đèn LED'.normalize('NFC'));
  });
});
