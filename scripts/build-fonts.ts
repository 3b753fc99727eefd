/**
 * Dev-time generator: extracts the glyphs bangtin needs (ASCII, Latin-1, every Vietnamese letter and a
 * little punctuation) from Debian's bitmap fonts into small TS modules under
 * packages/shared/src/led/fonts/, so the renderer needs no apt package and no file system at run time.
 *
 *   npx tsx scripts/build-fonts.ts          # needs the `unifont` and `xfonts-base` Debian packages
 *
 * PCF is parsed here directly (format as written by bdftopcf / documented in X.Org's pcfread.c), which
 * avoids a dependency on pcf2bdf.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'shared', 'src', 'led', 'fonts');
const MISC = '/usr/share/fonts/X11/misc';
const UNIFONT_HEX = '/usr/share/unifont/unifont.hex';

/** Every precomposed Vietnamese letter (67 lower + 67 upper), the set each shipped font must cover. */
const VIETNAMESE_LOWER = 'àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ';
const VIETNAMESE = VIETNAMESE_LOWER + VIETNAMESE_LOWER.toUpperCase();
/** Punctuation staff paste from word processors; required in every font. */
const REQUIRED_PUNCT = '–—“”‘’…•«»°№';
/** Nice to have; shipped where the font has them, otherwise the renderer shows a box and warns. */
const OPTIONAL = '₫€·×÷±©®§²³½¼¾‹›‰←→↑↓♥★☎✓';

interface RawGlyph {
  /** Advance width in pixels. */
  advance: number;
  /** Ink box relative to the origin on the baseline: x from lsb, rows from `ascent` above baseline. */
  lsb: number;
  width: number;
  ascent: number;
  height: number;
  /** Ink rows, MSB-first bits, ceil(width/8) bytes per row. */
  rows: Uint8Array[];
}

interface RawFont {
  glyphs: Map<number, RawGlyph>;
  fontAscent: number;
  fontDescent: number;
}

// ---------- PCF ----------

const PCF_ACCELERATORS = 1 << 1;
const PCF_METRICS = 1 << 2;
const PCF_BITMAPS = 1 << 3;
const PCF_BDF_ENCODINGS = 1 << 5;
const PCF_BDF_ACCELERATORS = 1 << 8;
const PCF_COMPRESSED_METRICS = 0x100;

