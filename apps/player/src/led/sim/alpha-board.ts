/**
 * The memory and display logic of an Alpha sign, as the simulator models it. Pure: commands in, state out.
 *
 * Modelled like a real sign: a memory configuration erases every file and allocates new ones; writes to
 * files that were not allocated, or that do not fit their allocation, are refused; the TEXT files named in
 * the run sequence are shown page by page, and a page's DOTS picture calls are drawn side by side, centred.
 * The sign's own fonts are not modelled: text on a page is reported as text, not drawn.
 */
import { type Bitmap, createBitmap } from '@bangtin/shared';
import type { AlphaCommand, DecodedTextPage } from '../alpha/decode';
import type { DotsColourDepth } from '../alpha/codes';
import type { BoardSize } from '../driver';

export type SignFile =
  | { type: 'text'; size: number; pages: DecodedTextPage[] | null }
  | { type: 'string'; size: number; text: string | null }
  | { type: 'dots'; width: number; height: number; colours: DotsColourDepth; bitmap: Bitmap | null };

export interface DisplayPage {
  /** TEXT file label and page index inside it. */
  file: string;
  page: number;
  mode: string;
  /** What the LEDs show (pictures only). */
  bitmap: Bitmap;
  /** Text the sign would draw in its own font, including called STRING files. */
  text: string;
  /** Labels of the pictures drawn on this page. */
  pictures: string[];
}

export interface ApplyResult {
  accepted: boolean;
  reason?: string;
}

const DEPTH_MAX: Readonly<Record<DotsColourDepth, number>> = { mono: 1, tri: 3, octo: 8 };

export interface SignClock {
  hour?: number;
  minute?: number;
  year?: number;
  month?: number;
  day?: number;
  weekday?: number;
  format?: '24h' | '12h';
}

export class AlphaBoardModel {
  readonly size: BoardSize;
  files = new Map<string, SignFile>();
  runSequence: string[] = ['A'];
  clock: SignClock = {};
  resets = 0;
  /** The dimming register as a percentage of full brightness (`E/`); signs start at full. */
  brightness = 100;

  constructor(size: BoardSize) {
    this.size = size;
    this.powerCycle();
  }

  /**
   * What a sign is after losing power (as modelled): factory memory with one TEXT file `A`, so a plain text
   * write works before any configuration; run sequence `A`, full brightness, clock unset.
   */
  powerCycle(): void {
    this.files = new Map([['A', { type: 'text', size: 0x100, pages: null }]]);
    this.runSequence = ['A'];
    this.clock = {};
    this.brightness = 100;
  }

  /** Applies one command; `rawLength` is the command block's length (TEXT size checks use it). */
  apply(cmd: AlphaCommand, rawLength: number): ApplyResult {
    const refuse = (reason: string): ApplyResult => ({ accepted: false, reason });
    switch (cmd.kind) {
      case 'memory-config': {
        this.files = new Map();
        for (const e of cmd.entries) {
          if (e.type === 'text') this.files.set(e.label, { type: 'text', size: e.size, pages: null });
          else if (e.type === 'string') this.files.set(e.label, { type: 'string', size: e.size, text: null });
          else
            this.files.set(e.label, {
              type: 'dots',
              width: e.width,
              height: e.height,
              colours: e.colours,
              bitmap: null,
            });
        }
        return { accepted: true };
      }
      case 'write-text': {
        const f = this.files.get(cmd.label);
        if (f?.type !== 'text') return refuse(`TEXT file ${cmd.label} is not allocated`);
        if (rawLength - 2 > f.size) return refuse(`TEXT file ${cmd.label} holds ${f.size} bytes, got ${rawLength - 2}`);
        f.pages = cmd.pages;
        return { accepted: true };
      }
      case 'write-string': {
        const f = this.files.get(cmd.label);
        if (f?.type !== 'string') return refuse(`STRING file ${cmd.label} is not allocated`);
        if (cmd.text.length > f.size)
          return refuse(`STRING file ${cmd.label} holds ${f.size} bytes, got ${cmd.text.length}`);
        f.text = cmd.text;
        return { accepted: true };
      }
      case 'write-dots': {
        const f = this.files.get(cmd.label);
        if (f?.type !== 'dots') return refuse(`DOTS picture ${cmd.label} is not allocated`);
        const b = cmd.bitmap;
        if (b.width > f.width || b.height > f.height)
          return refuse(`DOTS picture ${cmd.label} is allocated ${f.width}×${f.height}, got ${b.width}×${b.height}`);
        const max = b.data.reduce((m, v) => Math.max(m, v), 0);
        if (max > DEPTH_MAX[f.colours]) return refuse(`DOTS picture ${cmd.label} is ${f.colours}, got colour ${max}`);
        f.bitmap = b;
        return { accepted: true };
      }
      case 'run-sequence':
        this.runSequence = cmd.labels;
        return { accepted: true };
      case 'set-time':
        this.clock.hour = cmd.hour;
        this.clock.minute = cmd.minute;
        return { accepted: true };
      case 'set-date':
        this.clock.year = cmd.year;
        this.clock.month = cmd.month;
        this.clock.day = cmd.day;
        return { accepted: true };
      case 'day-of-week':
        this.clock.weekday = cmd.day;
        return { accepted: true };
      case 'time-format':
        this.clock.format = cmd.format;
        return { accepted: true };
      case 'soft-reset':
        this.resets++;
        return { accepted: true };
      case 'dimming':
        this.brightness = cmd.percent;
        return { accepted: true };
      case 'read-special':
        return { accepted: true };
      case 'unknown':
        return refuse(`unsupported command ${cmd.code}`);
      case 'invalid':
        return refuse(`invalid ${cmd.code}: ${cmd.reason}`);
    }
  }

