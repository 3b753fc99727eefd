/**
 * The fixed memory layout the Alpha driver allocates once per connection, and the pure pieces that put
 * programmes into it without another memory configuration: content compilation, the LRU pool of picture
 * slots, and the packets of one delivery.
 *
 * Why a fixed layout: an `E$` memory configuration erases every file and blanks the sign for seconds, so it
 * must not sit on the path of an urgent message or of a playlist change. The layout reserves
 * - TEXT `A` (the playlist's pages), STRING `B` (live text), TEXT `z` (the urgent message's pages);
 * - `picturePool` board-size DOTS slots for playlist pictures, reused least recently used first;
 * - `urgentFrames` board-size DOTS slots that only urgent messages write.
 */
import type { Bitmap } from '@bangtin/shared';
import type { BoardSize, LedProgramme } from '../driver';
import type { DotsColourDepth } from './codes';
import {
  AlphaEncodeError,
  blockDataOffset,
  colourDepthFor,
  encodePacket,
  isPlainAscii,
  maxColour,
  memoryConfigBlock,
  type MemoryEntry,
  type PacketOptions,
  runSequenceBlock,
  type TextPage,
  writeDotsBlock,
  writeStringBlock,
  writeTextBlock,
} from './encode';
import { type AlphaStep, DOTS_LABELS, LIVE_STRING_LABEL, TEXT_LABEL } from './programme';

/** TEXT file of urgent messages; taken out of the picture labels so the two never collide. */
export const URGENT_TEXT_LABEL = 'z';
/** Picture labels the fixed layout hands out: pool slots first, then the urgent slots. */
export const LAYOUT_DOTS_LABELS = DOTS_LABELS.replace(URGENT_TEXT_LABEL, '');

export const DEFAULT_PICTURE_POOL = 16;
export const DEFAULT_URGENT_FRAMES = 4;
export const DEFAULT_LIVE_CAPACITY = 64;

/** Bytes of one picture page in a TEXT file: ESC position mode, then 0x14 label. */
const PICTURE_PAGE_BYTES = 5;
const TEXT_SIZE_STEP = 64;
/** Room for native (sign-font) text pages; longer ASCII slogans fall back to pictures. */
const MIN_TEXT_SIZE = 256;

const DEPTH_ORDER: readonly DotsColourDepth[] = ['mono', 'tri', 'octo'];

export function deeper(a: DotsColourDepth, b: DotsColourDepth): DotsColourDepth {
  return DEPTH_ORDER.indexOf(a) >= DEPTH_ORDER.indexOf(b) ? a : b;
}

function roundUp(n: number, step: number): number {
  return Math.max(step, Math.ceil(n / step) * step);
}

export interface AlphaLayoutOptions {
  board: BoardSize;
  /** Board-size DOTS slots for playlist pictures (a programme may use at most this many distinct frames). */
  picturePool?: number;
  /** Board-size DOTS slots reserved for an urgent message (its distinct frames). */
  urgentFrames?: number;
  /** Colour depth every slot is allocated with. */
  colourDepth?: DotsColourDepth;
  /** Characters of the live-text STRING file. */
  liveCapacity?: number;
}

export interface AlphaLayout {
  /** The `E$` block as text: equal keys mean the sign needs no new configuration. */
  key: string;
  board: BoardSize;
  colourDepth: DotsColourDepth;
  poolLabels: readonly string[];
  urgentLabels: readonly string[];
  /** Allocated sizes of TEXT `A` and of the urgent TEXT file (bytes after the label). */
  textCapacity: number;
  urgentTextCapacity: number;
  liveCapacity: number;
  entries: readonly MemoryEntry[];
  memory: AlphaStep;
}

function assertCount(name: string, n: number, min: number): void {
  if (!Number.isInteger(n) || n < min)
    throw new AlphaEncodeError('alpha-invalid-argument', `${name} must be an integer ≥ ${min}, got ${n}`);
}