class Reader {
  constructor(
    private buf: Buffer,
    public pos: number,
    private big: boolean,
  ) {}
  u8(): number {
    return this.buf.readUInt8(this.pos++);
  }
  i16(): number {
    const v = this.big ? this.buf.readInt16BE(this.pos) : this.buf.readInt16LE(this.pos);
    this.pos += 2;
    return v;
  }
  u16(): number {
    const v = this.big ? this.buf.readUInt16BE(this.pos) : this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }
  i32(): number {
    const v = this.big ? this.buf.readInt32BE(this.pos) : this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
}

function parsePcf(file: string): RawFont {
  const buf = gunzipSync(readFileSync(file));
  if (buf.toString('latin1', 0, 4) !== '\x01fcp') throw new Error(`${file}: not a PCF file`);
  const count = buf.readInt32LE(4);
  const tables = new Map<number, { format: number; offset: number }>();
  for (let i = 0; i < count; i++) {
    const at = 8 + i * 16;
    tables.set(buf.readInt32LE(at), { format: buf.readInt32LE(at + 4), offset: buf.readInt32LE(at + 12) });
  }
  // The format word at the start of each table is always little-endian; its byte-order bit governs the rest.
  const open = (type: number): { r: Reader; format: number } => {
    const t = tables.get(type);
    if (!t) throw new Error(`${file}: missing PCF table ${type}`);
    const format = buf.readInt32LE(t.offset);
    return { r: new Reader(buf, t.offset + 4, (format & 4) !== 0), format };
  };

  const metrics: { lsb: number; rsb: number; advance: number; ascent: number; descent: number }[] = [];
  {
    const { r, format } = open(PCF_METRICS);
    if (format & PCF_COMPRESSED_METRICS) {
      const n = r.i16();
      for (let i = 0; i < n; i++) {
        const m = [r.u8(), r.u8(), r.u8(), r.u8(), r.u8()].map((v) => v - 0x80) as [
          number,
          number,
          number,
          number,
          number,
        ];
        metrics.push({ lsb: m[0], rsb: m[1], advance: m[2], ascent: m[3], descent: m[4] });
      }
    } else {
      const n = r.i32();
      for (let i = 0; i < n; i++) {
        const m = { lsb: r.i16(), rsb: r.i16(), advance: r.i16(), ascent: r.i16(), descent: r.i16() };
        r.i16(); // attributes
        metrics.push(m);
      }
    }
  }

  const glyphData: Uint8Array[][] = [];
  {
    const { r, format } = open(PCF_BITMAPS);
    const n = r.i32();
    const offsets: number[] = [];
    for (let i = 0; i < n; i++) offsets.push(r.i32());
    r.pos += 16; // four total-size words, one per padding; we only need the offsets
    const dataStart = r.pos;
    const pad = 1 << (format & 3);
    const scanUnit = 1 << ((format >> 4) & 3);
    const byteMsb = (format & 4) !== 0;
    const bitMsb = (format & 8) !== 0;
    for (let i = 0; i < n; i++) {
      const m = metrics[i]!;
      const w = m.rsb - m.lsb;
      const h = m.ascent + m.descent;
      const rowBytes = Math.ceil(Math.max(w, 0) / 8);
      const stride = Math.ceil(rowBytes / pad) * pad;
      const rows: Uint8Array[] = [];
      for (let y = 0; y < h; y++) {
        const raw = Uint8Array.from(
          buf.subarray(dataStart + offsets[i]! + y * stride, dataStart + offsets[i]! + (y + 1) * stride),
        );
        // Same normalisation as X.Org's pcfread: swap within scan units when byte and bit order differ,
        // then flip bits so the leftmost pixel is the most significant bit.
        if (scanUnit > 1 && byteMsb !== bitMsb) {
          for (let u = 0; u + scanUnit <= raw.length; u += scanUnit) raw.subarray(u, u + scanUnit).reverse();
        }
        if (!bitMsb) for (let b = 0; b < raw.length; b++) raw[b] = reverseBits(raw[b]!);
        rows.push(raw.subarray(0, rowBytes));
      }
      glyphData.push(rows);
    }
  }

  let fontAscent = 0;
  let fontDescent = 0;
  {
    const { r } = open(tables.has(PCF_BDF_ACCELERATORS) ? PCF_BDF_ACCELERATORS : PCF_ACCELERATORS);
    r.pos += 8; // eight flag bytes
    fontAscent = r.i32();
    fontDescent = r.i32();
  }

  const glyphs = new Map<number, RawGlyph>();
  {
    const { r } = open(PCF_BDF_ENCODINGS);
    const min2 = r.i16();
    const max2 = r.i16();
    const min1 = r.i16();
    const max1 = r.i16();
    r.i16(); // default char
    for (let b1 = min1; b1 <= max1; b1++) {
      for (let b2 = min2; b2 <= max2; b2++) {
        const idx = r.u16();
        if (idx === 0xffff) continue;
        const m = metrics[idx]!;
        glyphs.set((b1 << 8) | b2, {
          advance: m.advance,
          lsb: m.lsb,
          width: m.rsb - m.lsb,
          ascent: m.ascent,
          height: m.ascent + m.descent,
          rows: glyphData[idx]!,
        });
      }
    }
  }
  return { glyphs, fontAscent, fontDescent };
}

function reverseBits(b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) r |= ((b >> i) & 1) << (7 - i);
  return r;
}

// ---------- Unifont .hex ----------

function parseUnifontHex(file: string, wanted: Set<number>): RawFont {
  const glyphs = new Map<number, RawGlyph>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const cp = parseInt(line.slice(0, colon), 16);
    if (!wanted.has(cp)) continue;
    const hex = line.slice(colon + 1).trim();
    const width = hex.length === 64 ? 16 : 8;
    const rowBytes = width / 8;
    const rows: Uint8Array[] = [];
    for (let y = 0; y < 16; y++) {
      const row = new Uint8Array(rowBytes);
      for (let b = 0; b < rowBytes; b++)
        row[b] = parseInt(hex.slice((y * rowBytes + b) * 2, (y * rowBytes + b) * 2 + 2), 16);
      rows.push(row);
    }
    // Unifont cells are 16 rows with the baseline 2 rows above the bottom.
    glyphs.set(cp, { advance: width, lsb: 0, width, ascent: 14, height: 16, rows });
  }
  return { glyphs, fontAscent: 14, fontDescent: 2 };
}

