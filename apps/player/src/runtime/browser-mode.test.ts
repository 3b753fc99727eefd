/**
 * Issue 14, item 12: the renderer bridge (browser mode's WebSocket on loopback) takes only the page
 * the player opened: exact Origin and this start's bridge key. Real `ws` clients against the real
 * server on port 0; a forged survey answer must never reach the runtime.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RendererToRuntime } from '../renderer/bridge-protocol';
import { type BrowserMode, startBrowserMode } from './browser-mode';

let dir: string;
let bm: BrowserMode;
const received: RendererToRuntime[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-bridge-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>bangtin</title>');
  bm = await startBrowserMode({ port: 0, rendererDir: dir, mediaFile: () => null, log: pino({ level: 'silent' }) });
  bm.onMessage((m) => received.push(m));
});
afterAll(async () => {
  await bm.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const survey: RendererToRuntime = {
  type: 'survey',
  answer: { surveyId: 'gia-mao', rating: 1, choice: null, at: Date.now() },
};

const key = () => new URL(bm.pageUrl).searchParams.get('bridge')!;
const own = () => new URL(bm.url).origin;

/** Opens a real WebSocket; resolves 'open' (after sending a forged survey answer) or the HTTP status. */
function attempt(query: string, headers: Record<string, string>): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${bm.port}/bridge${query}`, { headers });
    ws.on('open', () => {
      ws.send(JSON.stringify(survey), () => {
        // The server handles the message before it answers this ping.
        ws.ping();
        ws.once('pong', () => {
          ws.close();
          resolve('open');
        });
      });
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', (err) => reject(err));
  });
}

describe('renderer bridge: who may connect', () => {
  it('draws a long random key per start and puts it in the page URL', async () => {
    expect(key()).toMatch(/^[\w-]{43}$/);
    expect(bm.pageUrl).toBe(`${bm.url}?bridge=${key()}`);
    const other = await startBrowserMode({
      port: 0,
      rendererDir: dir,
      mediaFile: () => null,
      log: pino({ level: 'silent' }),
    });
    try {
      expect(new URL(other.pageUrl).searchParams.get('bridge')).not.toBe(key());
    } finally {
      await other.close();
    }
  });

  it('refuses a client without Origin, even with the key', async () => {
    expect(await attempt(`?bridge=${key()}`, {})).toBe(403);
  });

  it('refuses another Origin', async () => {
    expect(await attempt(`?bridge=${key()}`, { origin: 'http://evil.example' })).toBe(403);
    expect(await attempt(`?bridge=${key()}`, { origin: `http://localhost:${bm.port}` })).toBe(403);
  });

  it('refuses an Origin that matches a spoofed Host', async () => {
    expect(await attempt(`?bridge=${key()}`, { host: 'evil.example:8080', origin: 'http://evil.example:8080' })).toBe(
      403,
    );
  });

  it('refuses the right Origin without the key, or with a wrong one', async () => {
    expect(await attempt('', { origin: own() })).toBe(403);
    expect(await attempt(`?bridge=${'A'.repeat(43)}`, { origin: own() })).toBe(403);
    expect(await attempt(`?bridge=${key()}x`, { origin: own() })).toBe(403);
  });

  it('none of the refused clients delivered a message', () => {
    expect(received).toEqual([]);
  });

  it('accepts the right Origin with the key: messages flow both ways', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${bm.port}/bridge?bridge=${key()}`, { headers: { origin: own() } });
    const got: unknown[] = [];
    ws.on('message', (d) => got.push(JSON.parse(String(d))));
    await new Promise<void>((r, j) => {
      ws.once('open', () => r());
      ws.once('error', j);
    });
    ws.send(JSON.stringify(survey));
    await expect.poll(() => received).toEqual([survey]);
    bm.send({ type: 'idle' });
    await expect.poll(() => got).toEqual([{ type: 'idle' }]);
    ws.close();
  });
});