export function planLayout(options: AlphaLayoutOptions, packet: PacketOptions = {}): AlphaLayout {
  const pool = options.picturePool ?? DEFAULT_PICTURE_POOL;
  const urgent = options.urgentFrames ?? DEFAULT_URGENT_FRAMES;
  const liveCapacity = options.liveCapacity ?? DEFAULT_LIVE_CAPACITY;
  assertCount('picturePool', pool, 1);
  assertCount('urgentFrames', urgent, 1);
  assertCount('liveCapacity', liveCapacity, 1);
  if (pool + urgent > LAYOUT_DOTS_LABELS.length) {
    throw new AlphaEncodeError(
      'alpha-invalid-argument',
      `picturePool + urgentFrames must be at most ${LAYOUT_DOTS_LABELS.length} pictures, got ${pool + urgent}`,
    );
  }
  const { width, height } = options.board;
  if (width > 255 || height > 255) {
    throw new AlphaEncodeError(
      'alpha-invalid-size',
      `a SMALL DOTS picture is at most 255×255, board is ${width}×${height}`,
    );
  }
  const colourDepth = options.colourDepth ?? 'tri';
  const poolLabels = [...LAYOUT_DOTS_LABELS.slice(0, pool)];
  const urgentLabels = [...LAYOUT_DOTS_LABELS.slice(pool, pool + urgent)];
  // One page per picture plus the live-text page; at least enough for a sign-font slogan.
  const textCapacity = roundUp(Math.max(MIN_TEXT_SIZE, PICTURE_PAGE_BYTES * (pool + 1)), TEXT_SIZE_STEP);
  const urgentTextCapacity = roundUp(Math.max(MIN_TEXT_SIZE, PICTURE_PAGE_BYTES * urgent), TEXT_SIZE_STEP);
  const entries: MemoryEntry[] = [
    { type: 'text', label: TEXT_LABEL, size: textCapacity },
    { type: 'text', label: URGENT_TEXT_LABEL, size: urgentTextCapacity },
    { type: 'string', label: LIVE_STRING_LABEL, size: liveCapacity },
    ...[...poolLabels, ...urgentLabels].map((label): MemoryEntry => ({
      type: 'dots',
      label,
      width,
      height,
      colours: colourDepth,
    })),
  ];
  const block = memoryConfigBlock(entries);
  return {
    key: new TextDecoder().decode(block),
    board: { width, height },
    colourDepth,
    poolLabels,
    urgentLabels,
    textCapacity,
    urgentTextCapacity,
    liveCapacity,
    entries,
    memory: { purpose: 'memory-config', bytes: encodePacket([block], packet) },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Content: what a programme needs, independent of which slots it lands in

export interface AlphaPicture {
  /** Identity of the pixels: equal keys are the same picture, whichever programme it came from. */
  key: string;
  bitmap: Bitmap;
}

export interface AlphaContent {
  programmeId: string;
  urgent: boolean;
  rendering: 'pictures' | 'native-text';
  /** Distinct pictures, in first-use order. */
  pictures: AlphaPicture[];
  /** One page per frame: the index of its picture. */
  order: number[];
  /** The page in the sign's own font (native-text rendering only). */
  native: TextPage | null;
  live: { capacity: number; content: string } | null;
  /** Least colour depth the pictures need. */
  colourDepth: DotsColourDepth;
}

function pictureKey(b: Bitmap): string {
  return `${b.width}x${b.height}:${b.data.join('')}`;
}

/**
 * Validates a programme against a layout (throws `AlphaEncodeError` naming what does not fit) and reduces
 * it to distinct pictures and page order. Colour depth is reported, not checked: the driver may allocate
 * deeper slots once.
 */
export function compileContent(
  programme: LedProgramme,
  layout: AlphaLayout,
  options: { textMode?: 'pictures' | 'native-when-ascii' } = {},
): AlphaContent {
  const urgent = programme.urgent === true;
  const textCapacity = urgent ? layout.urgentTextCapacity : layout.textCapacity;
  const content: AlphaContent = {
    programmeId: programme.id,
    urgent,
    rendering: 'pictures',
    pictures: [],
    order: [],
    native: null,
    live: null,
    colourDepth: 'mono',
  };
  if (programme.text && options.textMode === 'native-when-ascii' && isPlainAscii(programme.text.content)) {
    const parts: TextPage['parts'][number][] = [];
    if (programme.text.colour !== undefined) parts.push({ colour: programme.text.colour });
    parts.push({ text: programme.text.content });
    const effect = programme.text.effect ?? 'hold';
    const page: TextPage = { mode: effect === 'scroll' ? 'rotate' : effect, parts };
    // A slogan too long for the allocated TEXT file is shown as pictures instead.
    if (writeTextBlock(TEXT_LABEL, [page]).length - 2 + PICTURE_PAGE_BYTES <= textCapacity) {
      content.rendering = 'native-text';
      content.native = page;
    }
  }
  if (content.rendering === 'pictures') {
    if (programme.frames.length === 0)
      throw new AlphaEncodeError('alpha-invalid-argument', `programme ${programme.id} has no frames`);
    const slots = urgent ? layout.urgentLabels.length : layout.poolLabels.length;
    const index = new Map<string, number>();
    let maxIndex = 0;
    for (const [i, frame] of programme.frames.entries()) {
      const b = frame.bitmap;
      if (b.width > layout.board.width || b.height > layout.board.height) {
        throw new AlphaEncodeError(
          'alpha-invalid-size',
          `frame ${i} is ${b.width}×${b.height}, larger than the ${layout.board.width}×${layout.board.height} board`,
        );
      }
      maxIndex = Math.max(maxIndex, maxColour(b));
      const key = pictureKey(b);
      let at = index.get(key);
      if (at === undefined) {
        at = content.pictures.length;
        if (at >= slots) {
          throw new AlphaEncodeError(
            'alpha-invalid-argument',
            `${urgent ? 'urgent ' : ''}programme ${programme.id} has more than ${slots} distinct frames ` +
              `(${urgent ? 'urgentFrames' : 'picturePool'} is ${slots})`,
          );
        }
        index.set(key, at);
        content.pictures.push({ key, bitmap: b });
      }
      content.order.push(at);
    }
    content.colourDepth = colourDepthFor(maxIndex);
  }
  if (programme.liveText) {
    if (urgent) {
      // The STRING file belongs to the playlist; an urgent message is fixed pixels.
      throw new AlphaEncodeError('alpha-invalid-argument', `urgent programme ${programme.id} cannot have live text`);
    }
    const { content: text } = programme.liveText;
    const capacity = programme.liveText.capacity ?? layout.liveCapacity;
    if (capacity > layout.liveCapacity) {
      throw new AlphaEncodeError(
        'alpha-invalid-size',
        `live text capacity ${capacity} is more than the ${layout.liveCapacity} characters allocated (liveCapacity)`,
      );
    }
    if (text.length > capacity)
      throw new AlphaEncodeError('alpha-invalid-size', `live text is ${text.length} characters, capacity ${capacity}`);
    content.live = { capacity, content: text };
  }
  return content;
}

// ---------------------------------------------------------------------------------------------------------
// The picture pool: which pictures occupy which playlist slots

interface Slot {
  label: string;
  key: string | null;
  /** Monotonic use stamp; the smallest is evicted first. */
  usedAt: number;
}

export interface PoolAssignment {
  /** Slot label per picture of the content, in `pictures` order. */
  labels: string[];
  /** Indices (into `pictures`) that must be written because no slot holds them. */
  write: number[];
}

/**
 * LRU cache of the pool slots. Pure bookkeeping; the driver tells it when a picture actually landed
 * (`loaded`) and forgets everything when the sign's memory is reconfigured (`reset`).
 */
export class PicturePool {
  private readonly slots: Slot[];
  private clock = 0;

  constructor(labels: readonly string[]) {
    this.slots = labels.map((label) => ({ label, key: null, usedAt: 0 }));
  }

  get size(): number {
    return this.slots.length;
  }

  /** Labels whose pictures are known to be on the sign, by picture key. */
  loaded(): Map<string, string> {
    const out = new Map<string, string>();
    for (const s of this.slots) if (s.key !== null) out.set(s.key, s.label);
    return out;
  }

  /**
   * Slots for `keys` (distinct): pictures already loaded keep their slot; the others take empty slots,
   * then the least recently used slots not needed by this programme. The chosen slots are marked used now
   * and emptied until `landed` confirms the write, so a half-finished delivery never leaves a stale entry.
   */
  assign(keys: readonly string[]): PoolAssignment {
    if (keys.length > this.slots.length)
      throw new AlphaEncodeError(
        'alpha-invalid-argument',
        `${keys.length} pictures do not fit ${this.slots.length} slots`,
      );
    const stamp = ++this.clock;
    const byKey = new Map<string, Slot>();
    for (const s of this.slots) if (s.key !== null) byKey.set(s.key, s);
    const taken = new Set<Slot>();
    const labels: string[] = new Array<string>(keys.length);
    const write: number[] = [];
    keys.forEach((key, i) => {
      const s = byKey.get(key);
      if (s) {
        s.usedAt = stamp;
        taken.add(s);
        labels[i] = s.label;
      } else write.push(i);
    });
    const free = this.slots
      .filter((s) => !taken.has(s))
      .sort((a, b) => (a.key === null ? -1 : 0) - (b.key === null ? -1 : 0) || a.usedAt - b.usedAt);
    for (const [n, i] of write.entries()) {
      const s = free[n]!;
      s.key = null;
      s.usedAt = stamp;
      labels[i] = s.label;
    }
    return { labels, write };
  }

  /** The picture `key` is now on the sign in slot `label`. */
  landed(label: string, key: string): void {
    const s = this.slots.find((x) => x.label === label);
    if (s) s.key = key;
  }

  reset(): void {
    for (const s of this.slots) {
      s.key = null;
      s.usedAt = 0;
    }
    this.clock = 0;
  }
}

// ---------------------------------------------------------------------------------------------------------
// One delivery's packets

export interface DeliveryStep extends AlphaStep {
  /** For DOTS steps: the picture key the slot holds once this step is written. */
  pictureKey?: string;
  /** For TEXT steps: the TEXT block as text, what the file holds once this step is written. */
  textKey?: string;
}

/** The TEXT file's pages for a content placed in `labels` (one label per picture). */
export function contentPages(content: AlphaContent, labels: readonly string[]): TextPage[] {
  const pages: TextPage[] = content.native
    ? [content.native]
    : content.order.map((i): TextPage => ({ mode: 'hold', parts: [{ dots: labels[i]! }] }));
  if (content.live) pages.push({ mode: 'hold', parts: [{ string: LIVE_STRING_LABEL }] });
  return pages;
}

export interface DeliveryPlan {
  /** Label of the TEXT file this content runs from. */
  textLabel: string;
  /** The TEXT block as text: when the sign already holds exactly this, the TEXT write is skipped. */
  textKey: string;
  steps: DeliveryStep[];
}

/**
 * Packets that show `content` from slots `labels`, writing only the pictures in `write` and the TEXT file
 * only when `textOnSign` differs. Never a memory configuration. Ends with the run sequence.
 *
 * `firstPageEarly` (used for urgent messages): when pictures beyond the first page's must be written, the
 * first page goes up alone first (its picture, a one-page TEXT, the run sequence), then the other pictures
 * and the full TEXT, so the message is on the board after one picture's wire time instead of all of them.
 */
export function compileDelivery(
  content: AlphaContent,
  layout: AlphaLayout,
  placement: {
    labels: readonly string[];
    write: readonly number[];
    textOnSign?: string | null;
    firstPageEarly?: boolean;
  },
  packet: PacketOptions = {},
): DeliveryPlan {
  const textLabel = content.urgent ? URGENT_TEXT_LABEL : TEXT_LABEL;
  const capacity = content.urgent ? layout.urgentTextCapacity : layout.textCapacity;
  const steps: DeliveryStep[] = [];
  const dots = (i: number): void => {
    const picture = content.pictures[i]!;
    const label = placement.labels[i]!;
    const { block, sizeEnd } = writeDotsBlock(label, picture.bitmap);
    const bytes = encodePacket([block], packet);
    steps.push({ purpose: 'dots', label, bytes, pauseAt: blockDataOffset(bytes, sizeEnd), pictureKey: picture.key });
  };
  const text = (pages: TextPage[]): string => {
    const block = writeTextBlock(textLabel, pages);
    if (block.length - 2 > capacity) {
      throw new AlphaEncodeError(
        'alpha-invalid-size',
        `TEXT file ${textLabel} needs ${block.length - 2} bytes, ${capacity} are allocated`,
      );
    }
    const textKey = new TextDecoder().decode(block);
    steps.push({ purpose: 'text', label: textLabel, bytes: encodePacket([block], packet), textKey });
    return textKey;
  };
  const run = (): void => {
    steps.push({ purpose: 'run-sequence', bytes: encodePacket([runSequenceBlock([textLabel])], packet) });
  };

  let write = placement.write;
  const first = content.order[0];
  if (placement.firstPageEarly && !content.live && first !== undefined && write.some((i) => i !== first)) {
    if (write.includes(first)) dots(first);
    text([{ mode: 'hold', parts: [{ dots: placement.labels[first]! }] }]);
    run();
    write = write.filter((i) => i !== first);
  }
  for (const i of write) dots(i);
  if (content.live) {
    const bytes = encodePacket([writeStringBlock(LIVE_STRING_LABEL, content.live.content)], packet);
    steps.push({ purpose: 'string', label: LIVE_STRING_LABEL, bytes });
  }
  const pages = contentPages(content, placement.labels);
  const fullKey = new TextDecoder().decode(writeTextBlock(textLabel, pages));
  if (fullKey !== placement.textOnSign || steps.some((s) => s.purpose === 'text')) text(pages);
  run();
  return { textLabel, textKey: fullKey, steps };
}
