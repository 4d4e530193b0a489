import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Thread } from '../../extensions/agent-host/src/protocol/index.ts';
import { branchOf } from '../helpers/branch-of.ts';
import { git, makeRepo } from '../helpers/git-repo.ts';
import { startServe } from '../helpers/host-process.ts';
import { RpcClient, RpcError } from '../helpers/rpc-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** A served host with one project, and a client that has done the handshake. */
async function hostWithProject(root: string, dataDir = join(root, 'data')) {
  const repo = existsSync(join(root, 'repo')) ? join(root, 'repo') : makeRepo(join(root, 'repo'), { commits: 2 });
  const host = await startServe(dataDir);
  const client = await RpcClient.connect(host.rpcUrl);
  const { state } = await client.initialize();
  const project = state.projects[0] ?? (await client.request('project/add', { path: repo })).project;
  return { host, client, repo, project, dataDir };
}

const wire = (error: unknown) => (error instanceof RpcError ? error.wire : error);

describe('threads', () => {
  test('create makes branch grove/<slug> and a worktree under the data dir, from the default base', async () => {
    await using dir = await tempDir();
    const { host, client, repo, project, dataDir } = await hostWithProject(dir.path);
    await using _h = host;
    await using _c = client;

    const { thread } = await client.request('thread/create', {
      projectId: project.id,
      title: 'Fix the login bug',
      prompt: 'It 500s.',
    });

    expect(thread).toMatchObject({
      title: 'Fix the login bug',
      prompt: 'It 500s.',
      branch: 'grove/fix-the-login-bug',
      base: { ref: 'main', commit: git(repo, 'rev-parse', 'main').trim() },
      status: 'queued',
      snapshot: null,
      problem: null,
    });
    expect(thread.worktreePath.startsWith(join(dataDir, 'worktrees'))).toBe(true);
    expect(git(thread.worktreePath, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('grove/fix-the-login-bug');
    await waitFor('both notifications', () => client.notifications.length >= 3);
    expect(client.notifications.slice(-2).map((n) => [n.method, (n.params as { thread: Thread }).thread.status])).toEqual([
      ['thread/added', 'creating'],
      ['thread/updated', 'queued'],
    ]);
  });

  test('slugs are short, ASCII and never reuse a branch that exists', async () => {
    await using dir = await tempDir();
    const { host, client, repo, project } = await hostWithProject(dir.path);
    await using _h = host;
    await using _c = client;
    git(repo, 'branch', 'grove/cafe-creme');

    const create = (title: string) =>
      client.request('thread/create', { projectId: project.id, title }).then((r) => r.thread.branch);
    expect(await create('Café crème')).toBe('grove/cafe-creme-2');
    expect(await create('Café crème')).toBe('grove/cafe-creme-3');
    expect(await create('!!!')).toBe('grove/thread');
    const long = await create('x'.repeat(300));
    expect(long).toBe(`grove/${'x'.repeat(48)}`);
  });

  test('a base that does not exist is refused and nothing is made', async () => {
    await using dir = await tempDir();
    const { host, client, repo, project } = await hostWithProject(dir.path);
    await using _h = host;
    await using _c = client;
    const error = await client.request('thread/create', { projectId: project.id, title: 'x', baseRef: 'release/9' }).catch(wire);
    expect(error).toMatchObject({
      code: 'base_ref_not_found',
      message: 'There is no branch, tag or commit “release/9” in repo. Pick an existing base.',
    });
    expect(git(repo, 'branch', '--list', 'grove/*').trim()).toBe('');
    const { state } = await client.initialize();
    expect(state.threads).toEqual([]);
  });

  test('20 threads created at once, then archived at once, leave a repository that fsck finds clean', async () => {
    await using dir = await tempDir();
    const { host, client, repo, project } = await hostWithProject(dir.path);
    await using _h = host;
    await using _c = client;

    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.request('thread/create', { projectId: project.id, title: `Task ${i}` })),
    );
    expect(created.map((r) => r.thread.status)).toEqual(Array(20).fill('queued'));
    expect(new Set(created.map((r) => r.thread.branch)).size).toBe(20);
    for (const { thread } of created) writeFileSync(join(thread.worktreePath, 'work.txt'), `${thread.title}\n`);

    const archived = await Promise.all(created.map(({ thread }) => client.request('thread/archive', { threadId: thread.id })));
    expect(archived.map((r) => r.thread.status)).toEqual(Array(20).fill('archived'));
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(git(repo, 'for-each-ref', '--format=%(refname)', 'refs/grove/snapshots').trim().split('\n')).toHaveLength(20);
    expect(git(repo, 'fsck', '--no-progress', '--strict').trim()).toBe('');
  });

  test('archive keeps every uncommitted byte and restore brings it back; the branch survives in between', async () => {
    await using dir = await tempDir();
    const { host, client, repo, project } = await hostWithProject(dir.path);
    await using _h = host;
    await using _c = client;
    const { thread } = await client.request('thread/create', { projectId: project.id, title: 'Keep my work' });
    writeFileSync(join(thread.worktreePath, 'file-0.txt'), 'edited\n');
    writeFileSync(join(thread.worktreePath, 'a.txt'), 'hello\n');
    git(thread.worktreePath, 'add', 'a.txt');

    const preflight = await client.request('thread/preflight', { threadId: thread.id });
    expect(preflight).toEqual({ staged: 1, unstaged: 1, untracked: 0, ignored: 0, unmerged: 0, unpushed: null, conflicted: 0 });

    const archived = (await client.request('thread/archive', { threadId: thread.id })).thread;
    expect(archived.snapshot).toMatchObject({
      ref: expect.stringMatching(`^refs/grove/snapshots/${thread.id}/`),
      from: 'queued',
    });
    expect(existsSync(thread.worktreePath)).toBe(false);
    expect(git(repo, 'branch', '--list', branchOf(thread)).trim()).toBe(thread.branch);

    const restored = (await client.request('thread/restore', { threadId: thread.id })).thread;
    expect(restored.status).toBe('queued');
    expect(readFileSync(join(thread.worktreePath, 'a.txt'), 'utf8')).toBe('hello\n');
    expect(git(thread.worktreePath, 'status', '--porcelain')).toBe('A  a.txt\n M file-0.txt\n');
  });

  test('refusals say why: archiving twice, a worktree deleted by hand, a project that still has threads', async () => {
    await using dir = await tempDir();
    const { host, client, repo, project } = await hostWithProject(dir.path);
    await using _h = host;
    await using _c = client;
    const { thread } = await client.request('thread/create', { projectId: project.id, title: 'One' });
    const other = (await client.request('thread/create', { projectId: project.id, title: 'Two' })).thread;
    git(repo, 'worktree', 'remove', '--force', other.worktreePath);

    expect(await client.request('project/remove', { projectId: project.id }).catch(wire)).toMatchObject({
      code: 'project_has_threads',
    });
    expect(await client.request('thread/archive', { threadId: other.id }).catch(wire)).toMatchObject({
      code: 'worktree_missing',
      message: expect.stringMatching(/is gone .* Its branch grove\/two is still there/),
    });
    await client.request('thread/archive', { threadId: thread.id });
    expect(await client.request('thread/archive', { threadId: thread.id }).catch(wire)).toMatchObject({ code: 'thread_busy' });
  });

  test('delete: a clean thread goes at once; work at stake needs the branch name typed, and is still kept in a snapshot ref', async () => {
    await using dir = await tempDir();
    const { host, client, repo, project } = await hostWithProject(dir.path);
    await using _h = host;
    await using _c = client;
    const clean = (await client.request('thread/create', { projectId: project.id, title: 'Clean' })).thread;
    const busy = (await client.request('thread/create', { projectId: project.id, title: 'Busy' })).thread;
    const archived = (await client.request('thread/create', { projectId: project.id, title: 'Shelved' })).thread;
    writeFileSync(join(busy.worktreePath, 'draft.txt'), 'unsaved idea\n');
    writeFileSync(join(archived.worktreePath, 'kept.txt'), 'kept\n');
    await client.request('thread/archive', { threadId: archived.id });

    await client.request('thread/delete', { threadId: clean.id });
    expect(existsSync(clean.worktreePath)).toBe(false);
    expect(git(repo, 'branch', '--list', branchOf(clean)).trim()).toBe('');

    for (const confirmBranch of [undefined, 'grove/wrong']) {
      expect(
        await client.request('thread/delete', { threadId: busy.id, ...(confirmBranch ? { confirmBranch } : {}) }).catch(wire),
      ).toMatchObject({
        code: 'confirmation_required',
        message: 'Deleting “Busy” would throw away 1 uncommitted file(s). Type the branch name grove/busy to delete it anyway.',
      });
    }
    expect(existsSync(join(busy.worktreePath, 'draft.txt'))).toBe(true);
    await client.request('thread/delete', { threadId: busy.id, confirmBranch: branchOf(busy) });
    expect(existsSync(busy.worktreePath)).toBe(false);
    const [ref] = git(repo, 'for-each-ref', '--format=%(refname)', `refs/grove/snapshots/${busy.id}`).trim().split('\n');
    expect(git(repo, 'show', `${ref}:draft.txt`)).toBe('unsaved idea\n');

    expect(await client.request('thread/delete', { threadId: archived.id }).catch(wire)).toMatchObject({
      code: 'confirmation_required',
    });
    await client.request('thread/delete', { threadId: archived.id, confirmBranch: branchOf(archived) });

    const { state } = await client.initialize();
    expect(state.threads).toEqual([]);
    expect(client.notifications.filter((n) => n.method === 'thread/removed')).toHaveLength(3);
    expect(git(repo, 'fsck', '--no-progress').trim()).toBe('');
  });

  test('kill -9 during a burst of creates: on restart no thread is left half made, and fsck is clean', async () => {
    await using dir = await tempDir();
    const first = await hostWithProject(dir.path);
    const done: string[] = [];
    {
      await using _h = first.host;
      await using _c = first.client;
      const creates = Array.from({ length: 12 }, (_, i) =>
        first.client.request('thread/create', { projectId: first.project.id, title: `Burst ${i}` }).then(
          (r) => done.push(r.thread.id),
          () => {},
        ),
      );
      await waitFor('a few creates to finish', () => done.length >= 2);
      first.host.process.kill('SIGKILL');
      await first.host.exited();
      await Promise.race([Promise.all(creates), new Promise((resolve) => setTimeout(resolve, 300))]);
    }
    const second = await hostWithProject(dir.path, first.dataDir);
    await using _h = second.host;
    await using _c = second.client;
    const { state } = await second.client.initialize();
    expect(state.threads.map((t) => t.id)).toEqual(expect.arrayContaining(done));
    expect(state.threads.filter((t) => t.status !== 'queued')).toEqual([]);
    for (const thread of state.threads) {
      expect(git(thread.worktreePath, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe(thread.branch);
    }
    expect(git(second.repo, 'fsck', '--no-progress').trim()).toBe('');
  });
});
