import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `ASSAY_URL=http://127.0.0.1:8080 npm run dev` proxies the API to a running assay (or the mock
// in tests/e2e), so the dev server and the API share one origin as in production.
const target: string | undefined = (globalThis as any).process?.env?.ASSAY_URL;

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', sourcemap: false, target: 'es2020' },
  server: target ? { proxy: { '/api': { target, changeOrigin: true }, '/healthz': target } } : undefined,
  // No timing threshold in tests: vitest's 5 s default failed page tests on a loaded 2-core machine.
  test: { environment: 'jsdom', include: ['src/**/*.test.{ts,tsx}'], testTimeout: 30_000 },
} as any);
