/** The `led-sim --protocol bx|huidu` branches: a simulated Onbon BX card (serial or TCP) or Huidu card (TCP). */
import { pino } from 'pino';
import type { LedColourMode } from '@bangtin/shared';
import { BX_CARD_IDS, bxCard } from '../bx/cards';
import type { BoardSize } from '../driver';
import { parseTcpTarget } from '../tcp-transport';
import { createHuiduSimulator } from '../huidu/simulator';
import { createBxSimulator } from './bx-simulator';
import { bitmapToAscii } from './render';

export interface BxSimFlags {
  port?: string | undefined;
  tcp?: string | undefined;
  card?: string | undefined;
  colour?: string | undefined;
  address?: string | undefined;
  baud?: string | undefined;
  png?: string | undefined;
  ascii?: string | undefined;
  scale: string;
  quiet: boolean;
}

export async function runBxSimulator(
  flags: BxSimFlags,
  size: BoardSize,
  fail: (message: string) => never,
): Promise<void> {
  if (!flags.card) fail(`--card is required for --protocol bx (one of ${BX_CARD_IDS.join(', ')})`);
  let card;
  try {
    card = bxCard(flags.card);
  } catch (err) {
    fail((err as Error).message);
  }
  if (card.pixels === 'font') fail(`${card.label} is a font card; the simulator models graphic cards`);
  if (!!flags.port === !!flags.tcp) fail('give exactly one of --port <tty> and --tcp HOST:PORT');
  if (flags.port && !card.serial) fail(`${card.label} has no serial port: use --tcp`);
  const colour = (flags.colour ?? card.colours[0]) as LedColourMode;
  if (!card.colours.includes(colour)) fail(`--colour must be one of ${card.colours.join(', ')} for ${card.label}`);
  const address = Number(flags.address ?? '1');
  if (!Number.isInteger(address) || address < 1 || address > 65534)
    fail('--address must be the BX screen number 1–65534');
  const baudRate = Number(flags.baud ?? '57600');
  if (![9600, 57600].includes(baudRate)) fail('--baud must be 9600 or 57600 (the BX cards’ speeds)');
  const scale = Number(flags.scale);
  if (!Number.isInteger(scale) || scale <= 0) fail('--scale must be a positive integer');
  let tcp: { host: string; port: number } | undefined;
  if (flags.tcp) {
    try {
      tcp = parseTcpTarget(flags.tcp.replace(/:0$/, ':65535'));
      if (flags.tcp.endsWith(':0')) tcp.port = 0;
    } catch (err) {
      fail(`--tcp: ${(err as Error).message}`);
    }
  }
  const logger = pino({ name: 'led-sim', level: process.env.LOG_LEVEL ?? 'info' });
  const sim = await createBxSimulator({
    card: card.id,
    colour,
    size,
    address,
    ...(flags.port ? { path: flags.port, baudRate } : { tcp: tcp! }),
    ...(flags.png ? { png: flags.png } : {}),
    ...(flags.ascii ? { ascii: flags.ascii } : {}),
    scale,
    logger,
  });
  const tty = process.stdout.isTTY === true;
  sim.on('display', (b) => {
    if (!flags.quiet)
      process.stdout.write(`[${new Date().toISOString()}] ${card.label} shows:\n${bitmapToAscii(b, tty)}\n\n`);
  });
  sim.on('handled', (h) => {
    if (h.error > 0) logger.warn({ error: h.error, reason: h.reason }, 'NACK');
    else if (h.request) logger.debug({ request: h.request.kind }, 'ACK');
  });
  logger.info(
    {
      card: card.label,
      colour,
      size: `${size.width}x${size.height}`,
      address,
      ...(flags.port ? { port: flags.port } : { tcp: `${tcp!.host}:${sim.port}` }),
    },
    'led-sim started',
  );
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ ...sim.stats }, 'led-sim stopping');
    await sim.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

export async function runHuiduSimulator(
  flags: BxSimFlags,
  size: BoardSize,
  fail: (message: string) => never,
): Promise<void> {
  if (!flags.tcp) fail('--tcp HOST:PORT is required for --protocol huidu (Huidu cards are network cards)');
  if (flags.port) fail('Huidu cards have no serial port here: use --tcp');
  const m = /^(.+):(\d{1,5})$/.exec(flags.tcp);
  if (!m || Number(m[2]) > 65535) fail(`--tcp must look like HOST:PORT, got ${flags.tcp}`);
  const logger = pino({ name: 'led-sim', level: process.env.LOG_LEVEL ?? 'info' });
  const sim = await createHuiduSimulator({
    host: m[1]!.replace(/^\[|\]$/g, ''),
    port: Number(m[2]),
    size,
    ...(flags.png ? { png: flags.png } : {}),
    ...(flags.ascii ? { ascii: flags.ascii } : {}),
  });
  const tty = process.stdout.isTTY === true;
  sim.on('display', (program) => {
    const page = program.pages[0];
    if (!flags.quiet && page)
      process.stdout.write(`[${new Date().toISOString()}] Huidu shows:\n${bitmapToAscii(page.bitmap, tty)}\n\n`);
  });
  logger.info({ size: `${size.width}x${size.height}`, tcp: `${m[1]}:${sim.port}` }, 'led-sim started (huidu)');
  const stop = async (): Promise<void> => {
    await sim.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
