import pino from 'pino';
import { PlayerConfigError, readPlayerConfig } from './runtime/config';
import { startPlayer } from './runtime/player';

const log = pino({ name: 'player', level: process.env.BANGTIN_LOG_LEVEL ?? 'info' });

try {
  const config = readPlayerConfig(process.argv.slice(2), process.env);
  if (!config.headless) {
    throw new PlayerConfigError(
      'only --headless is available from this command; the Electron app starts the player itself',
    );
  }
  const player = startPlayer({
    controllerUrl: config.controllerUrl,
    token: config.token,
    dataDir: config.dataDir,
    heartbeatMs: config.heartbeatMs,
    log,
  });
  const stop = async (signal: string) => {
    log.info({ signal }, 'player stopping');
    await player.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
} catch (err) {
  if (err instanceof PlayerConfigError) {
    process.stderr.write(`bangtin player: invalid configuration: ${err.message}\n`);
    process.exit(2);
  }
  log.fatal({ err }, 'player failed to start');
  process.exit(1);
}
