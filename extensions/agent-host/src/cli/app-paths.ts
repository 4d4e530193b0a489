import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The app folder: the nearest one above this module that holds neutralino.config.json.
 * That is the repository when the host runs from it, and dist/grove for the copy `neu
 * build` makes, wherever the bundler put this module's chunk.
 */
export function appPaths(moduleUrl = import.meta.url) {
  const start = dirname(fileURLToPath(moduleUrl));
  let root = start;
  while (!existsSync(join(root, 'neutralino.config.json'))) {
    const parent = dirname(root);
    if (parent === root) throw new Error(`No neutralino.config.json above ${start}: Grove's files are incomplete.`);
    root = parent;
  }
  return {
    root,
    resources: join(root, 'resources'),
    runtimeBin: join(root, 'bin'),
    neuBuildOutput: join(root, 'dist', 'grove'),
    /** The terminal screen worker, an entry of its own in the host's bundle. */
    screenWorker: join(root, 'extensions', 'agent-host', 'dist', 'screen-worker.mjs'),
  };
}
