import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { type LedOutputConfig, LedOutputConfigSchema } from '@bangtin/shared';
import { CaFileError, readCaFile, type TlsTrust, trustFrom } from './tls-trust';

export class PlayerConfigError extends Error {
  readonly code = 'BANGTIN_INVALID_PLAYER_CONFIG';
}

const PlayerConfigSchema = z.object({
  headless: z.boolean(),
  controllerUrl: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as http://10.0.0.5:8080' }),
  token: z.string().min(16, 'a device token is required (shown once when the device was enrolled)'),
  dataDir: z.string().min(1),
  heartbeatMs: z.coerce.number().int().min(1000).max(600_000).default(15_000),
  /** Days acknowledged proofs are kept, to resend to a controller restored from an older backup. */
  keepAckedDays: z.coerce.number().int('must be a whole number of days').min(0).max(365).default(7),
});

export type PlayerConfig = z.infer<typeof PlayerConfigSchema> & {
  /** LED boards from `--output led,…` flags, in the order given. */
  outputs: LedOutputConfig[];
  /** The screen output served to a browser (`--renderer-port`); null = no screen. */
  screen: ScreenConfig | null;
  /** `--ca-file` / `--insecure`: the certificates accepted from an https controller. */
  tls: TlsTrust;
};

export interface ScreenConfig {
  /** Loopback port of browser mode (0 = any free port). */
  rendererPort: number;
  /** Kiosk mode: touch menu and survey; back to the loop after `kioskIdleMs` without a touch. */
  kiosk: boolean;
  kioskIdleMs: number;
  /**
   * `--kiosk-english`: an English line under the kiosk's own Vietnamese texts (hint, menu, buttons,
   * thanks). Off by default: a lobby reads Vietnamese; pages and survey are shown as the controller wrote them.
   */
  kioskEnglish: boolean;
  /** Media cache quota in bytes. */
  mediaQuotaBytes: number;
  transitionMs: number;
}

const ScreenFlagsSchema = z.object({
  rendererPort: z.coerce.number().int().min(0).max(65535),
  kiosk: z.boolean(),
  kioskIdleMs: z.coerce.number().int().min(3000).max(3_600_000).default(60_000),
  kioskEnglish: z.boolean(),
  mediaQuotaMb: z.coerce.number().int().min(10).max(10_000_000).default(20_000),
  transitionMs: z.coerce.number().int().min(0).max(5000).default(0),
});

const OUTPUT_KEYS = [
  'name',
  'protocol',
  'port',
  'tcp',
  'card',
  'baud',
  'size',
  'colour',
  'address',
  'power',
  'brightness',
] as const;

/**
 * `power=06:00-22:00` and `brightness=06:00@100+18:00@40` (commas separate keys, so steps are joined
 * with `+`). Shapes only; the times and percentages are checked by the board schema like the controller's.
 */
function parsePlanValues(raw: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  if (raw.power !== undefined) {
    const [on, off, ...extra] = raw.power.split('-');
    out.power = extra.length === 0 && on && off ? { on, off } : raw.power;
  }
  if (raw.brightness !== undefined) {
    out.brightness = raw.brightness.split('+').map((step) => {
      const [at, percent, ...extra] = step.split('@');
      return extra.length === 0 && at && percent && /^\d+$/.test(percent) ? { at, percent: Number(percent) } : step;
    });
  }
  return out;
}

/**
 * One `--output led,protocol=alpha,port=/dev/ttyUSB0,baud=9600,size=96x16,address=00[,name=…]`. Without
 * `name`, the board is named after its port (and its address when not 00), which names it in proofs.
 */
