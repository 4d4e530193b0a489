import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Host } from '../../extensions/agent-host/src/host/host.ts';
import { ROOT } from './paths.ts';

/**
 * The real host, started inside the test process, so a test can call its tool executor
 * (`host.tools`) the way agents will, and answer in a browser through the UI it serves.
 * Serves the built UI (`npm run build` first), over the same server and token checks.
 */
export interface InProcessHost extends AsyncDisposable {
  readonly host: Host;
  /** The browser URL, token included. */
  readonly url: string;
  /** The WebSocket URL, token included, for RpcClient. */
  readonly rpcUrl: string;
  readonly token: string;
}

/**
 * Starts a host over `dataDir`. Like `isolatedEnv` for a served host, HOME points at an
 * empty folder in the data dir while it runs (with only a git identity, so approved commits
 * can be made): shells and commands it starts must not run this machine's dotfiles.
 */
export async function startInProcessHost(dataDir: string): Promise<InProcessHost> {
  const home = join(dataDir, '.test-home');
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, '.gitconfig'), '[user]\n\tname = Grove Test\n\temail = test@grove.invalid\n');
  const savedHome = process.env.HOME;
  process.env.HOME = home;
  const host = new Host({
    dataDir,
    mode: 'serve',
    resourcesDir: join(ROOT, 'resources'),
    screenWorker: join(ROOT, 'extensions/agent-host/dist/screen-worker.mjs'),
    port: 0,
    lan: false,
  });
  try {
    const address = await host.start();
    return {
      host,
      url: address.url,
      rpcUrl: `${address.rpcUrl}?token=${address.token}`,
      token: address.token,
      async [Symbol.asyncDispose]() {
        await host.stop();
        process.env.HOME = savedHome;
      },
    };
  } catch (error) {
    process.env.HOME = savedHome;
    throw error;
  }
}
