import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The IDE (renderer/) is built here; the gateway serves renderer/dist on listen.api, and the desktop app loads it.
const API = 'http://127.0.0.1:7480';

export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  // Relative asset URLs: the same build works behind the gateway at `/` and from the desktop app.
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Monaco is one lazy chunk of ~3 MB (0.86 MB gzipped); it is loaded after the first paint.
    chunkSizeWarningLimit: 4000,
  },
  worker: { format: 'es' },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: API, ws: true, changeOrigin: false },
      '/auth': { target: API, changeOrigin: false },
    },
  },
});
