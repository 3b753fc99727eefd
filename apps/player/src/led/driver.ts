/**
 * The contract every LED board protocol implements, so the player can drive an Alpha sign, an
 * (experimental) Onbon board or a simulator the same way.
 */
import type { EventEmitter } from 'node:events';
import type { Bitmap } from '@bangtin/shared';

/** One screenful of pixels and how long it should stay up. */
export interface LedFrame {
  bitmap: Bitmap;
  durationMs: number;
}

/**
 * What a board should show until told otherwise. `frames` are always the exact pixels of the preview; a
 * driver may use `text` instead only where the board's own font is known to show it correctly.
 */
export interface LedProgramme {
  /** Identity for logs and proofs (e.g. the content item id). */
  id: string;
  frames: readonly LedFrame[];
  /** The slogan as text, for boards that can render plain ASCII natively. */
  text?: { content: string; effect?: 'hold' | 'scroll' | 'flash'; colour?: number };
  /**
   * Plain ASCII shown after the pictures from a STRING file, so it can be changed (a queue number, a
   * counter) with `updateLiveText` without re-sending the programme or blanking the board.
   */
  liveText?: { content: string; capacity?: number };
  /**
   * An urgent message: the driver takes its fastest path (Alpha: the reserved urgent slot, no memory
   * configuration; BX: one A7 00 with ImmePlay), and the next ordinary programme replaces it.
   */
  urgent?: boolean;
  /**
   * A scrolling slogan's whole text line (board-high), for boards that scroll by themselves (BX "continuous
   * move left"); `frames` stay the windows onto it for boards that cannot.
   */
  strip?: Bitmap;
  scrollPxPerSecond?: number;
}

export type BoardState = 'online' | 'offline' | 'error';

export interface BoardError {
  code: string;
  message: string;
  /** ms UTC. */
  at: number;
}

export interface BoardStatus {
  protocol: string;
  port: string;
  address: string;
  state: BoardState;
  /** ms UTC of the last complete packet written, null before the first. */
  lastWriteAt: number | null;
  lastError: BoardError | null;
  bytesWritten: number;
  packetsWritten: number;
  /** Programme the driver is trying to show, and the last one that fully reached the board. */
  programmeId: string | null;
  deliveredProgrammeId: string | null;
  /**
   * ms UTC when `deliveredProgrammeId` fully reached the board: its last byte was written (and, on boards
   * that answer, acknowledged). This, not the moment the player decided, is when the board shows it.
   */
  deliveredAt?: number | null;
  reconnects: number;
  /** ms UTC of the last reply the board sent (only boards that answer reads). */
  lastReplyAt: number | null;
  /** `off` while the power plan keeps the board dark (see `LedPowerCapabilities.power`). */
  power: 'on' | 'off';
  /** Brightness (%) the board was last set to, as the board applies it; null before `setBrightness`. */
  brightness: number | null;
}

/** A board's status before the driver has done anything: offline, nothing written, nothing delivered. */
export function initialBoardStatus(protocol: string, port: string, address: string): BoardStatus {
  return {
    protocol,
    port,
    address,
    state: 'offline',
    lastWriteAt: null,
    lastError: null,
    bytesWritten: 0,
    packetsWritten: 0,
    programmeId: null,
    deliveredProgrammeId: null,
    deliveredAt: null,
    reconnects: 0,
    lastReplyAt: null,
    power: 'on',
    brightness: null,
  };
}

/** What a protocol can do about power and brightness, so the player and the README say it honestly. */
export interface LedPowerCapabilities {
  /**
   * `switch`: the protocol turns the display off; `blank`: it has no power-off, so "off" shows an empty
   * programme (the LEDs are dark, the controller stays powered); `none`: neither.
   */
  power: 'switch' | 'blank' | 'none';
  /** Brightness levels (%) the board can take, brightest first; empty when it cannot be dimmed. */
  brightnessLevels: readonly number[];
}

export interface ShowResult {
  /** False when another `show`, `clear` or `close` replaced the programme before it was fully written. */
  delivered: boolean;
  programmeId: string;
}

export interface LedDriverEvents {
  status: [BoardStatus];
}

export interface LedDriver extends EventEmitter<LedDriverEvents> {
  /** Starts using the port; never throws because the port is missing: the board is reported offline and retried. */
  open(): Promise<void>;
  /** Validates and compiles the programme (throws on bad input), then resolves once it reached the board. */
  show(programme: LedProgramme): Promise<ShowResult>;
  clear(): Promise<ShowResult>;
  setClock(date: Date): Promise<void>;
  status(): BoardStatus;
  close(): Promise<void>;
  readonly powerCapabilities?: LedPowerCapabilities;
  /**
   * Off: the board goes dark and stays dark through `show` (the programme is kept); on: the current
   * programme is shown again. Remembered and re-applied after a reconnect.
   */
  setPower?(on: boolean): Promise<void>;
  /** Sets the nearest level the board has; resolves with it. Remembered and re-applied after a reconnect. */
  setBrightness?(percent: number): Promise<number>;
}

/** Board geometry the driver is configured with. */
export interface BoardSize {
  width: number;
  height: number;
}

export function parseBoardSize(s: string): BoardSize {
  const m = /^(\d{1,4})x(\d{1,4})$/.exec(s);
  if (!m) throw new RangeError(`board size must look like 96x16, got ${JSON.stringify(s)}`);
  const size = { width: Number(m[1]), height: Number(m[2]) };
  if (size.width < 1 || size.height < 1) throw new RangeError(`board size must be positive, got ${s}`);
  return size;
}

/** Minimal logger surface (pino-compatible) so tests can pass a silent one. */
export interface LedLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: LedLogger = { debug() {}, info() {}, warn() {}, error() {} };
