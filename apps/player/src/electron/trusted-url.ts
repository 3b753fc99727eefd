/**
 * The only pages a bangtin window may show: the renderer served by the player itself on loopback
 * (same scheme, host and port as the page it loaded first). Everything else — a link in content, a
 * redirect, `window.open` — is refused, so a kiosk can never be turned into a web browser.
 */
export function isTrustedAppUrl(url: string, appUrl: string): boolean {
  let u: URL;
  let app: URL;
  try {
    u = new URL(url);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  if (u.protocol !== 'http:' || app.protocol !== 'http:') return false;
  if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost' && u.hostname !== '[::1]') return false;
  return u.host === app.host;
}

/** Permission requests (camera, geolocation, notifications, …): none is needed to show signage. */
export function permissionAllowed(_permission: string): boolean {
  return false;
}
