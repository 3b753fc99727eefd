import { parseArgs } from 'node:util';
import { z } from 'zod';

const ConfigSchema = z.object({
  port: z.coerce.number({ message: 'must be a number' }).int().min(0).max(65535),
  host: z.string().min(1).default('0.0.0.0'),
  dataDir: z.string().min(1),
  adminPassword: z.string().min(8, 'must be at least 8 characters').optional(),
  demo: z.boolean().default(false),
  storageProbeMs: z.coerce.number({ message: 'must be a number' }).int().min(100).max(3_600_000).optional(),
  storageReserveBytes: z.coerce.number({ message: 'must be a number' }).int().min(0).optional(),
  backupKeepDays: z.coerce
    .number({ message: 'must be a number of days' })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1 day')
    .max(3650, 'must be at most 3650 days'),
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
    storageProbeMs: env.BANGTIN_STORAGE_PROBE_MS || undefined,
    storageReserveBytes: env.BANGTIN_STORAGE_RESERVE_BYTES || undefined,
    backupKeepDays: env.BANGTIN_BACKUP_KEEP_DAYS || 14,
    metricsToken: env.BANGTIN_METRICS_TOKEN || undefined,
  });
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const names: Record<string, string> = {
      port: '--port / BANGTIN_PORT',
      host: '--host / BANGTIN_HOST',
      dataDir: '--data-dir / BANGTIN_DATA_DIR',
      adminPassword: 'BANGTIN_ADMIN_PASSWORD',
      storageProbeMs: 'BANGTIN_STORAGE_PROBE_MS',
      storageReserveBytes: 'BANGTIN_STORAGE_RESERVE_BYTES',
      backupKeepDays: 'BANGTIN_BACKUP_KEEP_DAYS',
      metricsToken: 'BANGTIN_METRICS_TOKEN',
    };
    const key = String(issue.path[0] ?? '');
    throw new ConfigError(`${names[key] ?? key}: ${issue.message}`);
  }
  return r.data;
}
