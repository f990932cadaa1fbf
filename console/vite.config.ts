import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// Served by each gateway at /console (gateway/src/console.ts); assets carry a content hash so they can be
// cached for a year. `npm run dev -w console` proxies the API to a running gateway (CONSOLE_GATEWAY).
export default defineConfig({
  base: '/console/',
  plugins: [preact()],
  // Two chunks load only where needed: the dashboard's carries the chart library (about 175 kB gzipped), the
  // evidence verifier's all of Fabric's protobuf messages (about 100 kB gzipped, 820 kB minified).
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 900 },
  server: {
    proxy: { '/v1': process.env.CONSOLE_GATEWAY ?? 'http://127.0.0.1:8081' },
  },
});
