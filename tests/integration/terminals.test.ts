import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** The stream messages a client received for one terminal, in order. */
function streamed(client: RpcClient, terminalId: string) {
  return client.notifications
    .filter((n) => (n.method as string) === 'terminal/output' || (n.method as string) === 'terminal/reset')
    .map((n) => ({ reset: (n.method as string) === 'terminal/reset', ...(n.params as unknown as Output) }))
    .filter((o) => o.terminalId === terminalId);
}

/** What a client's terminal would have been written since its replay: a reset starts it over. */
function screen(client: RpcClient, terminalId: string, replay = ''): string {
  let text = replay;
  for (const message of streamed(client, terminalId)) text = message.reset ? message.data : text + message.data;
  return text;
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

/** Whether the host's shells are bash: only bash reads the ~/.bashrc the start-up tests write. */
const BASH = (process.env.SHELL || '/bin/bash').endsWith('/bash');

/** A thread whose shell starts with `bashrc` (the test host's HOME is `<data>/.test-home`). */
async function threadWithBashrc(root: string, bashrc: string) {
  const home = join(root, 'data', '.test-home');
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, '.bashrc'), bashrc);
  return { home, ...(await threadWithShell(root)) };
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

  test('a client that does not keep up gets a bounded window while the shell runs on, then the screen as it is', async () => {
    await using dir = await tempDir();
    const { host, client, thread, opened } = await threadWithShell(dir.path);
    await using _h = host;
    await using _c = client;
    const { terminalId } = opened;
    const received = () => streamed(client, terminalId).reduce((sum, m) => sum + m.data.length, 0);

    await client.request('terminal/input', {
      terminalId,
      data: 'yes abcdefghijklmnopqrstuvwxyz | head -c 20000000; echo FLOOD-$((40+2)); echo > flood-done\r',
    });
    // The shell finishes the flood although this client acks nothing…
    await waitFor('the flood to finish', () => existsSync(join(thread.worktreePath, 'flood-done')), 60_000);
    // …and all it was sent is one window, not 20 MB.
    expect(received()).toBeLessThan(1_000_000);
    const hasEnd = (m: { reset: boolean; data: string }) => m.reset && m.data.includes('FLOOD-42');
    expect(streamed(client, terminalId).some(hasEnd)).toBe(false);

    // Acking what it has brings the screen as it is now: the end of the flood, not the bytes before it.
    const last = streamed(client, terminalId).at(-1);
    const end = last === undefined ? opened.seq : last.reset ? last.seq : last.seq + last.data.length;
    await client.request('terminal/ack', { terminalId, seq: end });
    // Each reset is acked as a renderer would; one taken while the screen was still parsing
    // the flood's last bytes is followed by another once it is acked.
    const reset = await waitFor(
      'a reset with the end of the flood',
      async () => {
        const latest = streamed(client, terminalId).findLast((m) => m.reset);
        if (latest !== undefined) await client.request('terminal/ack', { terminalId, seq: latest.seq });
        return streamed(client, terminalId).find(hasEnd);
      },
      30_000,
    );
    expect(received()).toBeLessThan(2_000_000);
    expect(reset.seq).toBeGreaterThan(20_000_000);

    // Caught up, it streams again: typing shows as output.
    await client.request('terminal/ack', { terminalId, seq: reset.seq });
    await client.request('terminal/input', { terminalId, data: 'echo after-$((6*7))\r' });
    await waitFor('live output after the reset', () =>
      streamed(client, terminalId).some((m) => !m.reset && m.seq >= reset.seq && m.data.includes('after-42')),
    );
  });

  test('a client that detaches is sent nothing more; opening again brings the screen back', async () => {
    await using dir = await tempDir();
    const { host, client, thread, opened } = await threadWithShell(dir.path);
    await using _h = host;
    await using _c = client;
    const { terminalId } = opened;
    await client.request('terminal/detach', { terminalId });
    const before = streamed(client, terminalId).length;
    await client.request('terminal/input', { terminalId, data: 'echo unseen-$((6*7)) > unseen.txt; cat unseen.txt\r' });
    await waitFor('the command to run', () => existsSync(join(thread.worktreePath, 'unseen.txt')));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(streamed(client, terminalId).length).toBe(before);

    const again = await client.request('terminal/open', { threadId: thread.id, cols: 120, rows: 40 });
    expect(again.terminalId).toBe(terminalId);
    await waitFor('the output in the screen', () => screen(client, terminalId, again.replay).includes('unseen-42'));
  });

  test('a thread can have several shells, numbered, seen by every client, each with its own scrollback after a restart', async () => {
    await using dir = await tempDir();
    const dataDir = join(dir.path, 'data');
    const first = await threadWithShell(dir.path);
    const { thread } = first;
    {
      await using _h = first.host;
      await using client = first.client;
      await using other = await RpcClient.connect(first.host.rpcUrl);
      expect((await other.initialize()).state.terminals).toEqual([
        { id: first.opened.terminalId, threadId: thread.id, number: 1 },
      ]);
      expect(first.opened.number).toBe(1);

      const second = await client.request('terminal/open', { threadId: thread.id, number: 2, cols: 80, rows: 24 });
      expect(second).toMatchObject({ number: 2 });
      expect(second.terminalId).not.toBe(first.opened.terminalId);
      await waitFor('the other client to hear of it', () =>
        other.notifications.some((n) => n.method === 'terminal/added' && JSON.stringify(n.params).includes(second.terminalId)),
      );
      await client.request('terminal/input', { terminalId: first.opened.terminalId, data: 'echo one-$((0+1))\r' });
      await client.request('terminal/input', { terminalId: second.terminalId, data: 'echo two-$((1+1))\r' });
      await waitFor(
        'both echoes',
        () => screen(client, first.opened.terminalId).includes('one-1') && screen(client, second.terminalId).includes('two-2'),
      );
      expect(screen(client, first.opened.terminalId)).not.toContain('two-2');

      // Two windows opening the same new shell at once get one shell.
      const [a, b] = await Promise.all([
        client.request('terminal/open', { threadId: thread.id, number: 3, cols: 80, rows: 24 }),
        other.request('terminal/open', { threadId: thread.id, number: 3, cols: 80, rows: 24 }),
      ]);
      expect(a.terminalId).toBe(b.terminalId);

      await client.request('terminal/close', { terminalId: a.terminalId });
      expect(other.notifications.filter((n) => n.method === 'terminal/removed').map((n) => n.params)).toMatchObject([
        { terminalId: a.terminalId },
      ]);
      expect((await other.initialize()).state.terminals.map((t) => t.number).sort()).toEqual([1, 2]);
      // Without a number, the first running one.
      expect((await other.request('terminal/open', { threadId: thread.id, cols: 80, rows: 24 })).terminalId).toBe(
        first.opened.terminalId,
      );
    }

    await using host = await startServe(dataDir);
    await using client = await RpcClient.connect(host.rpcUrl);
    expect((await client.initialize()).state.terminals).toEqual([]);
    const again = await client.request('terminal/open', { threadId: thread.id, number: 2, cols: 80, rows: 24 });
    expect(again.replay).toMatch(/two-2[\s\S]*── a new shell ──/);
    expect(again.replay).not.toContain('one-1');

    await client.request('thread/delete', { threadId: thread.id, confirmBranch: thread.branch ?? '' });
    expect(readdirSync(join(dataDir, 'terminals')).filter((name) => name.startsWith(thread.id))).toEqual([]);
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

  test.skipIf(!BASH)(
    'closing a shell that is still starting hangs up what its start-up file runs, so that can clean up (bash only)',
    async () => {
      await using dir = await tempDir();
      // As `pyenv rehash` in a ~/.bashrc does: a lock held while it works, removed when it is hung up.
      const { home, host, client, thread } = await threadWithBashrc(
        dir.path,
        `sh -c 'trap "rm -f \\"$HOME/rc.lock\\"; exit 0" HUP; touch "$HOME/rc.lock"; while :; do sleep 0.05; done'\n`,
      );
      await using _h = host;
      await using _c = client;
      await waitFor('the start-up file to take its lock', () => existsSync(join(home, 'rc.lock')));

      await client.request('thread/archive', { threadId: thread.id });
      expect(existsSync(join(home, 'rc.lock')), 'the lock is left behind: the start-up was killed, not hung up').toBe(false);
      expect(host.output()).not.toMatch(/did not exit/);
    },
  );

  test.skipIf(!BASH)(
    'a shell whose start-up ignores the hang-up is killed, and the log names what was running (bash only)',
    async () => {
      await using dir = await tempDir();
      const { home, host, client, thread } = await threadWithBashrc(
        dir.path,
        `touch "$HOME/started"; trap '' HUP; exec sleep 300\n`,
      );
      await using _h = host;
      await using _c = client;
      await waitFor('the start-up to run', () => existsSync(join(home, 'started')));

      await client.request('thread/archive', { threadId: thread.id });
      expect(host.output()).toContain(
        `the shell of thread ${thread.id} did not exit after a hang-up; killing its process group (“sleep” was in the foreground)`,
      );
    },
  );

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
