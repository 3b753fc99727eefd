import { type Bitmap, createBitmap } from '@bangtin/shared';
import { describe, expect, it } from 'vitest';
import type { LedProgramme } from '../driver';
import { AlphaEncodeError, describeBytes } from './encode';
import {
  compileContent,
  compileDelivery,
  LAYOUT_DOTS_LABELS,
  PicturePool,
  planLayout,
  URGENT_TEXT_LABEL,
} from './layout';
import { DOTS_LABELS } from './programme';

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

const X = bitmapOf(4, 2, [1, 0, 0, 1, 0, 1, 1, 0]);
const Y = bitmapOf(4, 2, [3, 3, 0, 0, 0, 0, 2, 2]);
const tiny = { width: 4, height: 2 };

function prog(id: string, frames: Bitmap[], extra: Partial<LedProgramme> = {}): LedProgramme {
  return { id, frames: frames.map((bitmap) => ({ bitmap, durationMs: 1000 })), ...extra };
}

describe('planLayout', () => {
  it('allocates the playlist TEXT, the urgent TEXT, the live STRING, the pool and the urgent slots in one E$', () => {
    const layout = planLayout({ board: tiny, picturePool: 2, urgentFrames: 2 }, { address: '05' });
    expect(layout.poolLabels).toEqual(['1', '2']);
    expect(layout.urgentLabels).toEqual(['3', '4']);
    expect(describeBytes(layout.memory.bytes)).toBe(
      '<NUL><NUL><NUL><NUL><NUL><SOH>Z05<STX>E$' +
        'AAU0100FF00' +
        'zAU0100FF00' +
        'BBL00400000' +
        '1DU02042000' +
        '2DU02042000' +
        '3DU02042000' +
        '4DU02042000' +
        '<ETX>1151<EOT>',
    );
    expect(layout.memory.purpose).toBe('memory-config');
  });

  it('keeps the urgent TEXT label out of the picture labels, and sizes every slot to the board', () => {
    expect(LAYOUT_DOTS_LABELS).not.toContain(URGENT_TEXT_LABEL);
    expect(LAYOUT_DOTS_LABELS.length).toBe(DOTS_LABELS.length - 1);
    const layout = planLayout({ board: { width: 96, height: 16 } });
    expect(layout.poolLabels).toHaveLength(16);
    expect(layout.urgentLabels).toEqual(['J', 'K', 'L', 'M']);
    for (const e of layout.entries) if (e.type === 'dots') expect([e.width, e.height]).toEqual([96, 16]);
    expect(new Set(layout.entries.map((e) => e.label)).size).toBe(layout.entries.length);
  });

  it('refuses a pool and urgent slots that need more labels than the protocol has', () => {
    expect(codeOf(() => planLayout({ board: tiny, picturePool: 50, urgentFrames: 9 }))).toBe('alpha-invalid-argument');
    expect(codeOf(() => planLayout({ board: tiny, urgentFrames: 0 }))).toBe('alpha-invalid-argument');
    expect(codeOf(() => planLayout({ board: { width: 300, height: 16 } }))).toBe('alpha-invalid-size');
  });
});

