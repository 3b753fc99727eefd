import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Built with `vite build apps/controller/web`: the root is this folder, so paths below are relative to it.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The controller serves dist/ itself; no source maps in what it ships.
    sourcemap: false,
  },
  server: {
    // `vite apps/controller/web` during development talks to a controller on the default port.
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      // The dashboard's live updates (Socket.IO namespace /admin), WebSocket upgrade included.
      '/socket.io': { target: 'http://127.0.0.1:8080', ws: true },
    },
  },
});
