import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { makeRepoWithSettings } from '../helpers/git-repo.ts';
import { isolatedEnv } from '../helpers/host-process.ts';
import { GROVE_BIN } from '../helpers/paths.ts';
import { runningInGroup } from '../helpers/processes.ts';
import { RpcClient } from '../helpers/rpc-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

/**
 * A stand-in for the Neutralino runtime that speaks only what NEUTRALINO.md documents: it
 * starts the extension's command through /bin/sh -c in its own process group, writes the
 * connection JSON to stdin then EOF, accepts ws://127.0.0.1:<port>?extensionId&connectToken,
 * answers native calls, and relays page events as {event, data}.
 */
class FakeRuntime implements AsyncDisposable {
  readonly nlToken = 'nl-access-token';
  readonly connectToken = 'nl-connect-token';
  readonly extensionId = 'js.grove.agenthost';
  readonly calls: { method: string; accessToken: string; data: unknown }[] = [];
  readonly #server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  socket: WebSocket | undefined;
  connectQuery: URLSearchParams | undefined;
  child: ChildProcess | undefined;
  output = '';

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  async listen(): Promise<void> {
    await new Promise((resolve) => this.#server.once('listening', resolve));
    this.#server.on('connection', (socket, request) => {
      this.connectQuery = new URL(request.url ?? '/', 'http://x').searchParams;
      this.socket = socket;
      socket.on('message', (data) => {
        const call = JSON.parse(data.toString());
        this.calls.push({ method: call.method, accessToken: call.accessToken, data: call.data });
        socket.send(
          JSON.stringify({ id: call.id, method: call.method, data: { success: true, returnValue: { success: true } } }),
        );
      });
    });
  }

  start(command: string, stdin: string, env: NodeJS.ProcessEnv): ChildProcess {
    const child = spawn('/bin/sh', ['-c', command], { detached: true, env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk) => (this.output += chunk));
    child.stderr?.on('data', (chunk) => (this.output += chunk));
    child.stdin?.end(stdin);
    this.child = child;
    return child;
  }

  connectJson(): string {
    return JSON.stringify({
      nlPort: String(this.port),
      nlToken: this.nlToken,
      nlConnectToken: this.connectToken,
      nlExtensionId: this.extensionId,
    });
  }

  /** What a page's `Neutralino.extensions.dispatch(id, event, data)` delivers. */
  dispatch(event: string, data: unknown): void {
    this.socket?.send(JSON.stringify({ event, data }));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const pgid = this.child?.pid;
    if (pgid !== undefined && groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    for (const client of this.#server.clients) client.terminate();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

/** Whether any process of a process group is still running. */
function groupAlive(pgid: number): boolean {
  return runningInGroup(pgid).length > 0;
}

// The extension command as neutralino.config.json writes it, with ${NL_PATH} substituted.
const COMMAND = `"${process.execPath}" "${GROVE_BIN}" extension`;

const runtimes: FakeRuntime[] = [];
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime[Symbol.asyncDispose]();
});

async function runtimeWithHost(dataDir: string) {
  const runtime = new FakeRuntime();
  runtimes.push(runtime);
  await runtime.listen();
  const child = runtime.start(COMMAND, runtime.connectJson(), { ...isolatedEnv(dataDir), GROVE_HOME: dataDir });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await waitFor('the host to connect to the runtime', () => runtime.socket);
  return { runtime, child, exited };
}

describe('the host as a Neutralino extension', () => {
  test('connects with its id and connect token, and hands the page its WebSocket over the relay', async () => {
    await using data = await tempDir();
    const { runtime } = await runtimeWithHost(data.path);
    expect(Object.fromEntries(runtime.connectQuery ?? [])).toEqual({
      extensionId: runtime.extensionId,
      connectToken: runtime.connectToken,
    });

    // It announces itself once connected, and again on every hello from a page.
    await waitFor('the first announcement', () => runtime.calls.length === 1);
    runtime.dispatch('grove:hello', {});
    await waitFor('the answer to hello', () => runtime.calls.length === 2);
    const [first, second] = runtime.calls;
    expect(second).toEqual(first);
    expect(first).toEqual({
      method: 'app.broadcast',
      accessToken: runtime.nlToken,
      data: {
        event: 'grove:host',
        data: { url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/rpc$/), token: expect.any(String) },
      },
    });

    // The window's page lives on the runtime's origin: that one may connect, others not.
    const { url, token } = (first as { data: { data: { url: string; token: string } } }).data.data;
    await using page = await RpcClient.connect(`${url}?token=${token}`, { Origin: `http://127.0.0.1:${runtime.port}` });
    expect((await page.initialize()).host.mode).toBe('window');
    await expect(RpcClient.connect(`${url}?token=${token}`, { Origin: 'http://127.0.0.1:1' })).rejects.toThrow('HTTP 403');
  });

  test('when the runtime goes away, the host exits and leaves no process behind', async () => {
    await using data = await tempDir();
    const { runtime, child, exited } = await runtimeWithHost(data.path);
    await waitFor('the first announcement', () => runtime.calls.length === 1);
    const pgid = child.pid as number;
    expect(groupAlive(pgid)).toBe(true);

    // What the runtime's exit looks like from the extension: the socket drops (1006).
    runtime.socket?.terminate();

    expect(await exited).toBe(0);
    expect(runningInGroup(pgid)).toEqual([]);
    expect(runtime.output).toMatch(/the Neutralino runtime went away: stopping/);
  });

  test('when the runtime goes away, a setup script the host started goes too', async () => {
    await using dir = await tempDir();
    const repo = makeRepoWithSettings(join(dir.path, 'repo'), { setup: 'echo $$ > "$GROVE_WORKTREE/../setup.pid"; sleep 300' });
    const { runtime, exited } = await runtimeWithHost(join(dir.path, 'data'));
    await waitFor('the first announcement', () => runtime.calls.length === 1);
    const { url, token } = (runtime.calls[0] as { data: { data: { url: string; token: string } } }).data.data;
    await using page = await RpcClient.connect(`${url}?token=${token}`, { Origin: `http://127.0.0.1:${runtime.port}` });
    await page.initialize();
    const { project } = await page.request('project/add', { path: repo });
    const { thread } = await page.request('thread/create', { projectId: project.id, title: 'Slow setup' });
    const pidFile = join(thread.worktreePath, '..', 'setup.pid');
    const pid = Number(
      await waitFor('the setup to start', () =>
        existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim() || undefined : undefined,
      ),
    );

    runtime.socket?.terminate();

    expect(await exited).toBe(0);
    expect(runningInGroup(pid)).toEqual([]);
  });

  test('garbage on stdin is a clear error and exit 1, not a hang', async () => {
    await using data = await tempDir();
    const runtime = new FakeRuntime();
    runtimes.push(runtime);
    await runtime.listen();
    const child = runtime.start(COMMAND, 'not json\n', { ...process.env, GROVE_HOME: data.path });
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(1);
    expect(runtime.output).toMatch(/The Neutralino runtime sent something other than JSON on stdin/);
  });
});
