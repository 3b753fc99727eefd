import fs from 'node:fs';
import path from 'node:path';

/** Written by a running controller into its data dir; `restore` refuses while its process lives. */
export const PID_FILE = 'controller.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user (systemd's DynamicUser): still running.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of a controller running on `dataDir`, or null (no marker, or its process is gone). */
export function runningController(dataDir: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, PID_FILE), 'utf8').trim();
  } catch {
    return null;
  }
  const pid = Number(text);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return alive(pid) ? pid : null;
}

/**
 * Marks `dataDir` as in use by this process. A marker left by a killed controller is simply replaced.
 * Returns the function that removes it on a clean stop (only if it is still ours).
 */
export function writePidFile(dataDir: string, pid = process.pid): () => void {
  const file = path.join(dataDir, PID_FILE);
  fs.writeFileSync(file, `${pid}\n`);
  return () => {
    try {
      if (fs.readFileSync(file, 'utf8').trim() === String(pid)) fs.rmSync(file, { force: true });
    } catch {
      // Already gone: nothing to clean up.
    }
  };
}
