import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeServerCert, makeTestCa, type TestServerCert } from '../../../tests/support/certs';
import { ConfigError, readConfig } from './config';

let dir: string;
let pair: TestServerCert;
let other: TestServerCert;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-ctl-config-'));
  const ca = makeTestCa(dir);
  pair = makeServerCert(ca, 'server');
  other = makeServerCert(ca, 'other');
});

const base = ['--data-dir', '/tmp/x'];
const fails = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  try {
    readConfig([...base, ...argv], env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('controller --tls-cert / --tls-key', () => {
  it('is plain HTTP without either', () => {
    expect(readConfig(base, {}).tls).toBeNull();
  });

  it('reads both files from flags or from the environment', () => {
    const c = readConfig([...base, '--tls-cert', pair.certFile, '--tls-key', pair.keyFile], {});
    expect(c.tls?.cert.equals(pair.cert)).toBe(true);
    expect(c.tls?.keyFile).toBe(pair.keyFile);
    const e = readConfig(base, { BANGTIN_TLS_CERT: pair.certFile, BANGTIN_TLS_KEY: pair.keyFile });
    expect(e.tls?.key.equals(pair.key)).toBe(true);
  });

  it('wants both or neither, naming the missing flag', () => {
    expect(fails(['--tls-cert', pair.certFile])).toMatch(/^--tls-key \/ BANGTIN_TLS_KEY: is required with --tls-cert/);
    expect(fails(['--tls-key', pair.keyFile])).toMatch(/^--tls-cert \/ BANGTIN_TLS_CERT: is required with --tls-key/);
  });

  it('names the file that cannot be read', () => {
    const missing = path.join(dir, 'nope.pem');
    expect(fails(['--tls-cert', missing, '--tls-key', pair.keyFile])).toContain(`--tls-cert: cannot read ${missing}`);
    expect(fails(['--tls-cert', pair.certFile, '--tls-key', missing])).toContain(`--tls-key: cannot read ${missing}`);
  });

  it('refuses files that are no PEM, and a key that does not match the certificate', () => {
    const junk = path.join(dir, 'junk.pem');
    fs.writeFileSync(junk, 'not a certificate\n');
    expect(fails(['--tls-cert', junk, '--tls-key', pair.keyFile])).toContain(`--tls-cert: ${junk} holds no PEM`);
    expect(fails(['--tls-cert', pair.certFile, '--tls-key', junk])).toContain(`--tls-key: ${junk} holds no PEM`);
    const damaged = path.join(dir, 'damaged.pem');
    fs.writeFileSync(damaged, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    expect(fails(['--tls-cert', damaged, '--tls-key', pair.keyFile])).toContain(
      `--tls-cert: ${damaged} is not a valid certificate`,
    );
    expect(fails(['--tls-cert', pair.certFile, '--tls-key', other.keyFile])).toContain(
      `--tls-key: ${other.keyFile} is not a valid key for ${pair.certFile}`,
    );
  });
});

describe('readConfig: BANGTIN_METRICS_TOKEN', () => {
  it('is off when unset or empty, and passed on when long enough', () => {
    expect(readConfig([], {}).metricsToken).toBeUndefined();
    expect(readConfig([], { BANGTIN_METRICS_TOKEN: '' }).metricsToken).toBeUndefined();
    const token = 'k'.repeat(16);
    expect(readConfig([], { BANGTIN_METRICS_TOKEN: token }).metricsToken).toBe(token);
  });

  it('refuses a short token, naming the variable', () => {
    expect(() => readConfig([], { BANGTIN_METRICS_TOKEN: 'ngan-qua' })).toThrow(ConfigError);
    expect(() => readConfig([], { BANGTIN_METRICS_TOKEN: 'ngan-qua' })).toThrow(/^BANGTIN_METRICS_TOKEN: .*16/);
  });
});

describe('readConfig: proof ingest budget', () => {
  it('defaults to 6,000 a minute and 200,000 a day, and reads both variables', () => {
    expect(readConfig([], {}).proofBudget).toEqual({ perMinute: 6000, perDay: 200_000 });
    expect(
      readConfig([], { BANGTIN_PROOF_BUDGET_PER_MINUTE: '100', BANGTIN_PROOF_BUDGET_PER_DAY: '5000' }).proofBudget,
    ).toEqual({ perMinute: 100, perDay: 5000 });
  });

  it('refuses values that are not whole numbers in range, naming the variable', () => {
    const fails = (env: Record<string, string>) => {
      try {
        readConfig([], env);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    expect(fails({ BANGTIN_PROOF_BUDGET_PER_MINUTE: 'nhiều' })).toMatch(/^BANGTIN_PROOF_BUDGET_PER_MINUTE: /);
    expect(fails({ BANGTIN_PROOF_BUDGET_PER_MINUTE: '2.5' })).toMatch(/^BANGTIN_PROOF_BUDGET_PER_MINUTE: .*whole/);
    expect(fails({ BANGTIN_PROOF_BUDGET_PER_DAY: '0' })).toMatch(/^BANGTIN_PROOF_BUDGET_PER_DAY: .*at least/);
    expect(fails({ BANGTIN_PROOF_BUDGET_PER_MINUTE: '5000', BANGTIN_PROOF_BUDGET_PER_DAY: '1000' })).toMatch(
      /^BANGTIN_PROOF_BUDGET_PER_DAY: must not be below/,
    );
  });
});

describe('readConfig: HTTP limits (issue #14 item 3)', () => {
  it('passes the per-address connection cap and request timeout on, absent when unset', () => {
    expect(readConfig([], {}).maxConnectionsPerAddress).toBeUndefined();
    const c = readConfig([], { BANGTIN_MAX_CONNECTIONS_PER_ADDRESS: '500', BANGTIN_REQUEST_TIMEOUT_MS: '600000' });
    expect([c.maxConnectionsPerAddress, c.requestTimeoutMs]).toEqual([500, 600_000]);
  });

  it('refuses nonsense, naming the variable', () => {
    expect(fails([], { BANGTIN_MAX_CONNECTIONS_PER_ADDRESS: '0' })).toMatch(/^BANGTIN_MAX_CONNECTIONS_PER_ADDRESS: /);
    expect(fails([], { BANGTIN_REQUEST_TIMEOUT_MS: 'nhanh' })).toMatch(/^BANGTIN_REQUEST_TIMEOUT_MS: /);
    expect(fails([], { BANGTIN_REQUEST_TIMEOUT_MS: '1000' })).toMatch(/^BANGTIN_REQUEST_TIMEOUT_MS: .*30000/);
  });
});
