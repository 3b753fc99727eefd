import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bundle, ProofUploadResult } from '@bangtin/shared';
import { createHarness, heartbeat } from './http/test-harness';
import { parsePrometheusText, sampleValue, type Family } from './testing/prom-text';

const { start, cleanup } = createHarness('metrics');
afterEach(cleanup);

const TOKEN = 'scrape-token-for-tests-0123456789';

async function scrape(url: string, authorization?: string): Promise<{ status: number; type: string; text: string }> {
  const r = await fetch(`${url}/metrics`, { headers: authorization ? { authorization } : {} });
  return { status: r.status, type: r.headers.get('content-type') ?? '', text: await r.text() };
}

async function metricsOf(url: string): Promise<Map<string, Family>> {
  const r = await scrape(url, `Bearer ${TOKEN}`);
  expect(r.status).toBe(200);
  return parsePrometheusText(r.text);
}

/** Scrapes until `ok` holds (heartbeats and disconnects arrive asynchronously); fails after 5 s. */
async function scrapeUntil(url: string, ok: (m: Map<string, Family>) => boolean): Promise<Map<string, Family>> {
  const until = Date.now() + 5000;
  for (;;) {
    const m = await metricsOf(url);
    if (ok(m)) return m;
    if (Date.now() > until) throw new Error('metrics did not reach the expected state');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function proof(over: Record<string, unknown> = {}) {
  const startedAt = Date.now() - 60_000;
  return {
    id: randomUUID(),
    contentId: randomUUID(),
    playlistId: randomUUID(),
    scheduleId: randomUUID(),
    startedAt,
    endedAt: startedAt + 10_000,
    deviceStartedAt: startedAt,
    clockOffsetMs: 0,
    endReason: 'completed',
    output: 'main',
    ...over,
  };
}

describe('GET /metrics (real controller on port 0, real Socket.IO player)', () => {
  it('refuses a scraper without the token or with a wrong one, with 401', async () => {
    const h = await start({ metricsToken: TOKEN, jobs: false });
    const none = await scrape(h.c.url);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.text).error.code).toBe('unauthorized');
    expect((await scrape(h.c.url, `Bearer ${TOKEN}x`)).status).toBe(401);
    expect((await scrape(h.c.url, `Bearer ${TOKEN.slice(0, -1)}`)).status).toBe(401);
    expect((await scrape(h.c.url, TOKEN)).status).toBe(401); // no Bearer scheme
    expect((await scrape(h.c.url, `Bearer ${h.admin}`)).status).toBe(401); // an admin session is not it
    const ok = await scrape(h.c.url, `Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.type).toContain('text/plain');
    expect(ok.type).toContain('version=0.0.4');
  });

  it('answers 404 metrics-disabled when no token is configured, and refuses a short token at start', async () => {
    const h = await start({ jobs: false });
    const r = await scrape(h.c.url, `Bearer ${TOKEN}`);
    expect(r.status).toBe(404);
    const body = JSON.parse(r.text) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('metrics-disabled');
    expect(body.error.message).toContain('BANGTIN_METRICS_TOKEN');
    await expect(start({ metricsToken: 'short' })).rejects.toThrow(/BANGTIN_METRICS_TOKEN.*16/);
  });

  it('moves with players, bundles, proofs, heartbeats, HTTP requests and jobs', async () => {
    const h = await start({ metricsToken: TOKEN });
    const other = await start({ metricsToken: TOKEN, jobs: false }); // same process, own registry

    const before = await metricsOf(h.c.url);
    expect(sampleValue(before, 'bangtin_players_connected')).toBe(0);
    // Jobs ran their catch-up at start; every job has both series.
    expect(sampleValue(before, 'bangtin_job_runs_total', { job: 'device-status' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(before, 'bangtin_job_failures_total', { job: 'device-status' })).toBe(0);
    expect(sampleValue(before, 'bangtin_job_runs_total', { job: 'purge-sessions' })).toBe(0);
    expect(sampleValue(before, 'bangtin_sqlite_bytes', { file: 'db' })).toBeGreaterThan(0);
    expect(sampleValue(before, 'bangtin_sqlite_bytes', { file: 'wal' })).toBeGreaterThanOrEqual(0);
    expect(before.get('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
    expect(before.get('process_cpu_user_seconds_total')?.type).toBe('counter');

    const dev = await h.call(h.admin, 'POST', '/devices', { name: 'Bảng LED Bưu điện', kind: 'led' });
    expect(dev.status).toBe(201);
    await h.call(h.admin, 'GET', `/devices/${dev.body.id as string}`);
    const player = h.player(dev.body.token as string);
    const bundle = await new Promise<Bundle>((resolve) => player.once('bundle', resolve));
    player.emit('bundle:ack', { version: bundle.version, hash: bundle.hash });
    player.emit('heartbeat', heartbeat({ bundleVersion: bundle.version, outboxSize: 7 }));

    const upload = (proofs: unknown[]) =>
      new Promise<ProofUploadResult>((resolve, reject) =>
        player.emit('proofs:upload', { proofs }, (res) =>
          'error' in res ? reject(new Error(res.error.code)) : resolve(res),
        ),
      );
    const good = proof();
    const bad = proof({ endedAt: good.startedAt - 1 });
    const res = await upload([good, bad]);
    expect(res.acked).toEqual([good.id]);
    expect(res.rejected).toHaveLength(1);
    await upload([good]); // a replay: acked again, not stored twice

    const m = await scrapeUntil(h.c.url, (x) => sampleValue(x, 'bangtin_outbox_backlog') === 7);
    expect(sampleValue(m, 'bangtin_players_connected')).toBe(1);
    expect(sampleValue(m, 'bangtin_bundle_pushes_total', { trigger: 'connect' })).toBe(1);
    expect(sampleValue(m, 'bangtin_bundle_ack_seconds_count')).toBe(1);
    expect(sampleValue(m, 'bangtin_bundle_ack_seconds_bucket', { le: '+Inf' })).toBe(1);
    expect(sampleValue(m, 'bangtin_proofs_ingested_total')).toBe(1);
    expect(sampleValue(m, 'bangtin_proofs_duplicate_total')).toBe(1);
    expect(sampleValue(m, 'bangtin_proofs_rejected_total', { reason: 'invalid' })).toBe(1);

    // HTTP durations are labelled by route template: one series for /devices/:id, no raw ids.
    const http = m.get('bangtin_http_request_duration_seconds')!;
    expect(http.type).toBe('histogram');
    expect(
      sampleValue(m, 'bangtin_http_request_duration_seconds_count', {
        route: '/api/v1/devices',
        method: 'POST',
        status_code: '201',
      }),
    ).toBe(1);
    expect(
      sampleValue(m, 'bangtin_http_request_duration_seconds_count', {
        route: '/api/v1/devices/:id',
        method: 'GET',
        status_code: '200',
      }),
    ).toBe(1);
    expect(http.samples.some((s) => s.labels.route?.includes(dev.body.id as string))).toBe(false);

    // A whole batch refused (not an array of proofs) counts under its own reason.
    await expect(
      new Promise<unknown>((resolve, reject) =>
        player.emit('proofs:upload', { proofs: 'nope' } as never, (r) =>
          'error' in r ? resolve(r.error.code) : reject(new Error('accepted')),
        ),
      ),
    ).resolves.toBe('invalid-proof-batch');
    const afterBatch = await metricsOf(h.c.url);
    expect(sampleValue(afterBatch, 'bangtin_proofs_rejected_total', { reason: 'invalid-batch' })).toBe(1);

    // The other controller in this process counted none of it.
    const o = await metricsOf(other.c.url);
    expect(sampleValue(o, 'bangtin_players_connected')).toBe(0);
    expect(sampleValue(o, 'bangtin_proofs_ingested_total')).toBe(0);

    // A content change pushes a new bundle (trigger "change"); its ack is timed too.
    const next = new Promise<Bundle>((resolve) => player.once('bundle', resolve));
    const content = await h.call(h.admin, 'POST', '/content', { type: 'slogan', text: 'Tham gia BHXH tự nguyện' });
    const playlist = await h.call(h.admin, 'POST', '/playlists', {
      name: 'DS khẩu hiệu',
      items: [{ contentId: content.body.id as string, durationMs: 1000 }],
    });
    const schedule = await h.call(h.admin, 'POST', '/schedules', {
      playlistId: playlist.body.id as string,
      target: { deviceIds: [dev.body.id as string] },
    });
    expect(schedule.status).toBe(201);
    const changed = await next;
    expect(changed.version).toBeGreaterThan(bundle.version);
    player.emit('bundle:ack', { version: changed.version, hash: changed.hash });
    const afterChange = await scrapeUntil(h.c.url, (x) => sampleValue(x, 'bangtin_bundle_ack_seconds_count') === 2);
    expect(sampleValue(afterChange, 'bangtin_bundle_pushes_total', { trigger: 'change' })).toBe(1);
    expect(sampleValue(afterChange, 'bangtin_bundle_pushes_total', { trigger: 'connect' })).toBe(1);

    player.close();
    const gone = await scrapeUntil(h.c.url, (x) => sampleValue(x, 'bangtin_players_connected') === 0);
    expect(sampleValue(gone, 'bangtin_outbox_backlog')).toBe(0);
  });
});
