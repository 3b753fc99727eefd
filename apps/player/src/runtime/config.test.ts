/**
 * The screen and kiosk flags of the player's command line: the kiosk's English line is off unless
 * `--kiosk-english` is given, and a flag that cannot work is refused by name at start.
 */
import { describe, expect, it } from 'vitest';
import { kioskOptions, PlayerConfigError, readPlayerConfig } from './config';

const base = ['--headless', '--controller', 'http://127.0.0.1:8080', '--token', 'dev_0123456789abcdef0123'];

function configError(argv: string[]): string {
  try {
    readPlayerConfig(argv, {});
  } catch (err) {
    expect(err).toBeInstanceOf(PlayerConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('kiosk flags', () => {
  it('shows Vietnamese only by default, with an English line under it on --kiosk-english', () => {
    const plain = readPlayerConfig([...base, '--renderer-port', '0', '--kiosk'], {});
    expect(plain.screen).toMatchObject({ kiosk: true, kioskEnglish: false, kioskIdleMs: 60_000 });
    expect(kioskOptions(plain.screen!)).toEqual({ idleMs: 60_000, english: false });

    const english = readPlayerConfig(
      [...base, '--renderer-port', '0', '--kiosk', '--kiosk-english', '--kiosk-idle-ms', '30000'],
      {},
    );
    expect(english.screen).toMatchObject({ kiosk: true, kioskEnglish: true });
    expect(kioskOptions(english.screen!)).toEqual({ idleMs: 30_000, english: true });
  });

  it('a screen that is not a kiosk has no kiosk options', () => {
    const screen = readPlayerConfig([...base, '--renderer-port', '0'], {}).screen!;
    expect(screen.kioskEnglish).toBe(false);
    expect(kioskOptions(screen)).toBeNull();
  });

  it('refuses --kiosk-english without a kiosk, or with a value, naming the flag', () => {
    expect(configError([...base, '--renderer-port', '0', '--kiosk-english'])).toMatch(
      /^--kiosk-english: needs --kiosk/,
    );
    expect(configError([...base, '--kiosk-english'])).toMatch(/^--kiosk-english: needs --kiosk/);
    expect(configError([...base, '--renderer-port', '0', '--kiosk', '--kiosk-english=yes'])).toMatch(/--kiosk-english/);
  });
});
