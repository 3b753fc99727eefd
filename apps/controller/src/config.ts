import { parseArgs } from 'node:util';
import { z } from 'zod';

const ConfigSchema = z.object({
  port: z.coerce.number({ message: 'must be a number' }).int().min(0).max(65535),
  host: z.string().min(1).default('0.0.0.0'),
  dataDir: z.string().min(1),
  adminPassword: z.string().min(8, 'must be at least 8 characters').optional(),
  demo: z.boolean().default(false),
  metricsToken: z.string().min(16, 'must be at least 16 characters').max(200).optional(),
});

export type ControllerConfig = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  readonly code = 'BANGTIN_INVALID_CONFIG';
}

/** Flags win over environment variables, which win over defaults. */
export function readConfig(argv: string[], env: NodeJS.ProcessEnv): ControllerConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        demo: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const r = ConfigSchema.safeParse({
    port: values.port ?? env.BANGTIN_PORT ?? 8080,
    host: values.host ?? env.BANGTIN_HOST ?? undefined,
    dataDir: values['data-dir'] ?? env.BANGTIN_DATA_DIR ?? './data',
    adminPassword: env.BANGTIN_ADMIN_PASSWORD || undefined,
    demo: values.demo ?? false,
    metricsToken: env.BANGTIN_METRICS_TOKEN || undefined,
  });
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const names: Record<string, string> = {
      port: '--port / BANGTIN_PORT',
      host: '--host / BANGTIN_HOST',
      dataDir: '--data-dir / BANGTIN_DATA_DIR',
      adminPassword: 'BANGTIN_ADMIN_PASSWORD',
      metricsToken: 'BANGTIN_METRICS_TOKEN',
    };
    const key = String(issue.path[0] ?? '');
    throw new ConfigError(`${names[key] ?? key}: ${issue.message}`);
  }
  return r.data;
}
