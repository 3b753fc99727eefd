import { parseArgs } from 'node:util';
import { BackupError, onlineBackup } from '../store/backup';
import { restoreBackup } from '../store/restore';

export const OPS_COMMANDS = ['backup', 'restore'] as const;

export function isOpsCommand(arg: string | undefined): arg is (typeof OPS_COMMANDS)[number] {
  return (OPS_COMMANDS as readonly string[]).includes(arg ?? '');
}

interface Io {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

function summary(counts: Record<string, number>): string {
  const keys = ['devices', 'proofs', 'content', 'media', 'schedules', 'campaigns', 'users'];
  const shown = keys.filter((k) => k in counts).map((k) => `${k} ${counts[k]}`);
  const total = Object.values(counts).reduce((s, n) => s + n, 0);
  return `${shown.join(', ')} (${Object.keys(counts).length} bảng / tables, ${total} dòng / rows)`;
}

/**
 * `controller backup --to FILE [--data-dir DIR]` and `controller restore --from FILE [--data-dir DIR]`.
 * Returns the exit code: 0 done, 1 refused or failed, 2 bad flags.
 */
export async function runOpsCli(argv: string[], env: NodeJS.ProcessEnv, io: Io = stdio): Promise<number> {
  const [command, ...rest] = argv;
  const name = `bangtin controller ${command}`;
  const flag = command === 'backup' ? 'to' : 'from';
  let values: { to?: string; from?: string; 'data-dir'?: string };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { [flag]: { type: 'string' }, 'data-dir': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }) as { values: typeof values });
  } catch (err) {
    io.err(`${name}: ${(err as Error).message}\n`);
    return 2;
  }
  const file = values[flag as 'to' | 'from'];
  if (!file) {
    io.err(`${name}: --${flag}: thiếu tệp / a file path is required (${name} --${flag} FILE [--data-dir DIR])\n`);
    return 2;
  }
  const dataDir = values['data-dir'] ?? env.BANGTIN_DATA_DIR ?? './data';
  try {
    if (command === 'backup') {
      const r = await onlineBackup(dataDir, file);
      io.out(
        `Đã sao lưu / backup written: ${r.file}\n` +
          `  ${r.bytes} byte, lược đồ / schema v${r.schemaVersion}, integrity_check: ok\n` +
          `  ${summary(r.counts)}\n` +
          `  media: ${r.media.files} tệp / files, ${r.media.bytes} byte → ${r.manifestFile}\n`,
      );
    } else {
      const r = restoreBackup(file, dataDir);
      io.out(
        `Đã khôi phục / restored: ${file} → ${r.file}\n` +
          `  ${r.bytes} byte, lược đồ / schema v${r.schemaVersion}, integrity_check: ok\n` +
          `  ${summary(r.counts)}\n` +
          (r.movedAside
            ? `  Cơ sở dữ liệu cũ được giữ lại / the previous database was kept as ${r.movedAside}\n`
            : '  (thư mục dữ liệu chưa có cơ sở dữ liệu / the data dir had no database)\n') +
          (r.missingMedia === null
            ? '  Không có danh sách media bên cạnh bản sao lưu / no media manifest beside the backup: check media/ by hand\n'
            : r.missingMedia.length > 0
              ? `  Thiếu ${r.missingMedia.length} tệp media / media files missing from media/: ${r.missingMedia.slice(0, 5).join(', ')}${r.missingMedia.length > 5 ? ', …' : ''}\n` +
                '  Hãy chép lại chúng từ bản sao media / copy them back from your media copy\n'
              : '  Media: đủ mọi tệp trong danh sách / every file in the manifest is present\n') +
          'Tiếp theo / next: khởi động bộ điều khiển / start the controller (systemctl start bangtin-controller),\n' +
          '  rồi kiểm tra / then check GET /api/v1/health và danh sách thiết bị / and the device list.\n',
      );
    }
    return 0;
  } catch (err) {
    io.err(`${name}: ${err instanceof BackupError ? err.message : String((err as Error).message ?? err)}\n`);
    return 1;
  }
}
