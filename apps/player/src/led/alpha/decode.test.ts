import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlphaMode, AlphaPosition } from './codes';
import { MODE_CODES, POSITION_CODES } from './codes';
import { type AlphaCommand, AlphaDecoder, decodeAll, type DecodeEvent } from './decode';
import {
  dayOfWeekBlock,
  dimmingBlock,
  encodePacket,
  memoryConfigBlock,
  type MemoryEntry,
  runSequenceBlock,
  setDateBlock,
  setTimeBlock,
  softResetBlock,
  type TextPart,
  writeDotsBlock,
  writeStringBlock,
  writeTextBlock,
} from './encode';

const asciiText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 20,
});
const label = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));

const textPart: fc.Arbitrary<TextPart> = fc.oneof(
  asciiText.map((text) => ({ text })),
  fc.integer({ min: 1, max: 8 }).map((colour) => ({ colour })),
  fc.constantFrom('1', '3', '5', '9', 'a').map((font) => ({ font })),
  fc.integer({ min: 1, max: 5 }).map((speed) => ({ speed })),
  label.map((dots) => ({ dots })),
  label.map((string) => ({ string })),
);

const page = fc.record({
  position: fc.constantFrom(...(Object.keys(POSITION_CODES) as AlphaPosition[])),
  mode: fc.constantFrom(...(Object.keys(MODE_CODES) as AlphaMode[])),
  parts: fc.array(textPart, { maxLength: 6 }),
});

const bitmap = fc
  .record({ width: fc.integer({ min: 1, max: 40 }), height: fc.integer({ min: 1, max: 12 }) })
  .chain(({ width, height }) =>
    fc
      .uint8Array({ minLength: width * height, maxLength: width * height, max: 8 })
      .map((data) => ({ width, height, data })),
  );

const memoryEntry: fc.Arbitrary<MemoryEntry> = fc.oneof(
  fc.record({
    type: fc.constant('text' as const),
    label,
    size: fc.integer({ min: 1, max: 0xffff }),
    locked: fc.boolean(),
  }),
  fc.record({
    type: fc.constant('string' as const),
    label,
    size: fc.integer({ min: 1, max: 0xffff }),
    locked: fc.boolean(),
  }),
  fc.record({
    type: fc.constant('dots' as const),
    label,
    width: fc.integer({ min: 1, max: 255 }),
    height: fc.integer({ min: 1, max: 255 }),
    colours: fc.constantFrom('mono' as const, 'tri' as const, 'octo' as const),
    locked: fc.boolean(),
  }),
);

interface Case {
  block: Uint8Array;
  expected: AlphaCommand;
}
const c = (block: Uint8Array, expected: AlphaCommand): Case => ({ block, expected });

/** A command with its encoded block and the command the decoder must give back. */
const command: fc.Arbitrary<Case> = fc.oneof(
  fc.tuple(label, fc.array(page, { minLength: 1, maxLength: 4 })).map(([l, pages]) =>
    c(writeTextBlock(l, pages), {
      kind: 'write-text',
      label: l,
      pages: pages.map((p) => ({ ...p, parts: mergeText(p.parts) })),
    }),
  ),
  fc
    .tuple(label, fc.oneof(asciiText, fc.constant('')))
    .map(([l, text]) => c(writeStringBlock(l, text), { kind: 'write-string', label: l, text })),
  fc.tuple(label, bitmap).map(([l, b]) => c(writeDotsBlock(l, b).block, { kind: 'write-dots', label: l, bitmap: b })),
  fc
    .uniqueArray(memoryEntry, { selector: (e) => e.label, maxLength: 8 })
    .map((entries) => c(memoryConfigBlock(entries), { kind: 'memory-config', entries })),
  fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([hour, minute]) => c(setTimeBlock(hour, minute), { kind: 'set-time', hour, minute })),
  fc
    .record({
      year: fc.integer({ min: 2000, max: 2099 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 31 }),
    })
    .map((d) => c(setDateBlock(d.year, d.month, d.day), { kind: 'set-date', ...d })),
  fc.integer({ min: 1, max: 7 }).map((day) => c(dayOfWeekBlock(day), { kind: 'day-of-week', day })),
  fc
    .tuple(fc.array(label, { minLength: 1, maxLength: 5 }), fc.boolean())
    .map(([labels, locked]) =>
      c(runSequenceBlock(labels, locked), { kind: 'run-sequence', order: 'S', locked, labels }),
    ),
  fc.constant(c(softResetBlock(), { kind: 'soft-reset' })),
  fc
    .integer({ min: 0, max: 4 })
    .map((level) =>
      c(dimmingBlock(level), { kind: 'dimming', mode: 0, level, percent: [100, 86, 72, 58, 44][level]! }),
    ),
);

