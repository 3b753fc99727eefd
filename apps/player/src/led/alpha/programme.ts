/**
 * Compiles a protocol-neutral LED programme into the ordered Alpha packets that put it on a sign.
 * Pure: the driver decides when and how fast the packets go out.
 */
import { TIMEZONE } from '@bangtin/shared';
import type { BoardSize, LedProgramme } from '../driver';
import type { DotsColourDepth } from './codes';
import {
  AlphaEncodeError,
  blockDataOffset,
  colourDepthFor,
  dayOfWeekBlock,
  dimmingBlock,
  dimmingLevelFor,
  encodePacket,
  isPlainAscii,
  maxColour,
  memoryConfigBlock,
  type MemoryEntry,
  type PacketOptions,
  runSequenceBlock,
  setDateBlock,
  setTimeBlock,
  type TextPage,
  timeFormatBlock,
  writeDotsBlock,
  writeStringBlock,
  writeTextBlock,
} from './encode';
import { DIMMING_LEVELS } from './codes';

export type AlphaStepPurpose =
  'memory-config' | 'dots' | 'string' | 'text' | 'run-sequence' | 'clock' | 'blank' | 'dimming';

export interface AlphaStep {
  purpose: AlphaStepPurpose;
  label?: string;
  bytes: Uint8Array;
  /** Byte offset after which the sign needs a short pause (just after a DOTS picture's size bytes). */
  pauseAt?: number;
}

export interface AlphaPlan {
  programmeId: string;
  /** Canonical memory layout; when it matches what the sign already has, `memory` can be skipped. */
  layout: string;
  memory: AlphaStep;
  /** Pictures, STRING, TEXT and run sequence, in the order they must be written after `memory`. */
  files: AlphaStep[];
  /** How the programme is shown: host-rendered pictures, or the sign's own font for plain ASCII. */
  rendering: 'pictures' | 'native-text';
  live: { label: string; capacity: number } | null;
}

export interface AlphaCompileOptions extends PacketOptions {
  board: BoardSize;
  /** `pictures` (default) keeps the board pixel-identical to the preview; the other uses the sign's font for ASCII. */
  textMode?: 'pictures' | 'native-when-ascii';
  /** Colour depth to configure pictures with; by default the least that fits the frames. */
  colourDepth?: DotsColourDepth;
}

export const TEXT_LABEL = 'A';
export const LIVE_STRING_LABEL = 'B';
/** Labels for pictures: disjoint from the TEXT and STRING labels, and free of `0` (the priority TEXT file). */
export const DOTS_LABELS = '123456789CDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const TEXT_SIZE_STEP = 64;

function roundUp(n: number, step: number): number {
  return Math.max(step, Math.ceil(n / step) * step);
}

function packetStep(purpose: AlphaStepPurpose, block: Uint8Array, opts: PacketOptions, label?: string): AlphaStep {
  const step: AlphaStep = { purpose, bytes: encodePacket([block], opts) };
  if (label !== undefined) step.label = label;
  return step;
}

const DEPTH_ORDER: readonly DotsColourDepth[] = ['mono', 'tri', 'octo'];

export function compileProgramme(programme: LedProgramme, options: AlphaCompileOptions): AlphaPlan {
  const opts: PacketOptions = {};
  if (options.address !== undefined) opts.address = options.address;
  if (options.typeCode !== undefined) opts.typeCode = options.typeCode;

  const entries: MemoryEntry[] = [];
  const files: AlphaStep[] = [];
  const pages: TextPage[] = [];
  let rendering: AlphaPlan['rendering'] = 'pictures';

  const native = options.textMode === 'native-when-ascii' && programme.text && isPlainAscii(programme.text.content);
  if (native && programme.text) {
    rendering = 'native-text';
    const parts: TextPage['parts'][number][] = [];
    if (programme.text.colour !== undefined) parts.push({ colour: programme.text.colour });
    parts.push({ text: programme.text.content });
    const effect = programme.text.effect ?? 'hold';
    pages.push({ mode: effect === 'scroll' ? 'rotate' : effect, parts });
  } else {
    if (programme.frames.length === 0) {
      throw new AlphaEncodeError('alpha-invalid-argument', `programme ${programme.id} has no frames`);
    }
    // Identical frames (a blink, a repeated page) share one picture: sign memory is small.
    const byContent = new Map<string, string>();
    const pictures: { label: string; index: number }[] = [];
    let maxIndex = 0;
    for (const [i, frame] of programme.frames.entries()) {
      const b = frame.bitmap;
      if (b.width > options.board.width || b.height > options.board.height) {
        throw new AlphaEncodeError(
          'alpha-invalid-size',
          `frame ${i} is ${b.width}×${b.height}, larger than the ${options.board.width}×${options.board.height} board`,
        );
      }
      maxIndex = Math.max(maxIndex, maxColour(b));
      const key = `${b.width}x${b.height}:${b.data.join('')}`;
      let label = byContent.get(key);
      if (label === undefined) {
        label = DOTS_LABELS[byContent.size];
        if (label === undefined) {
          throw new AlphaEncodeError(
            'alpha-invalid-argument',
            `programme ${programme.id} has more than ${DOTS_LABELS.length} distinct frames`,
          );
        }
        byContent.set(key, label);
        pictures.push({ label, index: i });
      }
      pages.push({ mode: 'hold', parts: [{ dots: label }] });
    }
    const auto = colourDepthFor(maxIndex);
    const depth =
      options.colourDepth && DEPTH_ORDER.indexOf(options.colourDepth) >= DEPTH_ORDER.indexOf(auto)
        ? options.colourDepth
        : auto;
    for (const { label, index } of pictures) {
      const bitmap = programme.frames[index]!.bitmap;
      entries.push({ type: 'dots', label, width: bitmap.width, height: bitmap.height, colours: depth });
      const { block, sizeEnd } = writeDotsBlock(label, bitmap);
      const step = packetStep('dots', block, opts, label);
      step.pauseAt = blockDataOffset(step.bytes, sizeEnd);
      files.push(step);
    }
  }

  let live: AlphaPlan['live'] = null;
  if (programme.liveText) {
    const { content } = programme.liveText;
    const capacity = programme.liveText.capacity ?? Math.max(32, content.length);
    if (content.length > capacity) {
      throw new AlphaEncodeError(
        'alpha-invalid-size',
        `live text is ${content.length} characters, capacity ${capacity}`,
      );
    }
    entries.push({ type: 'string', label: LIVE_STRING_LABEL, size: capacity });
    files.push(packetStep('string', writeStringBlock(LIVE_STRING_LABEL, content), opts, LIVE_STRING_LABEL));
    pages.push({ mode: 'hold', parts: [{ string: LIVE_STRING_LABEL }] });
    live = { label: LIVE_STRING_LABEL, capacity };
  }

  const textBlock = writeTextBlock(TEXT_LABEL, pages);
  // Rounded up so programmes of similar length share a layout and skip the slow memory reconfiguration.
  entries.unshift({ type: 'text', label: TEXT_LABEL, size: roundUp(textBlock.length - 2, TEXT_SIZE_STEP) });
  files.push(packetStep('text', textBlock, opts, TEXT_LABEL));
  files.push(packetStep('run-sequence', runSequenceBlock([TEXT_LABEL]), opts));

  const memoryBlock = memoryConfigBlock(entries);
  return {
    programmeId: programme.id,
    layout: new TextDecoder().decode(memoryBlock),
    memory: packetStep('memory-config', memoryBlock, opts),
    files,
    rendering,
    live,
  };
}

