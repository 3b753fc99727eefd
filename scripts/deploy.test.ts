import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const UNITS = ['bangtin-controller.service', 'bangtin-player.service'];
const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-deploy-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function unitText(name: string): string {
  return fs.readFileSync(path.join(ROOT, 'deploy/systemd', name), 'utf8');
}

/** `Key=value` lines per section, comments and blank lines dropped. */
function parseUnit(text: string): { section: string; key: string; value: string; line: number }[] {
  const out = [];
  let section = '';
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      section = sec[1]!;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`line ${i + 1}: not Key=value: ${line}`);
    out.push({ section, key: line.slice(0, eq), value: line.slice(eq + 1), line: i + 1 });
  }
  return out;
}

// The keys our units may use, when systemd-analyze is not installed to judge them.
const KNOWN: Record<string, string[]> = {
  Unit: ['Description', 'Documentation', 'Wants', 'After', 'Requires', 'Before'],
  Service: [
    'Type', 'DynamicUser', 'StateDirectory', 'StateDirectoryMode', 'WorkingDirectory', 'Environment',
    'EnvironmentFile', 'ExecStart', 'KillSignal', 'TimeoutStopSec', 'Restart', 'RestartSec',
    'RestartPreventExitStatus', 'NoNewPrivileges', 'ProtectSystem', 'ProtectHome', 'PrivateTmp',
    'PrivateDevices', 'ProtectKernelTunables', 'ProtectKernelModules', 'ProtectControlGroups',
    'RestrictSUIDSGID', 'LockPersonality', 'RestrictAddressFamilies', 'UMask', 'SupplementaryGroups',
    'DevicePolicy', 'DeviceAllow', 'ReadWritePaths',
  ], // prettier-ignore
  Install: ['WantedBy'],
};

/** Problems systemd-analyze reports about the files in `dir` (unknown keys, bad values, bad sections). */
function verify(dir: string, names: string[]): string[] {
  const r = spawnSync(SYSTEMD_ANALYZE, ['verify', ...names.map((n) => path.join(dir, n))], { encoding: 'utf8' });
  return `${r.stdout}\n${r.stderr}`
    .split('\n')
    .filter((l) => l.includes(dir))
    .concat(r.status === 0 ? [] : [`exit ${r.status}`]);
}

function checkKeys(text: string): string[] {
  return parseUnit(text)
    .filter((k) => !KNOWN[k.section]?.includes(k.key))
    .map((k) => `line ${k.line}: unknown key ${k.section}.${k.key}`);
}

const hasAnalyze = fs.existsSync(SYSTEMD_ANALYZE);
const problems = (name: string, text: string): string[] => {
  if (!hasAnalyze) return checkKeys(text);
  const dir = fs.mkdtempSync(path.join(tmp, 'u-'));
  fs.writeFileSync(path.join(dir, name), text);
  return verify(dir, [name]);
};

describe(`deploy/systemd units (${hasAnalyze ? 'systemd-analyze verify' : 'key list check: no systemd-analyze'})`, () => {
  for (const name of UNITS) {
    it(`${name} is a valid unit with the hardening the deployment relies on`, () => {
      const text = unitText(name);
      expect(problems(name, text)).toEqual([]);
      const keys = parseUnit(text);
      const get = (k: string) => keys.filter((x) => x.key === k).map((x) => x.value);
      expect(get('DynamicUser')).toEqual(['yes']);
      expect(get('ProtectSystem')).toEqual(['strict']);
      expect(get('NoNewPrivileges')).toEqual(['yes']);
      expect(get('PrivateTmp')).toEqual(['yes']);
      expect(get('Restart')).toEqual(['always']);
      expect(get('RestartSec')).toHaveLength(1);
      expect(get('StateDirectory')[0]).toBe(name.replace('.service', ''));
      expect(get('EnvironmentFile')).toEqual([`/etc/bangtin/${name.replace(/^bangtin-|\.service$/g, '')}.env`]);
      expect(get('ExecStart')[0]).toMatch(/^\/usr\/bin\/node --import tsx \/opt\/bangtin\/apps\/\w+\/src\/main\.ts/);
      // The program the unit starts exists in this checkout at the path /opt/bangtin maps to.
      const script = /\/opt\/bangtin\/(\S+)/.exec(get('ExecStart')[0]!)![1]!;
      expect(fs.existsSync(path.join(ROOT, script))).toBe(true);
    });
  }

  it('the player reaches serial ports through dialout and the device cgroup; the controller sees none', () => {
    const player = parseUnit(unitText('bangtin-player.service'));
    expect(player.filter((k) => k.key === 'SupplementaryGroups').map((k) => k.value)).toEqual(['dialout']);
    expect(player.filter((k) => k.key === 'DeviceAllow').map((k) => k.value)).toEqual([
      'char-ttyUSB rw',
      'char-ttyACM rw',
      'char-ttyS rw',
    ]);
    expect(player.some((k) => k.key === 'PrivateDevices' && k.value === 'yes')).toBe(false);
    const controller = parseUnit(unitText('bangtin-controller.service'));
    expect(controller.find((k) => k.key === 'PrivateDevices')?.value).toBe('yes');
  });

  it('a misspelled key or a bad value fails the check', () => {
    const text = unitText('bangtin-player.service');
    const misspelled = problems('bangtin-player.service', text.replace('ProtectSystem=strict', 'ProtectSystme=strict'));
    expect(misspelled.join('\n')).toMatch(/ProtectSystme/);
    // The fallback key list judges the same units (and must accept the real ones).
    expect(checkKeys(text)).toEqual([]);
    expect(checkKeys(text.replace('ProtectSystem=strict', 'ProtectSystme=strict'))).toEqual([
      expect.stringMatching(/unknown key Service\.ProtectSystme/),
    ]);
    if (hasAnalyze) {
      const bad = problems('bangtin-player.service', text.replace('Restart=always', 'Restart=sometimes'));
      expect(bad.join('\n')).toMatch(/restart specifier.*sometimes/);
    }
  });
});

/** Every `BANGTIN_*` variable a program reads, from its source (tests excluded). */
function envReads(dir: string): Set<string> {
  const names = new Set<string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) {
        // The LED simulators are development tools, not part of a deployed player.
        if (e.name !== 'node_modules' && e.name !== 'sim' && e.name !== 'testing') walk(full);
      } else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts')) {
        for (const m of fs.readFileSync(full, 'utf8').matchAll(/\benv\.(BANGTIN_[A-Z0-9_]+)/g)) names.add(m[1]!);
      }
    }
  };
  walk(dir);
  return names;
}

function templateVars(file: string): Set<string> {
  const text = fs.readFileSync(path.join(ROOT, 'deploy/env', file), 'utf8');
  return new Set([...text.matchAll(/^#?(BANGTIN_[A-Z0-9_]+)=/gm)].map((m) => m[1]!));
}

describe('deploy/env templates', () => {
  it.each([
    ['controller.env.example', 'apps/controller/src'],
    ['player.env.example', 'apps/player/src'],
  ])('%s lists every variable %s reads', (template, src) => {
    const reads = envReads(path.join(ROOT, src));
    expect(reads.size).toBeGreaterThan(2);
    const listed = templateVars(template);
    expect([...reads].filter((v) => !listed.has(v))).toEqual([]);
  });

  it('the controller template names the backup settings', () => {
    const listed = templateVars('controller.env.example');
    for (const v of ['BANGTIN_BACKUP_DIR', 'BANGTIN_BACKUP_KEEP_DAYS', 'BANGTIN_DATA_DIR'])
      expect(listed.has(v)).toBe(true);
  });
});
