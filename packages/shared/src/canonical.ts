/**
 * Canonical JSON: object keys sorted, no whitespace. Two sides that hash the same data this way get
 * the same digest whatever order the data was built in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    if (s === undefined) throw new TypeError(`canonicalJson: cannot encode ${typeof value}`);
    return s;
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The part of a bundle its hash covers: everything but the envelope (protocol, version, generatedAt and
 * the hash itself), so a re-sent but unchanged schedule hashes the same and is not pushed again.
 */
export function bundleHashInput(b: object): string {
  const body: Record<string, unknown> = { ...b };
  for (const k of ['protocol', 'version', 'generatedAt', 'hash']) delete body[k];
  return canonicalJson(body);
}
