import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', sourcemap: false, target: 'es2020' },
  test: { environment: 'jsdom', include: ['src/**/*.test.{ts,tsx}'] },
} as any);
