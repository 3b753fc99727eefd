import type Hls from 'hls.js';
import { startPlayback, wantsSound } from './audio';
import type { PlayerBridge, PlayMessage, RenderItem } from './bridge-protocol';
import { fitText } from './fit-text';
import { pageSrcdoc } from './page-frame';

const LOAD_TIMEOUT_MS = 10_000;

interface Prepared {
  contentId: string;
  src: string | null;
  el: HTMLElement;
  ready: Promise<void>;
}

/** Wall-clock ms of a performance timestamp (what proofs record). */
const wall = (perfNow: number) => performance.timeOrigin + perfNow;

function timeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not ready after ${ms} ms`)), ms)),
  ]);
}

function srcOf(item: RenderItem): string | null {
  return item.type === 'image' || item.type === 'video' ? (item.src ?? null) : null;
}

/**
 * Two layers, double buffered: the next item is loaded and decoded in the hidden layer while the
 * current one plays, and the swap is one style change in one frame, so there is never a black frame
 * between items. A failed item is reported (`ended`, `media-error`) and the previous frame stays.
 */
export class Stage {
  private readonly layers: HTMLElement[];
  private front = 0;
  private back: Prepared | null = null;
  private seq = 0;
  private mediaBase = '/media/';
  private shownProof: string | null = null;
  /** Last play command, re-shown when a kiosk user goes back to the loop. */
  latest: PlayMessage | null = null;
  /** While a kiosk menu is open nothing is shown (and so nothing is reported as shown). */
  suspended = false;
  /** Items ended by a touch: shown again when the loop resumes, but not reported a second time. */
  private readonly endedByUser = new Set<string>();

  private readonly root: HTMLElement;

  constructor(
    root: HTMLElement,
    private readonly bridge: PlayerBridge,
  ) {
    this.layers = [...root.querySelectorAll<HTMLElement>('.layer')];
    // The stage changes size when the window turns or the kiosk's hint band appears: slogans refit.
    this.root = root;
    new ResizeObserver(() => this.refit()).observe(root);
  }

  /** Fits the slogans on both layers to the stage's current size again. */
  refit(): void {
    for (const box of this.root.querySelectorAll<HTMLElement>('.slogan')) {
      const span = box.firstElementChild;
      if (span instanceof HTMLElement) fitText(box, span);
    }
  }

  configure(mediaBase: string, transitionMs: number): void {
    this.mediaBase = mediaBase;
    document.documentElement.style.setProperty('--fade', `${transitionMs}ms`);
  }

  get currentProofId(): string | null {
    return this.shownProof;
  }

  async play(msg: PlayMessage): Promise<void> {
    this.latest = msg;
    const token = ++this.seq;
    performance.mark(`bangtin:play:${msg.proofId}`);
    if (this.suspended) return;
    const src = srcOf(msg.item);
    let prep = this.back;
    if (!prep || prep.contentId !== msg.item.id || prep.src !== src) {
      this.dispose(this.backLayer);
      prep = this.prepare(msg.item, this.backLayer);
    }
    this.back = null;
    try {
      await timeout(prep.ready, LOAD_TIMEOUT_MS, msg.item.type);
    } catch (err) {
      const detail = String((err as Error).message ?? err).slice(0, 300);
      if (token !== this.seq) {
        // Its slot is over (the load outlasted it): not an end to report, but the reason still belongs in the log.
        this.bridge.send({
          type: 'log',
          level: 'warn',
          message: `skipped: ${detail}`.slice(0, 300),
          proofId: msg.proofId,
        });
        return;
      }
      this.dispose(this.backLayer);
      this.bridge.send({ type: 'ended', proofId: msg.proofId, at: Date.now(), reason: 'media-error', detail });
      return;
    }
    if (token !== this.seq || this.suspended) return;
    let firstFrame: Promise<number> | null = null;
    if (prep.el instanceof HTMLVideoElement) {
      const video = prep.el;
      // A live stream starts at its live edge; only a file starts from its beginning.
      if (msg.item.type === 'video') video.currentTime = 0;
      // Asked before play(): the first frame played, not the next one after play() resolved (up to a
      // whole video frame later), marks the item as shown.
      firstFrame = new Promise<number>((resolve) => {
        if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback((now) => resolve(wall(now)));
        else requestAnimationFrame((now) => resolve(wall(now)));
      });
      if (!(await this.start(msg, video, token))) return;
    }
    if (token !== this.seq || this.suspended) return;
    await this.swap(msg, prep, firstFrame);
    if (token === this.seq && msg.next) this.preload(msg.next);
  }

  idle(): void {
    this.latest = null;
    this.seq++;
    for (const l of this.layers) {
      l.classList.remove('visible');
      this.dispose(l);
    }
    this.shownProof = null;
    delete document.documentElement.dataset.showing;
  }

  /** A kiosk user touched the loop: the item leaves the screen now. */
  suspend(): void {
    this.suspended = true;
    this.seq++;
    const proofId = this.shownProof;
    if (proofId) {
      this.endedByUser.add(proofId);
      this.bridge.send({ type: 'ended', proofId, at: Date.now(), reason: 'user-interaction' });
    }
    this.shownProof = null;
    for (const v of document.querySelectorAll('video')) v.pause();
  }

  resume(): void {
    this.suspended = false;
    this.back = null;
    this.dispose(this.backLayer);
    if (this.latest) void this.play(this.latest);
  }

  private get backLayer(): HTMLElement {
    return this.layers[1 - this.front]!;
  }

  private preload(item: RenderItem): void {
    // Wait out the cross-fade: the back layer is still fading out until then.
    const fade = parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--fade')) || 0;
    setTimeout(() => {
      if (this.back || this.suspended) return;
      this.dispose(this.backLayer);
      this.back = this.prepare(item, this.backLayer);
      this.back.ready.catch(() => undefined);
    }, fade + 20);
  }

  private prepare(item: RenderItem, layer: HTMLElement): Prepared {
    const base = { contentId: item.id, src: srcOf(item) };
    switch (item.type) {
      case 'slogan': {
        const box = document.createElement('div');
        box.className = 'slogan';
        box.lang = 'vi';
        const span = document.createElement('span');
        span.textContent = item.text.normalize('NFC');
        box.append(span);
        layer.replaceChildren(box);
        fitText(box, span);
        return { ...base, el: box, ready: Promise.resolve() };
      }
      case 'image': {
        const img = document.createElement('img');
        img.alt = item.title ?? '';
        if (!item.src) return { ...base, el: img, ready: Promise.reject(new Error('image not in cache')) };
        img.src = item.src;
        layer.replaceChildren(img);
        return { ...base, el: img, ready: img.decode() };
      }
      case 'video':
      case 'stream': {
        const video = document.createElement('video');
        video.muted = true;
        video.playsInline = true;
        video.preload = 'auto';
        layer.replaceChildren(video);
        const canPlay = new Promise<void>((resolve, reject) => {
          video.addEventListener('canplay', () => resolve(), { once: true });
          video.addEventListener(
            'error',
            () => reject(new Error(video.dataset.streamError ?? `cannot decode: ${video.error?.message ?? ''}`)),
            { once: true },
          );
        });
        if (item.type === 'video') {
          if (!item.src) return { ...base, el: video, ready: Promise.reject(new Error('video not in cache')) };
          video.src = item.src;
        } else {
          void attachStream(video, item.url);
        }
        return { ...base, el: video, ready: canPlay };
      }
      case 'page': {
        const frame = document.createElement('iframe');
        frame.setAttribute('sandbox', ''); // no allow-scripts, ever
        frame.referrerPolicy = 'no-referrer';
        const loaded = new Promise<void>((resolve) => frame.addEventListener('load', () => resolve(), { once: true }));
        frame.srcdoc = pageSrcdoc(item.html, this.mediaBase);
        layer.replaceChildren(frame);
        return { ...base, el: frame, ready: loaded };
      }
    }
  }

  /**
   * Starts a video (still hidden in the back layer), with sound if its content asks. Returns false
   * when it cannot play at all: the item is then reported as a media error and the screen keeps the
   * previous frame rather than a frozen one.
   */
  private async start(msg: PlayMessage, video: HTMLVideoElement, token: number): Promise<boolean> {
    const r = await startPlayback(video, wantsSound(msg.item));
    if (token !== this.seq) return false;
    if (r.result === 'muted-fallback') {
      this.bridge.send({ type: 'log', level: 'warn', message: r.detail, proofId: msg.proofId });
    } else if (r.result === 'failed') {
      this.dispose(this.backLayer);
      this.bridge.send({
        type: 'ended',
        proofId: msg.proofId,
        at: Date.now(),
        reason: 'media-error',
        detail: `cannot start playback: ${r.detail}`,
      });
      return false;
    }
    return true;
  }

  private async swap(msg: PlayMessage, prep: Prepared, videoFrame: Promise<number> | null): Promise<void> {
    const incoming = this.backLayer;
    const outgoing = this.layers[this.front]!;
    const video = prep.el instanceof HTMLVideoElement ? prep.el : null;
    if (video) video.addEventListener('error', () => this.failedWhilePlaying(msg.proofId, video), { once: true });
    const firstFrame =
      videoFrame ?? new Promise<number>((resolve) => requestAnimationFrame((now) => resolve(wall(now))));
    incoming.classList.add('visible');
    outgoing.classList.remove('visible');
    this.front = 1 - this.front;
    this.shownProof = msg.proofId;
    document.documentElement.dataset.showing = msg.item.id;
    document.documentElement.dataset.proof = msg.proofId;
    const at = await firstFrame;
    performance.mark(`bangtin:shown:${msg.proofId}`);
    performance.measure('bangtin:gap', `bangtin:play:${msg.proofId}`, `bangtin:shown:${msg.proofId}`);
    for (const v of outgoing.querySelectorAll('video')) v.pause();
    const fade = parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--fade')) || 0;
    setTimeout(() => {
      if (!outgoing.classList.contains('visible') && this.back === null) this.dispose(outgoing);
    }, fade);
    if (!this.endedByUser.has(msg.proofId))
      this.bridge.send({ type: 'shown', proofId: msg.proofId, at: Math.round(at) });
  }

  private failedWhilePlaying(proofId: string, video: HTMLVideoElement): void {
    if (this.shownProof !== proofId) return;
    this.bridge.send({
      type: 'ended',
      proofId,
      at: Date.now(),
      reason: 'media-error',
      detail: `playback error: ${video.dataset.streamError ?? video.error?.message ?? 'unknown'}`,
    });
    this.shownProof = null;
  }

  private dispose(layer: HTMLElement): void {
    for (const v of layer.querySelectorAll('video')) {
      // hls.js keeps fetching segments until destroyed, even with the element gone.
      streams.get(v)?.destroy();
      streams.delete(v);
      v.pause();
      v.removeAttribute('src');
      v.load(); // releases the decoder: a long day of videos must not grow memory
    }
    layer.replaceChildren();
  }
}

/** hls.js instances by the video they feed, so disposing a layer stops the stream's downloads. */
const streams = new WeakMap<HTMLVideoElement, Hls>();

/** HLS natively where the platform has it, else hls.js (loaded only when a stream is scheduled). */
async function attachStream(video: HTMLVideoElement, url: string): Promise<void> {
  if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = url;
    return;
  }
  const { default: Hls } = await import('hls.js');
  if (!Hls.isSupported()) {
    video.dispatchEvent(new Event('error'));
    return;
  }
  if (!video.isConnected) return; // disposed while hls.js was loading
  const hls = new Hls({ lowLatencyMode: true });
  streams.set(video, hls);
  hls.on(Hls.Events.ERROR, (_e, data) => {
    if (!data.fatal) return;
    // The reason goes with the error event: the stage reports it as the item's end detail.
    video.dataset.streamError = `${data.type}: ${data.details}${data.response ? ` (HTTP ${data.response.code})` : ''}`;
    video.dispatchEvent(new Event('error'));
  });
  hls.loadSource(url);
  hls.attachMedia(video);
}
