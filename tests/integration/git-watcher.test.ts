import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Thread } from '../../extensions/agent-host/src/protocol/index.ts';
import { branchOf } from '../helpers/branch-of.ts';
import { git, makeRepo } from '../helpers/git-repo.ts';
import { startServe } from '../helpers/host-process.ts';
import { RpcClient } from '../helpers/rpc-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** The latest record of a thread, from the notifications. */
function latest(client: RpcClient, id: string): Thread | undefined {
  return client.notifications
    .filter((n) => n.method === 'thread/updated')
    .map((n) => (n.params as { thread: Thread }).thread)
    .filter((t) => t.id === id)
    .at(-1);
}

describe('the git watcher', () => {
  test('cards follow what happens in the worktree and outside Grove', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    await using host = await startServe(join(dir.path, 'data'));
    await using client = await RpcClient.connect(host.rpcUrl);
    await client.initialize();
    const { project } = await client.request('project/add', { path: repo });
    const { thread } = await client.request('thread/create', { projectId: project.id, title: 'Watched' });
    const gitOf = () => latest(client, thread.id)?.git;

    writeFileSync(join(thread.worktreePath, 'a.txt'), 'hello\n');
    await waitFor('one changed file', () => gitOf()?.changed === 1);
    expect(gitOf()).toMatchObject({ present: true, changed: 1, ahead: 0, behind: 0, head: thread.branch });

    git(thread.worktreePath, 'add', 'a.txt');
    git(thread.worktreePath, 'commit', '-q', '-m', 'on the branch');
    writeFileSync(join(repo, 'main.txt'), 'main moved\n');
    git(repo, 'add', 'main.txt');
    git(repo, 'commit', '-q', '-m', 'on main');
    await waitFor('ahead 1, behind 1', () => gitOf()?.ahead === 1 && gitOf()?.behind === 1);
    expect(gitOf()?.changed).toBe(0);

    git(thread.worktreePath, 'switch', '-q', '-c', 'someone-else');
    await waitFor('the switched branch', () => gitOf()?.head === 'someone-else');
    git(thread.worktreePath, 'switch', '-q', branchOf(thread));

    rmSync(thread.worktreePath, { recursive: true, force: true });
    await waitFor('the missing worktree', () => gitOf()?.present === false);
    const restored = (await client.request('thread/restore', { threadId: thread.id })).thread;
    expect(restored.status).toBe('queued');
    expect(git(thread.worktreePath, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe(thread.branch);
    await waitFor('the worktree back', () => gitOf()?.present === true);
  });
});
