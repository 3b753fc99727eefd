import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import pino from 'pino';
import type { ContentItem, MediaProgress } from '@bangtin/shared';
import { httpGet } from '../runtime/http-get';
import { describeTlsError, type TlsTrust } from '../runtime/tls-trust';

/** A file some content needs; `size` is 0 when unknown (images embedded in a page). */
export interface MediaRef {
  sha256: string;
  size: number;
}

/** The files a set of content items needs, each once. */
export function mediaRefs(items: readonly ContentItem[]): MediaRef[] {
  const out = new Map<string, MediaRef>();
  for (const c of items) {
    if (c.type === 'image' || c.type === 'video') out.set(c.sha256, { sha256: c.sha256, size: c.size });
    else if (c.type === 'page') for (const sha of c.media) if (!out.has(sha)) out.set(sha, { sha256: sha, size: 0 });
  }
  return [...out.values()];
}

export interface MediaCacheOptions {
  /** Folder of the cache: `<sha256>` files are verified, `<sha256>.part` are downloads in progress. */
  dir: string;
  controllerUrl: string;
  /** Device token, sent as Bearer (the controller's media routes accept device tokens). */
  token: string;
  /** Disk quota in bytes; files no bundle needs are evicted, least recently used first. */
  quotaBytes?: number;
  /** Parallel downloads; 2 keeps a slow district link from being saturated by one bundle. */
  concurrency?: number;
  log?: Logger;
  /** Delays between attempts of one file, ms; then it waits for the next `want()`. */
  retryDelaysMs?: readonly number[];
  /** Certificates accepted from an https controller (`--ca-file`, `--insecure`); default: verified, built-in roots. */
  tls?: TlsTrust;
}

export interface MediaCacheEvents {
  ready: [sha256: string];
  failed: [sha256: string, reason: string];
  progress: [progress: MediaProgress];
}

export class MediaIntegrityError extends Error {
  readonly code = 'BANGTIN_MEDIA_HASH_MISMATCH';
}

const SHA_RE = /^[0-9a-f]{64}$/;

/** Name of the verified index inside the cache folder (not a sha256, so never taken for media). */
export const INDEX_FILE = 'verified.json';

/** What `open()` did: files trusted from the index, files hashed, damaged files deleted. */
export interface OpenStats {
  trusted: number;
  hashed: number;
  removed: number;
}

interface IndexEntry {
  size: number;
  mtimeMs: number;
}

/** The index as last written; anything unreadable counts as empty (then every file is hashed once). */
function readIndex(file: string): Map<string, IndexEntry> {
  try {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown; files?: unknown };
    if (raw.version !== 1 || typeof raw.files !== 'object' || raw.files === null) return new Map();
    const out = new Map<string, IndexEntry>();
    for (const [sha, e] of Object.entries(raw.files as Record<string, Partial<IndexEntry>>)) {
      if (SHA_RE.test(sha) && Number.isFinite(e.size) && Number.isFinite(e.mtimeMs)) {
        out.set(sha, { size: e.size!, mtimeMs: e.mtimeMs! });
      }
    }
    return out;
  } catch {
    return new Map();
  }
}

async function hashFile(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file), h);
  return h.digest('hex');
}

/**
 * Content-addressed media cache. A file becomes usable only after its sha256 is checked and it is
 * renamed into place (atomic on one filesystem), so the renderer never sees half a video. Downloads
 * resume from the `.part` file with an HTTP Range request.
 */
export class MediaCache extends EventEmitter<MediaCacheEvents> {
  private readonly verified = new Map<string, { size: number; usedAt: number }>();
  /** size + mtime of each verified file when its hash was checked, persisted as `verified.json`. */
  private readonly index = new Map<string, IndexEntry>();
  private wanted: MediaRef[] = [];
  private readonly queue: MediaRef[] = [];
  private readonly active = new Map<string, Promise<void>>();
  private readonly failures = new Map<string, string>();
  private readonly log: Logger;
  private closed = false;
  private readonly abort = new AbortController();

  constructor(private readonly opts: MediaCacheOptions) {
    super();
    this.log = opts.log ?? pino({ name: 'media-cache', level: 'silent' });
    fs.mkdirSync(opts.dir, { recursive: true });
  }

