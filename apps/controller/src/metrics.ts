import crypto from 'node:crypto';
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { apiError } from '@bangtin/shared';

/**
 * The controller's Prometheus metrics. One Registry per controller (never prom-client's global one):
 * tests run several controllers in one process, and each must count only its own players.
 * Gauges that mirror state (players online, outbox backlog, SQLite size) are read at scrape time.
 */
export interface ControllerMetrics {
  registry: Registry;
  bundlePushes: Counter<'trigger'>;
  bundleSkips: Counter;
  bundleAckSeconds: Histogram;
  proofsIngested: Counter;
  proofsDuplicate: Counter;
  proofsRejected: Counter<'reason'>;
  httpSeconds: Histogram<'route' | 'method' | 'status_code'>;
  jobRuns: Counter<'job'>;
  jobFailures: Counter<'job'>;
  /** Where the scrape-time gauges read from; set once the hub and the store exist. */
  sources: MetricSources;
}

export interface MetricSources {
  connectedPlayers: () => number;
  /** Proofs and answers waiting in connected players' outboxes, from their last heartbeats. */
  outboxBacklog: () => number;
  /** The SQLite file; its WAL is `<file>-wal`. */
  dbFile: string | null;
}

export function createMetrics(): ControllerMetrics {
  const registry = new Registry();
  // Process CPU/memory/fds, GC and event-loop lag (nodejs_eventloop_lag_*), under their standard names.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const sources: MetricSources = { connectedPlayers: () => 0, outboxBacklog: () => 0, dbFile: null };
  const registers = [registry];

  new Gauge({
    name: 'bangtin_players_connected',
    help: 'Players (devices) with an open Socket.IO connection',
    registers,
    collect() {
      this.set(sources.connectedPlayers());
    },
  });
  new Gauge({
    name: 'bangtin_outbox_backlog',
    help: 'Items waiting in the outboxes of connected players, summed from their last heartbeats',
    registers,
    collect() {
      this.set(sources.outboxBacklog());
    },
  });
  new Gauge({
    name: 'bangtin_sqlite_bytes',
    help: 'Size of the controller database on disk: file="db" the main file, file="wal" its write-ahead log',
    labelNames: ['file'],
    registers,
    collect() {
      if (!sources.dbFile) return;
      this.set({ file: 'db' }, fileSize(sources.dbFile));
      this.set({ file: 'wal' }, fileSize(`${sources.dbFile}-wal`));
    },
  });

  return {
    registry,
    sources,
    bundlePushes: new Counter({
      name: 'bangtin_bundle_pushes_total',
      help: 'Bundles sent to players: trigger="connect" on (re)connection, "change" when content changed',
      labelNames: ['trigger'],
      registers,
    }),
    bundleSkips: new Counter({
      name: 'bangtin_bundle_skips_total',
      help: 'Bundles not sent at (re)connection because the player reported holding the same hash',
      registers,
    }),
    bundleAckSeconds: new Histogram({
      name: 'bangtin_bundle_ack_seconds',
      help: 'Time from sending a bundle to the player acking that version',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    }),
    proofsIngested: new Counter({
      name: 'bangtin_proofs_ingested_total',
      help: 'Proofs of play newly stored',
      registers,
    }),
    proofsDuplicate: new Counter({
      name: 'bangtin_proofs_duplicate_total',
      help: 'Proofs a player sent again that were already stored (acked, not stored twice)',
      registers,
    }),
    proofsRejected: new Counter({
      name: 'bangtin_proofs_rejected_total',
      help: 'Proofs refused: reason="invalid" (a bad proof), "invalid-batch" (the whole batch), "id-clash", "store-failed", "out-of-scope" (a schedule never sent to the device), "budget" (over the device ingest budget, kept by the player)',
      labelNames: ['reason'],
      registers,
    }),
    httpSeconds: new Histogram({
      name: 'bangtin_http_request_duration_seconds',
      help: 'HTTP request durations by route template (route="unmatched" for unknown paths)',
      labelNames: ['route', 'method', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    jobRuns: new Counter({
      name: 'bangtin_job_runs_total',
      help: 'Scheduled job runs (a slot claimed and started)',
      labelNames: ['job'],
      registers,
    }),
    jobFailures: new Counter({
      name: 'bangtin_job_failures_total',
      help: 'Scheduled job runs that threw (the run or its follow-up)',
      labelNames: ['job'],
      registers,
    }),
  };
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0; // no WAL between checkpoints, or not created yet
  }
}

/** The shortest BANGTIN_METRICS_TOKEN accepted: a scraper credential must not be guessable. */
export const METRICS_TOKEN_MIN_LENGTH = 16;

/** Compares in constant time (both sides hashed first, so their lengths do not leak either). */
export function tokenMatches(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/**
 * Times every request by its route template (`/api/v1/devices/:id`, never the raw URL, so the series
 * stay few) and serves `GET /metrics` to a scraper holding `Authorization: Bearer <token>`.
 * Without a token configured the endpoint answers 404 `metrics-disabled`: nothing is exposed by default.
 */
export function registerMetrics(app: FastifyInstance, metrics: ControllerMetrics, token: string | null): void {
  const started = new WeakMap<object, bigint>();
  app.addHook('onRequest', async (req) => {
    started.set(req, process.hrtime.bigint());
  });
  app.addHook('onResponse', async (req, reply) => {
    const t0 = started.get(req);
    if (t0 === undefined) return;
    metrics.httpSeconds.observe(
      { route: req.routeOptions.url ?? 'unmatched', method: req.method, status_code: String(reply.statusCode) },
      Number(process.hrtime.bigint() - t0) / 1e9,
    );
  });

  app.get('/metrics', async (req, reply) => {
    if (token === null) {
      return reply
        .status(404)
        .send(
          apiError(
            'metrics-disabled',
            'Giám sát đang tắt: đặt BANGTIN_METRICS_TOKEN để bật /metrics (metrics are off: set BANGTIN_METRICS_TOKEN)',
          ),
        );
    }
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : null;
    if (given === null || !tokenMatches(given, token)) {
      return reply
        .status(401)
        .header('www-authenticate', 'Bearer realm="bangtin-metrics"')
        .send(apiError('unauthorized', 'Sai hoặc thiếu mã truy cập /metrics (Authorization: Bearer <token>)'));
    }
    const body = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).send(body);
  });
}
