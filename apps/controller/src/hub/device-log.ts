import type { Logger } from 'pino';

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * A player connection's log line, `{deviceId, socket}` bound. Made where a line is written, not held
 * per socket (a pino child costs ~460 bytes of heap: 4.6 MB at 10,000 players that mostly never log),
 * and no child at all for a line below the level (every connect and disconnect has a debug line).
 */
export class DeviceLog {
  constructor(
    private readonly parent: Logger,
    private readonly deviceId: string,
    private readonly socketId: string,
  ) {}

  debug(objOrMsg: object | string, msg?: string): void {
    this.write('debug', objOrMsg, msg);
  }

  info(objOrMsg: object | string, msg?: string): void {
    this.write('info', objOrMsg, msg);
  }

  warn(objOrMsg: object | string, msg?: string): void {
    this.write('warn', objOrMsg, msg);
  }

  error(objOrMsg: object | string, msg?: string): void {
    this.write('error', objOrMsg, msg);
  }

  private write(level: Level, objOrMsg: object | string, msg?: string): void {
    if (!this.parent.isLevelEnabled(level)) return;
    const child = this.parent.child({ deviceId: this.deviceId, socket: this.socketId });
    if (typeof objOrMsg === 'string') child[level](objOrMsg);
    else child[level](objOrMsg, msg);
  }
}