export function parseOutputFlag(flag: string, index = 0): LedOutputConfig {
  const where = `--output #${index + 1} (${flag})`;
  const [kind, ...pairs] = flag.split(',');
  if (kind !== 'led') throw new PlayerConfigError(`${where}: must start with "led," (the only output kind here)`);
  const raw: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (eq < 0) throw new PlayerConfigError(`${where}: ${key}: expected key=value`);
    if (!(OUTPUT_KEYS as readonly string[]).includes(key))
      throw new PlayerConfigError(`${where}: ${key}: unknown key (known: ${OUTPUT_KEYS.join(', ')})`);
    if (key in raw) throw new PlayerConfigError(`${where}: ${key}: given twice`);
    raw[key] = pair.slice(eq + 1);
  }
  if (!raw.port && !raw.tcp)
    throw new PlayerConfigError(
      `${where}: port: is required (the serial device, e.g. /dev/ttyUSB0; or tcp=HOST:PORT for a network card)`,
    );
  if (raw.name === undefined) {
    const base =
      (raw.port ?? raw.tcp!)
        .split('/')
        .pop()!
        .replace(/[^A-Za-z0-9_-]/g, '_')
        .slice(0, 36) || 'board';
    const address = (raw.address ?? (raw.protocol === 'bx' ? '1' : '00')).toUpperCase();
    raw.name = address === '00' || (raw.protocol === 'bx' && address === '1') ? base : `${base}-${address}`;
  }
  const r = LedOutputConfigSchema.safeParse({ protocol: 'alpha', ...parsePlanValues(raw) });
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    let message = issue.code === 'invalid_type' && raw[key] === undefined ? 'is required' : issue.message;
    if (key === 'power' && issue.path.length === 1 && issue.code === 'invalid_type')
      message = 'must look like 06:00-22:00 (on-off)';
    if (key === 'brightness' && issue.code === 'invalid_type')
      message = 'must look like 06:00@100+18:00@40 (time@percent steps)';
    const field = issue.path.length > 1 ? issue.path.join('.') : key;
    throw new PlayerConfigError(`${where}: ${field}: ${message}`);
  }
  return r.data;
}

/** Several boards: names must differ, and boards sharing a port (one RS-485 bus) must share a baud rate. */
export function checkOutputs(outputs: readonly LedOutputConfig[], flag = '--output'): void {
  const baudOfPort = new Map<string, number>();
  const names = new Set<string>();
  for (const [i, o] of outputs.entries()) {
    if (names.has(o.name))
      throw new PlayerConfigError(`${flag} #${i + 1}: name: ${o.name} is used twice; give each board name=…`);
    names.add(o.name);
    if (!o.port) continue;
    const baud = baudOfPort.get(o.port);
    if (baud !== undefined && baud !== o.baud)
      throw new PlayerConfigError(`${flag} #${i + 1}: baud: boards on ${o.port} must share one baud rate`);
    baudOfPort.set(o.port, o.baud);
  }
}

const FLAG_NAMES: Record<string, string> = {
  controllerUrl: '--controller / BANGTIN_CONTROLLER',
  token: '--token / --token-file / BANGTIN_DEVICE_TOKEN',
  dataDir: '--data-dir / BANGTIN_PLAYER_DATA_DIR',
  heartbeatMs: '--heartbeat-ms',
  keepAckedDays: '--keep-acked-days',
};

