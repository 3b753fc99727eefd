import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import type { AddressInfo } from 'node:net';
import type https from 'node:https';
import cron from 'node-cron';
import { openStore, type Store } from './store';
import { createHub, type Hub } from './hub/hub';
import type { ProofBudgetOptions } from './hub/proof-budget';
import { createAdminEvents } from './hub/admin-events';
import rateLimit from '@fastify/rate-limit';
import { type LoginGuardState, type LoginLimits, registerAuth } from './http/auth';
import { capConnectionsPerAddress, type HttpLimits, httpLimits, serverTimeoutOptions } from './http/connection-limits';
import { registerSecurityHeaders } from './http/security-headers';
import { registerMedia } from './http/media';
import { type MediaTools, missingTools, type OptionalTool, systemTools } from './http/media-probe';
import { registerRoutes } from './http/routes';
import { registerContentEditRoutes } from './http/content-edit';
import { registerSchedulingRoutes } from './http/scheduling';
import { startJobs } from './jobs';
import { advanceHorizon } from './jobs/horizon';
import { registerDeviceOutputs } from './http/device-outputs';
import { registerBoards } from './http/boards';
import { registerReenrolmentRoutes } from './http/reenrolments';
import { registerAudit } from './http/audit';
import { registerUserRoutes } from './http/users';
import { watchStopAcks } from './hub/stop-acks';
import { registerStatic } from './http/static';
import { errorHandler, storageFull } from './http/errors';
import { StorageFullError, storageCause, storageErrorCode, StorageMonitor } from './store/storage';
import { randomPassword } from './auth/tokens';
import { VERSION } from './version';
import { createLogger } from './log';
import { backupDir } from './store/db';
import { backupHealth } from './store/backup';
import { writePidFile } from './ops/pid-file';
import { registerEvidenceRoutes } from './http/evidence';
import { registerPrintReportRoutes } from './http/print-report';
import { type ControllerMetrics, createMetrics, METRICS_TOKEN_MIN_LENGTH, registerMetrics } from './metrics';

export interface ControllerOptions {
  port: number;
  host?: string;
  dataDir: string;
  /** Password for the `admin` account created at first start; random (and printed once) when absent. */
  adminPassword?: string | undefined;
  log?: Logger;
  /** Days proofs are kept after their daily rollup; env BANGTIN_PROOF_RETENTION_DAYS, default 400. */
  proofRetentionDays?: number;
  /** Run the node-cron jobs (tests of the HTTP API alone may turn them off). Default true. */
  jobs?: boolean;
  /** How the optional programs (ffprobe, ffmpeg) are found; default: on PATH. */
  mediaTools?: MediaTools;
  /** How often the data disk is probed (full → writable, and free space); default 5000 ms. */
  storageProbeMs?: number;
  /** Free bytes below which the data disk counts as full; default 1 MiB. */
  storageReserveBytes?: number;
  /** Days nightly backups are kept; env BANGTIN_BACKUP_KEEP_DAYS (validated in config), default 14. */
  backupKeepDays?: number;
  /**
   * Bearer token a Prometheus scraper sends to `GET /metrics` (env BANGTIN_METRICS_TOKEN, at least 16
   * characters); absent: the endpoint answers 404 `metrics-disabled`.
   */
  metricsToken?: string | undefined;
  /** Serve HTTPS and WSS on the port instead of HTTP (PEM certificate chain and key). */
  tls?: { cert: string | Buffer; key: string | Buffer } | null;
  /**
   * Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For / X-Forwarded-Proto are believed,
   * so the login limiter counts the real client and not the proxy. Default: none.
   */
  trustProxy?: string[] | undefined;
  /** Proofs per device per minute and per day (BANGTIN_PROOF_BUDGET_PER_MINUTE / _PER_DAY); default 6,000 and 200,000. */
  proofBudget?: ProofBudgetOptions;
  /** Login defences (per-address limit, concurrent password checks, lockout table); defaults in http/auth.ts. */
  login?: Partial<LoginLimits>;
  /** Timeouts and the per-address connection cap of the HTTP server; defaults in http/connection-limits.ts. */
  httpLimits?: Partial<HttpLimits>;
}