  /** The memory table as the sign reports it to an `F$` read. */
  memoryTable(): string {
    const hex = (n: number, d: number): string => n.toString(16).toUpperCase().padStart(d, '0');
    let out = '';
    for (const [label, f] of this.files) {
      if (f.type === 'text') out += `${label}AU${hex(f.size, 4)}FF00`;
      else if (f.type === 'string') out += `${label}BL${hex(f.size, 4)}0000`;
      else
        out += `${label}DU${hex(f.height, 2)}${hex(f.width, 2)}${{ mono: '1000', tri: '2000', octo: '4000' }[f.colours]}`;
    }
    return out;
  }

  /** True when no LED is lit on any page: what a blanked ("powered off") board looks like. */
  dark(): boolean {
    return this.pages().every((p) => p.bitmap.data.every((v) => v === 0) && p.text === '');
  }

  /** Every page the sign cycles through, in order. */
  pages(): DisplayPage[] {
    const out: DisplayPage[] = [];
    for (const label of this.runSequence) {
      const f = this.files.get(label);
      if (f?.type !== 'text' || !f.pages) continue;
      f.pages.forEach((page, i) => out.push(this.renderPage(label, i, page)));
    }
    return out;
  }

  private renderPage(file: string, index: number, page: DecodedTextPage): DisplayPage {
    const pictures: Bitmap[] = [];
    const labels: string[] = [];
    let text = '';
    for (const part of page.parts) {
      if ('dots' in part) {
        const f = this.files.get(part.dots);
        if (f?.type === 'dots' && f.bitmap) {
          pictures.push(f.bitmap);
          labels.push(part.dots);
        }
      } else if ('string' in part) {
        const f = this.files.get(part.string);
        if (f?.type === 'string' && f.text) text += f.text;
      } else if ('text' in part) {
        text += part.text;
      }
    }
    const out = createBitmap(this.size.width, this.size.height);
    const total = pictures.reduce((w, p) => w + p.width, 0);
    let x0 = Math.floor((this.size.width - total) / 2);
    for (const p of pictures) {
      const y0 = Math.floor((this.size.height - p.height) / 2);
      for (let y = 0; y < p.height; y++) {
        for (let x = 0; x < p.width; x++) {
          const tx = x0 + x;
          const ty = y0 + y;
          if (tx >= 0 && ty >= 0 && tx < out.width && ty < out.height)
            out.data[ty * out.width + tx] = p.data[y * p.width + x]!;
        }
      }
      x0 += p.width;
    }
    const mode = typeof page.mode === 'string' ? page.mode : page.mode.unknown;
    return { file, page: index, mode, bitmap: out, text, pictures: labels };
  }
}