// ---------- packing ----------

interface FontSpec {
  id: string;
  exportName: string;
  name: string;
  source: string;
  licence: string;
  load: (wanted: Set<number>) => RawFont;
  /** Built by squeezing this (earlier) font to one row less instead of loading a file. */
  derivedFrom?: string;
  /** Corrections of upstream glyph errors, applied after cutting to the line box. */
  patch?: (font: CellFont) => void;
}

const FONTS: FontSpec[] = [
  ...(['6x13', '7x13', '8x13', '9x15', '9x18', '10x20'] as const).map((size): FontSpec => ({
    id: `fixed-${size}`,
    exportName: `FIXED_${size.toUpperCase()}`,
    name: `X11 misc-fixed ${size} (ISO10646-1)`,
    source: `xfonts-base: ${MISC}/${size}.pcf.gz`,
    licence: 'Public domain',
    load: () => parsePcf(`${MISC}/${size}.pcf.gz`),
    ...(size === '8x13' ? { patch: fixGraveOHorn8x13 } : {}),
  })),
  {
    id: 'unifont-8x16',
    exportName: 'UNIFONT_8X16',
    name: 'GNU Unifont 8×16',
    source: `unifont: ${UNIFONT_HEX}`,
    licence: 'GPL-2.0-or-later WITH Font-exception-2.0 OR OFL-1.1',
    load: (wanted) => parseUnifontHex(UNIFONT_HEX, wanted),
  },
  ...(['6x13', '7x13'] as const).map((size): FontSpec => ({
    id: `fixed-${size.replace('13', '12')}-vn`,
    exportName: `FIXED_${size.replace('13', '12').toUpperCase()}_VN`,
    name: `X11 misc-fixed ${size}, marks squeezed to 12 rows for Vietnamese`,
    source: `fixed-${size} (derived)`,
    licence: 'Public domain',
    load: () => {
      throw new Error('derived font');
    },
    derivedFrom: `fixed-${size}`,
  })),
];

function codepointsOf(s: string): number[] {
  return [...s].map((c) => c.codePointAt(0)!);
}

function wantedCodepoints(): { required: number[]; optional: number[] } {
  const required = new Set<number>();
  for (let cp = 0x20; cp <= 0x7e; cp++) required.add(cp);
  for (const cp of codepointsOf(VIETNAMESE + REQUIRED_PUNCT)) required.add(cp);
  const optional = new Set<number>();
  // Latin-1 letters let staff write foreign names (Müller, François) without boxes.
  for (let cp = 0xa1; cp <= 0xff; cp++) if (!required.has(cp)) optional.add(cp);
  for (const cp of codepointsOf(OPTIONAL)) if (!required.has(cp)) optional.add(cp);
  return { required: [...required].sort((a, b) => a - b), optional: [...optional].sort((a, b) => a - b) };
}

const LETTERS = VIETNAMESE + 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function inkAt(g: RawGlyph, x: number, y: number): boolean {
  const row = g.rows[y];
  if (!row) return false;
  return ((row[x >> 3]! >> (7 - (x & 7))) & 1) === 1;
}

/** Topmost/bottommost rows (relative to the baseline, up positive) that actually hold ink. */
function inkRows(g: RawGlyph): { top: number; bottom: number } | null {
  let top = -Infinity;
  let bottom = Infinity;
  for (let y = 0; y < g.height; y++) {
    let any = false;
    for (let x = 0; x < g.width && !any; x++) any = inkAt(g, x, y);
    if (!any) continue;
    const fromBaseline = g.ascent - y; // row just above the baseline is 1
    top = Math.max(top, fromBaseline);
    bottom = Math.min(bottom, fromBaseline);
  }
  return top === -Infinity ? null : { top, bottom };
}

