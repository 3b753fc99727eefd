import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';

/**
 * The admin UI's Content-Security-Policy. What the app needs, and nothing more:
 * - scripts: only its own bundle (Vite emits external module scripts; no inline script, no eval);
 * - styles: its stylesheet, plus inline styles. React's `style` props go through the CSSOM (not
 *   covered by CSP), but the kiosk-page previews are `srcdoc` frames, which inherit this policy, and
 *   carry a `<style>` element of their own; `'unsafe-inline'` styles cannot run code;
 * - images and video: same origin, plus `blob:` (thumbnails, screenshots and previews are fetched with
 *   the bearer token and shown through object URLs) and `data:` (QR codes, images inside previews);
 * - connections: same origin only (the API, and Socket.IO, whose ws:/wss: 'self' covers in CSP 3);
 * - no plugins, no `<base>`, forms only to itself, and no other site may frame any page.
 */
export const ADMIN_CSP: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'blob:', 'data:'],
  'media-src': ["'self'", 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'frame-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Security headers on every HTTP answer (the admin UI, the API, media files): the CSP above,
 * `X-Frame-Options: DENY`, `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`.
 *
 * Left out on purpose: `upgrade-insecure-requests` and HSTS. Controllers often run on plain HTTP on a
 * LAN, or HTTPS with a self-signed certificate; the first breaks every asset on HTTP, the second makes
 * a certificate warning impossible to click through for a year. Cross-Origin-Resource-Policy is
 * `same-site` (not helmet's `same-origin`) so a same-site kiosk may still embed its media.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: ADMIN_CSP },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
    crossOriginResourcePolicy: { policy: 'same-site' },
    crossOriginEmbedderPolicy: false,
  });
}
