/**
 * Byte values and code letters of the Alpha Sign Communications Protocol (Adaptive Micro Systems form
 * 9708-8061), shared by the encoder, the decoder and the simulator so the three cannot drift apart.
 */
export const NUL = 0x00;
export const SOH = 0x01;
export const STX = 0x02;
export const ETX = 0x03;
export const EOT = 0x04;
export const CR = 0x0d;
export const ESC = 0x1b;

/** Control codes that may appear inside TEXT file data. */
export const CTRL = {
  callString: 0x10,
  callDots: 0x14,
  /** Speeds 1 (slowest) … 5 (fastest) are 0x15 … 0x19. */
  speed1: 0x15,
  selectFont: 0x1a,
  selectColour: 0x1c,
} as const;

/** Bytes that frame a packet; they may never appear inside command data. */
export const RESERVED_BYTES: ReadonlySet<number> = new Set([NUL, SOH, STX, ETX, EOT]);

/** Type code for "all sign types"; replies from a sign use type code `0`. */
export const TYPE_ALL_SIGNS = 'Z';
export const TYPE_REPLY = '0';

export const COMMAND = {
  writeText: 'A',
  readText: 'B',
  writeSpecial: 'E',
  readSpecial: 'F',
  writeString: 'G',
  readString: 'H',
  writeSmallDots: 'I',
  readSmallDots: 'J',
} as const;

/** Second byte of an `E` (write special function) command. */
export const SPECIAL = {
  setTime: ' ',
  memoryConfig: '$',
  dayOfWeek: '&',
  timeFormat: "'",
  softReset: ',',
  runSequence: '.',
  /** Set Dimming Register (documented for solar signs; other signs may ignore it). */
  dimming: '/',
  setDate: ';',
} as const;

/**
 * Brightness levels of the dimming register, brightest first; the register takes the index (`00`–`04`).
 * As implemented by lancereinsmith/alphasignpy (`set_dimming_register`) and andrew867/python-alphasign.
 */
export const DIMMING_LEVELS = [100, 86, 72, 58, 44] as const;

export type AlphaMode =
  | 'rotate'
  | 'hold'
  | 'flash'
  | 'roll-up'
  | 'roll-down'
  | 'roll-left'
  | 'roll-right'
  | 'wipe-up'
  | 'wipe-down'
  | 'wipe-left'
  | 'wipe-right'
  | 'scroll'
  | 'automode'
  | 'compressed-rotate';

export const MODE_CODES: Readonly<Record<AlphaMode, string>> = {
  rotate: 'a',
  hold: 'b',
  flash: 'c',
  'roll-up': 'e',
  'roll-down': 'f',
  'roll-left': 'g',
  'roll-right': 'h',
  'wipe-up': 'i',
  'wipe-down': 'j',
  'wipe-left': 'k',
  'wipe-right': 'l',
  scroll: 'm',
  automode: 'o',
  'compressed-rotate': 't',
};

export type AlphaPosition = 'middle' | 'top' | 'bottom' | 'fill';

export const POSITION_CODES: Readonly<Record<AlphaPosition, string>> = {
  middle: ' ',
  top: '"',
  bottom: '&',
  fill: '0',
};

/** Memory configuration file types. */
export const FILE_TYPE = { text: 'A', string: 'B', dots: 'D' } as const;

/**
 * Colour status of a DOTS file in the memory configuration: how many colours the picture may use.
 * Bitmap palette indices 0–1 fit monochrome, 0–3 (off, red, green, amber) fit tri-colour, 0–8 need 8 colours.
 */
export const DOTS_COLOUR_STATUS = { mono: '1000', tri: '2000', octo: '4000' } as const;
export type DotsColourDepth = keyof typeof DOTS_COLOUR_STATUS;