/**
 * misc-fixed 8x13 draws U+1EDC "Ờ" (O horn with grave) with an acute, identical to U+1EDA "Ớ", which would
 * turn one tone into another on the board. Rebuild it from "Ớ" with the mark mirrored, which is exactly
 * how the font draws the grave over plain "Ò" versus the acute over "Ó".
 */
function fixGraveOHorn8x13(font: CellFont): void {
  const acute = font.cells[font.codepoints.indexOf(0x1eda)]!;
  const xTop = font.cells[font.codepoints.indexOf(0x78)]!.findIndex((r) => r.some((v) => v === 1));
  const grave = acute.map((r) => Uint8Array.from(r));
  // Rows above the x-height hold only the tone mark in this glyph (the horn starts lower).
  const markRows = grave.slice(0, xTop - 1);
  const cols = markRows.flatMap((r) => [...r.keys()].filter((x) => r[x] === 1));
  const lo = Math.min(...cols);
  const hi = Math.max(...cols);
  for (const r of markRows) {
    const copy = Uint8Array.from(r);
    for (let x = lo; x <= hi; x++) r[x] = copy[lo + hi - x]!;
  }
  font.cells[font.codepoints.indexOf(0x1edc)] = grave;
}

/** A font cut to its line box: per glyph, `height` rows of `advance` pixels (0/1). */
interface CellFont {
  height: number;
  ascent: number;
  codepoints: number[];
  advances: number[];
  cells: Uint8Array[][];
  clipped: number;
}

function toCells(spec: FontSpec): CellFont {
  const { required, optional } = wantedCodepoints();
  const font = spec.load(new Set([...required, ...optional]));
  const missing = required.filter((cp) => !font.glyphs.has(cp));
  if (missing.length > 0) {
    throw new Error(`${spec.id}: missing required glyphs ${missing.map((cp) => String.fromCodePoint(cp)).join(' ')}`);
  }
  const codepoints = [...required, ...optional.filter((cp) => font.glyphs.has(cp))];

  // The line box is the ink span of the letters and digits staff actually write (so a font whose top
  // row is only used by, say, a bracket is not taller than it needs to be); rarer glyphs are clipped to it.
  let top = -Infinity;
  let bottom = Infinity;
  for (const cp of codepointsOf(LETTERS)) {
    const ink = inkRows(font.glyphs.get(cp)!);
    if (!ink) continue;
    top = Math.max(top, ink.top);
    bottom = Math.min(bottom, ink.bottom);
  }
  const ascent = top;
  const height = ascent + (1 - bottom);
  let clipped = 0;
  const cells = codepoints.map((cp) => {
    const g = font.glyphs.get(cp)!;
    const rows: Uint8Array[] = [];
    for (let row = 0; row < height; row++) {
      const gy = g.ascent - (ascent - row);
      const out = new Uint8Array(g.advance);
      for (let x = 0; x < g.advance; x++) {
        const gx = x - g.lsb;
        if (gx >= 0 && gx < g.width && inkAt(g, gx, gy)) out[x] = 1;
      }
      rows.push(out);
    }
    let total = 0;
    for (let gy = 0; gy < g.height; gy++) for (let gx = 0; gx < g.width; gx++) if (inkAt(g, gx, gy)) total++;
    clipped += total - rows.reduce((s, r) => s + r.reduce((a, b) => a + b, 0), 0);
    return rows;
  });
  return { height, ascent, codepoints, advances: codepoints.map((cp) => font.glyphs.get(cp)!.advance), cells, clipped };
}

/**
 * Derives a font one row shorter, for 12-row boards, from a 13-row one. Only the space above the
 * letters gives way, so the baseline, the dot below and descenders are untouched: a glyph with a blank
 * top row just loses it; otherwise each column drops its lowest blank pixel above the x-height, which
 * closes the gap between a mark and its letter (or between stacked marks) without merging them.
 * Columns with no blank pixel there lose their top pixel; those are counted as `clipped`.
 */
