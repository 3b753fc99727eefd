import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BundleAckSchema, readBundleAck } from './schemas';

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
/** Values near the edges of both fields, and anything at all. */
const version = fc.oneof(
  fc.nat(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(-0, 0, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, NaN, Infinity, -1, 1.5),
  fc.string(),
  fc.anything(),
);
const hash = fc.oneof(
  hex64,
  hex64.map((h) => h.toUpperCase()),
  hex64.map((h) => h + 'a'),
  fc.string(),
  fc.anything(),
);
const ack = fc.oneof(
  fc.record({ version, hash }),
  fc.record({ version, hash }, { requiredKeys: [] }),
  fc.record({ version, hash, extra: fc.anything() }),
  fc.anything(),
  fc.array(fc.anything()),
);

describe('readBundleAck', () => {
  it('accepts exactly what BundleAckSchema accepts, with the same version and hash', () => {
    fc.assert(
      fc.property(ack, (raw) => {
        const fast = readBundleAck(raw);
        const parsed = BundleAckSchema.safeParse(raw);
        expect(fast !== null).toBe(parsed.success);
        if (parsed.success) expect(fast).toEqual(parsed.data);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads a real ack and refuses the usual mistakes', () => {
    const h = 'ab'.repeat(32);
    expect(readBundleAck({ version: 7, hash: h })).toEqual({ version: 7, hash: h });
    expect(readBundleAck({ version: '7', hash: h })).toBeNull();
    expect(readBundleAck({ version: 7, hash: h.toUpperCase() })).toBeNull();
    expect(readBundleAck({ version: -1, hash: h })).toBeNull();
    expect(readBundleAck(null)).toBeNull();
    expect(readBundleAck([7, h])).toBeNull();
  });
});
