import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { log } from '../host/log.ts';
import { appPaths } from './app-paths.ts';
import type { ServeOptions } from './serve-command.ts';

/** Runtime binary names, as `neu update` lays them out in bin/. */
const RUNTIME_BINARIES: Record<string, string> = {
  'linux-x64': 'neutralino-linux_x64',
  'linux-arm64': 'neutralino-linux_arm64',
  'linux-arm': 'neutralino-linux_armhf',
  'darwin-x64': 'neutralino-mac_x64',
  'darwin-arm64': 'neutralino-mac_arm64',
  'win32-x64': 'neutralino-win_x64.exe',
};

/** A runtime that dies this fast never showed a window (e.g. WebKitGTK is missing). */
const EARLY_EXIT_MS = 3_000;

/** The fallback: loaded only when it is needed, so a launcher that only waits on the window stays small. */
async function serveFallback(serve: ServeOptions): Promise<void> {
  return (await import('./serve-command.ts')).serveCommand(serve);
}

/**
 * `grove`: packs the UI into resources.neu (bundle mode: the runtime's directory mode serves
 * files outside the app, see NEUTRALINO.md) and opens the window. Without a runtime, or if
 * it cannot start, says why and serves the same UI to the browser instead.
 */
export async function windowCommand(serve: ServeOptions): Promise<void> {
  const paths = appPaths();
  const binaryName = RUNTIME_BINARIES[`${process.platform}-${process.arch}`];
  const binary = binaryName === undefined ? undefined : join(paths.runtimeBin, binaryName);
  if (binary === undefined || !existsSync(binary)) {
    process.stderr.write(
      `The Neutralino runtime is not installed (looked for ${binary ?? `a build for ${process.platform}-${process.arch}`}).\n` +
        'Get it with `npm run setup:runtime` (it downloads from GitHub), then run `npm start` again.\n' +
        'Meanwhile Grove opens in your browser.\n\n',
    );
    return serveFallback(serve);
  }

  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    process.stderr.write('There is no display here (DISPLAY and WAYLAND_DISPLAY are unset), so Grove opens in your browser.\n\n');
    return serveFallback(serve);
  }

  const built = spawnSync(
    process.execPath,
    [join(paths.root, 'node_modules', '@neutralinojs', 'neu', 'bin', 'neu.js'), 'build'],
    {
      cwd: paths.root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  // neu build exits 0 even when it packaged nothing: check for its output instead.
  if (built.status !== 0 || !existsSync(join(paths.neuBuildOutput, 'resources.neu'))) {
    process.stderr.write('Packing the UI for the window failed (see above). Grove opens in your browser instead.\n\n');
    return serveFallback(serve);
  }

  const startedAt = Date.now();
  // An absolute --path: NL_PATH otherwise comes from argv[0] and can be wrong (NEUTRALINO.md).
  const runtime = spawn(binary, [`--path=${paths.neuBuildOutput}`], {
    stdio: 'inherit',
    env: { ...process.env, GROVE_HOME: serve.dataDir },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => runtime.kill(signal));
  const code = await new Promise<number>((resolve) => {
    runtime.on('error', (error) => {
      log.error('could not start the Neutralino runtime', error);
      resolve(-1);
    });
    runtime.on('exit', (exitCode) => resolve(exitCode ?? 1));
  });
  if (code !== 0 && Date.now() - startedAt < EARLY_EXIT_MS) {
    process.stderr.write(
      `The Grove window could not start (the runtime exited with ${code}; its messages are above). On Linux it needs a display and WebKitGTK (sudo apt-get install libwebkit2gtk-4.1-0).\nGrove opens in your browser instead.\n\n`,
    );
    return serveFallback(serve);
  }
  process.exit(code);
}