/** A blank board: one empty TEXT file that runs. */
export function compileClear(options: PacketOptions = {}): AlphaPlan {
  const memoryBlock = memoryConfigBlock([{ type: 'text', label: TEXT_LABEL, size: TEXT_SIZE_STEP }]);
  return {
    programmeId: 'clear',
    layout: new TextDecoder().decode(memoryBlock),
    memory: packetStep('memory-config', memoryBlock, options),
    files: [
      packetStep('text', writeTextBlock(TEXT_LABEL, [{ mode: 'hold', parts: [] }]), options, TEXT_LABEL),
      packetStep('run-sequence', runSequenceBlock([TEXT_LABEL]), options),
    ],
    rendering: 'pictures',
    live: null,
  };
}

/**
 * "Power off" on a sign without a power-off command: TEXT file `A` (in every layout bangtin writes, and
 * in factory memory) rewritten as one empty page, and run alone. No memory configuration, so it takes
 * effect at once and the pictures stay allocated.
 */
export function compileBlank(options: PacketOptions = {}): AlphaStep[] {
  return [
    packetStep('blank', writeTextBlock(TEXT_LABEL, [{ mode: 'hold', parts: [] }]), options, TEXT_LABEL),
    packetStep('blank', runSequenceBlock([TEXT_LABEL]), options),
  ];
}

/** The dimming register at the level nearest `percent`, and that level in %. */
export function compileBrightness(percent: number, options: PacketOptions = {}): { step: AlphaStep; percent: number } {
  const level = dimmingLevelFor(percent);
  return { step: packetStep('dimming', dimmingBlock(level), options), percent: DIMMING_LEVELS[level]! };
}

export function compileLiveText(plan: AlphaPlan, content: string, options: PacketOptions = {}): AlphaStep {
  if (!plan.live)
    throw new AlphaEncodeError('alpha-invalid-argument', `programme ${plan.programmeId} has no live text`);
  if (content.length > plan.live.capacity) {
    throw new AlphaEncodeError(
      'alpha-invalid-size',
      `live text is ${content.length} characters, capacity ${plan.live.capacity}`,
    );
  }
  return packetStep('string', writeStringBlock(plan.live.label, content), options, plan.live.label);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The local wall clock in `timeZone`, as the sign needs it. */
export function localClock(
  date: Date,
  timeZone: string = TIMEZONE,
): { year: number; month: number; day: number; hour: number; minute: number; weekday: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    weekday: 'short',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    weekday: WEEKDAYS.indexOf(get('weekday')) + 1,
  };
}

/** 24-hour format, time, date and day of week: the sign does not advance the date by itself reliably. */
export function compileClock(date: Date, options: PacketOptions & { timeZone?: string } = {}): AlphaStep[] {
  const c = localClock(date, options.timeZone);
  const opts: PacketOptions = {};
  if (options.address !== undefined) opts.address = options.address;
  if (options.typeCode !== undefined) opts.typeCode = options.typeCode;
  return [
    packetStep('clock', timeFormatBlock('24h'), opts),
    packetStep('clock', setTimeBlock(c.hour, c.minute), opts),
    packetStep('clock', setDateBlock(c.year, c.month, c.day), opts),
    packetStep('clock', dayOfWeekBlock(c.weekday), opts),
  ];
}
