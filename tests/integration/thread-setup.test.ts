import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Thread } from '../../extensions/agent-host/src/protocol/index.ts';
import { git, makeRepo, makeRepoWithSettings } from '../helpers/git-repo.ts';
import { startServe } from '../helpers/host-process.ts';
import { runningInGroup } from '../helpers/processes.ts';
import { RpcClient, type RpcError } from '../helpers/rpc-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

async function serveWithProject(root: string, repo: string) {
  const host = await startServe(join(root, 'data'));
  const client = await RpcClient.connect(host.rpcUrl);
  await client.initialize();
  const { project } = await client.request('project/add', { path: repo });
  return { host, client, project };
}

/** The latest record of a thread, as the notifications tell it. */
function latest(client: RpcClient, id: string): Thread | undefined {
  const updates = client.notifications.filter((n) => n.method === 'thread/updated' || n.method === 'thread/added');
  return updates
    .map((n) => (n.params as { thread: Thread }).thread)
    .filter((t) => t.id === id)
    .at(-1);
}

describe('a new thread’s setup', () => {
  test('copies the listed untracked files, runs setup with GROVE_* set, and is queued when it ends', async () => {
    await using dir = await tempDir();
    const repo = makeRepoWithSettings(
      join(dir.path, 'repo'),
      {
        setup: 'echo "$GROVE_THREAD_ID $GROVE_BRANCH $GROVE_PORT $GROVE_ROOT_PATH" > setup-out.txt && echo installed',
        copy: ['secrets/'],
      },
      '# files every worktree needs\n.env\n',
    );
    writeFileSync(join(repo, '.env'), 'API_URL=http://localhost\n');
    writeFileSync(join(repo, '.env.local'), 'not listed\n');
    mkdirSync(join(repo, 'secrets'));
    writeFileSync(join(repo, 'secrets', 'dev.key'), 'k\n');
    const { host, client, project } = await serveWithProject(dir.path, repo);
    await using _h = host;
    await using _c = client;

    const { thread } = await client.request('thread/create', { projectId: project.id, title: 'With setup' });
    expect(thread).toMatchObject({ status: 'creating', setup: { state: 'running', command: expect.stringContaining('echo') } });
    const done = await waitFor('the setup to end', () =>
      latest(client, thread.id)?.status === 'queued' ? latest(client, thread.id) : undefined,
    );

    expect(done.setup).toMatchObject({ state: 'succeeded', exitCode: 0, tail: 'installed\n' });
    expect(readFileSync(join(thread.worktreePath, 'setup-out.txt'), 'utf8')).toBe(
      `${thread.id} ${thread.branch} ${thread.port} ${repo}\n`,
    );
    expect(readFileSync(join(thread.worktreePath, '.env'), 'utf8')).toBe('API_URL=http://localhost\n');
    expect(readFileSync(join(thread.worktreePath, 'secrets', 'dev.key'), 'utf8')).toBe('k\n');
    expect(existsSync(join(thread.worktreePath, '.env.local'))).toBe(false);
  });

  test('a failing setup leaves a usable thread with its log', async () => {
    await using dir = await tempDir();
    const repo = makeRepoWithSettings(join(dir.path, 'repo'), { setup: 'echo "npm ERR! missing script" >&2; exit 3' });
    const { host, client, project } = await serveWithProject(dir.path, repo);
    await using _h = host;
    await using _c = client;
    const { thread } = await client.request('thread/create', { projectId: project.id, title: 'Broken setup' });
    const done = await waitFor('the setup to end', () =>
      latest(client, thread.id)?.status === 'queued' ? latest(client, thread.id) : undefined,
    );
    expect(done.setup).toMatchObject({ state: 'failed', exitCode: 3, tail: 'npm ERR! missing script\n' });
    expect(git(thread.worktreePath, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe(thread.branch);
  });

  test('the terminal opens while the setup runs, and not before the worktree is checked out', async () => {
    await using dir = await tempDir();
    const gate = join(dir.path, 'gate');
    const repo = makeRepoWithSettings(join(dir.path, 'repo'), {
      setup: `while [ ! -e "${gate}.setup" ]; do sleep 0.05; done; echo setup-done`,
    });
    // git runs post-checkout inside `worktree add`: the thread is `creating`, its checkout not done.
    writeFileSync(
      join(repo, '.git', 'hooks', 'post-checkout'),
      `#!/bin/sh\nwhile [ ! -e "${gate}.checkout" ]; do sleep 0.05; done\n`,
      {
        mode: 0o755,
      },
    );
    const { host, client, project } = await serveWithProject(dir.path, repo);
    await using _h = host;
    await using _c = client;

    const creating = client.request('thread/create', { projectId: project.id, title: 'Slow checkout' });
    const added = await waitFor('the thread’s record', () => client.notifications.find((n) => n.method === 'thread/added'));
    const threadId = (added.params as { thread: Thread }).thread.id;
    const early = await client.request('terminal/open', { threadId, cols: 80, rows: 24 }).catch((e: RpcError) => e.wire);
    expect(early).toMatchObject({
      code: 'thread_busy',
      message: '“Slow checkout” is still being created. Its terminal can open once its worktree is checked out.',
    });

    writeFileSync(`${gate}.checkout`, '');
    const { thread } = await creating;
    expect(thread).toMatchObject({ status: 'creating', setup: { state: 'running' } });
    const opened = await client.request('terminal/open', { threadId, cols: 80, rows: 24 });
    await client.request('terminal/input', { terminalId: opened.terminalId, data: 'echo typed > during-setup.txt\r' });
    await waitFor('the shell to run it', () => existsSync(join(thread.worktreePath, 'during-setup.txt')));
    expect(latest(client, threadId)?.status).toBe('creating');

    writeFileSync(`${gate}.setup`, '');
    const done = await waitFor('the setup to end', () =>
      latest(client, threadId)?.status === 'queued' ? latest(client, threadId) : undefined,
    );
    expect(done.setup).toMatchObject({ state: 'succeeded', tail: 'setup-done\n' });
    expect(readFileSync(join(thread.worktreePath, 'during-setup.txt'), 'utf8')).toBe('typed\n');
  });

  test('parallel threads get ports that do not collide', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    const { host, client, project } = await serveWithProject(dir.path, repo);
    await using _h = host;
    await using _c = client;
    const created = await Promise.all(
      Array.from({ length: 5 }, (_, i) => client.request('thread/create', { projectId: project.id, title: `P${i}` })),
    );
    expect(created.map((r) => r.thread.port).sort()).toEqual([4100, 4110, 4120, 4130, 4140]);
  });

  test('stopping the host stops a running setup script and everything it started', async () => {
    await using dir = await tempDir();
    const repo = makeRepoWithSettings(join(dir.path, 'repo'), {
      setup: 'echo $$ > "$GROVE_WORKTREE/../setup.pid"; sleep 300 & sleep 300',
    });
    const { host, client, project } = await serveWithProject(dir.path, repo);
    await using _c = client;
    const { thread } = await client.request('thread/create', { projectId: project.id, title: 'Long setup' });
    const pidFile = join(thread.worktreePath, '..', 'setup.pid');
    const pid = Number(
      await waitFor('the setup to start', () =>
        existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim() || undefined : undefined,
      ),
    );
    expect(runningInGroup(pid)).toHaveLength(3); // the shell and both sleeps

    await host[Symbol.asyncDispose]();
    expect(runningInGroup(pid)).toEqual([]);
  });
});
