/**
 * Issue 14 item 4 on a real controller (port 0, SQLite file in a temp folder): GET /proofs caps `limit`
 * at 10,000 and pages on with an opaque cursor; the CSV export of 200,000 rows streams (rows are read
 * from the database only as the client takes them) and arrives whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, type Proof } from '@bangtin/shared';
import { createHarness, type Harness } from './test-harness';

const harness = createHarness('proofs-paging');
let h: Harness;
const T = Date.UTC(2026, 9, 1);
const TOTAL = 200_000;

beforeAll(async () => {
  h = await harness.start({ jobs: false });
  const devices = [];
  for (const name of ['Bảng LED A', 'Bảng LED B']) {
    devices.push((await h.call(h.admin, 'POST', '/devices', { name, kind: 'led' })).body.id as string);
  }
  const [content, playlist, schedule] = [newId(), newId(), newId()];
  // Two devices, interleaved in time, so the pages merge both; some share a start (the id breaks the tie).
  for (let d = 0; d < devices.length; d++) {
    const batch: Proof[] = [];
    for (let i = 0; i < TOTAL / devices.length; i++) {
      const startedAt = T + Math.floor(i / 2) * 10_000 + d;
      batch.push({
        id: newId(),
        contentId: content,
        playlistId: playlist,
        scheduleId: schedule,
        startedAt,
        endedAt: startedAt + 9000,
        deviceStartedAt: startedAt,
        clockOffsetMs: 0,
        endReason: 'completed',
        output: 'main',
      });
    }
    h.c.store.proofs.insertBatch(devices[d]!, batch, T);
  }
}, 60_000);
afterAll(() => harness.cleanup());

const get = (url: string) => fetch(`${h.c.url}/api/v1${url}`, { headers: { authorization: `Bearer ${h.admin}` } });

describe('GET /proofs paging and streaming', () => {
  it('refuses a limit over 10,000, naming limit', async () => {
    for (const limit of ['10001', '1000000', '0', 'nhiều']) {
      const r = await get(`/proofs?limit=${limit}`);
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: { field: string } }).error.field).toBe('limit');
    }
    const bad = await get('/proofs?cursor=khong-phai');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('cursor');
  });

  it('answers at most 10,000 by default and pages on with x-next-cursor in (startedAt, id) order', async () => {
    const first = await get('/proofs');
    expect(first.status).toBe(200);
    expect(((await first.json()) as unknown[]).length).toBe(10_000);
    expect(first.headers.get('x-next-cursor')).toBeTruthy();

    type Row = { id: string; startedAt: string };
    const whole = (await (await get('/proofs?limit=3000')).json()) as Row[];
    const p1 = await get('/proofs?limit=1000');
    const c1 = p1.headers.get('x-next-cursor')!;
    const p2 = await get(`/proofs?limit=2000&cursor=${c1}`);
    const paged = [...((await p1.json()) as Row[]), ...((await p2.json()) as Row[])];
    expect(paged.map((r) => r.id)).toEqual(whole.map((r) => r.id));
    // The order is total: by start, then id.
    for (let i = 1; i < whole.length; i++) {
      const [a, b] = [whole[i - 1]!, whole[i]!];
      expect(a.startedAt < b.startedAt || (a.startedAt === b.startedAt && a.id < b.id)).toBe(true);
    }
    // The last page of a window has no cursor.
    const end = new Date(T + 10_000).toISOString();
    const last = await get(`/proofs?to=${end}&limit=10`);
    expect(((await last.json()) as unknown[]).length).toBe(4);
    expect(last.headers.get('x-next-cursor')).toBeNull();
  });

  it('streams a CSV of 200,000 rows without reading them all first, and delivers every row once', async () => {
    // Count what the database has handed out, to see that the answer is not built before it is sent.
    const proofs = h.c.store.proofs;
    const query = proofs.query.bind(proofs);
    let yielded = 0;
    proofs.query = function* (q) {
      for (const p of query(q)) {
        yielded++;
        yield p;
      }
    };
    try {
      const r = await get('/proofs?format=csv');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-length')).toBeNull();
      const reader = r.body!.getReader();
      const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
      const firstChunk = await reader.read();
      expect(firstChunk.done).toBe(false);
      let text = decoder.decode(firstChunk.value, { stream: true });
      expect(text.startsWith('\uFEFFid,deviceId')).toBe(true);
      // While the client holds back, the server stops at what the socket buffers take.
      await new Promise((res) => setTimeout(res, 300));
      const whileHeld = yielded;
      expect(whileHeld).toBeLessThan(TOTAL / 2);
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      const lines = text.trimEnd().split('\r\n');
      expect(lines).toHaveLength(TOTAL + 1);
      expect(new Set(lines.slice(1).map((l) => l.slice(0, 36))).size).toBe(TOTAL);
      expect(yielded).toBe(TOTAL);
    } finally {
      proofs.query = query;
    }
  }, 60_000);
});