function squeezeOneRow(font: CellFont): CellFont {
  const xIndex = font.codepoints.indexOf(0x78);
  const xTop = font.cells[xIndex]!.findIndex((r) => r.some((v) => v === 1));
  const zoneBottom = xTop - 1;
  let clipped = font.clipped;
  const cells = font.cells.map((rows) => {
    if (rows[0]!.every((v) => v === 0)) return rows.slice(1);
    const width = rows[0]!.length;
    const out = rows.slice(1).map(() => new Uint8Array(width));
    for (let x = 0; x < width; x++) {
      let drop = 0;
      for (let y = zoneBottom; y >= 0; y--) {
        if (rows[y]![x] === 0) {
          drop = y;
          break;
        }
      }
      if (rows[drop]![x] === 1) clipped++;
      // Rows above the dropped one move down by one; rows below keep their distance to the baseline.
      for (let y = 0; y < rows.length; y++) {
        if (y === drop) continue;
        out[y < drop ? y : y - 1]![x] = rows[y]![x]!;
      }
    }
    return out;
  });
  return { ...font, height: font.height - 1, ascent: font.ascent - 1, cells, clipped };
}

function write(spec: FontSpec, font: CellFont): { summary: string; size: number } {
  const advance0 = font.advances[font.codepoints.indexOf(0x41)]!;
  const uniform = font.advances.every((w) => w === advance0);
  const bytes: number[] = [];
  font.cells.forEach((rows, i) => {
    const adv = font.advances[i]!;
    const rowBytes = Math.ceil(adv / 8);
    for (const row of rows) {
      const packed = new Uint8Array(rowBytes);
      for (let x = 0; x < adv; x++) if (row[x]) packed[x >> 3]! |= 0x80 >> (x & 7);
      bytes.push(...packed);
    }
  });
  const text =
    `// Generated by scripts/build-fonts.ts from ${spec.source}. Do not edit.\n` +
    `// ${spec.name}; licence: ${spec.licence} (see LICENSES.md).\n` +
    `import type { PackedFont } from '../font-types';\n\n` +
    `export const ${spec.exportName}: PackedFont = {\n` +
    `  id: ${JSON.stringify(spec.id)},\n` +
    `  name: ${JSON.stringify(spec.name)},\n` +
    `  licence: ${JSON.stringify(spec.licence)},\n` +
    `  height: ${font.height},\n` +
    `  ascent: ${font.ascent},\n` +
    `  advance: ${advance0},\n` +
    `  widths: ${uniform ? 'null' : JSON.stringify(font.advances)},\n` +
    `  chars: ${JSON.stringify(String.fromCodePoint(...font.codepoints))},\n` +
    `  data: ${JSON.stringify(Buffer.from(Uint8Array.from(bytes)).toString('base64'))},\n` +
    `};\n`;
  writeFileSync(join(OUT_DIR, `${spec.id}.ts`), text);
  return {
    size: text.length,
    summary:
      `${spec.id}: ${font.codepoints.length} glyphs, cell ${advance0}×${font.height} (ascent ${font.ascent}), ` +
      `${font.clipped} clipped ink pixels, ${uniform ? 'monospace' : 'mixed widths'}, ${text.length} B`,
  };
}

function main(): void {
  mkdirSync(OUT_DIR, { recursive: true });
  const built = new Map<string, CellFont>();
  const results = FONTS.map((spec) => {
    const cells = spec.derivedFrom ? squeezeOneRow(built.get(spec.derivedFrom)!) : toCells(spec);
    spec.patch?.(cells);
    built.set(spec.id, cells);
    return write(spec, cells);
  });
  for (const r of results) console.log(r.summary);
  const ordered = [...FONTS].sort((a, b) => built.get(a.id)!.height - built.get(b.id)!.height);
  const index =
    `// Generated by scripts/build-fonts.ts. Do not edit.\n` +
    ordered.map((f) => `import { ${f.exportName} } from './${f.id}';\n`).join('') +
    `import type { PackedFont } from '../font-types';\n\n` +
    `/** Every shipped bitmap font, smallest line height first. */\n` +
    `export const PACKED_FONTS: readonly PackedFont[] = [${ordered.map((f) => f.exportName).join(', ')}];\n`;
  writeFileSync(join(OUT_DIR, 'index.ts'), index);
  console.log(`total ${results.reduce((s, r) => s + r.size, 0)} B of generated font source`);
}

main();
