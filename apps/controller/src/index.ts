export { startController, type Controller, type ControllerOptions } from './server';
export { readConfig, ConfigError } from './config';
export { createLogger } from './log';
export { openStore, type Store } from './store';
