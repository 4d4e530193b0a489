import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Thread } from '../../extensions/agent-host/src/protocol/index.ts';
import { git, makeRepo } from '../helpers/git-repo.ts';
import { startServe } from '../helpers/host-process.ts';
import { RpcClient, RpcError } from '../helpers/rpc-client.ts';
import { servedProject } from '../helpers/served-project.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { threadServices } from '../helpers/thread-services.ts';
import { waitFor } from '../helpers/wait-for.ts';

const wire = (error: unknown) => (error instanceof RpcError ? error.wire : error);

/** Every byte git and the files hold for a worktree: what adopting must not change. */
function fingerprint(repo: string, worktree: string) {
  const admin = git(worktree, 'rev-parse', '--git-dir').trim();
  const files = (git(worktree, 'ls-files', '-z', '--cached', '--others', '--exclude-standard') || '')
    .split('\0')
    .filter(Boolean)
    .sort();
  return {
    // Without optional locks, so this look does not refresh the index it then hashes.
    status: git(worktree, '--no-optional-locks', 'status', '--porcelain=v2', '--branch', '--untracked-files=all'),
    index: createHash('sha256')
      .update(readFileSync(join(admin, 'index')))
      .digest('hex'),
    files: Object.fromEntries(
      files.map((f) => [f, existsSync(join(worktree, f)) ? readFileSync(join(worktree, f), 'utf8') : '(deleted)']),
    ),
    refs: git(repo, 'for-each-ref', '--format=%(refname) %(objectname)'),
    worktrees: git(repo, 'worktree', 'list', '--porcelain'),
  };
}

/** The latest record of a thread, from the notifications. */
/** A worktree at `path` on a detached HEAD holding one commit of its own (on no branch); returns that commit. */
function detachedWithCommit(repo: string, path: string): string {
  git(repo, 'worktree', 'add', '-q', '--detach', path);
  writeFileSync(join(path, 'spike.txt'), 'on no branch\n');
  git(path, 'add', 'spike.txt');
  git(path, 'commit', '-q', '-m', 'a commit on no branch');
  return git(path, 'rev-parse', 'HEAD').trim();
}

function latest(client: RpcClient, id: string): Thread | undefined {
  return client.notifications
    .filter((n) => n.method === 'thread/updated' || n.method === 'thread/added')
    .map((n) => (n.params as { thread: Thread }).thread)
    .filter((t) => t.id === id)
    .at(-1);
}

