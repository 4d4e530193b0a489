import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const appDir = fileURLToPath(new URL('.', import.meta.url));

/**
 * Builds the Lit UI from app/ into resources/, the folder the Neutralino window and the
 * host's serve mode both load. resources/icons and resources/README.md are tracked, so the
 * build never empties the folder; the lead's build script deletes resources/assets first.
 */
export default defineConfig({
  root: appDir,
  // Relative URLs: the page is served at `/` by both the Neutralino runtime and the host,
  // and relative asset paths keep working if either ever serves it from a sub-path.
  base: './',
  publicDir: false,
  build: {
    outDir: '../resources',
    emptyOutDir: false,
    target: 'es2022',
    sourcemap: false,
    // The first chunk must stay small (DESIGN.md §10: ≤ 60 KB gzip); report anything bigger.
    chunkSizeWarningLimit: 150,
  },
  server: {
    // The protocol module lives in extensions/agent-host/src/protocol.
    fs: { allow: ['..'] },
  },
});
