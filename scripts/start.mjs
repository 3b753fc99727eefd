// `npm start`: install what is missing, then run the demo (controller + demo data + simulated players).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureBuilt, ensureNodeModules, ensureSystemPackages, ROOT, systemPackages } from './bootstrap.mjs';

ensureNodeModules();
ensureBuilt('the admin web app', 'build:web', 'apps/controller/web/src', 'apps/controller/web/dist/index.html');
ensureBuilt(
  'the player renderer',
  'build:renderer',
  'apps/player/src/renderer',
  'apps/player/dist/renderer/index.html',
);
// socat gives the demo's LED board a virtual serial port, ffmpeg reads videos; the demo runs without
// them at reduced capability (and says so).
ensureSystemPackages(systemPackages('start'));
const child = spawn(
  process.execPath,
  ['--import', 'tsx', path.join(ROOT, 'scripts/demo.ts'), ...process.argv.slice(2)],
  {
    cwd: ROOT,
    stdio: 'inherit',
  },
);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
