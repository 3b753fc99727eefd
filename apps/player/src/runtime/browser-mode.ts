import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseByteRange } from '@bangtin/shared';
import {
  type RendererToRuntime,
  RendererToRuntimeSchema,
  replaySlot,
  type RuntimeToRenderer,
  SCREENSHOT_BASE64_MAX,
} from '../renderer/bridge-protocol';
import type { CapturedFrame } from './screen-capture';

/** Where the runtime talks to its renderer(s): a WebSocket in browser mode, IPC in Electron. */
export interface RendererChannel {
  send(m: RuntimeToRenderer): void;
  /** Returns the unsubscribe function. */
  onMessage(listener: (m: RendererToRuntime) => void): () => void;
  /**
   * Captures the output as the window shows it, where the shell can (Electron: `capturePage()` in
   * main). Absent in browser mode: there the renderer draws its own screenshot (screen-capture.ts).
   */
  capture?(): Promise<CapturedFrame>;
}

export interface BrowserModeOptions {
  port: number;
  /** Loopback only by default: the bridge can record survey answers and must not face the network. */
  host?: string;
  /** The built renderer (`vite build` output: index.html and assets/). */
  rendererDir: string;
  /** Path of a verified cached media file, or null (then 404: never a partial or unverified file). */
  mediaFile: (sha256: string) => { file: string; mime: string } | null;
  log: Logger;
  /** The bridge key; by default 32 random bytes drawn at start (tests may fix it). */
  bridgeKey?: string;
}

export interface BrowserMode extends RendererChannel {
  /** The server's base (`http://127.0.0.1:<port>/`), for media URLs and the shell's trusted-URL check. */
  url: string;
  /**
   * The page a screen opens: `url` with this start's bridge key (`?bridge=<key>`). Only a page opened
   * with it can connect to the bridge; a new key is drawn at every start.
   */
  pageUrl: string;
  port: number;
  clients(): number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
};

// The renderer page itself may run its own bundled script; media and page content never can.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "media-src 'self' blob: https: http:; connect-src 'self' ws: https: http:; frame-src 'self' about: data:; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'";

/**
 * Why a WebSocket upgrade to the bridge is refused, or null to accept it. The Origin must be exactly
 * the page's own (not derived from the Host header, which the client chooses), and the bridge key of
 * this start must be given as `?bridge=`. Browsers always send Origin on WebSocket requests, so a
 * client without one is not our page.
 */
export function bridgeRefusal(req: http.IncomingMessage, ownOrigin: string, key: string): string | null {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/bridge') return 'path';
  const origin = req.headers.origin;
  if (origin === undefined) return 'no origin';
  if (ownOrigin === '' || origin !== ownOrigin) return 'wrong origin';
  const given = Buffer.from(url.searchParams.get('bridge') ?? '');
  const want = Buffer.from(key);
  if (given.length !== want.length || !crypto.timingSafeEqual(given, want)) return 'wrong or missing bridge key';
  return null;
}

/**
 * Browser mode: serves the renderer on loopback with the same bridge Electron's preload gives, over a
 * WebSocket (`/bridge`), plus the verified media cache (`/media/<sha256>`, with Range for video). A
 * kiosk's own browser, a test's Chromium, or Electron itself can show exactly the same thing.
 */
export async function startBrowserMode(opts: BrowserModeOptions): Promise<BrowserMode> {
  const { log } = opts;
  const listeners: ((m: RendererToRuntime) => void)[] = [];
  /** Replayed to every renderer that connects, so a reloaded page shows the current state at once. */
  const latest = new Map<string, RuntimeToRenderer>();
  const sockets = new Set<WebSocket>();
  // Another page in the kiosk's browser (or any local process) can reach a loopback port; it cannot
  // read this key, which only the page the player opened carries in its URL.
  const key = opts.bridgeKey ?? crypto.randomBytes(32).toString('base64url');
  /** Set once listening: the exact origin of the page we serve. */
  let ownOrigin = '';

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end();
    const media = /^\/media\/([0-9a-f]{64})$/.exec(url.pathname);
    if (media) return serveMedia(req, res, media[1]!);
    const rel = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    const file = path.resolve(opts.rendererDir, rel);
    if (!file.startsWith(path.resolve(opts.rendererDir) + path.sep) || !fs.existsSync(file)) {
      return void res.writeHead(404).end('not found');
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    fs.createReadStream(file).pipe(res);
  });

  function serveMedia(req: http.IncomingMessage, res: http.ServerResponse, sha256: string): void {
    const m = opts.mediaFile(sha256);
    if (!m) return void res.writeHead(404).end();
    const size = fs.statSync(m.file).size;
    const range = parseByteRange(req.headers.range, size);
    const headers: Record<string, string> = {
      'content-type': m.mime,
      'accept-ranges': 'bytes',
      'cache-control': 'private, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    };
    if (range === 'unsatisfiable') return void res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    const { start, end } = range ?? { start: 0, end: size - 1 };
    headers['content-length'] = String(Math.max(0, end - start + 1));
    if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
    res.writeHead(range ? 206 : 200, headers);
    if (req.method === 'HEAD' || size === 0) return void res.end();
    fs.createReadStream(m.file, { start, end }).pipe(res);
  }

  // Room for one screenshot answer (base64 PNG); everything else the renderer sends is tiny.
  const wss = new WebSocketServer({ noServer: true, maxPayload: SCREENSHOT_BASE64_MAX + 4096 });
  server.on('upgrade', (req, socket, head) => {
    const refusal = bridgeRefusal(req, ownOrigin, key);
    if (refusal) {
      log.warn({ reason: refusal, origin: req.headers.origin ?? null }, 'renderer bridge connection refused');
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return socket.destroy();
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      for (const m of latest.values()) ws.send(JSON.stringify(m));
      ws.on('message', (data) => {
        let raw: unknown;
        try {
          raw = JSON.parse(String(data));
        } catch {
          return log.warn('renderer sent invalid JSON; ignored');
        }
        const r = RendererToRuntimeSchema.safeParse(raw);
        if (!r.success) return log.warn({ issue: r.error.issues[0] }, 'renderer message ignored');
        for (const l of listeners) l(r.data);
      });
      ws.on('close', () => sockets.delete(ws));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${opts.host ?? '127.0.0.1'}:${port}/`;
  ownOrigin = new URL(url).origin;
  const pageUrl = `${url}?bridge=${key}`;
  // The page URL is printed for whoever starts a kiosk browser on this machine (and the tests); the
  // key guards against other web pages, which cannot read this log.
  log.info({ url, pageUrl }, 'renderer served in browser mode');

  return {
    url,
    pageUrl,
    port,
    clients: () => sockets.size,
    send(m) {
      const slot = replaySlot(m);
      if (slot) latest.set(slot, m);
      const text = JSON.stringify(m);
      for (const ws of sockets) ws.send(text);
    },
    onMessage(listener) {
      listeners.push(listener);
      return () => {
        const i = listeners.indexOf(listener);
        if (i >= 0) listeners.splice(i, 1);
      };
    },
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
