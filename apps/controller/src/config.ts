import net from 'node:net';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadTlsFiles, type TlsFiles, TlsFilesError } from './tls';
import { DEFAULT_PROOF_BUDGET, type ProofBudgetOptions } from './hub/proof-budget';

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
  // Proofs one device may upload (issue 14); far above real use, see hub/proof-budget.ts.
  proofBudgetPerMinute: z.coerce
    .number({ message: 'must be a number of proofs' })
    .int('must be a whole number of proofs')
    .min(10, 'must be at least 10')
    .max(1_000_000, 'must be at most 1000000')
    .default(DEFAULT_PROOF_BUDGET.perMinute),
  proofBudgetPerDay: z.coerce
    .number({ message: 'must be a number of proofs' })
    .int('must be a whole number of proofs')
    .min(100, 'must be at least 100')
    .max(100_000_000, 'must be at most 100000000')
    .default(DEFAULT_PROOF_BUDGET.perDay),
  trustProxy: z
    .string()
    .transform((v) => v.split(',').map((a) => a.trim()))
    .refine(
      (list) => list.every(isAddressOrCidr),
      'must be IP addresses or CIDR ranges, comma-separated (127.0.0.1,10.0.0.0/8)',
    )
    .optional(),
  maxConnectionsPerAddress: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1_000_000)
    .optional(),
  requestTimeoutMs: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(30_000, 'must be at least 30000 (30 s): headers alone may take that long')
    .max(3_600_000, 'must be at most 3600000 (1 h)')
    .optional(),
});

function isAddressOrCidr(v: string): boolean {
  const [addr, bits, ...extra] = v.split('/');
  const family = net.isIP(addr ?? '');
  if (family === 0 || extra.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

export type ControllerConfig = Omit<z.infer<typeof ConfigSchema>, 'proofBudgetPerMinute' | 'proofBudgetPerDay'> & {
  proofBudget: ProofBudgetOptions;
  /** HTTPS and WSS on the same port (`--tls-cert` + `--tls-key`); null = plain HTTP. */
  tls: (TlsFiles & { certFile: string; keyFile: string }) | null;
};

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
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'trust-proxy': { type: 'string' },
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
    proofBudgetPerMinute: env.BANGTIN_PROOF_BUDGET_PER_MINUTE || undefined,
    proofBudgetPerDay: env.BANGTIN_PROOF_BUDGET_PER_DAY || undefined,
    trustProxy: values['trust-proxy'] ?? (env.BANGTIN_TRUST_PROXY || undefined),
    maxConnectionsPerAddress: env.BANGTIN_MAX_CONNECTIONS_PER_ADDRESS || undefined,
    requestTimeoutMs: env.BANGTIN_REQUEST_TIMEOUT_MS || undefined,
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
      proofBudgetPerMinute: 'BANGTIN_PROOF_BUDGET_PER_MINUTE',
      proofBudgetPerDay: 'BANGTIN_PROOF_BUDGET_PER_DAY',
      trustProxy: '--trust-proxy / BANGTIN_TRUST_PROXY',
      maxConnectionsPerAddress: 'BANGTIN_MAX_CONNECTIONS_PER_ADDRESS',
      requestTimeoutMs: 'BANGTIN_REQUEST_TIMEOUT_MS',
    };
    const key = String(issue.path[0] ?? '');
    throw new ConfigError(`${names[key] ?? key}: ${issue.message}`);
  }
  const { proofBudgetPerMinute, proofBudgetPerDay, ...rest } = r.data;
  if (proofBudgetPerDay < proofBudgetPerMinute)
    throw new ConfigError('BANGTIN_PROOF_BUDGET_PER_DAY: must not be below BANGTIN_PROOF_BUDGET_PER_MINUTE');
  return {
    ...rest,
    proofBudget: { perMinute: proofBudgetPerMinute, perDay: proofBudgetPerDay },
    tls: readTls(values['tls-cert'] ?? env.BANGTIN_TLS_CERT, values['tls-key'] ?? env.BANGTIN_TLS_KEY),
  };
}

function readTls(certFile: string | undefined, keyFile: string | undefined): ControllerConfig['tls'] {
  if (!certFile && !keyFile) return null;
  if (!certFile)
    throw new ConfigError('--tls-cert / BANGTIN_TLS_CERT: is required with --tls-key (give both, or neither)');
  if (!keyFile)
    throw new ConfigError('--tls-key / BANGTIN_TLS_KEY: is required with --tls-cert (give both, or neither)');
  try {
    return { ...loadTlsFiles(certFile, keyFile), certFile, keyFile };
  } catch (err) {
    if (err instanceof TlsFilesError) throw new ConfigError(err.message);
    throw err;
  }
}
