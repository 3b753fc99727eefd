import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config';

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
