import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import type { AddressInfo } from 'node:net';
import cron from 'node-cron';
import { openStore, type Store } from './store';
import { createHub, type Hub } from './hub/hub';
import { registerAuth } from './http/auth';
import { registerRoutes } from './http/routes';
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
}

export interface Controller {
  url: string;
  port: number;
  store: Store;
  hub: Hub;
  /** Set only when this start created the admin account: the password to show once. */
  initialAdminPassword: string | null;
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
  registerAuth(app, store);
  registerRoutes(app, store, getHub, VERSION);
  await app.ready();
  hub = createHub({ httpServer: app.server, store, log: log.child({ module: 'hub' }), version: VERSION });

  await app.listen({ port: opts.port, host: opts.host ?? '0.0.0.0' });
  const port = (app.server.address() as AddressInfo).port;
  const url = `http://${opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1'}:${port}`;

  const jobs = [cron.schedule('17 * * * *', () => store.users.purgeExpiredSessions(), { name: 'purge-sessions' })];

  return {
    url,
    port,
    store,
    hub,
    initialAdminPassword,
    close: async () => {
      for (const j of jobs) await j.stop();
      await hub!.close();
      await app.close().catch(() => undefined);
      store.close();
    },
  };
}