  /**
   * Finds the verified files at start. Hashing a large library takes minutes, so a file whose size
   * and mtime still match the index written when it was last verified is trusted; any other file
   * (unknown, resized, rewritten, touched) is hashed again, and deleted when its bytes no longer match
   * its name, to be fetched again. Accepted risk: bytes changed in place with size and mtime restored
   * on purpose are not noticed until the remote "clear cache" command.
   */
  async open(): Promise<OpenStats> {
    const known = readIndex(path.join(this.opts.dir, INDEX_FILE));
    const stats: OpenStats = { trusted: 0, hashed: 0, removed: 0 };
    this.index.clear();
    for (const name of fs.readdirSync(this.opts.dir)) {
      if (!SHA_RE.test(name)) continue;
      const file = path.join(this.opts.dir, name);
      const st = fs.statSync(file);
      const k = known.get(name);
      if (k && k.size === st.size && k.mtimeMs === st.mtimeMs) {
        stats.trusted++;
      } else {
        stats.hashed++;
        const actual = await hashFile(file);
        if (actual !== name) {
          this.log.warn({ sha256: name, actual }, 'cached file is damaged; deleting it');
          fs.rmSync(file, { force: true });
          stats.removed++;
          continue;
        }
      }
      this.index.set(name, { size: st.size, mtimeMs: st.mtimeMs });
      this.verified.set(name, { size: st.size, usedAt: st.mtimeMs });
    }
    this.saveIndex();
    this.log.info(stats, 'media cache checked');
    return stats;
  }

  has(sha256: string): boolean {
    return this.verified.has(sha256);
  }

  /** Path of a verified file (and marks it used), or null when it is not (yet) in the cache. */
  filePath(sha256: string): string | null {
    const v = this.verified.get(sha256);
    if (!v) return null;
    v.usedAt = Date.now();
    return path.join(this.opts.dir, sha256);
  }

  usedBytes(): number {
    let n = 0;
    for (const v of this.verified.values()) n += v.size;
    return n;
  }

  /** The files the current bundle needs: downloads the missing ones and evicts others over quota. */
  want(refs: readonly MediaRef[]): void {
    this.wanted = [...refs];
    this.failures.clear();
    const keep = new Set(refs.map((r) => r.sha256));
    this.evict(
      keep,
      refs.filter((r) => !this.verified.has(r.sha256)).reduce((n, r) => n + r.size, 0),
    );
    for (const r of refs) {
      if (this.verified.has(r.sha256) || this.active.has(r.sha256) || this.queue.some((q) => q.sha256 === r.sha256))
        continue;
      this.queue.push(r);
    }
    this.pump();
    this.emitProgress();
  }

  progress(): MediaProgress {
    const ready = this.wanted.filter((r) => this.verified.has(r.sha256));
    return {
      needed: this.wanted.length,
      ready: ready.length,
      bytesNeeded: this.wanted.reduce((n, r) => n + r.size, 0),
      bytesReady: ready.reduce((n, r) => n + (this.verified.get(r.sha256)?.size ?? 0), 0),
      failed: [...this.failures].slice(0, 100).map(([sha256, reason]) => ({ sha256, reason: reason.slice(0, 300) })),
    };
  }

  /** Resolves when nothing is queued or downloading. */
  async idle(): Promise<void> {
    while (this.active.size > 0 || this.queue.length > 0) await Promise.allSettled([...this.active.values()]);
  }

  /** The remote "clear cache" command: deletes every file, then fetches what the bundle needs again. */
  async clear(): Promise<void> {
    await this.idle();
    for (const name of fs.readdirSync(this.opts.dir)) fs.rmSync(path.join(this.opts.dir, name), { force: true });
    this.verified.clear();
    this.index.clear();
    this.saveIndex();
    this.want(this.wanted);
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.abort.abort();
  }

  /**
   * Frees space for `incoming` bytes within the quota, oldest use first, never touching `keep` (what
   * the current bundle needs): showing the schedule matters more than the quota.
   */
  private evict(keep: Set<string>, incoming: number): void {
    const quota = this.opts.quotaBytes;
    if (quota === undefined) return;
    let used = this.usedBytes();
    const candidates = [...this.verified].filter(([sha]) => !keep.has(sha)).sort((a, b) => a[1].usedAt - b[1].usedAt);
    for (const [sha, v] of candidates) {
      if (used + incoming <= quota) break;
      fs.rmSync(path.join(this.opts.dir, sha), { force: true });
      this.verified.delete(sha);
      this.forget(sha);
      used -= v.size;
      this.log.info({ sha256: sha, size: v.size }, 'evicted from the media cache (quota)');
    }
    if (used + incoming > quota) {
      this.log.warn({ used, incoming, quota }, 'the current bundle needs more than the media quota; keeping it all');
    }
  }

