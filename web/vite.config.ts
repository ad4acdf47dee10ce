import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The web console. Built into web/dist by scripts/build-web.ts and served by the API server at `/`.
// In development (`npx vite --config web/vite.config.ts`) API calls are proxied to a running server
// (VIGIL_API_URL, default http://127.0.0.1:8080).
const root = fileURLToPath(new URL('.', import.meta.url));
const apiTarget = process.env.VIGIL_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2022',
  },
  server: {
    proxy: { '/api': { target: apiTarget, changeOrigin: false } },
  },
  preview: {
    proxy: { '/api': { target: apiTarget, changeOrigin: false } },
  },
});
