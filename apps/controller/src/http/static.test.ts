import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerStatic } from './static';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function appWith(files: Record<string, string> | null) {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-static-'));
  dirs.push(base);
  const root = path.join(base, 'dist');
  if (files) {
    for (const [name, body] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      fs.writeFileSync(path.join(root, name), body);
    }
  }
  fs.writeFileSync(path.join(base, 'secret.txt'), 'không được lộ');
  const app = Fastify();
  app.get('/api/v1/health', async () => ({ status: 'ok' }));
  await registerStatic(app, root);
  await app.ready();
  return { app, root };
}

describe('registerStatic', () => {
  it('answers a Vietnamese "build the UI" page while dist is missing', async () => {
    const { app } = await appWith(null);
    const r = await app.inject({ url: '/' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/html/);
    expect(r.body).toContain('Giao diện quản trị chưa được dựng');
    expect(r.body).toContain('pnpm build:web');
  });

  it('serves files, falls back to index.html for app paths, and keeps /api 404s as JSON', async () => {
    const { app, root } = await appWith({
      'index.html': '<div id="root"></div>',
      'assets/index-abc123.js': 'console.log(1)',
    });
    const asset = await app.inject({ url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log(1)');
    expect(asset.headers['cache-control']).toContain('immutable');

    for (const url of ['/', '/playlists', '/schedules/abc?x=1']) {
      const r = await app.inject({ url });
      expect(r.statusCode, url).toBe(200);
      expect(r.body).toBe('<div id="root"></div>');
      expect(r.headers['cache-control']).toBe('no-cache');
    }

    const api = await app.inject({ url: '/api/v1/khong-co' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toEqual({ error: { code: 'not-found', field: null, message: 'no route GET /api/v1/khong-co' } });
    expect((await app.inject({ url: '/api/v1/health' })).json()).toEqual({ status: 'ok' });

    // Climbing out of dist must never reach a file beside it.
    for (const url of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const r = await app.inject({ url });
      expect(r.body, url).not.toContain('không được lộ');
    }
    expect(fs.existsSync(path.join(root, '..', 'secret.txt'))).toBe(true);
  });
});
