/** Huidu HD series controller cards over TCP: driver, simulated card, and the pure protocol. */
export { HuiduDriver, type HuiduDriverOptions, HuiduError } from './driver';
export {
  createHuiduSimulator,
  type HuiduSimulator,
  type HuiduSimulatorEvents,
  type HuiduSimulatorOptions,
  type SimPage,
  type SimProgram,
} from './simulator';
export { HUIDU_PORT } from './codec';