/** The decoder cannot know where one text part ended and the next began. */
function mergeText(parts: readonly TextPart[]): TextPart[] {
  const out: TextPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if ('text' in p && last && 'text' in last) out[out.length - 1] = { text: last.text + p.text };
    else out.push(p);
  }
  return out;
}

const address = fc.tuple(fc.integer({ min: 0, max: 255 })).map(([n]) => n.toString(16).toUpperCase().padStart(2, '0'));
/** Line noise between packets: anything but SOH, which would (correctly) start a packet of its own. */
const garbage = fc.uint8Array({ maxLength: 12 }).map((a) => a.filter((b) => b !== 0x01));

function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function packetsOf(events: DecodeEvent[]) {
  return events.flatMap((e) => (e.type === 'packet' ? [e.packet] : []));
}

describe('AlphaDecoder round trip', () => {
  it('decodes what the encoder wrote, whatever the chunking and the noise between packets', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ cmds: fc.array(command, { minLength: 1, maxLength: 3 }), address, noise: garbage }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (packets, cuts) => {
          const stream = concat(
            packets.flatMap((p) => [
              p.noise,
              encodePacket(
                p.cmds.map((x) => x.block),
                { address: p.address },
              ),
            ]),
          );
          const decoder = new AlphaDecoder();
          const events = chunked(stream, cuts).flatMap((c) => decoder.push(c));
          const got = packetsOf(events);
          expect(got.map((p) => p.address)).toEqual(packets.map((p) => p.address));
          expect(got.map((p) => p.blocks.map((b) => b.checksum))).toEqual(packets.map((p) => p.cmds.map(() => 'ok')));
          expect(got.map((p) => p.blocks.map((b) => b.command))).toEqual(
            packets.map((p) => p.cmds.map((x) => x.expected)),
          );
          expect(decoder.stats.checksumErrors).toBe(0);
          expect(decoder.stats.truncated).toBe(0);
          expect(decoder.stats.garbageBytes).toBe(
            packets.reduce((n, p) => n + p.noise.filter((b) => b !== 0).length, 0),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('AlphaDecoder faults', () => {
  const good = encodePacket([writeStringBlock('B', 'OK')]);

  it('reports a bad checksum and keeps decoding the next packet', () => {
    const bad = encodePacket([writeStringBlock('B', 'AB')]);
    bad[bad.indexOf(0x41)] = 0x43; // 'A' → 'C' in transit
    const events = decodeAll(concat([bad, good]));
    const err = events.find((e) => e.type === 'checksum-error');
    expect(err).toMatchObject({ type: 'checksum-error', address: '00' });
    const packets = packetsOf(events);
    expect(packets.map((p) => p.blocks[0]!.checksum)).toEqual(['bad', 'ok']);
    expect(packets[1]!.blocks[0]!.command).toEqual({ kind: 'write-string', label: 'B', text: 'OK' });
  });

  it('drops a packet cut short by the next one and reports it', () => {
    const cut = encodePacket([writeStringBlock('B', 'HALF OF THIS')]).subarray(0, 14);
    const decoder = new AlphaDecoder();
    const events = [...decoder.push(cut), ...decoder.push(good)];
    expect(events.filter((e) => e.type === 'truncated')).toHaveLength(1);
    expect(packetsOf(events).map((p) => p.blocks[0]!.command)).toEqual([
      { kind: 'write-string', label: 'B', text: 'OK' },
    ]);
  });

  it('survives garbage containing SOH and framing bytes', () => {
    const noise = Uint8Array.of(0x01, 0x5a, 0x30, 0x02, 0x41, 0xff, 0x03, 0x01, 0x04, 0x99);
    const packets = packetsOf(decodeAll(concat([noise, good, noise, good])));
    expect(packets.map((p) => p.blocks[0]!.command)).toEqual([
      { kind: 'write-string', label: 'B', text: 'OK' },
      { kind: 'write-string', label: 'B', text: 'OK' },
    ]);
  });

  it('accepts packets without checksums, as older software sends them', () => {
    const raw = Uint8Array.from([0, 0, 1, 0x5a, 0x30, 0x30, 2, 0x45, 0x2c, 4]);
    const [p] = packetsOf(decodeAll(raw));
    expect(p!.blocks).toEqual([
      { raw: Uint8Array.of(0x45, 0x2c), checksum: 'absent', command: { kind: 'soft-reset' } },
    ]);
  });

  it('flags malformed pictures instead of throwing', () => {
    const raw = encodePacket([Uint8Array.from([...'I10102'].map((c) => c.charCodeAt(0)).concat([0x39, 0x0d]))]);
    const [p] = packetsOf(decodeAll(raw));
    expect(p!.blocks[0]!.command.kind).toBe('invalid');
  });
});
