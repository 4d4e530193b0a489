// Bundles the host into one ESM file that `node` runs directly: fast start, one file for
// `neu build` to copy next to the window.
import { readFile, rm } from 'node:fs/promises';
import { build } from 'esbuild';

const root = new URL('../../../', import.meta.url);
const { version } = JSON.parse(await readFile(new URL('package.json', root), 'utf8'));

await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: {
    grove: new URL('../src/main.ts', import.meta.url).pathname,
    // Runs in a worker thread (terminals/screen.ts starts it by this name).
    'screen-worker': new URL('../src/terminals/screen-worker.ts', import.meta.url).pathname,
  },
  outdir: new URL('../dist', import.meta.url).pathname,
  entryNames: '[name]',
  outExtension: { '.js': '.mjs' },
  // Each command is its own chunk (main.ts imports them lazily).
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  // A native addon: loaded from node_modules at run time, built for the Node that runs it.
  external: ['node-pty'],
  platform: 'node',
  format: 'esm',
  target: 'node22',
  // Some bundled packages call require() on Node builtins; ESM has no require of its own.
  banner: {
    js: "import { createRequire as __groveRequire } from 'node:module'; const require = __groveRequire(import.meta.url);",
  },
  define: { GROVE_VERSION: JSON.stringify(version) },
  legalComments: 'none',
  logLevel: 'warning',
});
