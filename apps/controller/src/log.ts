import pino, { type Logger } from 'pino';

/** Root logger; modules take `log.child({ module })`. Level from BANGTIN_LOG_LEVEL (default info). */
export function createLogger(name: string, level = process.env.BANGTIN_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level });
}
