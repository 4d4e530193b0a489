import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const appDir = fileURLToPath(new URL('.', import.meta.url));

/** DESIGN.md §10: the first bundle, gzipped. xterm (and later CodeMirror) load lazily, in chunks of their own. */
const ENTRY_BUDGET_BYTES = 60 * 1024;

/** Fails the build when the entry chunk outgrows its budget, so nobody learns of it from a slow start. */
function entryBudget(): Plugin {
  return {
    name: 'grove-entry-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk' || !chunk.isEntry) continue;
        const size = gzipSync(chunk.code).length;
        if (size > ENTRY_BUDGET_BYTES) {
          this.error(
            `${chunk.fileName} is ${(size / 1024).toFixed(1)} KB gzipped, over the ${ENTRY_BUDGET_BYTES / 1024} KB budget: load the new code lazily (import()).`,
          );
        }
      }
    },
  };
}

/**
 * Empties resources/assets before a build. Every build names its chunks by content hash, so
 * old ones would pile up there, and the host reads every file in resources/ into memory at
 * start: 96 stale files once cost it 10 MB and 40 ms.
 */
function freshAssets(): Plugin {
  return {
    name: 'grove-fresh-assets',
    apply: 'build',
    buildStart() {
      rmSync(fileURLToPath(new URL('../resources/assets', import.meta.url)), { recursive: true, force: true });
    },
  };
}

/**
 * Builds the Lit UI from app/ into resources/, the folder the Neutralino window and the
 * host's serve mode both load. resources/icons and resources/README.md are tracked, so the
 * build never empties the folder; `freshAssets` empties resources/assets instead.
 */
export default defineConfig({
  root: appDir,
  // Relative URLs: the page is served at `/` by both the Neutralino runtime and the host,
  // and relative asset paths keep working if either ever serves it from a sub-path.
  base: './',
  publicDir: false,
  plugins: [freshAssets(), entryBudget()],
  build: {
    outDir: '../resources',
    emptyOutDir: false,
    target: 'es2022',
    sourcemap: false,
    // The entry's budget is enforced above; this only flags a lazy chunk that balloons
    // (xterm is ~330 KB minified).
    chunkSizeWarningLimit: 400,
  },
  server: {
    // The protocol module lives in extensions/agent-host/src/protocol.
    fs: { allow: ['..'] },
  },
});
