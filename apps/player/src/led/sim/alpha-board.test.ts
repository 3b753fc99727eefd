import { type Bitmap, createBitmap } from '@bangtin/shared';
import { describe, expect, it } from 'vitest';
import { AlphaDecoder } from '../alpha/decode';
import { encodePacket, writeDotsBlock, writeTextBlock } from '../alpha/encode';
import { compileContent, compileDelivery, LAYOUT_DOTS_LABELS, planLayout } from '../alpha/layout';
import { compileProgramme } from '../alpha/programme';
import { AlphaBoardModel } from './alpha-board';
import { bitmapToAscii, bitmapToPng, pngToBitmap } from './render';

const size = { width: 8, height: 4 };

/** Feeds packets through the real decoder into the model, like the simulator does. */
function feed(model: AlphaBoardModel, ...packets: Uint8Array[]): { accepted: boolean; reason?: string }[] {
  const decoder = new AlphaDecoder();
  const results: { accepted: boolean; reason?: string }[] = [];
  for (const p of packets) {
    for (const ev of decoder.push(p)) {
      if (ev.type !== 'packet') continue;
      for (const b of ev.packet.blocks) results.push(model.apply(b.command, b.raw.length));
    }
  }
  return results;
}

function bitmap(width: number, height: number, pixels: number[]) {
  return { width, height, data: Uint8Array.from(pixels) };
}

