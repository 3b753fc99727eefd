import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseByteRange } from '@bangtin/shared';
import { INDEX_FILE, MediaCache } from './media-cache';

const TOKEN = 'dev_test-token-1234567890';
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

interface Served {
  url: string;
  files: Map<string, Buffer>;
  /** Range headers seen, per request, in order. */
  requests: { sha256: string; range: string | undefined; auth: string | undefined }[];
  /** Next answers for a sha: 'cut' sends half then drops the connection, 'corrupt' sends wrong bytes. */
  faults: Map<string, ('cut' | 'corrupt')[]>;
  close(): Promise<void>;
}

/** A real HTTP server that answers like the controller's media route (Range, 206, 416). */
async function serveMedia(): Promise<Served> {
  const files = new Map<string, Buffer>();
  const requests: Served['requests'] = [];
  const faults = new Map<string, ('cut' | 'corrupt')[]>();
  const server = http.createServer((req, res) => {
    const id = req.url!.split('/').pop()!;
    requests.push({ sha256: id, range: req.headers.range, auth: req.headers.authorization });
    const body = files.get(id);
    if (!body) return res.writeHead(404).end();
    const fault = faults.get(id)?.shift();
    if (fault === 'cut') {
      // Half the file, then the link dies, as on a flaky district connection.
      res.writeHead(200, { 'content-length': String(body.length) });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    if (fault === 'corrupt') {
      const bad = Buffer.from(body);
      bad[bad.length - 1]! ^= 0xff;
      return res.writeHead(200, { 'content-length': String(bad.length) }).end(bad);
    }
    const r = parseByteRange(req.headers.range, body.length);
    if (r === 'unsatisfiable') return res.writeHead(416).end();
    if (r) {
      res.writeHead(206, { 'content-range': `bytes ${r.start}-${r.end}/${body.length}` });
      return res.end(body.subarray(r.start, r.end + 1));
    }
    res.writeHead(200).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    files,
    requests,
    faults,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function file(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(quotaBytes?: number) {
  const srv = await serveMedia();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-cache-'));
  const make = () => {
    const c = new MediaCache({ dir, controllerUrl: srv.url, token: TOKEN, quotaBytes, retryDelaysMs: [10, 10] });
    cleanups.push(() => c.close());
    return c;
  };
  cleanups.push(
    () => srv.close(),
    () => fs.rmSync(dir, { recursive: true, force: true }),
  );
  return { srv, dir, make };
}

describe('MediaCache', () => {
  it('resumes an interrupted download with a Range request and verifies the whole file', async () => {
    const { srv, dir, make } = await setup();
    const body = file(300_000, 7);
    const id = sha(body);
    srv.files.set(id, body);
    srv.faults.set(id, ['cut']);
    const cache = make();
    await cache.open();
    cache.want([{ sha256: id, size: body.length }]);
    await cache.idle();

    expect(cache.has(id)).toBe(true);
    expect(fs.readFileSync(cache.filePath(id)!)).toEqual(body);
    expect(srv.requests.map((r) => r.auth)).toEqual(srv.requests.map(() => `Bearer ${TOKEN}`));
    // The second request asked only for the rest of the file.
    expect(srv.requests).toHaveLength(2);
    expect(srv.requests[0]!.range).toBeUndefined();
    expect(srv.requests[1]!.range).toBe(`bytes=${body.length / 2}-`);
    expect(fs.existsSync(path.join(dir, `${id}.part`))).toBe(false);
  });

  it('rejects a download whose bytes do not hash to its name and fetches it again', async () => {
    const { srv, make } = await setup();
    const body = file(50_000, 3);
    const id = sha(body);
    srv.files.set(id, body);
    srv.faults.set(id, ['corrupt']);
    const cache = make();
    const ready: string[] = [];
    cache.on('ready', (s) => ready.push(s));
    cache.want([{ sha256: id, size: body.length }]);
    await cache.idle();
    expect(srv.requests).toHaveLength(2);
    expect(srv.requests[1]!.range).toBeUndefined(); // the bad part was thrown away, not resumed
    expect(ready).toEqual([id]);
    expect(sha(fs.readFileSync(cache.filePath(id)!))).toBe(id);
  });

  it('finds a file damaged on disk at start, deletes it and downloads it again', async () => {
    const { srv, dir, make } = await setup();
    const body = file(20_000, 9);
    const id = sha(body);
    srv.files.set(id, body);
    const first = make();
    first.want([{ sha256: id, size: body.length }]);
    await first.idle();
    first.close();
    const onDisk = path.join(dir, id);
    const damaged = fs.readFileSync(onDisk);
    damaged[100]! ^= 0x01; // one flipped bit
    fs.writeFileSync(onDisk, damaged);

    const second = make();
    await second.open();
    expect(second.has(id)).toBe(false);
    second.want([{ sha256: id, size: body.length }]);
    await second.idle();
    expect(fs.readFileSync(second.filePath(id)!)).toEqual(body);
  });

  describe('verified index (start without re-hashing the whole library)', () => {
    /** A cache folder holding `n` verified files, written by a cache that downloaded them. */
    async function filled(n: number) {
      const env = await setup();
      const bodies = Array.from({ length: n }, (_, i) => file(10_000 + i, i));
      for (const b of bodies) env.srv.files.set(sha(b), b);
      const first = env.make();
      first.want(bodies.map((b) => ({ sha256: sha(b), size: b.length })));
      await first.idle();
      first.close();
      return { ...env, bodies };
    }
    const indexOf = (dir: string) =>
      JSON.parse(fs.readFileSync(path.join(dir, INDEX_FILE), 'utf8')) as {
        version: number;
        files: Record<string, { size: number; mtimeMs: number }>;
      };

    it('records each verified file and trusts unchanged files at the next start', async () => {
      const { dir, make, bodies } = await filled(3);
      const index = indexOf(dir);
      expect(index.version).toBe(1);
      expect(Object.keys(index.files).sort()).toEqual(bodies.map(sha).sort());
      const st = fs.statSync(path.join(dir, sha(bodies[0]!)));
      expect(index.files[sha(bodies[0]!)]).toEqual({ size: st.size, mtimeMs: st.mtimeMs });

      const second = make();
      expect(await second.open()).toEqual({ trusted: 3, hashed: 0, removed: 0 });
      for (const b of bodies) expect(second.has(sha(b))).toBe(true);
    });

    it('re-verifies a file rewritten with the same size, and deletes it when its bytes are wrong', async () => {
      const { dir, make, bodies, srv } = await filled(2);
      const id = sha(bodies[0]!);
      const onDisk = path.join(dir, id);
      const before = fs.statSync(onDisk);
      const damaged = fs.readFileSync(onDisk);
      damaged[5]! ^= 0x80;
      fs.writeFileSync(onDisk, damaged);
      // Make sure the rewrite is visible as a new mtime even on a coarse-grained filesystem.
      fs.utimesSync(onDisk, before.atime, new Date(before.mtimeMs + 2000));
      expect(fs.statSync(onDisk).size).toBe(before.size);

      const second = make();
      expect(await second.open()).toEqual({ trusted: 1, hashed: 1, removed: 1 });
      expect(second.has(id)).toBe(false);
      expect(fs.existsSync(onDisk)).toBe(false);
      expect(indexOf(dir).files).not.toHaveProperty(id);
      // And it is fetched again when a bundle needs it.
      second.want([{ sha256: id, size: bodies[0]!.length }]);
      await second.idle();
      expect(fs.readFileSync(second.filePath(id)!)).toEqual(bodies[0]);
      expect(srv.requests.filter((r) => r.sha256 === id)).toHaveLength(2);
    });

    it('re-verifies a file whose size changed even with its old mtime put back', async () => {
      const { dir, make, bodies } = await filled(2);
      const id = sha(bodies[1]!);
      const onDisk = path.join(dir, id);
      const before = fs.statSync(onDisk);
      fs.appendFileSync(onDisk, Buffer.from('thêm'));
      fs.utimesSync(onDisk, before.atime, before.mtime);
      const second = make();
      expect(await second.open()).toEqual({ trusted: 1, hashed: 1, removed: 1 });
      expect(second.has(id)).toBe(false);
    });

    it('keeps a good file that was only touched, and trusts it again afterwards', async () => {
      const { dir, make, bodies } = await filled(1);
      const id = sha(bodies[0]!);
      const onDisk = path.join(dir, id);
      const later = new Date(fs.statSync(onDisk).mtimeMs + 5000);
      fs.utimesSync(onDisk, later, later);
      const second = make();
      expect(await second.open()).toEqual({ trusted: 0, hashed: 1, removed: 0 });
      expect(second.has(id)).toBe(true);
      expect(indexOf(dir).files[id]!.mtimeMs).toBe(fs.statSync(onDisk).mtimeMs);
      second.close();
      expect(await make().open()).toEqual({ trusted: 1, hashed: 0, removed: 0 });
    });

    it('hashes files it does not know and survives a damaged index', async () => {
      const { dir, make, bodies } = await filled(2);
      const stranger = file(4096, 42);
      fs.writeFileSync(path.join(dir, sha(stranger)), stranger); // e.g. copied in by a technician
      fs.writeFileSync(path.join(dir, INDEX_FILE), '{"version":1,"files":{"'); // cut off mid-write
      const second = make();
      expect(await second.open()).toEqual({ trusted: 0, hashed: 3, removed: 0 });
      expect(second.has(sha(stranger))).toBe(true);
      expect(Object.keys(indexOf(dir).files).sort()).toEqual([...bodies.map(sha), sha(stranger)].sort());
    });

    it('drops cleared files from the index', async () => {
      const { dir, make, bodies } = await filled(2);
      const cache = make();
      await cache.open();
      cache.want([{ sha256: sha(bodies[0]!), size: bodies[0]!.length }]);
      await cache.clear();
      // Only what the bundle wants comes back; the other file is gone from disk and index.
      await cache.idle();
      expect(Object.keys(indexOf(dir).files)).toEqual([sha(bodies[0]!)]);
      expect(fs.existsSync(path.join(dir, sha(bodies[1]!)))).toBe(false);
      const leftovers = fs.readdirSync(dir).filter((n) => n.endsWith('.tmp') || n.endsWith('.part'));
      expect(leftovers).toEqual([]);
    });
  });

  it('gives up after its retries and reports the failure', async () => {
    const { make } = await setup();
    const cache = make();
    const missing = 'a'.repeat(64);
    cache.want([{ sha256: missing, size: 10 }]);
    await cache.idle();
    expect(cache.has(missing)).toBe(false);
    expect(cache.progress().failed).toEqual([{ sha256: missing, reason: 'HTTP 404 from the controller' }]);
  });

  it('evicts least recently used files over quota but never what the current bundle needs', async () => {
    const { srv, dir, make } = await setup(250_000);
    const a = file(100_000, 1);
    const b = file(100_000, 2);
    const c = file(100_000, 3);
    for (const f of [a, b, c]) srv.files.set(sha(f), f);
    const ref = (f: Buffer) => ({ sha256: sha(f), size: f.length });
    const cache = make();

    cache.want([ref(a), ref(b)]);
    await cache.idle();
    expect(cache.has(sha(a)) && cache.has(sha(b))).toBe(true);

    // New bundle needs a and c: b is not needed and goes, a stays although it is older than b.
    cache.filePath(sha(b));
    cache.want([ref(a), ref(c)]);
    await cache.idle();
    expect([cache.has(sha(a)), cache.has(sha(b)), cache.has(sha(c))]).toEqual([true, false, true]);
    const index = JSON.parse(fs.readFileSync(path.join(dir, INDEX_FILE), 'utf8')) as { files: object };
    expect(Object.keys(index.files).sort()).toEqual([sha(a), sha(c)].sort());

    // A bundle bigger than the quota keeps everything it needs (over quota) rather than go dark.
    cache.want([ref(a), ref(b), ref(c)]);
    await cache.idle();
    expect([cache.has(sha(a)), cache.has(sha(b)), cache.has(sha(c))]).toEqual([true, true, true]);
    expect(cache.usedBytes()).toBe(300_000);
  });
});
