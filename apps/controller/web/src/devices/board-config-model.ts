import type { LedBoardSpec, LedColourMode } from '@bangtin/shared';

/** The serial speeds the controller accepts (LedOutputConfigSchema); offered as suggestions. */
export const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] as const;

const KNOWN = ['name', 'protocol', 'port', 'tcp', 'card', 'baud', 'size', 'address', 'colour'] as const;
const COLOURS: readonly string[] = ['mono', 'tri', 'rgb'];

/** One board as the form edits it: text inputs as typed, and every other field of the board untouched. */
export interface BoardDraft {
  /** React key: stable while rows are added and removed. */
  key: string;
  name: string;
  protocol: string;
  port: string;
  /** `HOST:PORT` of a network card (BX, Huidu); empty for a serial board. */
  tcp: string;
  /** BX card model (`bx-5e1`, …); empty for other protocols. */
  card: string;
  /** As typed; the controller validates it (and names the field when it is wrong). */
  baud: string;
  size: string;
  address: string;
  colour: string;
  /** Fields this form does not show (e.g. ones a newer controller adds): sent back unchanged. */
  extra: Record<string, unknown>;
}

let seq = 0;
const str = (v: unknown, fallback: string) =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback;

export function fromConfig(c: Record<string, unknown>): BoardDraft {
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) {
    if (!(KNOWN as readonly string[]).includes(k) && v !== undefined) extra[k] = v;
  }
  const colour = str(c.colour, 'mono');
  return {
    key: `b${++seq}`,
    name: str(c.name, ''),
    protocol: str(c.protocol, 'alpha'),
    port: str(c.port, ''),
    tcp: str(c.tcp, ''),
    card: str(c.card, ''),
    baud: str(c.baud, ''),
    size: str(c.size, '96x16'),
    address: str(c.address, ''),
    colour: COLOURS.includes(colour) ? colour : 'mono',
    extra,
  };
}

/**
 * The board as the API takes it. Empty fields are left out, so the controller's defaults apply (9600
 * baud and address 00 for Alpha, 57600 and screen 1 for BX) and it names what is missing.
 */
export function toConfig(d: BoardDraft): Record<string, unknown> {
  const baud = d.baud.trim();
  const port = d.port.trim();
  const tcp = d.tcp.trim();
  const address = d.address.trim();
  return {
    ...d.extra,
    name: d.name.trim(),
    protocol: d.protocol,
    ...(port !== '' && { port }),
    ...(tcp !== '' && { tcp }),
    ...(d.protocol === 'bx' && d.card !== '' && { card: d.card }),
    ...(baud !== '' && { baud: /^\d+$/.test(baud) ? Number(baud) : baud }),
    size: d.size,
    ...(address !== '' && { address }),
    colour: d.colour,
  };
}

export function keptKeys(d: BoardDraft): string[] {
  return Object.keys(d.extra).sort();
}

/** A new board: a free name, on the same port (RS-485 bus) and speed as the last one. */
export function newBoard(existing: readonly BoardDraft[]): BoardDraft {
  const names = new Set(existing.map((b) => b.name));
  let n = existing.length + 1;
  while (names.has(`led${n}`)) n++;
  const last = existing.at(-1);
  return fromConfig({
    name: `led${n}`,
    protocol: last?.protocol ?? 'alpha',
    port: last?.port ?? '',
    baud: last?.baud ?? '',
    ...(last?.card ? { card: last.card } : {}),
  });
}

/** The preview's board, or null while the size is not a sensible `COLSxROWS`. */
export function boardSpec(d: BoardDraft): LedBoardSpec | null {
  const m = /^(\d{1,4})x(\d{1,4})$/.exec(d.size);
  if (!m) return null;
  const width = Number(m[1]);
  const height = Number(m[2]);
  if (width < 8 || height < 7 || width > 512 || height > 256) return null;
  return { width, height, colour: d.colour as LedColourMode };
}
