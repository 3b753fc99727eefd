import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/** `vite build -c apps/player/src/renderer/vite.config.ts` → apps/player/dist/renderer (served by browser mode and Electron). */
export default defineConfig({
  root: here,
  base: './',
  build: {
    outDir: path.resolve(here, '../../dist/renderer'),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
  },
});
