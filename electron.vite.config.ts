import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

// electron-vite expects src/main etc.; Ferry keeps main/, preload/ and renderer/ at the top level, so every
// input is explicit. The preload runs sandboxed, which requires CommonJS output.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'main/index.ts'),
          // The perf load worker, next to index.js where perf/load-threads.ts looks for it (plain Node, no electron).
          'perf-worker': resolve(__dirname, 'perf/load-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      // electron-vite leaves output unminified by default; the renderer is also served in browser mode.
      minify: true,
      // The Perf view's chunk is mostly the chart library (about 540 kB minified), loaded only when that view opens.
      chunkSizeWarningLimit: 600,
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
  },
})
