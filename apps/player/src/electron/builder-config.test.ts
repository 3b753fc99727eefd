// Issue 14, item 14: what the installer build promises about the Electron binary and its windows. The
// binary cannot run here, so the configuration electron-builder reads and the window settings main.ts
// uses are checked as files and values.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { outputWebPreferences } from './window-policy';

const here = path.dirname(fileURLToPath(import.meta.url));
const BUILDER_YML = path.resolve(here, '../../electron-builder.yml');

type Scalar = string | boolean | number;

/**
 * The top-level keys of a YAML file and, for a block of `key: scalar` lines, its entries. Enough for
 * the flat parts of electron-builder.yml that are checked here; anything else inside a checked block
 * (lists, nesting, flow maps) throws, so the test cannot pass on a file it misread.
 */
function readYamlBlocks(text: string): Map<string, Scalar | Map<string, Scalar> | null> {
  const out = new Map<string, Scalar | Map<string, Scalar> | null>();
  let block: Map<string, Scalar> | null = null;
  let blockName = '';
  const scalar = (raw: string): Scalar => {
    const v = raw.replace(/\s+#.*$/, '').trim();
    if (v === 'true' || v === 'false') return v === 'true';
    if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
    return v.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');
  };
  for (const [i, line] of text.split('\n').entries()) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const top = /^([A-Za-z][\w-]*):(.*)$/.exec(line);
    if (top) {
      const rest = top[2]!.replace(/\s+#.*$/, '').trim();
      if (rest === '') {
        block = new Map();
        blockName = top[1]!;
        out.set(blockName, block);
      } else {
        block = null;
        out.set(top[1]!, scalar(rest));
      }
      continue;
    }
    const entry = /^ {2}([A-Za-z][\w-]*):\s*(\S.*)$/.exec(line);
    if (block && entry && !/^[[{|>]/.test(entry[2]!)) {
      block.set(entry[1]!, scalar(entry[2]!));
    } else if (block) {
      // A list or nested value: keep the block, mark it as not flat.
      out.set(blockName, null);
      block = new Map();
    } else {
      throw new Error(`electron-builder.yml line ${i + 1}: cannot read "${line}"`);
    }
  }
  return out;
}

describe('electron-builder.yml', () => {
  const config = readYamlBlocks(fs.readFileSync(BUILDER_YML, 'utf8'));
  const fuses = config.get('electronFuses');

  it('flips the standard fuses: no Node mode, no debugger, encrypted cookies, only the checked app.asar', () => {
    expect(fuses).toBeInstanceOf(Map);
    expect(Object.fromEntries(fuses as Map<string, Scalar>)).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs the app into an asar (the integrity fuse checks it; without asar the app would not load)', () => {
    expect(config.get('asar')).toBe(true);
  });

  it('reads nested values of other keys as "not flat" instead of guessing', () => {
    const parsed = readYamlBlocks('a:\n  - x\nb:\n  c: true # note\n');
    expect(parsed.get('a')).toBeNull();
    expect(Object.fromEntries(parsed.get('b') as Map<string, Scalar>)).toEqual({ c: true });
    expect(() => readYamlBlocks('  stray: 1\n')).toThrow(/line 1/);
  });
});

describe('window web preferences stay locked down', () => {
  it('has exactly the reviewed settings (a new key must be reviewed here)', () => {
    expect(outputWebPreferences('/opt/bangtin/preload.cjs', 1)).toEqual({
      preload: '/opt/bangtin/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      backgroundThrottling: false,
      zoomFactor: 1,
      autoplayPolicy: 'no-user-gesture-required',
    });
  });

  it('main.ts opens every window with those preferences and nothing that loosens them', () => {
    const main = fs.readFileSync(path.join(here, 'main.ts'), 'utf8');
    expect(main.match(/webPreferences\s*:/g)).toEqual(['webPreferences:']);
    expect(main).toMatch(/webPreferences: outputWebPreferences\(/);
    for (const loosen of ['nodeIntegration: true', 'contextIsolation: false', 'sandbox: false', 'webSecurity: false']) {
      expect(main).not.toContain(loosen);
    }
    // The window opens the page with the bridge key, and only the player's own renderer is trusted.
    expect(main).toMatch(/createWindow\([^)]*rt\.browser\.pageUrl\)/);
  });
});
