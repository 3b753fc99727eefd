// LED boards: the driver contract, the Alpha driver, the serial transport and the board simulator.
export * from './driver';
export { AlphaDriver, DEFAULT_ALPHA_PACING, type AlphaDriverOptions, type AlphaPacing } from './alpha/driver';
export { compileProgramme, compileClear, compileClock, type AlphaPlan, type AlphaStep } from './alpha/programme';
export { AlphaDecoder, type AlphaCommand, type AlphaPacket, type DecodeEvent } from './alpha/decode';
export { AlphaEncodeError, isPlainAscii } from './alpha/encode';
export {
  SerialTransport,
  TransportError,
  acquireTransport,
  releaseTransport,
  listSerialPorts,
  type TransportOptions,
  type BackoffOptions,
} from './transport';
export { createBoardSimulator, type BoardSimulator, type BoardSimulatorOptions } from './sim/simulator';
export type { DisplayPage } from './sim/alpha-board';
export { bitmapToPng, bitmapToAscii, pngToBitmap } from './sim/render';
