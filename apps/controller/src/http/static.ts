import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { apiError } from '@bangtin/shared';

/** Where `vite build apps/controller/web` writes the admin UI. */
export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>bangtin — chưa dựng giao diện</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>Giao diện quản trị chưa được dựng</h1>
<p>Máy chủ điều khiển đang chạy, nhưng thư mục <code>apps/controller/web/dist</code> chưa có.
Hãy chạy <code>pnpm build:web</code> (hoặc <code>npm start</code>) rồi tải lại trang này.</p>
<p lang="en">The admin UI has not been built yet: run <code>pnpm build:web</code>, then reload.</p>
</body></html>
`;

/** A request path to a file inside `root`, or null when it would leave it or names no file. */
function fileIn(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const abs = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  if (abs !== root && !abs.startsWith(root + path.sep)) return null;
  try {
    return fs.statSync(abs).isFile() ? path.relative(root, abs) : null;
  } catch {
    return null;
  }
}

/**
 * Serves the built admin UI at `/` with a single-page-app fallback: any GET that is not a file and
 * not under `/api/` answers `index.html`, so a reload on `/playlists` works. The dist folder is looked
 * up per request, so building the UI while the controller runs needs no restart.
 */
export async function registerStatic(app: FastifyInstance, root: string = WEB_DIST): Promise<void> {
  await app.register(fastifyStatic, { root, serve: false, suppressWarning: true });

  app.get('/*', async (req, reply) => {
    const urlPath = req.url.split('?')[0]!;
    // API paths keep the API's JSON 404, never the HTML shell.
    if (urlPath === '/api' || urlPath.startsWith('/api/')) {
      return reply.status(404).send(apiError('not-found', `no route ${req.method} ${urlPath}`));
    }
    const file = fileIn(root, urlPath);
    if (file) {
      // Vite puts a content hash in every asset name: those never change, the shell always may.
      const immutable = file.startsWith(`assets${path.sep}`);
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      return reply.sendFile(file, root, { cacheControl: false });
    }
    if (fileIn(root, '/index.html')) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html', root, { cacheControl: false });
    }
    return reply.type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
  });
}