describe('urgent delivery', () => {
  const layout = planLayout({ board: tiny, picturePool: 2, urgentFrames: 2 });

  it('is the urgent pictures, the urgent TEXT and a run sequence of the urgent TEXT alone: exact bytes, no E$', () => {
    const content = compileContent(prog('u', [X, Y, X], { urgent: true }), layout);
    expect(content.urgent).toBe(true);
    const plan = compileDelivery(content, layout, { labels: ['3', '4'], write: [0, 1] });
    expect(plan.textLabel).toBe('z');
    expect(plan.steps.map((s) => `${s.purpose}:${s.label ?? ''}`)).toEqual([
      'dots:3',
      'dots:4',
      'text:z',
      'run-sequence:',
    ]);
    const head = '<NUL><NUL><NUL><NUL><NUL><SOH>Z00<STX>';
    expect(plan.steps.map((s) => describeBytes(s.bytes))).toEqual([
      `${head}I302041001<CR>0110<CR><ETX>02E5<EOT>`,
      `${head}I402043300<CR>0022<CR><ETX>02EC<EOT>`,
      `${head}Az<ESC> b<14>3<ESC> b<14>4<ESC> b<14>3<ETX>036D<EOT>`,
      `${head}E.SLz<ETX>0191<EOT>`,
    ]);
    // The pause after a picture's size bytes `0204`.
    const dots = plan.steps[0]!;
    expect(String.fromCharCode(...dots.bytes.subarray(dots.pauseAt! - 6, dots.pauseAt!))).toBe('I30204');
    for (const s of plan.steps) expect(describeBytes(s.bytes)).not.toContain('E$');
  });

  it('puts the first page up alone first when more pictures follow (firstPageEarly): exact bytes, no E$', () => {
    const content = compileContent(prog('u', [X, Y, X], { urgent: true }), layout);
    const plan = compileDelivery(content, layout, { labels: ['3', '4'], write: [0, 1], firstPageEarly: true });
    const head = '<NUL><NUL><NUL><NUL><NUL><SOH>Z00<STX>';
    expect(plan.steps.map((s) => describeBytes(s.bytes))).toEqual([
      `${head}I302041001<CR>0110<CR><ETX>02E5<EOT>`,
      `${head}Az<ESC> b<14>3<ETX>01A4<EOT>`,
      `${head}E.SLz<ETX>0191<EOT>`,
      `${head}I402043300<CR>0022<CR><ETX>02EC<EOT>`,
      `${head}Az<ESC> b<14>3<ESC> b<14>4<ESC> b<14>3<ETX>036D<EOT>`,
      `${head}E.SLz<ETX>0191<EOT>`,
    ]);
    // Each TEXT step says what the file holds after it, so a delivery cut in between is not trusted.
    expect(plan.steps.filter((s) => s.purpose === 'text').map((s) => s.textKey === plan.textKey)).toEqual([
      false,
      true,
    ]);
    // A single picture has nothing to wait for: the ordinary order.
    const one = compileContent(prog('u', [Y], { urgent: true }), layout);
    expect(
      compileDelivery(one, layout, { labels: ['3'], write: [0], firstPageEarly: true }).steps.map((s) => s.purpose),
    ).toEqual(['dots', 'text', 'run-sequence']);
  });

  it('writes only what the sign lacks: an urgent message already loaded is just its run sequence', () => {
    const content = compileContent(prog('u', [X], { urgent: true }), layout);
    const first = compileDelivery(content, layout, { labels: ['3'], write: [0] });
    const again = compileDelivery(content, layout, { labels: ['3'], write: [], textOnSign: first.textKey });
    expect(again.steps.map((s) => s.purpose)).toEqual(['run-sequence']);
  });

  it('refuses an urgent message with more distinct frames than urgent slots, or with live text', () => {
    const Z = bitmapOf(4, 2, [0, 0, 0, 0, 1, 1, 1, 1]);
    expect(codeOf(() => compileContent(prog('u', [X, Y, Z], { urgent: true }), layout))).toBe('alpha-invalid-argument');
    expect(codeOf(() => compileContent(prog('u', [X], { urgent: true, liveText: { content: 'So 1' } }), layout))).toBe(
      'alpha-invalid-argument',
    );
    // Three pages of two distinct pictures fit two slots.
    expect(compileContent(prog('u', [X, Y, X], { urgent: true }), layout).pictures).toHaveLength(2);
  });
});

