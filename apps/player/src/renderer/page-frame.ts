/**
 * The document shown in a kiosk page's frame. The HTML is sanitised by the controller; this adds a
 * second lock: a CSP that allows no script and no network except cached media, and the frame itself
 * is `sandbox=""` (no scripts, no forms, no popups, an opaque origin).
 */
export const PAGE_CSS = `
  html { font-family: 'DejaVu Sans', 'Noto Sans', Arial, sans-serif; font-size: 2.6vh; color: #111; }
  body { margin: 3vh 4vw; line-height: 1.45; }
  img { max-width: 100%; height: auto; }
  figure.qr { display: inline-block; margin: 2vh 2vw 0 0; text-align: center; }
  figure.qr img { width: 22vh; height: 22vh; image-rendering: pixelated; }
  table { border-collapse: collapse; } td, th { border: 1px solid #999; padding: .4em .6em; }
`;

export function pageSrcdoc(html: string, mediaBase: string): string {
  const body = html.replace(
    /(["'])media:([0-9a-f]{64})\1/g,
    (_m, q: string, sha: string) => `${q}${mediaBase}${sha}${q}`,
  );
  const mediaOrigin = mediaBase.startsWith('http') ? new URL(mediaBase).origin : new URL(mediaBase).protocol;
  const csp = `default-src 'none'; img-src ${mediaOrigin} data:; style-src 'unsafe-inline'`;
  return (
    `<!doctype html><html lang="vi"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    `<style>${PAGE_CSS}</style></head><body>${body}</body></html>`
  );
}
