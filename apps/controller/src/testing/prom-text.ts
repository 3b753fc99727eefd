/**
 * A small strict parser of the Prometheus text exposition format (0.0.4), for tests that scrape
 * `/metrics`: it throws on anything a Prometheus server would refuse (a sample before its TYPE,
 * a bad label escape, a value that is not a float), so a test cannot pass on a malformed page.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<Family['type'], string[]> = {
  counter: ['', '_total'],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const fail = (n: number, why: string): never => {
    throw new Error(`metrics line ${n + 1}: ${why}`);
  };
  text.split('\n').forEach((line, n) => {
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (!m) return; // a plain comment
      const [, kind, name, rest = ''] = m;
      if (!NAME.test(name!)) fail(n, `bad metric name ${name}`);
      const fam = families.get(name!) ?? { name: name!, type: 'untyped' as const, help: '', samples: [] };
      if (kind === 'HELP') fam.help = rest.replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
      else {
        if (!TYPES.has(rest)) fail(n, `bad type ${rest}`);
        if (fam.samples.length > 0) fail(n, `TYPE of ${name} after its samples`);
        fam.type = rest as Family['type'];
      }
      families.set(name!, fam);
      return;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)(?: -?\d+)?$/.exec(line);
    if (!m) return fail(n, `not a sample: ${line}`);
    const [, name, labelText, valueText] = m;
    const value = parseValue(valueText!) ?? fail(n, `bad value ${valueText}`);
    const labels = labelText ? parseLabels(labelText.slice(1, -1), (why) => fail(n, why)) : {};
    const fam = [...families.values()].find((f) =>
      SUFFIXES[f.type].some((s) => f.name + s === name && (f.type !== 'untyped' || s === '')),
    );
    if (!fam) return fail(n, `sample ${name} has no TYPE/HELP before it`);
    if (fam.type === 'histogram' && name!.endsWith('_bucket') && labels.le === undefined) fail(n, 'bucket without le');
    fam.samples.push({ name: name!, labels, value });
  });
  return families;
}

/** As Prometheus reads values (Go's ParseFloat): NaN and Inf in any case; prom-client writes `Nan`. */
function parseValue(v: string): number | null {
  const lower = v.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v) ? Number(v) : null;
}

function parseLabels(s: string, fail: (why: string) => never): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < s.length) {
    const eq = s.indexOf('="', i);
    if (eq < 0) fail(`bad labels {${s}}`);
    const key = s.slice(i, eq);
    if (!LABEL.test(key)) fail(`bad label name ${key}`);
    if (key in out) fail(`label ${key} twice`);
    let j = eq + 2;
    let value = '';
    for (;;) {
      if (j >= s.length) fail(`unterminated value of ${key}`);
      const c = s[j]!;
      if (c === '"') break;
      if (c === '\\') {
        const e = s[j + 1];
        if (e === 'n') value += '\n';
        else if (e === '\\' || e === '"') value += e;
        else fail(`bad escape in ${key}`);
        j += 2;
      } else {
        value += c;
        j++;
      }
    }
    out[key] = value;
    i = j + 1;
    if (i < s.length) {
      if (s[i] !== ',') fail(`expected , after ${key}`);
      i++;
    }
  }
  return out;
}

/** The value of the one sample named `name` whose labels include `labels`; undefined when none. */
export function sampleValue(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  return undefined;
}