/** Flags win over environment variables. `--token-file` keeps the secret out of `ps` output. */
export function readPlayerConfig(argv: string[], env: NodeJS.ProcessEnv): PlayerConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        headless: { type: 'boolean' },
        controller: { type: 'string' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        'data-dir': { type: 'string' },
        'heartbeat-ms': { type: 'string' },
        'keep-acked-days': { type: 'string' },
        output: { type: 'string', multiple: true },
        'renderer-port': { type: 'string' },
        kiosk: { type: 'boolean' },
        'kiosk-idle-ms': { type: 'string' },
        'kiosk-english': { type: 'boolean' },
        'media-quota-mb': { type: 'string' },
        'transition-ms': { type: 'string' },
        'ca-file': { type: 'string' },
        insecure: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new PlayerConfigError((err as Error).message);
  }
  let token = values.token ?? env.BANGTIN_DEVICE_TOKEN;
  if (values['token-file']) {
    try {
      token = fs.readFileSync(values['token-file'], 'utf8').trim();
    } catch (err) {
      throw new PlayerConfigError(`--token-file: cannot read ${values['token-file']}: ${(err as Error).message}`);
    }
  }
  const r = PlayerConfigSchema.safeParse({
    headless: values.headless ?? false,
    controllerUrl: values.controller ?? env.BANGTIN_CONTROLLER,
    token: token ?? '',
    dataDir: values['data-dir'] ?? env.BANGTIN_PLAYER_DATA_DIR ?? './player-data',
    heartbeatMs: values['heartbeat-ms'],
    keepAckedDays: values['keep-acked-days'] ?? env.BANGTIN_KEEP_ACKED_DAYS,
  });
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    throw new PlayerConfigError(`${FLAG_NAMES[key] ?? key}: ${issue.message}`);
  }
  const outputs = (values.output ?? []).map((flag, i) => parseOutputFlag(flag, i));
  checkOutputs(outputs);
  let screen: ScreenConfig | null = null;
  if (values['renderer-port'] !== undefined) {
    const sr = ScreenFlagsSchema.safeParse({
      rendererPort: values['renderer-port'],
      kiosk: values.kiosk ?? false,
      kioskIdleMs: values['kiosk-idle-ms'],
      kioskEnglish: values['kiosk-english'] ?? false,
      mediaQuotaMb: values['media-quota-mb'],
      transitionMs: values['transition-ms'],
    });
    if (!sr.success) {
      const issue = sr.error.issues[0]!;
      const flag = String(issue.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      throw new PlayerConfigError(`--${flag}: ${issue.message}`);
    }
    const { mediaQuotaMb, ...rest } = sr.data;
    screen = { ...rest, mediaQuotaBytes: mediaQuotaMb * 1024 * 1024 };
  } else if (values.kiosk) {
    throw new PlayerConfigError('--kiosk: needs --renderer-port (the kiosk is a screen served to a browser)');
  }
  // Said at once rather than ignored: without the kiosk there is no kiosk text to put English under.
  if (values['kiosk-english'] && !values.kiosk)
    throw new PlayerConfigError("--kiosk-english: needs --kiosk (it adds English under the kiosk's own texts)");
  return {
    ...r.data,
    outputs,
    screen,
    tls: readTrust(values['ca-file'] ?? env.BANGTIN_CA_FILE, values.insecure ?? false, env.NODE_EXTRA_CA_CERTS),
  };
}

/** What a screen output needs of the kiosk settings; null when the screen is not a kiosk. */
export function kioskOptions(screen: ScreenConfig): { idleMs: number; english: boolean } | null {
  return screen.kiosk ? { idleMs: screen.kioskIdleMs, english: screen.kioskEnglish } : null;
}

/**
 * An explicit CA list replaces what Node would trust by default, NODE_EXTRA_CA_CERTS included; that
 * file is added back so a machine set up for it keeps trusting it once `--ca-file` is given.
 */
function readTrust(caFile: string | undefined, insecure: boolean, extraCaFile: string | undefined): TlsTrust {
  if (caFile !== undefined && caFile.trim() === '')
    throw new PlayerConfigError('--ca-file / BANGTIN_CA_FILE: is empty');
  if (caFile && insecure)
    throw new PlayerConfigError(
      '--insecure: cannot be combined with --ca-file (a CA file means certificates are checked; drop one)',
    );
  try {
    if (!caFile) return trustFrom(null, insecure);
    const extra = extraCaFile ? readCaFile(extraCaFile, 'NODE_EXTRA_CA_CERTS') : [];
    return trustFrom([...readCaFile(caFile, '--ca-file / BANGTIN_CA_FILE'), ...extra], insecure);
  } catch (err) {
    if (err instanceof CaFileError) throw new PlayerConfigError(err.message);
    throw err;
  }
}
