import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sampleValue } from './prom-text';

describe('parsePrometheusText (the strict parser the /metrics tests rely on)', () => {
  it('reads families, labels with escapes, histograms and special values', () => {
    const m = parsePrometheusText(
      [
        '# HELP a_total Things.',
        '# TYPE a_total counter',
        'a_total{reason="say \\"hi\\"\\\\",x="1"} 3',
        '# TYPE h histogram',
        'h_bucket{le="0.5"} 1',
        'h_bucket{le="+Inf"} 2',
        'h_sum 0.75',
        'h_count 2',
        '# TYPE g gauge',
        'g Nan',
        '',
      ].join('\n'),
    );
    expect(m.get('a_total')?.help).toBe('Things.');
    expect(sampleValue(m, 'a_total', { reason: 'say "hi"\\' })).toBe(3);
    expect(sampleValue(m, 'h_bucket', { le: '+Inf' })).toBe(2);
    expect(sampleValue(m, 'h_count')).toBe(2);
    expect(sampleValue(m, 'g')).toBeNaN();
  });

  it('refuses what Prometheus would refuse', () => {
    expect(() => parsePrometheusText('orphan 1\n')).toThrow(/no TYPE/);
    expect(() => parsePrometheusText('# TYPE g gauge\ng one\n')).toThrow(/bad value/);
    expect(() => parsePrometheusText('# TYPE g gauge\ng{a="x\\q"} 1\n')).toThrow(/bad escape/);
    expect(() => parsePrometheusText('# TYPE g gauge\ng{a="x",a="y"} 1\n')).toThrow(/twice/);
    expect(() => parsePrometheusText('# TYPE h histogram\nh_bucket 1\n')).toThrow(/without le/);
    expect(() => parsePrometheusText('# TYPE g gauge\ng 1\n# TYPE g gauge\n')).toThrow(/after its samples/);
    expect(() => parsePrometheusText('# TYPE g weird\n')).toThrow(/bad type/);
  });
});