  private pump(): void {
    const limit = this.opts.concurrency ?? 2;
    while (!this.closed && this.active.size < limit && this.queue.length > 0) {
      const ref = this.queue.shift()!;
      const p = this.fetchWithRetries(ref).finally(() => {
        this.active.delete(ref.sha256);
        this.pump();
      });
      this.active.set(ref.sha256, p);
    }
  }

  private async fetchWithRetries(ref: MediaRef): Promise<void> {
    const delays = this.opts.retryDelaysMs ?? [500, 2000, 5000];
    for (let attempt = 0; ; attempt++) {
      try {
        await this.download(ref);
        this.failures.delete(ref.sha256);
        this.evict(new Set(this.wanted.map((r) => r.sha256)), 0);
        this.emit('ready', ref.sha256);
        this.emitProgress();
        return;
      } catch (err) {
        const reason = (err as Error).message;
        if (this.closed) return;
        if (attempt >= delays.length) {
          this.failures.set(ref.sha256, reason);
          this.log.error({ sha256: ref.sha256, reason }, 'media download failed; items using it are skipped');
          this.emit('failed', ref.sha256, reason);
          this.emitProgress();
          return;
        }
        this.log.warn({ sha256: ref.sha256, reason, attempt }, 'media download failed; retrying');
        await new Promise((r) => setTimeout(r, delays[attempt]));
      }
    }
  }

  private async download(ref: MediaRef): Promise<void> {
    const part = path.join(this.opts.dir, `${ref.sha256}.part`);
    const offset = fs.existsSync(part) ? fs.statSync(part).size : 0;
    const headers: Record<string, string> = { authorization: `Bearer ${this.opts.token}` };
    if (offset > 0) headers.range = `bytes=${offset}-`;
    let res;
    try {
      res = await httpGet(`${this.opts.controllerUrl}/api/v1/media/${ref.sha256}`, {
        headers,
        signal: this.abort.signal,
        ...(this.opts.tls ? { tls: this.opts.tls } : {}),
      });
    } catch (err) {
      const why = describeTlsError(err);
      throw why ? new Error(why, { cause: err }) : err;
    }
    if (res.status === 416) {
      // The part is as long as (or longer than) the file: check it rather than trusting it.
      res.cancel();
      return this.verifyAndCommit(ref.sha256, part);
    }
    if (res.status !== 200 && res.status !== 206) {
      res.cancel();
      throw new Error(`HTTP ${res.status} from the controller`);
    }
    // A 200 to a Range request means the server sent the whole file: start over.
    const append = res.status === 206 && offset > 0;
    if (offset > 0) this.log.info({ sha256: ref.sha256, offset, resumed: append }, 'resuming media download');
    // Every chunk is written as it arrives (sync on an fd): when the link drops mid-file, what came
    // before is on disk and the next attempt asks only for the rest.
    const fd = fs.openSync(part, append ? 'a' : 'w');
    try {
      for await (const chunk of res.body as AsyncIterable<Buffer>) fs.writeSync(fd, chunk);
    } finally {
      fs.closeSync(fd);
    }
    await this.verifyAndCommit(ref.sha256, part);
  }

  private async verifyAndCommit(sha256: string, part: string): Promise<void> {
    const actual = await hashFile(part);
    if (actual !== sha256) {
      fs.rmSync(part, { force: true });
      throw new MediaIntegrityError(`downloaded file hashes to ${actual}, not ${sha256}; discarded`);
    }
    const final = path.join(this.opts.dir, sha256);
    fs.renameSync(part, final);
    const st = fs.statSync(final);
    this.verified.set(sha256, { size: st.size, usedAt: Date.now() });
    this.index.set(sha256, { size: st.size, mtimeMs: st.mtimeMs });
    this.saveIndex();
  }

  private forget(sha256: string): void {
    if (this.index.delete(sha256)) this.saveIndex();
  }

  /**
   * Written whole to a temporary file and renamed over the old one: a power cut leaves the old index
   * or the new one, never half of one (and a lost update only means one more hash at the next start).
   */
  private saveIndex(): void {
    const file = path.join(this.opts.dir, INDEX_FILE);
    const tmp = `${file}.tmp`;
    const body = JSON.stringify({ version: 1, files: Object.fromEntries(this.index) });
    try {
      fs.writeFileSync(tmp, body);
      fs.renameSync(tmp, file);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not write the media cache index');
    }
  }

  private emitProgress(): void {
    this.emit('progress', this.progress());
  }
}
