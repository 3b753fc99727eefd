import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../store';
import { isOpsCommand, runOpsCli } from './cli';
import { PID_FILE } from './pid-file';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tmp() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'bangtin-ops-'));
  dirs.push(d);
  return d;
}
async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const code = await runOpsCli(argv, env, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}
function dataDirWithDb(): string {
  const dir = tmp();
  const store = openStore(dir);
  store.db
    .prepare("INSERT INTO device_groups (id, parent_id, name, kind) VALUES ('g1', NULL, 'Huyện Duy Xuyên', 'district')")
    .run();
  store.close();
  return dir;
}

describe('controller backup / restore commands (real SQLite files, in-process CLI)', () => {
  it('only backup and restore are maintenance commands', () => {
    expect(isOpsCommand('backup')).toBe(true);
    expect(isOpsCommand('restore')).toBe(true);
    expect(isOpsCommand('--port')).toBe(false);
    expect(isOpsCommand(undefined)).toBe(false);
  });

  it('rejects missing and unknown flags with exit 2, naming the flag', async () => {
    expect(await run(['backup'])).toMatchObject({ code: 2, err: expect.stringContaining('--to: thiếu tệp') });
    expect(await run(['restore', '--data-dir', tmp()])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--from'),
    });
    expect((await run(['backup', '--to', 'x', '--port', '1'])).err).toMatch(/Unknown option '--port'/);
  });

  it('backup reads the data dir from BANGTIN_DATA_DIR, and says when there is no database', async () => {
    const dataDir = dataDirWithDb();
    const to = path.join(tmp(), 'sub', 'copy.sqlite');
    const r = await run(['backup', '--to', to], { BANGTIN_DATA_DIR: dataDir });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Đã sao lưu / backup written: ${to}`);
    expect(r.out).toContain(`media: 0 tệp / files, 0 byte → ${to}.media.json`);
    const empty = await run(['backup', '--to', path.join(tmp(), 'x.sqlite'), '--data-dir', tmp()]);
    expect(empty.code).toBe(1);
    expect(empty.err).toContain('không có cơ sở dữ liệu / no database at');
  });

  it('restore refuses a damaged file and a live pid marker; a stale marker does not block it', async () => {
    const dataDir = dataDirWithDb();
    const before = fs.readFileSync(path.join(dataDir, 'bangtin.sqlite'));
    const bad = path.join(tmp(), 'hong.sqlite');
    fs.writeFileSync(bad, Buffer.alloc(8192, 0x41));
    const r = await run(['restore', '--from', bad, '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^bangtin controller restore: .*hong\.sqlite/);
    expect(fs.readFileSync(path.join(dataDir, 'bangtin.sqlite')).equals(before)).toBe(true);

    const good = path.join(tmp(), 'good.sqlite');
    expect((await run(['backup', '--to', good, '--data-dir', dataDir])).code).toBe(0);
    // This test process is alive: the marker names a running "controller".
    fs.writeFileSync(path.join(dataDir, PID_FILE), `${process.pid}\n`);
    const live = await run(['restore', '--from', good, '--data-dir', dataDir]);
    expect(live.code).toBe(1);
    expect(live.err).toContain(`(pid ${process.pid})`);
    // A pid far above any pid_max: the controller that wrote it is gone.
    fs.writeFileSync(path.join(dataDir, PID_FILE), '2147483646\n');
    const ok = await run(['restore', '--from', good, '--data-dir', dataDir]);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('Media: đủ mọi tệp trong danh sách');
    const aside = fs.readdirSync(dataDir).filter((f) => f.startsWith('bangtin.sqlite.before-restore-'));
    expect(aside).toHaveLength(1);
  });
});
