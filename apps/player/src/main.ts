import pino from 'pino';
import type { LedOutputConfig } from '@bangtin/shared';
import { PlayerConfigError, readPlayerConfig } from './runtime/config';
import {
  LedBoardSet,
  mergeOutputConfigs,
  readCachedDeviceConfig,
  writeCachedDeviceConfig,
} from './runtime/led-outputs';
import { type OutputSpec, type Player, startPlayer } from './runtime/player';
import { startScreenRuntime } from './runtime/screen-runtime';

const log = pino({ name: 'player', level: process.env.BANGTIN_LOG_LEVEL ?? 'info' });

function fatal(err: unknown): never {
  log.fatal({ err }, 'player failed');
  process.exit(1);
}

try {
  const config = readPlayerConfig(process.argv.slice(2), process.env);
  if (!config.headless) {
    throw new PlayerConfigError(
      'only --headless is available from this command; the Electron app starts the player itself',
    );
  }

  // Screen (browser mode, --renderer-port): cache and server outlive player restarts.
  const screen = config.screen ? await startScreenRuntime({ ...config, screen: config.screen, log }) : null;
  let player: Player | null = null;
  let stopping = false;

  function boardsFrom(remote: readonly LedOutputConfig[]): LedOutputConfig[] {
    const { outputs, skipped } = mergeOutputConfigs(config.outputs, remote);
    for (const s of skipped) log.warn(s, 'controller board skipped');
    return outputs;
  }

  /**
   * The player's outputs are fixed when it starts, so a new board list restarts it. The board set runs
   * those restarts one at a time (latest list wins) and keeps boards whose wiring is unchanged open, with
   * their picture; see LedBoardSet.
   */
  const boards = new LedBoardSet({
    log,
    hooks: {
      beforeChange: async () => {
        const p = player;
        player = null;
        await p?.close();
      },
      afterChange: (leds) => {
        if (stopping) return;
        // Without `close`: the board set, not the player, owns the ports across restarts.
        const outputs: OutputSpec[] = leds.map((l) => ({
          id: l.id,
          accepts: l.accepts,
          show: l.show,
          status: l.status,
          watchStatus: l.watchStatus,
          keepProof: l.keepProof,
        }));
        const screenOutput = screen?.output() ?? null;
        if (screenOutput) outputs.push(screenOutput);
        // A box that drives only boards has no `main` output: a proof for a screen nobody has would be false.
        const p = startPlayer({
          controllerUrl: config.controllerUrl,
          token: config.token,
          dataDir: config.dataDir,
          heartbeatMs: config.heartbeatMs,
          keepAckedDays: config.keepAckedDays,
          tls: config.tls,
          log,
          ...(outputs.length > 0 ? { outputs } : {}),
          ...(screen ? { mediaCache: screen.cache } : {}),
        });
        if (screen && screenOutput) screen.attach(p, screenOutput);
        // Board power plans run in the device's zone, which comes with its bundle.
        const zone = p.bundle()?.timeZone;
        if (zone) boards.setTimeZone(zone);
        p.on('bundle', (b) => {
          if (b.timeZone) boards.setTimeZone(b.timeZone);
        });
        p.on('config', (c) => {
          if (stopping || player !== p) return;
          writeCachedDeviceConfig(config.dataDir, c.outputs);
          boards.set(boardsFrom(c.outputs)).catch(fatal);
        });
        player = p;
      },
    },
  });

  const started = boards.set(boardsFrom(readCachedDeviceConfig(config.dataDir))).catch(fatal);
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'player stopping');
    await started;
    await player?.close();
    await boards.close();
    await screen?.close();
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