describe('playlist content', () => {
  const layout = planLayout({ board: tiny, picturePool: 2, urgentFrames: 1, liveCapacity: 8 });

  it('runs TEXT A from pool slots and writes the live STRING before the TEXT that calls it', () => {
    const content = compileContent(prog('p', [Y, X], { liveText: { content: 'So 1' } }), layout);
    const plan = compileDelivery(content, layout, { labels: ['2', '1'], write: [1] });
    expect(plan.steps.map((s) => describeBytes(s.bytes).replace(/^(<NUL>){5}<SOH>Z00<STX>/, ''))).toEqual([
      'I102041001<CR>0110<CR><ETX>02E3<EOT>',
      'GBSo 1<ETX>01A1<EOT>',
      'AA<ESC> b<14>2<ESC> b<14>1<ESC> b<10>B<ETX>033B<EOT>',
      'E.SLA<ETX>0158<EOT>',
    ]);
  });

  it('refuses more distinct frames than the pool, frames larger than the board and live text beyond the STRING', () => {
    const Z = bitmapOf(4, 2, [0, 0, 0, 0, 1, 1, 1, 1]);
    expect(codeOf(() => compileContent(prog('p', [X, Y, Z]), layout))).toBe('alpha-invalid-argument');
    expect(codeOf(() => compileContent(prog('p', [createBitmap(5, 2)]), layout))).toBe('alpha-invalid-size');
    expect(codeOf(() => compileContent(prog('p', [X], { liveText: { content: 'x', capacity: 9 } }), layout))).toBe(
      'alpha-invalid-size',
    );
    expect(codeOf(() => compileContent(prog('p', []), layout))).toBe('alpha-invalid-argument');
  });

  it('uses the sign font for plain ASCII when asked, and pictures when the text would not fit its TEXT file', () => {
    const native = compileContent(prog('n', [X], { text: { content: 'HELLO' } }), layout, {
      textMode: 'native-when-ascii',
    });
    expect(native.rendering).toBe('native-text');
    expect(native.pictures).toEqual([]);
    const long = compileContent(prog('n', [X], { text: { content: 'A'.repeat(400) } }), layout, {
      textMode: 'native-when-ascii',
    });
    expect(long.rendering).toBe('pictures');
  });

  it('reports the colour depth the pictures need', () => {
    expect(compileContent(prog('p', [X]), layout).colourDepth).toBe('mono');
    expect(compileContent(prog('p', [Y]), layout).colourDepth).toBe('tri');
    expect(compileContent(prog('p', [bitmapOf(4, 2, [8, 0, 0, 0, 0, 0, 0, 0])]), layout).colourDepth).toBe('octo');
  });
});

describe('PicturePool (LRU)', () => {
  it('keeps loaded pictures in their slots and evicts the least recently used one not needed now', () => {
    const pool = new PicturePool(['1', '2', '3']);
    const land = (keys: string[]): { labels: string[]; write: number[] } => {
      const a = pool.assign(keys);
      for (const i of a.write) pool.landed(a.labels[i]!, keys[i]!);
      return a;
    };
    expect(land(['a', 'b'])).toEqual({ labels: ['1', '2'], write: [0, 1] });
    expect(land(['c'])).toEqual({ labels: ['3'], write: [0] });
    // Everything loaded: nothing to write, whatever the order.
    expect(land(['b', 'a'])).toEqual({ labels: ['2', '1'], write: [] });
    // `c` is now the least recently used: `d` takes its slot.
    expect(land(['d'])).toEqual({ labels: ['3'], write: [0] });
    expect([...pool.loaded()]).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['d', '3'],
    ]);
    // `a` is needed again with a new picture: `b` (older than `d`) is evicted, `a` keeps slot 1.
    expect(land(['e', 'a'])).toEqual({ labels: ['2', '1'], write: [0] });
  });

  it('forgets a slot whose write did not land, and everything on reset', () => {
    const pool = new PicturePool(['1', '2']);
    const a = pool.assign(['a']);
    pool.landed(a.labels[0]!, 'a');
    // Superseded before the picture was written: slot 2 stays unknown.
    pool.assign(['b']);
    expect([...pool.loaded()]).toEqual([['a', '1']]);
    expect(pool.assign(['b']).write).toEqual([0]);
    pool.reset();
    expect(pool.loaded().size).toBe(0);
    expect(pool.assign(['a']).write).toEqual([0]);
  });

  it('refuses more pictures than slots', () => {
    expect(codeOf(() => new PicturePool(['1']).assign(['a', 'b']))).toBe('alpha-invalid-argument');
  });
});
