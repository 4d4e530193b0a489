import { spawn } from 'node:child_process';
import { Host } from '../host/host.ts';
import { log } from '../host/log.ts';
import { HOST_VERSION } from '../host/version.ts';
import { appPaths } from './app-paths.ts';

export interface ServeOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly open: boolean;
  readonly lan: boolean;
}

/** `grove serve`: the same host, serving the built UI to a browser, until Ctrl-C. */
export async function serveCommand(options: ServeOptions): Promise<void> {
  const host = new Host({ ...options, mode: 'serve', resourcesDir: appPaths().resources, screenWorker: appPaths().screenWorker });
  const address = await host.start();
  const stop = (signal: string) => {
    log.info(`${signal}: stopping`);
    void host.stop().then(() => process.exit(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => stop(signal));

  process.stdout.write(
    [
      `Grove ${HOST_VERSION} is serving ${options.dataDir}`,
      options.lan ? `Listening on every interface (--lan), port ${address.port}. Anyone with the URL's token can use it.` : '',
      `Grove is ready at ${address.url}`,
      'Press Ctrl-C to stop.',
      '',
    ]
      .filter((line, index, lines) => line !== '' || index === lines.length - 1)
      .join('\n'),
  );
  if (options.open) openBrowser(address.url);
}

function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => log.info(`could not open a browser; open ${url.replace(/token=.*/, 'token=…')} by hand`));
  child.unref();
}
