import { ConfigError, readConfig } from './config';
import { startController } from './server';
import { createLogger } from './log';
import { SchemaTooNewError } from './store/migrations';
import { StorageFullError } from './store/storage';
import { loadTlsFiles } from './tls';
import { isOpsCommand, runOpsCli } from './ops/cli';

// `controller backup …` / `controller restore …`: maintenance commands, not a server start.
if (isOpsCommand(process.argv[2])) process.exit(await runOpsCli(process.argv.slice(2), process.env));

const log = createLogger('controller');

try {
  const config = readConfig(process.argv.slice(2), process.env);
  const { maxConnectionsPerAddress, requestTimeoutMs, ...rest } = config;
  const controller = await startController({
    ...rest,
    log,
    httpLimits: {
      ...(maxConnectionsPerAddress !== undefined ? { maxConnectionsPerAddress } : {}),
      ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
    },
  });
  log.info({ url: controller.url, dataDir: config.dataDir }, 'controller listening');
  process.stdout.write(`\nbangtin controller: ${controller.url}\n`);
  if (controller.initialAdminPassword) {
    process.stdout.write(`Tài khoản quản trị / admin login: admin / ${controller.initialAdminPassword}\n`);
    process.stdout.write('(shown once: the password is stored hashed)\n\n');
  }
  const stop = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await controller.close();
    process.exit(0);
  };
  const { tls } = config;
  if (tls) {
    // Certificate renewals (certbot, an internal CA) end with `kill -HUP`: new connections get the new
    // pair, open ones keep theirs. A bad pair is refused and the old one stays in service.
    process.on('SIGHUP', () => {
      try {
        controller.reloadTls(loadTlsFiles(tls.certFile, tls.keyFile));
        log.info({ cert: tls.certFile, key: tls.keyFile }, 'SIGHUP: TLS certificate reloaded');
      } catch (err) {
        log.error(
          { cert: tls.certFile, key: tls.keyFile, err: (err as Error).message },
          'SIGHUP: TLS certificate NOT reloaded; still serving the previous certificate',
        );
      }
    });
  }
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`bangtin controller: invalid configuration: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof SchemaTooNewError || err instanceof StorageFullError)
    process.stderr.write(`bangtin controller: ${err.message}\n`);
  log.fatal({ err }, 'controller failed to start');
  process.exit(1);
}
