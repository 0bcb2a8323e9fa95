/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API serves the build at /console (app/http/console.py); `make console-dev` runs this
// dev server with hot reload and forwards API paths to the API (METERGRAPH_API, default :8000).
const api = process.env.METERGRAPH_API ?? 'http://127.0.0.1:8000';

export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: { outDir: '../app/http/static/console', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: {
    proxy: {
      '/graphql': { target: api, ws: true, changeOrigin: false },
      '/oauth': api,
      '/organizations': api,
      // Bill downloads (CONTRACT §5): the export route and bill statements.
      '/exports': api,
      '/bills': api,
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
  },
});
