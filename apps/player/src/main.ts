import pino from 'pino';
import type { LedOutputConfig } from '@bangtin/shared';
import { PlayerConfigError, readPlayerConfig } from './runtime/config';
import {
  createLedOutput,
  type LedOutput,
  mergeOutputConfigs,
  outputsKey,
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
  let activeKey = '';
  let stopping = false;
  /** Restarts run one after another: a config arriving during a restart waits for it. */
  let chain: Promise<void> = Promise.resolve();

  function boardsFrom(remote: readonly LedOutputConfig[]): LedOutputConfig[] {
    const { outputs, skipped } = mergeOutputConfigs(config.outputs, remote);
    for (const s of skipped) log.warn(s, 'controller board skipped');
    return outputs;
  }

  /** Boards being driven, by their full config: a board whose config is unchanged keeps its port and picture. */
  let boards = new Map<string, LedOutput>();

  async function run(configs: LedOutputConfig[]): Promise<void> {
    const next = new Map<string, LedOutput>();
    for (const b of configs) {
      const key = outputsKey([b]);
      let led = boards.get(key);
      if (!led) {
        led = createLedOutput(b, { log });
        log.info({ output: led.id, port: b.port, size: b.size, address: b.address }, 'LED board');
        await led.open();
      }
      next.set(key, led);
    }
    for (const [key, led] of boards) if (!next.has(key)) await led.close();
    boards = next;
    activeKey = outputsKey(configs);
    // Without `close`: the player must not release ports that the next player (after a restart) reuses.
    const outputs: OutputSpec[] = [...next.values()].map((l) => ({
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
      log,
      ...(outputs.length > 0 ? { outputs } : {}),
      ...(screen ? { mediaCache: screen.cache } : {}),
    });
    if (screen && screenOutput) screen.attach(p, screenOutput);
    p.on('config', (c) => {
      writeCachedDeviceConfig(config.dataDir, c.outputs);
      const next = boardsFrom(c.outputs);
      if (outputsKey(next) === activeKey || stopping) return;
      log.info({ boards: next.map((b) => b.name) }, 'boards changed on the controller; restarting playback');
      chain = chain
        .then(async () => {
          if (stopping || outputsKey(next) === activeKey) return;
          await player?.close();
          await run(next);
        })
        .catch(fatal);
    });
    player = p;
  }

  chain = run(boardsFrom(readCachedDeviceConfig(config.dataDir))).catch(fatal);
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'player stopping');
    await chain.catch(() => undefined);
    await player?.close();
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
