import { Host } from '../host/host.ts';
import { log } from '../host/log.ts';
import { NeutralinoLink, readConnectInfo } from '../neutralino/neutralino-link.ts';
import { RELAY_EVENTS } from '../protocol/index.ts';
import { appPaths } from './app-paths.ts';
import { CliError } from './cli-error.ts';

/**
 * `grove extension`: started by the Neutralino runtime. Reads its connection JSON on stdin,
 * starts the host, hands the page the host's WebSocket address over the relay, and exits,
 * with everything it started, when the runtime's socket closes.
 */
export async function extensionCommand(options: { dataDir: string }): Promise<void> {
  const info = await readConnectInfo(process.stdin).catch((error: Error) => {
    throw new CliError(error.message);
  });
  const link = new NeutralinoLink(info);
  const host = new Host({
    dataDir: options.dataDir,
    mode: 'window',
    resourcesDir: appPaths().resources,
    screenWorker: appPaths().screenWorker,
    port: 0,
    lan: false,
  });

  let exiting = false;
  const exit = (reason: string, code: number) => {
    if (exiting) return;
    exiting = true;
    log.info(`${reason}: stopping`);
    void host.stop().finally(() => process.exit(code));
  };
  link.onClose = () => exit('the Neutralino runtime went away', 0);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => exit(signal, 0));

  for (const origin of link.pageOrigins) host.trustOrigin(origin);
  const address = await host.start();
  const announce = () =>
    link.broadcast(RELAY_EVENTS.host, { url: address.rpcUrl, token: address.token }).catch((error: Error) => {
      log.error('could not hand the window the host address', error);
    });
  link.onEvent = (event) => {
    if (event === RELAY_EVENTS.hello) void announce();
  };
  try {
    await link.connect();
  } catch (error) {
    log.error('could not reach the Neutralino runtime', error);
    exit('no runtime', 1);
    return;
  }
  log.info(`connected to the Neutralino runtime; host on 127.0.0.1:${address.port}`);
  // A page that loaded before we connected has already said hello into the void.
  await announce();
}