describe('AlphaBoardModel', () => {
  const a = bitmap(8, 4, [1, 1, 1, 1, 1, 1, 1, 1, ...new Array<number>(24).fill(0)]);
  const b = bitmap(8, 4, [...new Array<number>(24).fill(0), 3, 0, 3, 0, 3, 0, 3, 0]);

  it('shows the pages of a compiled programme in order, picture by picture', () => {
    const plan = compileProgramme(
      {
        id: 'p',
        frames: [
          { bitmap: a, durationMs: 1 },
          { bitmap: b, durationMs: 1 },
        ],
      },
      { board: size },
    );
    const model = new AlphaBoardModel(size);
    expect(feed(model, plan.memory.bytes, ...plan.files.map((s) => s.bytes)).every((r) => r.accepted)).toBe(true);
    const pages = model.pages();
    expect(pages.map((p) => [p.file, p.page, p.mode, p.pictures])).toEqual([
      ['A', 0, 'hold', ['1']],
      ['A', 1, 'hold', ['2']],
    ]);
    expect(pages.map((p) => p.bitmap)).toEqual([a, b]);
  });

  it('refuses writes to files that were not allocated, or that do not fit', () => {
    const plan = compileProgramme(
      { id: 'p', frames: [{ bitmap: bitmap(2, 2, [1, 1, 1, 1]), durationMs: 1 }] },
      { board: size },
    );
    const model = new AlphaBoardModel(size);
    // Pictures before the memory configuration: nothing is allocated yet.
    expect(feed(model, plan.files[0]!.bytes)[0]).toMatchObject({
      accepted: false,
      reason: 'DOTS picture 1 is not allocated',
    });
    feed(model, plan.memory.bytes);
    const tooBig = compileProgramme(
      { id: 'q', frames: [{ bitmap: createBitmap(8, 4), durationMs: 1 }] },
      { board: size },
    );
    expect(feed(model, tooBig.files[0]!.bytes)[0]).toMatchObject({
      accepted: false,
      reason: 'DOTS picture 1 is allocated 2×2, got 8×4',
    });
    const octo = compileProgramme(
      { id: 'r', frames: [{ bitmap: bitmap(2, 2, [8, 0, 0, 0]), durationMs: 1 }] },
      { board: size },
    );
    expect(feed(model, octo.files[0]!.bytes)[0]).toMatchObject({
      accepted: false,
      reason: 'DOTS picture 1 is mono, got colour 8',
    });
  });

  it('erases every file on a new memory configuration', () => {
    const plan = compileProgramme({ id: 'p', frames: [{ bitmap: a, durationMs: 1 }] }, { board: size });
    const model = new AlphaBoardModel(size);
    feed(model, plan.memory.bytes, ...plan.files.map((s) => s.bytes));
    expect(model.pages()).toHaveLength(1);
    feed(model, plan.memory.bytes);
    expect(model.pages()).toEqual([]);
    expect(model.memoryTable()).toBe('AAU0040FF00' + '1DU04081000');
  });

  it('refuses writes outside the fixed layout, as a real sign does, and accepts everything inside it', () => {
    const layout = planLayout({ board: size, picturePool: 2, urgentFrames: 1 });
    const model = new AlphaBoardModel(size);
    expect(feed(model, layout.memory.bytes)).toEqual([{ accepted: true }]);
    const dots = (label: string, b: Bitmap): Uint8Array => encodePacket([writeDotsBlock(label, b).block]);
    // Inside: the pool, the urgent slot, the urgent TEXT and a delivery compiled for the layout.
    const urgent = compileContent({ id: 'u', frames: [{ bitmap: a, durationMs: 1 }], urgent: true }, layout);
    const steps = compileDelivery(urgent, layout, { labels: layout.urgentLabels, write: [0] }).steps;
    expect(feed(model, dots('1', a), dots('2', b), ...steps.map((s) => s.bytes)).every((r) => r.accepted)).toBe(true);
    expect(model.runSequence).toEqual(['z']);
    expect(model.pages().map((p) => p.bitmap)).toEqual([a]);
    // Outside: the label after the last allocated slot, a picture larger than the board, more colours than
    // allocated, a DOTS write to a TEXT label, a TEXT file longer than its allocation.
    const beyond = LAYOUT_DOTS_LABELS[3]!;
    const longText = encodePacket([
      writeTextBlock(
        'z',
        Array.from({ length: 60 }, () => ({ parts: [{ dots: '1' }] })),
      ),
    ]);
    expect(
      feed(model, dots(beyond, a), dots('1', createBitmap(9, 4)), dots('2', bitmap(1, 1, [8])), dots('z', a), longText),
    ).toEqual([
      { accepted: false, reason: `DOTS picture ${beyond} is not allocated` },
      { accepted: false, reason: 'DOTS picture 1 is allocated 8×4, got 9×4' },
      { accepted: false, reason: 'DOTS picture 2 is tri, got colour 8' },
      { accepted: false, reason: 'DOTS picture z is not allocated' },
      { accepted: false, reason: 'TEXT file z holds 256 bytes, got 300' },
    ]);
    // Nothing refused changed what the sign shows.
    expect(model.pages().map((p) => p.bitmap)).toEqual([a]);
  });

  it('comes back from a power cut with factory memory', () => {
    const layout = planLayout({ board: size, picturePool: 1, urgentFrames: 1 });
    const model = new AlphaBoardModel(size);
    feed(model, layout.memory.bytes);
    model.brightness = 44;
    model.powerCycle();
    expect(model.memoryTable()).toBe('AAU0100FF00');
    expect([model.runSequence, model.brightness, model.dark()]).toEqual([['A'], 100, true]);
  });

  it('centres a picture narrower than the board', () => {
    const plan = compileProgramme(
      { id: 'p', frames: [{ bitmap: bitmap(2, 2, [1, 2, 3, 1]), durationMs: 1 }] },
      { board: size },
    );
    const model = new AlphaBoardModel(size);
    feed(model, plan.memory.bytes, ...plan.files.map((s) => s.bytes));
    expect(bitmapToAscii(model.pages()[0]!.bitmap)).toBe(['........', '...##...', '...##...', '........'].join('\n'));
  });
});

describe('board rendering', () => {
  it('writes a PNG with one lit square per LED that reads back to the same pixels', () => {
    const b = bitmap(4, 2, [0, 1, 2, 3, 4, 5, 6, 8]);
    const png = bitmapToPng(b, { scale: 4, gap: 1 });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(pngToBitmap(png, { scale: 4 })).toEqual(b);
  });
});
