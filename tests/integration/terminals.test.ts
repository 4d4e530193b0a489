import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { makeRepo } from '../helpers/git-repo.ts';
import { startServe } from '../helpers/host-process.ts';
import { RpcClient } from '../helpers/rpc-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

interface Output {
  terminalId: string;
  seq: number;
  data: string;
}

/** Everything a client received from one terminal, joined, after its replay. */
function screen(client: RpcClient, terminalId: string, replay = ''): string {
  const outputs = client.notifications
    .filter((n) => (n.method as string) === 'terminal/output')
    .map((n) => n.params as unknown as Output)
    .filter((o) => o.terminalId === terminalId);
  return replay + outputs.map((o) => o.data).join('');
}

async function threadWithShell(root: string, dataDir = join(root, 'data')) {
  const repo = existsSync(join(root, 'repo')) ? join(root, 'repo') : makeRepo(join(root, 'repo'));
  const host = await startServe(dataDir);
  const client = await RpcClient.connect(host.rpcUrl);
  const { state } = await client.initialize();
  const project = state.projects[0] ?? (await client.request('project/add', { path: repo })).project;
  const thread = state.threads[0] ?? (await client.request('thread/create', { projectId: project.id, title: 'Shell' })).thread;
  const opened = await client.request('terminal/open', { threadId: thread.id, cols: 120, rows: 40 });
  return { host, client, thread, opened };
}

describe('terminals', () => {
  test('a thread’s shell runs in its worktree with GROVE_* set, and typing reaches it', async () => {
    await using dir = await tempDir();
    const { host, client, thread, opened } = await threadWithShell(dir.path);
    await using _h = host;
    await using _c = client;
    const { terminalId } = opened;

    await client.request('terminal/input', { terminalId, data: 'echo hello > a.txt; echo "port=$GROVE_PORT at $(pwd)"\r' });

    await waitFor('the echo', () =>
      screen(client, terminalId, opened.replay).includes(`port=${thread.port} at ${thread.worktreePath}`),
    );
    expect(readFileSync(join(thread.worktreePath, 'a.txt'), 'utf8')).toBe('hello\n');
  });

  test('a second client gets the scrollback as replay and then the same live stream', async () => {
    await using dir = await tempDir();
    const { host, client, thread, opened } = await threadWithShell(dir.path);
    await using _h = host;
    await using _c = client;
    await client.request('terminal/input', { terminalId: opened.terminalId, data: 'echo first-$((6*7))\r' });
    await waitFor('the first echo', () => screen(client, opened.terminalId).includes('first-42'));

    await using other = await RpcClient.connect(host.rpcUrl);
    await other.initialize();
    const again = await other.request('terminal/open', { threadId: thread.id, cols: 120, rows: 40 });
    expect(again.terminalId).toBe(opened.terminalId);
    expect(again.replay).toContain('first-42');

    await other.request('terminal/input', { terminalId: again.terminalId, data: 'echo second-$((7*7))\r' });
    await waitFor(
      'the second echo at both',
      () => screen(client, opened.terminalId).includes('second-49') && screen(other, again.terminalId).includes('second-49'),
    );
  });

  test('a client that does not keep up pauses the shell instead of piling up output, and acks let it finish', async () => {
    await using dir = await tempDir();
    const { host, client, opened } = await threadWithShell(dir.path);
    await using _h = host;
    await using _c = client;
    const { terminalId } = opened;
    const received = () => screen(client, terminalId).length;

    await client.request('terminal/input', {
      terminalId,
      data: 'yes abcdefghijklmnopqrstuvwxyz | head -c 20000000; echo FLOOD-$((40+2))\r',
    });
    await waitFor('the flood to start', () => received() > 100_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const stalled = received();
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Paused: nothing more arrives, and what did is a bounded window, not 20 MB.
    expect(received()).toBe(stalled);
    expect(stalled).toBeLessThan(1_000_000);

    // Ack as a renderer would, and the rest streams through.
    await waitFor(
      'the flood to finish once acked',
      async () => {
        await client.request('terminal/ack', { terminalId, seq: opened.seq + received() });
        return screen(client, terminalId).includes('FLOOD-42');
      },
      60_000,
    );
    expect(received()).toBeGreaterThan(20_000_000);
  });

  test('resize reaches the shell', async () => {
    await using dir = await tempDir();
    const { host, client, opened } = await threadWithShell(dir.path);
    await using _h = host;
    await using _c = client;
    await client.request('terminal/resize', { terminalId: opened.terminalId, cols: 91, rows: 33 });
    await client.request('terminal/input', { terminalId: opened.terminalId, data: 'echo "size=$(stty size)"\r' });
    await waitFor('stty size', () => screen(client, opened.terminalId).includes('size=33 91'));
  });

  test('archiving a thread closes its shell; after a host restart its old output sits above a new shell', async () => {
    await using dir = await tempDir();
    const first = await threadWithShell(dir.path);
    {
      await using _h = first.host;
      await using _c = first.client;
      await first.client.request('terminal/input', { terminalId: first.opened.terminalId, data: 'echo before-$((2+3))\r' });
      await waitFor('the echo', () => screen(first.client, first.opened.terminalId).includes('before-5'));
    }
    const second = await threadWithShell(dir.path, join(dir.path, 'data'));
    await using _h = second.host;
    await using _c = second.client;
    expect(second.opened.terminalId).not.toBe(first.opened.terminalId);
    expect(second.opened.replay).toMatch(/before-5[\s\S]*── a new shell ──/);

    await second.client.request('thread/archive', { threadId: second.thread.id });
    await waitFor('the shell to exit', () => second.client.notifications.some((n) => (n.method as string) === 'terminal/exited'));
  });
});
