/**
 * `led-sim`: a simulated LED sign on a serial port, or a network controller card on a TCP port.
 *
 *   tsx apps/player/src/led/sim/main.ts --port /tmp/bangtin/B --protocol alpha --size 96x16 --png board.png
 *   tsx apps/player/src/led/sim/main.ts --protocol bx --card bx-5e1 --tcp 127.0.0.1:5005 --png bx.png
 *   tsx apps/player/src/led/sim/main.ts --protocol bx --card bx-5e2 --port /tmp/bangtin/B --baud 57600
 *
 * Decodes every packet (counting bad checksums), keeps the sign's memory, and each time the display
 * changes writes it as a PNG and prints it as ASCII art.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { parseBoardSize } from '../driver';
import type { DisplayPage } from './alpha-board';
import { bitmapToAscii, bitmapToPng } from './render';
import { runBxSimulator, runHuiduSimulator } from './bx-main';
import { createBoardSimulator } from './simulator';

const USAGE = `usage: led-sim --port <tty> --size 96x16 [--protocol alpha] [--png <file>] [--address 00]
               [--baud 9600] [--scale 4] [--hold-ms 2000] [--quiet]
       led-sim --protocol bx --card bx-5e1 (--port <tty> | --tcp HOST:PORT) [--colour mono|tri|rgb]
               [--size 96x16] [--address 1] [--baud 57600] [--png <file>] [--ascii <file>] [--quiet]
       led-sim --protocol huidu --tcp HOST:PORT [--size 96x16] [--png <file>] [--ascii <file>] [--quiet]`;

function fail(message: string): never {
  process.stderr.write(`led-sim: ${message}\n${USAGE}\n`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: 'string' },
        tcp: { type: 'string' },
        card: { type: 'string' },
        colour: { type: 'string' },
        ascii: { type: 'string' },
        protocol: { type: 'string', default: 'alpha' },
        size: { type: 'string', default: '96x16' },
        png: { type: 'string' },
        address: { type: 'string' },
        baud: { type: 'string' },
        scale: { type: 'string', default: '4' },
        'hold-ms': { type: 'string', default: '2000' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    return fail((err as Error).message);
  }
})();

if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const size = (() => {
  try {
    return parseBoardSize(values.size);
  } catch (err) {
    return fail((err as Error).message);
  }
})();
if (values.protocol === 'bx') {
  await runBxSimulator(values, size, fail);
} else if (values.protocol === 'huidu') {
  await runHuiduSimulator(values, size, fail);
} else {
  if (values.protocol !== 'alpha') fail(`protocol ${values.protocol} is not simulated (alpha, bx, huidu)`);
  if (!values.port) fail('--port is required');
  await runAlphaSimulator();
}

async function runAlphaSimulator(): Promise<void> {
  const address = (values.address ?? '00').toUpperCase();
  if (!/^[0-9A-F]{2}$/.test(address)) fail(`--address must be two hex digits, got ${values.address}`);
  const baudRate = Number(values.baud ?? '9600');
  const scale = Number(values.scale);
  const pageHoldMs = Number(values['hold-ms']);
  for (const [name, n] of [
    ['--baud', baudRate],
    ['--scale', scale],
    ['--hold-ms', pageHoldMs],
  ] as const) {
    if (!Number.isInteger(n) || n <= 0) fail(`${name} must be a positive integer`);
  }

  const logger = pino({ name: 'led-sim', level: process.env.LOG_LEVEL ?? 'info' });
  const sim = createBoardSimulator({ path: values.port!, size, address, baudRate, pageHoldMs, logger });
  const colour = process.stdout.isTTY === true;

  function show(page: DisplayPage): void {
    if (values.png) {
      // Written aside and renamed, so a viewer or a test never reads half a file.
      const tmp = `${values.png}.tmp`;
      writeFileSync(tmp, bitmapToPng(page.bitmap, { scale }));
      renameSync(tmp, values.png);
    }
    if (!values.quiet) {
      const total = sim.model.pages().length;
      const head =
        `[${new Date().toISOString()}] page ${page.page + 1}/${total} of TEXT ${page.file} (${page.mode})` +
        (page.text ? ` text: ${JSON.stringify(page.text)}` : '');
      process.stdout.write(`${head}\n${bitmapToAscii(page.bitmap, colour)}\n\n`);
    }
  }

  sim.on('display', show);
  sim.on('checksum-error', (e) => logger.warn({ ...e, total: sim.stats.checksumErrors }, 'bad checksum'));
  sim.on('command', (c) => {
    if (!c.accepted) logger.warn({ command: c.command.kind, reason: c.reason }, 'command refused');
    else if (c.command.kind === 'dimming') logger.info({ brightness: c.command.percent }, 'brightness set');
    else logger.debug({ command: c.command.kind }, 'command');
  });
  sim.on('open', () => logger.info({ port: values.port }, 'listening'));
  sim.on('close', () => logger.warn({ port: values.port }, 'port closed; waiting for it to return'));

  await sim.open();
  logger.info(
    { port: values.port, size: `${size.width}x${size.height}`, address, png: values.png ?? null },
    'led-sim started',
  );

  let stopping = false;
  async function stop(): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info({ ...sim.stats }, 'led-sim stopping');
    await sim.close();
    process.exit(0);
  }
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
