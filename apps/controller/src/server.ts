import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import type { AddressInfo } from 'node:net';
import type https from 'node:https';
import cron from 'node-cron';
import { openStore, type Store } from './store';
import { createHub, type Hub } from './hub/hub';
import { createAdminEvents } from './hub/admin-events';
import { registerAuth } from './http/auth';
import { registerMedia } from './http/media';
import { type MediaTools, missingTools, type OptionalTool, systemTools } from './http/media-probe';
import { registerRoutes } from './http/routes';
import { registerSchedulingRoutes } from './http/scheduling';
import { startJobs } from './jobs';
import { advanceHorizon } from './jobs/horizon';
import { registerDeviceOutputs } from './http/device-outputs';
import { registerBoards } from './http/boards';
import { registerStatic } from './http/static';
import { errorHandler } from './http/errors';
import { randomPassword } from './auth/tokens';
import { VERSION } from './version';
import { createLogger } from './log';

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
  /** Serve HTTPS and WSS on the port instead of HTTP (PEM certificate chain and key). */
  tls?: { cert: string | Buffer; key: string | Buffer } | null;
  /**
   * Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For / X-Forwarded-Proto are believed,
   * so the login limiter counts the real client and not the proxy. Default: none.
   */
  trustProxy?: string[] | undefined;
}

export interface Controller {
  url: string;
  port: number;
  store: Store;
  hub: Hub;
  /** Set only when this start created the admin account: the password to show once. */
  initialAdminPassword: string | null;
  /** Optional programs this machine lacks; the controller works without them, at reduced capability. */
  missingTools: OptionalTool[];
  /**
   * Replaces the certificate for new TLS connections (open ones keep theirs); throws when the pair is
   * invalid, and the old certificate stays. Only for a controller started with `tls`.
   */
  reloadTls(files: { cert: string | Buffer; key: string | Buffer }): void;
  close(): Promise<void>;
}

export async function startController(opts: ControllerOptions): Promise<Controller> {
  const log = opts.log ?? createLogger('controller');
  const store = openStore(opts.dataDir);

  let initialAdminPassword: string | null = null;
  if (store.users.count() === 0) {
    const password = opts.adminPassword ?? randomPassword();
    store.users.create({ username: 'admin', password, role: 'admin', groupId: null });
    initialAdminPassword = password;
  }

  const app = Fastify({
    loggerInstance: log.child({ module: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    ...(opts.trustProxy?.length ? { trustProxy: opts.trustProxy } : {}),
    // With `https`, fastify's types turn the instance into FastifyInstance<https.Server>, which every
    // route module would then have to be generic over; the routes and Socket.IO only need what an
    // https.Server inherits from http.Server, so the option is added untyped.
    ...((opts.tls ? { https: { cert: opts.tls.cert, key: opts.tls.key } } : {}) as object),
  });
  app.setErrorHandler(errorHandler(log));
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
  registerMedia(app, store, getHub, mediaTools); // before registerAuth: players fetch media with device tokens
  registerAuth(app, store);
  registerRoutes(app, store, getHub, VERSION);
  registerSchedulingRoutes(app, store, getHub);
  registerDeviceOutputs(app, store, getHub);
  registerBoards(app, store, getHub);
  await registerStatic(app);
  await app.ready();
  // Bundles carry a horizon from the first compile on; afterwards only the daily job moves it.
  advanceHorizon(store, Date.now());
  hub = createHub({ httpServer: app.server, store, log: log.child({ module: 'hub' }), version: VERSION });
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

  const jobs = [cron.schedule('17 * * * *', () => store.users.purgeExpiredSessions(), { name: 'purge-sessions' })];
  const retentionEnv = Number(process.env.BANGTIN_PROOF_RETENTION_DAYS);
  const scheduling =
    opts.jobs === false
      ? null
      : startJobs(store, getHub, log.child({ module: 'jobs' }), {
          proofRetentionDays:
            opts.proofRetentionDays ?? (Number.isFinite(retentionEnv) && retentionEnv > 0 ? retentionEnv : 400),
        });

  return {
    url,
    port,
    store,
    hub,
    initialAdminPassword,
    missingTools: missing,
    reloadTls: (files) => {
      if (!opts.tls) throw new Error('this controller serves plain HTTP; start it with a certificate to use TLS');
      (app.server as unknown as https.Server).setSecureContext({ cert: files.cert, key: files.key });
    },
    close: async () => {
      for (const j of jobs) await j.stop();
      await scheduling?.stop();
      adminEvents.close();
      await hub!.close();
      await app.close().catch(() => undefined);
      store.close();
    },
  };
}