describe('adopting worktrees made outside Grove', () => {
  test('project/worktrees lists only worktrees no thread owns that can be adopted, paths with spaces and non-ASCII included', async () => {
    await using served = await servedProject();
    const { client, project, repo, dir } = served;
    const { thread: made } = await client.request('thread/create', { projectId: project.id, title: 'Made by Grove' });
    const feature = join(dir, 'wörk trees', 'feature login');
    git(repo, 'worktree', 'add', '-q', '-b', 'feature/login', feature);
    const detached = join(dir, 'detached');
    git(repo, 'worktree', 'add', '-q', '--detach', detached);
    const locked = join(dir, 'locked');
    git(repo, 'worktree', 'add', '-q', '-b', 'on-usb', locked);
    git(repo, 'worktree', 'lock', '--reason', 'on a USB disk', locked);
    const gone = join(dir, 'gone');
    git(repo, 'worktree', 'add', '-q', '-b', 'gone', gone);
    rmSync(gone, { recursive: true, force: true });

    const { worktrees } = await client.request('project/worktrees', { projectId: project.id });

    const head = git(repo, 'rev-parse', 'HEAD').trim();
    expect(worktrees).toEqual([
      { path: detached, branch: null, head },
      { path: feature, branch: 'feature/login', head },
    ]);
    expect(worktrees.map((w) => w.path)).not.toContain(made.worktreePath);
  });

  test('adopting binds a thread to the worktree as it is: same folder and branch, no new branch, not a byte changed', async () => {
    await using served = await servedProject();
    const { client, project, repo, dir } = served;
    const path = join(dir, 'my feature');
    git(repo, 'worktree', 'add', '-q', '-b', 'feature/login', path);
    writeFileSync(join(path, 'login.txt'), 'committed\n');
    git(path, 'add', 'login.txt');
    git(path, 'commit', '-q', '-m', 'login');
    writeFileSync(join(path, 'file-0.txt'), 'edited, not staged\n');
    writeFileSync(join(path, 'staged.txt'), 'staged\n');
    git(path, 'add', 'staged.txt');
    writeFileSync(join(path, 'notes.txt'), 'untracked\n');
    const before = fingerprint(repo, path);

    const { thread } = await client.request('thread/adopt', { projectId: project.id, path });

    const main = git(repo, 'rev-parse', 'main').trim();
    expect(thread).toMatchObject({
      title: 'feature/login',
      branch: 'feature/login',
      worktreePath: path,
      status: 'queued',
      base: { ref: 'main', commit: main },
      adopted: { head: git(path, 'rev-parse', 'HEAD').trim() },
      setup: null,
      snapshot: null,
      problem: null,
    });
    expect(fingerprint(repo, path)).toEqual(before);
    expect((await client.request('project/worktrees', { projectId: project.id })).worktrees).toEqual([]);

    // The git watcher reads it like any thread: three changed files, one commit ahead of main.
    await waitFor('the watcher’s figures', () => latest(client, thread.id)?.git?.changed === 3);
    expect(latest(client, thread.id)?.git).toMatchObject({
      present: true,
      changed: 3,
      ahead: 1,
      behind: 0,
      head: 'feature/login',
    });
    expect(fingerprint(repo, path)).toEqual(before);
  });

  test('archive of an adopted thread saves every byte and removes the worktree; restore brings it back at its own path', async () => {
    await using served = await servedProject();
    const { client, project, repo, dir } = served;
    const path = join(dir, 'Ünïcode wt');
    git(repo, 'worktree', 'add', '-q', '-b', 'experiment', path);
    writeFileSync(join(path, 'file-0.txt'), 'changed\n');
    writeFileSync(join(path, 'new.bin'), Buffer.from([0, 1, 2, 255]));
    git(path, 'add', 'new.bin');
    writeFileSync(join(path, 'untracked.txt'), 'keep me\n');
    const status = git(path, 'status', '--porcelain');
    const { thread } = await client.request('thread/adopt', { projectId: project.id, path, title: 'Experiment' });

    const archived = (await client.request('thread/archive', { threadId: thread.id })).thread;
    expect(archived.status).toBe('archived');
    expect(existsSync(path)).toBe(false);
    expect(git(repo, 'branch', '--list', 'experiment').trim()).toBe('experiment');
    expect(git(repo, 'for-each-ref', '--format=%(refname)', `refs/grove/snapshots/${thread.id}`).trim()).not.toBe('');

    const restored = (await client.request('thread/restore', { threadId: thread.id })).thread;
    expect(restored).toMatchObject({ status: 'queued', worktreePath: path, branch: 'experiment' });
    expect(git(path, 'status', '--porcelain')).toBe(status);
    expect(readFileSync(join(path, 'untracked.txt'), 'utf8')).toBe('keep me\n');
    expect([...readFileSync(join(path, 'new.bin'))]).toEqual([0, 1, 2, 255]);
    expect(git(repo, 'fsck', '--no-progress', '--strict').trim()).toBe('');
  });

  test('a detached HEAD is adopted at its commit; archive keeps its commits on no branch, restore brings it back detached', async () => {
    await using served = await servedProject();
    const { client, project, repo, dir } = served;
    const path = join(dir, 'spike');
    const head = detachedWithCommit(repo, path);
    writeFileSync(join(path, 'draft.txt'), 'uncommitted\n');
    const branches = git(repo, 'branch', '--list');

    const { thread } = await client.request('thread/adopt', { projectId: project.id, path });
    expect(thread).toMatchObject({ title: 'spike', branch: null, adopted: { head }, worktreePath: path });
    expect(git(repo, 'branch', '--list')).toBe(branches);

    await client.request('thread/archive', { threadId: thread.id });
    expect(existsSync(path)).toBe(false);
    git(repo, 'gc', '--quiet', '--prune=now');
    const restored = (await client.request('thread/restore', { threadId: thread.id })).thread;
    expect(restored.worktreePath).toBe(path);
    expect(git(path, 'rev-parse', 'HEAD').trim()).toBe(head);
    expect(git(path, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('HEAD');
    expect(readFileSync(join(path, 'draft.txt'), 'utf8')).toBe('uncommitted\n');
    expect(git(repo, 'branch', '--list')).toBe(branches);
  }, 30_000);

  test('deleting an adopted detached HEAD asks for its commit, then keeps its commits in a snapshot ref', async () => {
    await using served = await servedProject();
    const { client, project, repo, dir } = served;
    const path = join(dir, 'spike');
    const head = detachedWithCommit(repo, path);
    const { thread } = await client.request('thread/adopt', { projectId: project.id, path });

    const refused = await client.request('thread/delete', { threadId: thread.id }).catch(wire);
    expect(refused).toMatchObject({
      code: 'confirmation_required',
      message: `Deleting “spike” would throw away 1 commit(s) not merged into main. Type the commit ${head.slice(0, 7)} to delete it anyway.`,
    });
    expect(existsSync(path)).toBe(true);

    await client.request('thread/delete', { threadId: thread.id, confirmBranch: head.slice(0, 7) });
    expect(existsSync(path)).toBe(false);
    const [ref] = git(repo, 'for-each-ref', '--format=%(refname)', `refs/grove/snapshots/${thread.id}`).trim().split('\n');
    git(repo, 'gc', '--quiet', '--prune=now');
    expect(git(repo, 'show', `${ref}^1:spike.txt`)).toBe('on no branch\n');
  }, 30_000);

  test('refusals say why and change nothing: not a worktree, the main checkout, already a thread, locked, missing', async () => {
    await using served = await servedProject();
    const { client, project, repo, dir } = served;
    const { thread: made } = await client.request('thread/create', { projectId: project.id, title: 'Made by Grove' });
    const plain = join(dir, 'plain folder');
    mkdirSync(plain);
    const other = makeRepo(join(dir, 'other'));
    const otherWorktree = join(dir, 'other-wt');
    git(other, 'worktree', 'add', '-q', '-b', 'x', otherWorktree);
    const locked = join(dir, 'locked');
    git(repo, 'worktree', 'add', '-q', '-b', 'on-usb', locked);
    git(repo, 'worktree', 'lock', '--reason', 'on a USB disk', locked);
    const gone = join(dir, 'gone');
    git(repo, 'worktree', 'add', '-q', '-b', 'gone', gone);
    rmSync(gone, { recursive: true, force: true });
    const adopt = (path: string) => client.request('thread/adopt', { projectId: project.id, path }).catch(wire);

    expect(await adopt(plain)).toMatchObject({
      code: 'not_a_worktree',
      message: `${plain} is not a worktree of payments-api. Run git worktree list in ${repo} to see the ones it has.`,
    });
    expect(await adopt(otherWorktree)).toMatchObject({ code: 'not_a_worktree' });
    expect(await adopt(repo)).toMatchObject({
      code: 'worktree_is_main_checkout',
      message: expect.stringMatching(/is payments-api's main checkout, which Grove never uses as a thread/),
    });
    expect(await adopt(made.worktreePath)).toMatchObject({
      code: 'worktree_is_thread',
      message: `${made.worktreePath} is already the worktree of the thread “Made by Grove”.`,
    });
    expect(await adopt(locked)).toMatchObject({
      code: 'worktree_locked',
      message: `The worktree ${locked} is locked (“on a USB disk”), so Grove could not archive it later. Unlock it with git worktree unlock, then adopt it.`,
    });
    expect(await adopt(gone)).toMatchObject({ code: 'worktree_missing', message: expect.stringMatching(/git worktree prune/) });
    expect(await adopt('relative/path')).toMatchObject({ code: 'path_not_absolute' });

    await client.request('thread/archive', { threadId: made.id });
    git(repo, 'worktree', 'add', '-q', '-b', 'in-its-place', made.worktreePath);
    expect(await adopt(made.worktreePath)).toMatchObject({
      code: 'worktree_is_thread',
      message: expect.stringMatching(/belongs to the archived thread “Made by Grove”\. Delete that thread first/),
    });
    const { state } = await client.initialize();
    expect(state.threads.map((t) => t.title)).toEqual(['Made by Grove']);
  });

  test('two clients adopting the same worktree at once make one thread', async () => {
    await using served = await servedProject();
    const { client, project, repo, dir, host } = served;
    await using second = await RpcClient.connect(host.rpcUrl);
    await second.initialize();
    const path = join(dir, 'shared');
    git(repo, 'worktree', 'add', '-q', '-b', 'shared', path);

    const results = await Promise.all(
      [client, second].map((c) => c.request('thread/adopt', { projectId: project.id, path }).catch(wire)),
    );

    expect(results.filter((r) => 'thread' in (r as object))).toHaveLength(1);
    expect(results.filter((r) => (r as { code?: string }).code === 'worktree_is_thread')).toHaveLength(1);
  });

  test('restore of an adopted thread whose folder was taken meanwhile goes into the project’s worktree folder', async () => {
    await using served = await servedProject();
    const { client, project, repo, dir } = served;
    const path = join(dir, 'review');
    git(repo, 'worktree', 'add', '-q', '-b', 'review', path);
    writeFileSync(join(path, 'notes.txt'), 'mine\n');
    const { thread } = await client.request('thread/adopt', { projectId: project.id, path, title: 'Review notes' });
    await client.request('thread/archive', { threadId: thread.id });
    mkdirSync(path);
    writeFileSync(join(path, 'someone-else.txt'), 'theirs\n');

    const restored = (await client.request('thread/restore', { threadId: thread.id })).thread;

    expect(restored.worktreePath).toBe(join(dir, 'data', 'worktrees', `payments-api-${project.id.slice(2, 8)}`, 'review-notes'));
    expect(readFileSync(join(restored.worktreePath, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(git(restored.worktreePath, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('review');
    expect(readdirSync(path)).toEqual(['someone-else.txt']);
  });

  test('after a restart adopted threads are back as they were, and recovery never touches a worktree made at an archived one’s path', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    const dataDir = join(dir.path, 'data');
    const kept = join(dir.path, 'kept');
    git(repo, 'worktree', 'add', '-q', '-b', 'kept', kept);
    writeFileSync(join(kept, 'wip.txt'), 'work in progress\n');
    const reused = join(dir.path, 'reused');
    git(repo, 'worktree', 'add', '-q', '-b', 'reused', reused);
    let keptId: Thread['id'] | undefined;
    let reusedId: Thread['id'] | undefined;
    {
      await using host = await startServe(dataDir);
      await using client = await RpcClient.connect(host.rpcUrl);
      await client.initialize();
      const { project } = await client.request('project/add', { path: repo });
      keptId = (await client.request('thread/adopt', { projectId: project.id, path: kept })).thread.id;
      reusedId = (await client.request('thread/adopt', { projectId: project.id, path: reused })).thread.id;
      await client.request('thread/archive', { threadId: reusedId });
    }
    // While Grove is away, the person makes a new worktree where the archived one was, for other work.
    await new Promise((resolve) => setTimeout(resolve, 20));
    git(repo, 'worktree', 'add', '-q', '-b', 'other-work', reused);
    writeFileSync(join(reused, 'new work.txt'), 'not Grove’s\n');
    const before = fingerprint(repo, reused);

    const { threads } = await threadServices(dataDir);
    await threads.recover();

    const byId = (id: Thread['id'] | undefined) => threads.list().find((t) => t.id === id);
    expect(byId(keptId)).toMatchObject({ status: 'queued', branch: 'kept', worktreePath: kept, problem: null });
    expect(readFileSync(join(kept, 'wip.txt'), 'utf8')).toBe('work in progress\n');
    expect(byId(reusedId)).toMatchObject({ status: 'archived', worktreePath: reused });
    expect(fingerprint(repo, reused)).toEqual(before);
  });
});
