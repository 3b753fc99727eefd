/**
 * Browser mode's screenshot: the renderer repaints what the window shows into a canvas, element by
 * element, from the live layout (boxes, images and video frames with their object-fit, text at the
 * positions the browser laid it out, with the font size the slogan fitter chose). Electron does not
 * need this: main captures the window itself (`webContents.capturePage()`).
 *
 * Limits, by design of the web platform: the inside of a sandboxed page frame cannot be read (it is
 * painted as its white box), and a cross-origin stream that taints the canvas is left out (black).
 */
export interface Screenshot {
  png: string;
  width: number;
  height: number;
}

const TRANSPARENT = /^(transparent|rgba\(\d+, \d+, \d+, 0\))$/;

function fitted(
  srcW: number,
  srcH: number,
  box: DOMRect,
  fit: string,
): { x: number; y: number; w: number; h: number } | null {
  if (srcW === 0 || srcH === 0) return null;
  if (fit === 'fill') return { x: box.left, y: box.top, w: box.width, h: box.height };
  const scale =
    fit === 'cover' ? Math.max(box.width / srcW, box.height / srcH) : Math.min(box.width / srcW, box.height / srcH);
  const w = srcW * scale;
  const h = srcH * scale;
  return { x: box.left + (box.width - w) / 2, y: box.top + (box.height - h) / 2, w, h };
}

class Painter {
  constructor(
    private readonly ctx: CanvasRenderingContext2D,
    private readonly withMedia: boolean,
  ) {}

  element(el: Element): void {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') return;
    const opacity = parseFloat(cs.opacity);
    if (opacity === 0) return;
    const { ctx } = this;
    ctx.save();
    ctx.globalAlpha *= opacity;
    const r = el.getBoundingClientRect();
    if (!TRANSPARENT.test(cs.backgroundColor) && r.width > 0 && r.height > 0) {
      ctx.fillStyle = cs.backgroundColor;
      ctx.beginPath();
      ctx.roundRect(r.left, r.top, r.width, r.height, parseFloat(cs.borderTopLeftRadius) || 0);
      ctx.fill();
    }
    if (el instanceof HTMLImageElement) {
      if (el.complete) this.media(el, el.naturalWidth, el.naturalHeight, r, cs.objectFit);
    } else if (el instanceof HTMLVideoElement) {
      if (el.readyState >= 2) this.media(el, el.videoWidth, el.videoHeight, r, cs.objectFit);
    } else if (!(el instanceof HTMLIFrameElement)) {
      for (const child of el.childNodes) {
        if (child instanceof Text) this.text(child, el);
        else if (child instanceof Element) this.element(child);
      }
    }
    ctx.restore();
  }

  private media(src: CanvasImageSource, w: number, h: number, box: DOMRect, fit: string): void {
    const d = fitted(w, h, box, fit);
    if (!d || !this.withMedia) return;
    this.ctx.save();
    this.ctx.beginPath();
    this.ctx.rect(box.left, box.top, box.width, box.height);
    this.ctx.clip();
    this.ctx.drawImage(src, d.x, d.y, d.w, d.h);
    this.ctx.restore();
  }

  /** Each word where the browser put it, so wrapping and centring are exactly the screen's. */
  private text(node: Text, parent: Element): void {
    const value = node.data;
    if (!/\S/.test(value)) return;
    const cs = getComputedStyle(parent);
    // A fitted slogan carries the size the fitter settled on; everything else uses its computed size.
    const size = (parent as HTMLElement).dataset.fitPx ?? String(parseFloat(cs.fontSize));
    const { ctx } = this;
    ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${size}px ${cs.fontFamily}`;
    ctx.fillStyle = cs.color;
    ctx.textBaseline = 'alphabetic';
    const range = document.createRange();
    for (const m of value.matchAll(/\S+/g)) {
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const rect = range.getClientRects()[0];
      if (!rect) continue;
      const metrics = ctx.measureText(m[0]);
      const ascent = metrics.fontBoundingBoxAscent;
      const descent = metrics.fontBoundingBoxDescent;
      // The text's content area is centred on its line box; the baseline sits `ascent` into it.
      const baseline = rect.top + (rect.height - (ascent + descent)) / 2 + ascent;
      ctx.fillText(m[0], rect.left, baseline, rect.width + 1);
    }
  }
}

function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function paint(width: number, height: number, scale: number, withMedia: boolean): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = getComputedStyle(document.body).backgroundColor || '#000';
  ctx.fillRect(0, 0, width, height);
  ctx.scale(scale, scale);
  new Painter(ctx, withMedia).element(document.body);
  return canvas;
}

function pngOf(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise<Blob>((resolve, reject) => {
    try {
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas gave no PNG'))), 'image/png');
    } catch (err) {
      reject(err as Error); // SecurityError: a cross-origin frame tainted the canvas
    }
  });
}

/** A PNG of the whole output (the window), in device pixels. */
export async function captureScreen(): Promise<Screenshot> {
  const scale = window.devicePixelRatio || 1;
  const width = Math.round(window.innerWidth * scale);
  const height = Math.round(window.innerHeight * scale);
  let blob: Blob;
  try {
    blob = await pngOf(paint(width, height, scale, true));
  } catch {
    blob = await pngOf(paint(width, height, scale, false));
  }
  return { png: toBase64(new Uint8Array(await blob.arrayBuffer())), width, height };
}
