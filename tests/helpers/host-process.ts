import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GROVE_BIN } from './paths.ts';
import { waitFor } from './wait-for.ts';

/**
 * The environment for a host under test: the machine's own, but with an empty HOME inside
 * the test's data dir. The shells the host starts are real bash, yet they must not run
 * this machine's ~/.bashrc. Here it runs `pyenv rehash`, whose lock a shell killed
 * mid-start leaves behind, making every later interactive bash wait 60 s. An empty HOME
 * also keeps a developer's global git config out of the tests.
 */
export function isolatedEnv(dataDir: string): NodeJS.ProcessEnv {
  const home = join(dataDir, '.test-home');
  mkdirSync(home, { recursive: true });
  return { ...process.env, HOME: home };
}

/** A real `grove serve` process, as a user starts it, stopped when the test's scope ends. */
export interface ServedHost extends AsyncDisposable {
  readonly process: ChildProcess;
  /** The printed URL, token included. */
  readonly url: string;
  readonly origin: string;
  readonly rpcUrl: string;
  readonly token: string;
  readonly port: number;
  output(): string;
  /** Waits for the process to end; resolves with its exit code or signal. */
  exited(): Promise<number | string>;
}

export async function startServe(dataDir: string, extraArgs: string[] = []): Promise<ServedHost> {
  const child = spawn(process.execPath, [GROVE_BIN, 'serve', '--no-open', '--data-dir', dataDir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: isolatedEnv(dataDir),
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = await Promise.race([
    waitFor('grove serve to print its URL', () => /Grove is ready at (\S+)/.exec(output)?.[1]),
    exit.then((code) => {
      throw new Error(`grove serve exited with ${code}: ${output}`);
    }),
  ]);
  const parsed = new URL(url);
  return {
    process: child,
    url,
    origin: parsed.origin,
    rpcUrl: `ws://${parsed.host}/rpc?token=${parsed.searchParams.get('token')}`,
    token: parsed.searchParams.get('token') ?? '',
    port: Number(parsed.port),
    output: () => output,
    exited: () => exit,
    async [Symbol.asyncDispose]() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exit;
    },
  };
}
