import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The app folder (the one holding neutralino.config.json). The host runs as
 * `<app>/extensions/agent-host/dist/grove.mjs`, both from the repository and from the copy
 * `neu build` makes under dist/grove.
 */
export function appPaths(moduleUrl = import.meta.url) {
  const root = resolve(dirname(fileURLToPath(moduleUrl)), '..', '..', '..');
  return {
    root,
    resources: join(root, 'resources'),
    runtimeBin: join(root, 'bin'),
    neuBuildOutput: join(root, 'dist', 'grove'),
  };
}
