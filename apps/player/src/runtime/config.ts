import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';

export class PlayerConfigError extends Error {
  readonly code = 'BANGTIN_INVALID_PLAYER_CONFIG';
}

const PlayerConfigSchema = z.object({
  headless: z.boolean(),
  controllerUrl: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as http://10.0.0.5:8080' }),
  token: z.string().min(16, 'a device token is required (shown once when the device was enrolled)'),
  dataDir: z.string().min(1),
  heartbeatMs: z.coerce.number().int().min(1000).max(600_000).default(15_000),
});

export type PlayerConfig = z.infer<typeof PlayerConfigSchema>;

const FLAG_NAMES: Record<string, string> = {
  controllerUrl: '--controller / BANGTIN_CONTROLLER',
  token: '--token / --token-file / BANGTIN_DEVICE_TOKEN',
  dataDir: '--data-dir / BANGTIN_PLAYER_DATA_DIR',
  heartbeatMs: '--heartbeat-ms',
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
  });
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    throw new PlayerConfigError(`${FLAG_NAMES[key] ?? key}: ${issue.message}`);
  }
  return r.data;
}
