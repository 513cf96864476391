// The web UI's build: ui/ → dist/ui/, served by Spoke at /_spoke/ui/ (src/http/routes/ui.ts).
// `npm run build` runs it through scripts/build-ui.mjs, which skips it when nothing changed.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/_spoke/ui/',
  // Preact's JSX, compiled by Vite's own transformer (no plugin needed).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Cytoscape is loaded only by the graph view; the rest stays small for a fast first paint.
    chunkSizeWarningLimit: 1024,
  },
  logLevel: 'warn',
});
