import { createBitmap, type Bitmap } from '@bangtin/shared';
import { describe, expect, it } from 'vitest';
import {
  AlphaEncodeError,
  checksum,
  dayOfWeekBlock,
  describeBytes,
  dimmingBlock,
  dimmingLevelFor,
  encodePacket,
  memoryConfigBlock,
  runSequenceBlock,
  setDateBlock,
  setTimeBlock,
  softResetBlock,
  writeDotsBlock,
  writeStringBlock,
  writeTextBlock,
} from './encode';
import {
  compileBlank,
  compileBrightness,
  compileClock,
  compileLiveText,
  compileProgramme,
  DOTS_LABELS,
} from './programme';

const bytes = (...parts: (string | number)[]): number[] =>
  parts.flatMap((p) => (typeof p === 'number' ? [p] : [...p].map((c) => c.charCodeAt(0))));

function bitmapOf(width: number, height: number, pixels: number[]): Bitmap {
  return { width, height, data: Uint8Array.from(pixels) };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AlphaEncodeError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('checksum', () => {
  it('is the 16-bit sum in upper-case hex', () => {
    expect(checksum([0x02, 0x41, 0x03])).toBe('0046');
    expect(checksum(new Array<number>(300).fill(0xff))).toBe('2AD4'); // 76500 mod 65536
    expect(checksum([0xab, 0x00])).toBe('00AB');
  });
});

describe('packet framing', () => {
  it('writes a TEXT file with 5 NULs, SOH, Z00, STX, data, ETX, checksum, EOT', () => {
    const packet = encodePacket([writeTextBlock('A', [{ position: 'middle', mode: 'hold', parts: [{ text: 'HI' }] }])]);
    // STX A A ESC ' ' b H I ETX = 0x01B5
    expect([...packet]).toEqual(bytes(0, 0, 0, 0, 0, 1, 'Z00', 2, 'AA', 0x1b, ' bHI', 3, '01B5', 4));
  });

  it('addresses one sign on a shared bus', () => {
    const packet = encodePacket([softResetBlock()], { address: '1F' });
    expect(describeBytes(packet)).toBe('<NUL><NUL><NUL><NUL><NUL><SOH>Z1F<STX>E,<ETX>0076<EOT>');
  });

  it('nests several commands, each with its own checksum', () => {
    const packet = encodePacket([softResetBlock(), dayOfWeekBlock(1)]);
    expect(describeBytes(packet)).toBe('<NUL><NUL><NUL><NUL><NUL><SOH>Z00<STX>E,<ETX>0076<STX>E&1<ETX>00A1<EOT>');
  });

  it('encodes colour, font, speed, picture and string calls inside TEXT', () => {
    const block = writeTextBlock('A', [
      { position: 'top', mode: 'rotate', parts: [{ colour: 2 }, { font: '3' }, { speed: 5 }, { text: 'X' }] },
      { mode: 'hold', parts: [{ dots: '1' }, { string: 'B' }] },
    ]);
    expect([...block]).toEqual(
      bytes('AA', 0x1b, '"a', 0x1c, '2', 0x1a, '3', 0x19, 'X', 0x1b, ' b', 0x14, '1', 0x10, 'B'),
    );
  });

  it('writes a STRING file', () => {
    expect(describeBytes(encodePacket([writeStringBlock('B', 'No 42')]))).toBe(
      '<NUL><NUL><NUL><NUL><NUL><SOH>Z00<STX>GBNo 42<ETX>01D1<EOT>',
    );
  });
});

describe('SMALL DOTS picture', () => {
  it('writes I label HH WW then rows of colour characters ending in CR', () => {
    const { block, sizeEnd } = writeDotsBlock('1', bitmapOf(3, 2, [1, 0, 2, 0, 8, 3]));
    expect([...block]).toEqual(bytes('I10203', '102', 0x0d, '083', 0x0d));
    expect(sizeEnd).toBe(6);
    expect(describeBytes(encodePacket([block]))).toBe(
      '<NUL><NUL><NUL><NUL><NUL><SOH>Z00<STX>I10203102<CR>083<CR><ETX>028C<EOT>',
    );
  });

  it('uses upper-case hex for the size', () => {
    const { block } = writeDotsBlock('Z', createBitmap(250, 31));
    expect(String.fromCharCode(...block.subarray(0, 6))).toBe('IZ1FFA');
    expect(block.length).toBe(6 + 31 * 251);
  });

  it('refuses colours the DOTS palette lacks and sizes beyond two hex digits', () => {
    expect(codeOf(() => writeDotsBlock('1', bitmapOf(1, 1, [9])))).toBe('alpha-invalid-colour');
    expect(codeOf(() => writeDotsBlock('1', createBitmap(256, 16)))).toBe('alpha-invalid-size');
    expect(codeOf(() => writeDotsBlock('1', { width: 2, height: 2, data: new Uint8Array(3) }))).toBe(
      'alpha-invalid-size',
    );
  });
});

describe('special functions', () => {
  it('configures memory with 11-character entries', () => {
    const block = memoryConfigBlock([
      { type: 'text', label: 'A', size: 0x40 },
      { type: 'dots', label: '1', width: 96, height: 16, colours: 'tri' },
      { type: 'string', label: 'B', size: 32 },
    ]);
    expect(String.fromCharCode(...block)).toBe('E$' + 'AAU0040FF00' + '1DU10602000' + 'BBL00200000');
    expect(String.fromCharCode(...memoryConfigBlock([]))).toBe('E$');
  });

  it('refuses a label configured twice', () => {
    expect(
      codeOf(() =>
        memoryConfigBlock([
          { type: 'text', label: 'A', size: 1 },
          { type: 'string', label: 'A', size: 1 },
        ]),
      ),
    ).toBe('alpha-invalid-label');
  });

  it('sets time, date, day of week, run sequence', () => {
    expect(String.fromCharCode(...setTimeBlock(9, 5))).toBe('E 0905');
    expect(String.fromCharCode(...setDateBlock(2026, 11, 29))).toBe('E;112926');
    expect(String.fromCharCode(...dayOfWeekBlock(7))).toBe('E&7');
    expect(String.fromCharCode(...runSequenceBlock(['A', 'C']))).toBe('E.SLAC');
    expect(codeOf(() => setTimeBlock(24, 0))).toBe('alpha-invalid-argument');
  });

  it('sets the clock in Vietnam time', () => {
    // 2026-11-29T17:30Z is 00:30 on Monday 30 November in Hà Nội.
    const steps = compileClock(new Date('2026-11-29T17:30:00Z'), { address: '02' });
    expect(
      steps.map((s) =>
        describeBytes(s.bytes)
          .replace(/^(<NUL>)+<SOH>Z02<STX>/, '')
          .replace(/<ETX>.*$/, ''),
      ),
    ).toEqual(["E'M", 'E 0030', 'E;113026', 'E&2']);
  });
});

describe('power and brightness', () => {
  it('sets the dimming register: E/, dim mode 00, level index 00–04', () => {
    expect(String.fromCharCode(...dimmingBlock(0))).toBe('E/0000');
    expect(String.fromCharCode(...dimmingBlock(4))).toBe('E/0004');
    expect(codeOf(() => dimmingBlock(5))).toBe('alpha-invalid-argument');
    // The nearest of 100, 86, 72, 58, 44 %; below 44 % the sign stays at its dimmest.
    expect([100, 93, 92, 78, 60, 40, 0].map(dimmingLevelFor)).toEqual([0, 0, 1, 2, 3, 4, 4]);
    expect(codeOf(() => dimmingLevelFor(101))).toBe('alpha-invalid-argument');
    const { step, percent } = compileBrightness(40, { address: '01' });
    expect(percent).toBe(44);
    expect(Array.from(step.bytes)).toEqual(
      bytes(0, 0, 0, 0, 0, 1, 'Z01', 2, 'E/0004', 3, checksum(bytes(2, 'E/0004', 3)), 4),
    );
    expect(checksum(bytes(2, 'E/0004', 3))).toBe('013D');
  });

  it('blanks the board without touching its memory: an empty TEXT page in A, run alone', () => {
    const steps = compileBlank({ address: '00' });
    expect(steps.map((s) => s.purpose)).toEqual(['blank', 'blank']);
    expect(Array.from(steps[0]!.bytes)).toEqual(bytes(0, 0, 0, 0, 0, 1, 'Z00', 2, 'AA', 0x1b, ' b', 3, '0124', 4));
    expect(describeBytes(steps[1]!.bytes)).toBe('<NUL><NUL><NUL><NUL><NUL><SOH>Z00<STX>E.SLA<ETX>0158<EOT>');
  });
});

describe('validation keeps reserved bytes out of packets', () => {
  it('refuses non-ASCII and control characters in text', () => {
    expect(codeOf(() => writeStringBlock('B', 'Bảo hiểm xã hội'))).toBe('alpha-invalid-text');
    expect(codeOf(() => writeStringBlock('B', 'a\x03b'))).toBe('alpha-invalid-text');
    expect(codeOf(() => writeTextBlock('A', [{ parts: [{ text: 'x\x04' }] }]))).toBe('alpha-invalid-text');
  });

  it('refuses labels outside printable ASCII', () => {
    expect(codeOf(() => writeStringBlock('\x02', 'x'))).toBe('alpha-invalid-label');
    expect(codeOf(() => writeStringBlock('AB', 'x'))).toBe('alpha-invalid-label');
    expect(codeOf(() => writeTextBlock('A', [{ parts: [{ dots: '\x01' }] }]))).toBe('alpha-invalid-label');
  });

  it('refuses raw reserved bytes and bad addresses at the framing layer', () => {
    expect(codeOf(() => encodePacket([Uint8Array.of(0x41, 0x02)]))).toBe('alpha-reserved-byte');
    expect(codeOf(() => encodePacket([softResetBlock()], { address: '1g' }))).toBe('alpha-invalid-address');
  });
});

describe('programme compiler', () => {
  const board = { width: 96, height: 16 };
  const frameA = createBitmap(96, 16);
  frameA.data.fill(1, 0, 96);
  const frameB = createBitmap(96, 16);
  frameB.data.fill(3, 96 * 15);

  it('configures memory, writes one picture per distinct frame and a TEXT file that calls them in order', () => {
    const plan = compileProgramme(
      {
        id: 'p1',
        frames: [
          { bitmap: frameA, durationMs: 2000 },
          { bitmap: frameB, durationMs: 2000 },
          { bitmap: frameA, durationMs: 2000 },
        ],
      },
      { board, address: '05' },
    );
    expect(describeBytes(plan.memory.bytes)).toContain('<STX>E$AAU0040FF001DU106020002DU10602000<ETX>');
    expect(plan.files.map((s) => `${s.purpose}:${s.label ?? ''}`)).toEqual([
      'dots:1',
      'dots:2',
      'text:A',
      'run-sequence:',
    ]);
    const text = describeBytes(plan.files[2]!.bytes);
    expect(text).toMatch(/^(<NUL>){5}<SOH>Z05<STX>AA<ESC> b<14>1<ESC> b<14>2<ESC> b<14>1<ETX>[0-9A-F]{4}<EOT>$/);
    // The pause goes right after the size bytes `1060` (16 rows, 96 columns).
    const dots = plan.files[0]!;
    expect(String.fromCharCode(...dots.bytes.subarray(dots.pauseAt! - 6, dots.pauseAt!))).toBe('I11060');
    expect(plan.rendering).toBe('pictures');
  });

  it('shares a layout between programmes with the same picture sizes, so the memory step can be skipped', () => {
    const one = compileProgramme(
      { id: 'a', frames: [{ bitmap: frameA, durationMs: 1 }] },
      { board, colourDepth: 'octo' },
    );
    const two = compileProgramme(
      { id: 'b', frames: [{ bitmap: frameB, durationMs: 1 }] },
      { board, colourDepth: 'octo' },
    );
    expect(one.layout).toBe(two.layout);
    expect(one.files[0]!.bytes).not.toEqual(two.files[0]!.bytes);
  });

  it('uses the sign font only for plain ASCII and only when asked', () => {
    const frames = [{ bitmap: frameA, durationMs: 1 }];
    const ascii = compileProgramme(
      { id: 'n', frames, text: { content: 'HELLO', effect: 'scroll', colour: 2 } },
      { board, textMode: 'native-when-ascii' },
    );
    expect(ascii.rendering).toBe('native-text');
    expect(ascii.files.map((s) => s.purpose)).toEqual(['text', 'run-sequence']);
    expect(describeBytes(ascii.files[0]!.bytes)).toContain('<STX>AA<ESC> a<1C>2HELLO<ETX>');
    const viet = compileProgramme(
      { id: 'v', frames, text: { content: 'Bảo hiểm' } },
      { board, textMode: 'native-when-ascii' },
    );
    expect(viet.rendering).toBe('pictures');
    expect(compileProgramme({ id: 'd', frames, text: { content: 'HELLO' } }, { board }).rendering).toBe('pictures');
  });

  it('adds a STRING file for live text that can be updated alone', () => {
    const plan = compileProgramme(
      { id: 'l', frames: [{ bitmap: frameA, durationMs: 1 }], liveText: { content: 'So 12', capacity: 8 } },
      { board },
    );
    expect(describeBytes(plan.memory.bytes)).toContain('BBL00080000');
    expect(describeBytes(plan.files.find((s) => s.purpose === 'text')!.bytes)).toContain(
      '<ESC> b<14>1<ESC> b<10>B<ETX>',
    );
    expect(describeBytes(compileLiveText(plan, 'So 13').bytes)).toContain('<STX>GBSo 13<ETX>');
    expect(codeOf(() => compileLiveText(plan, 'too long text'))).toBe('alpha-invalid-size');
  });

  it('refuses frames larger than the board, empty programmes and too many distinct frames', () => {
    expect(
      codeOf(() => compileProgramme({ id: 'x', frames: [{ bitmap: createBitmap(97, 16), durationMs: 1 }] }, { board })),
    ).toBe('alpha-invalid-size');
    expect(codeOf(() => compileProgramme({ id: 'x', frames: [] }, { board }))).toBe('alpha-invalid-argument');
    const many = Array.from({ length: DOTS_LABELS.length + 1 }, (_, i) => {
      const b = createBitmap(96, 16);
      b.data[i] = 1;
      return { bitmap: b, durationMs: 1 };
    });
    expect(codeOf(() => compileProgramme({ id: 'x', frames: many }, { board }))).toBe('alpha-invalid-argument');
  });
});