export interface Controller {
  url: string;
  port: number;
  store: Store;
  hub: Hub;
  /** Whether the data disk takes writes; the controller serves reads either way. */
  storage: StorageMonitor;
  /** This controller's own Prometheus registry and instruments. */
  metrics: ControllerMetrics;
  /** Set only when this start created the admin account: the password to show once. */
  initialAdminPassword: string | null;
  /** Optional programs this machine lacks; the controller works without them, at reduced capability. */
  missingTools: OptionalTool[];
  /**
   * Replaces the certificate for new TLS connections (open ones keep theirs); throws when the pair is
   * invalid, and the old certificate stays. Only for a controller started with `tls`.
   */
  reloadTls(files: { cert: string | Buffer; key: string | Buffer }): void;
  /** The login defences' state (how many address + username pairs the lockout table holds). */
  loginGuard: LoginGuardState;
  /** Every route the HTTP server knows, as `METHOD /path/:param` (the auth matrix tests walk these). */
  routes: readonly string[];
  close(): Promise<void>;
}

export async function startController(opts: ControllerOptions): Promise<Controller> {
  const log = opts.log ?? createLogger('controller');
  const metricsToken = opts.metricsToken ?? null;
  if (metricsToken !== null && metricsToken.length < METRICS_TOKEN_MIN_LENGTH) {
    throw new Error(`metricsToken (BANGTIN_METRICS_TOKEN): must be at least ${METRICS_TOKEN_MIN_LENGTH} characters`);
  }
  // A migration (and its backup) or the first admin account cannot wait for space: without them
  // there is nothing to serve. Those fail the start with one clear sentence instead of a stack trace.
  const required = <T>(what: string, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      const code = storageErrorCode(err);
      if (code === null) throw err;
      throw new StorageFullError(
        `${storageCause(code, opts.dataDir)} (${code}): ${what} needs free space; free some and start again`,
      );
    }
  };
  const store = required('opening and upgrading the database', () => openStore(opts.dataDir));
  const storage = new StorageMonitor({
    db: store.db,
    dataDir: opts.dataDir,
    log: log.child({ module: 'storage' }),
    probeMs: opts.storageProbeMs,
    reserveBytes: opts.storageReserveBytes,
  });
  storage.probe();
  const startedAt = Date.now();
  // `controller restore` refuses while this marker names a live process.
  const removePidFile = writePidFile(opts.dataDir);
  const nightlyDir = backupDir(opts.dataDir);
  const metrics = createMetrics();
  metrics.sources.dbFile = store.db.name;

  let initialAdminPassword: string | null = null;
  if (store.users.count() === 0) {
    const password = opts.adminPassword ?? randomPassword();
    required('creating the first admin account', () =>
      store.users.create({ username: 'admin', password, role: 'admin', groupId: null }),
    );
    initialAdminPassword = password;
  }

  const limits = httpLimits(opts.httpLimits);
  const { nodeServer, ...timeouts } = serverTimeoutOptions(limits);
  const app = Fastify({
    loggerInstance: log.child({ module: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    ...timeouts,
    ...(opts.trustProxy?.length ? { trustProxy: opts.trustProxy } : {}),
    // With `https`, fastify's types turn the instance into FastifyInstance<https.Server>, which every
    // route module would then have to be generic over; the routes and Socket.IO only need what an
    // https.Server inherits from http.Server, so the option is added untyped.
    ...((opts.tls
      ? { https: { cert: opts.tls.cert, key: opts.tls.key, ...nodeServer } }
      : { http: nodeServer }) as object),
  });
  capConnectionsPerAddress(
    app.server,
    limits.maxConnectionsPerAddress,
    opts.trustProxy ?? [],
    log.child({ module: 'http' }),
  );
  const routes: string[] = [];
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) routes.push(`${m} ${r.url}`);
  });
  app.setErrorHandler(errorHandler(log, storage));
  registerMetrics(app, metrics, metricsToken); // first: its hook times every route registered after
  // Before any route or hook that answers early (media for players): every answer gets the headers.
  await registerSecurityHeaders(app);
  // Per-route only (`config.rateLimit`): the login route uses it, see registerAuth.
  await app.register(rateLimit, { global: false });
  // While the disk is full every change is refused up front with 507 (the same answer a failed write
  // gets), before a body is read: an upload would only fill the last bytes. Login and logout work
  // (sessions are held in memory, see registerAuth); everything that reads works.
  app.addHook('onRequest', async (req) => {
    if (!storage.full || req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return;
    const url = req.routeOptions.url ?? req.url.split('?')[0]!; // the decoded route, as in registerAuth
    if (!url.startsWith('/api/') || url === '/api/v1/auth/login' || url === '/api/v1/auth/logout') return;
    throw storageFull(storage);
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send({ error: { code: 'not-found', field: null, message: `no route ${req.method} ${req.url.split('?')[0]}` } }),
  );
  let hub: Hub | null = null;
  const getHub = () => {
    if (!hub) throw new Error('hub not started');
    return hub;
  };
  const mediaTools = opts.mediaTools ?? systemTools();
  registerAudit(app, store); // first: its hooks record every change made through the routes below
  registerMedia(app, store, getHub, mediaTools); // before registerAuth: players fetch media with device tokens
  const loginGuard = registerAuth(app, store, storage, opts.login);
  registerRoutes(app, store, getHub, VERSION, storage, () => backupHealth(nightlyDir, Date.now(), startedAt));
  registerSchedulingRoutes(app, store, getHub);
  registerContentEditRoutes(app, store, getHub);
  registerDeviceOutputs(app, store, getHub);
  registerBoards(app, store, getHub);
  registerReenrolmentRoutes(app, store, getHub);
  registerUserRoutes(app, store, getHub);
  registerEvidenceRoutes(app, store);
  registerPrintReportRoutes(app, store);
  await registerStatic(app);
  await app.ready();
  // Bundles carry a horizon from the first compile on; afterwards only the daily job moves it.
  // On a full disk it moves when space returns (before the hub's refresh, registered after this).
  const horizonAtStart = () => {
    try {
      storage.assertWritable();
      advanceHorizon(store, Date.now());
      return true;
    } catch (err) {
      if (!storage.failed(err)) throw err;
      return false;
    }
  };
  if (!horizonAtStart()) storage.onRecover(horizonAtStart);
  hub = createHub({
    httpServer: app.server,
    store,
    log: log.child({ module: 'hub' }),
    version: VERSION,
    storage,
    metrics,
    ...(opts.proofBudget ? { proofBudget: opts.proofBudget } : {}),
  });
  watchStopAcks(store, hub, (err) => log.error({ err }, 'recording an urgent-message stop ack failed'));
  const adminEvents = createAdminEvents({ hub, store, log: log.child({ module: 'admin-events' }) });

  await app.listen({ port: opts.port, host: opts.host ?? '0.0.0.0' });
  const port = (app.server.address() as AddressInfo).port;
  const url = `${opts.tls ? 'https' : 'http'}://${opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1'}:${port}`;

  const missing = await missingTools(mediaTools);
  if (missing.length > 0) {
    log.warn(
      { missing },
      `optional tools missing: ${missing.join(', ')}; videos are stored without length or thumbnail ` +
        '(images are unaffected). Install: apt-get install ffmpeg',
    );
  }

  const purgeSessions = () => {
    if (storage.full) return;
    metrics.jobRuns.inc({ job: 'purge-sessions' });
    try {
      store.users.purgeExpiredSessions();
    } catch (err) {
      if (storage.failed(err)) return;
      metrics.jobFailures.inc({ job: 'purge-sessions' });
      log.error({ err, job: 'purge-sessions' }, 'job failed');
    }
  };
  metrics.jobRuns.inc({ job: 'purge-sessions' }, 0);
  metrics.jobFailures.inc({ job: 'purge-sessions' }, 0);
  const jobs = [cron.schedule('17 * * * *', purgeSessions, { name: 'purge-sessions' })];
  const retentionEnv = Number(process.env.BANGTIN_PROOF_RETENTION_DAYS);
  const scheduling =
    opts.jobs === false
      ? null
      : startJobs(
          store,
          getHub,
          log.child({ module: 'jobs' }),
          {
            proofRetentionDays:
              opts.proofRetentionDays ?? (Number.isFinite(retentionEnv) && retentionEnv > 0 ? retentionEnv : 400),
            backupDir: nightlyDir,
            backupKeepDays: opts.backupKeepDays ?? 14,
          },
          () => !storage.full,
          metrics,
        );
  // Job slots not claimed while the disk was full run (catch-up) as soon as it has space.
  if (scheduling) storage.onRecover(() => scheduling.catchUp());
  storage.start();

  return {
    url,
    port,
    store,
    hub,
    storage,
    metrics,
    initialAdminPassword,
    missingTools: missing,
    loginGuard,
    routes,
    reloadTls: (files) => {
      if (!opts.tls) throw new Error('this controller serves plain HTTP; start it with a certificate to use TLS');
      (app.server as unknown as https.Server).setSecureContext({ cert: files.cert, key: files.key });
    },
    close: async () => {
      storage.stop();
      for (const j of jobs) await j.stop();
      await scheduling?.stop();
      adminEvents.close();
      await hub!.close();
      await app.close().catch(() => undefined);
      store.close();
      removePidFile();
    },
  };
}
