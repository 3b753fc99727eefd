import { parseScreenSpec, type ScreenPlacement } from './window-geometry';

export interface ElectronArgs {
  /** One window (and one screen output) per `--screen`; default one fullscreen window on display 1. */
  screens: ScreenPlacement[];
  startAtLogin: boolean | null;
  /** Everything else goes to the player runtime's own flag parser. */
  playerArgs: string[];
}

/**
 * Splits the Electron app's command line: `--screen` (repeatable) and `--start-at-login[=false]` are
 * the shell's; every other flag is the player runtime's (`--controller`, `--token`, `--kiosk`, …).
 */
export function splitElectronArgs(argv: readonly string[]): ElectronArgs {
  const screens: ScreenPlacement[] = [];
  const playerArgs: string[] = [];
  let startAtLogin: boolean | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--screen') {
      const v = argv[++i];
      if (v === undefined) throw new Error('--screen needs a value');
      screens.push(parseScreenSpec(v));
    } else if (a.startsWith('--screen=')) screens.push(parseScreenSpec(a.slice('--screen='.length)));
    else if (a === '--start-at-login' || a === '--start-at-login=true') startAtLogin = true;
    else if (a === '--start-at-login=false') startAtLogin = false;
    else playerArgs.push(a);
  }
  // The shell always has a screen: its windows load the runtime's local page. Without this the runtime
  // would take the shell for a headless player, and refuse `--kiosk` as needing `--renderer-port`.
  if (!playerArgs.some((a) => a === '--renderer-port' || a.startsWith('--renderer-port=')))
    playerArgs.push('--renderer-port', '0');
  return { screens: screens.length > 0 ? screens : [{ kind: 'fullscreen', display: 1 }], startAtLogin, playerArgs };
}
