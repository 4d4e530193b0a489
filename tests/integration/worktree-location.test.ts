import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { git, makeRepo, makeRepoWithSettings } from '../helpers/git-repo.ts';
import { startServe } from '../helpers/host-process.ts';
import { RpcClient, RpcError } from '../helpers/rpc-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const wire = (error: unknown) => (error instanceof RpcError ? error.wire : error);

/** A served host over a data dir in `root`, with `repo` added as a project. */
async function serve(root: string, repo: string) {
  const host = await startServe(join(root, 'data'));
  const client = await RpcClient.connect(host.rpcUrl);
  await client.initialize();
  const { project } = await client.request('project/add', { path: repo });
  return { host, client, project };
}

/** Writes the main checkout's own `.grove/settings.json` (untracked: a person's local choice). */
function localSettings(repo: string, settings: string): void {
  mkdirSync(join(repo, '.grove'), { recursive: true });
  writeFileSync(join(repo, '.grove', 'settings.json'), settings);
}

describe('per-project worktree location', () => {
  test('a relative worktreeRoot puts worktrees beside the repository, with spaces and non-ASCII in the path, and archive and restore work there', async () => {
    await using dir = await tempDir();
    const repo = makeRepoWithSettings(join(dir.path, 'my répo'), { worktreeRoot: '../my répo.worktrees' });
    const { host, client, project } = await serve(dir.path, repo);
    await using _h = host;
    await using _c = client;

    const { thread } = await client.request('thread/create', { projectId: project.id, title: 'Fix login' });
    const again = (await client.request('thread/create', { projectId: project.id, title: 'Fix login' })).thread;

    const root = join(dir.path, 'my répo.worktrees');
    expect([thread.worktreePath, again.worktreePath]).toEqual([join(root, 'fix-login'), join(root, 'fix-login-2')]);
    expect(git(thread.worktreePath, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('grove/fix-login');
    expect(git(repo, 'status', '--porcelain')).toBe('');
    writeFileSync(join(thread.worktreePath, 'ünïcode notes.txt'), 'kept\n');
    await client.request('thread/archive', { threadId: thread.id });
    expect(existsSync(thread.worktreePath)).toBe(false);
    const restored = (await client.request('thread/restore', { threadId: thread.id })).thread;
    expect(restored.worktreePath).toBe(join(root, 'fix-login'));
    expect(readFileSync(join(restored.worktreePath, 'ünïcode notes.txt'), 'utf8')).toBe('kept\n');
  });

  test('an absolute worktreeRoot is made if missing, and ~/ means the home folder', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    const { host, client, project } = await serve(dir.path, repo);
    await using _h = host;
    await using _c = client;
    const absolute = join(dir.path, 'Wörk trees', 'deep');
    localSettings(repo, JSON.stringify({ worktreeRoot: absolute }));
    const first = (await client.request('thread/create', { projectId: project.id, title: 'One' })).thread;
    localSettings(repo, JSON.stringify({ worktreeRoot: '~/grove worktrees' }));
    const second = (await client.request('thread/create', { projectId: project.id, title: 'Two' })).thread;

    expect(first.worktreePath).toBe(join(absolute, 'one'));
    // Hosts under test get HOME inside their data dir (tests/helpers/host-process.ts).
    expect(second.worktreePath).toBe(join(dir.path, 'data', '.test-home', 'grove worktrees', 'two'));
    expect(git(second.worktreePath, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('grove/two');
  });

  test('changing worktreeRoot moves no existing thread: old ones keep their paths, through archive and restore', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    const { host, client, project } = await serve(dir.path, repo);
    await using _h = host;
    await using _c = client;
    const old = (await client.request('thread/create', { projectId: project.id, title: 'Old' })).thread;
    localSettings(repo, JSON.stringify({ worktreeRoot: '../repo.worktrees' }));
    const fresh = (await client.request('thread/create', { projectId: project.id, title: 'New' })).thread;

    expect(old.worktreePath.startsWith(join(dir.path, 'data', 'worktrees'))).toBe(true);
    expect(fresh.worktreePath).toBe(join(dir.path, 'repo.worktrees', 'new'));
    await client.request('thread/archive', { threadId: old.id });
    expect((await client.request('thread/restore', { threadId: old.id })).thread.worktreePath).toBe(old.worktreePath);
    expect(existsSync(join(old.worktreePath, 'file-0.txt'))).toBe(true);
  });

  test('a worktreeRoot inside the repository is refused, also through a symlink, and nothing is made', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    mkdirSync(join(repo, 'inner'));
    symlinkSync(join(repo, 'inner'), join(dir.path, 'looks-outside'));
    const { host, client, project } = await serve(dir.path, repo);
    await using _h = host;
    await using _c = client;
    const create = () => client.request('thread/create', { projectId: project.id, title: 'Nope' }).catch(wire);

    localSettings(repo, JSON.stringify({ worktreeRoot: 'worktrees' }));
    expect(await create()).toMatchObject({
      code: 'worktree_root_inside_repository',
      message: `worktreeRoot “worktrees” in .grove/settings.json is ${join(repo, 'worktrees')}, inside the repository ${repo}: its worktrees would show up there as untracked files. Choose a folder outside it, such as ../repo.worktrees.`,
    });
    localSettings(repo, JSON.stringify({ worktreeRoot: '.' }));
    expect(await create()).toMatchObject({ code: 'worktree_root_inside_repository' });
    localSettings(repo, JSON.stringify({ worktreeRoot: '../looks-outside/wt' }));
    expect(await create()).toMatchObject({ code: 'worktree_root_inside_repository' });

    expect(existsSync(join(repo, 'worktrees'))).toBe(false);
    expect(readdirSync(join(repo, 'inner'))).toEqual([]);
    expect(git(repo, 'branch', '--list', 'grove/*').trim()).toBe('');
    expect((await client.initialize()).state.threads).toEqual([]);
  });

  test('a worktreeRoot Grove cannot make, or settings that do not parse, are refused with what to do', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    writeFileSync(join(dir.path, 'a file'), 'not a folder\n');
    const { host, client, project } = await serve(dir.path, repo);
    await using _h = host;
    await using _c = client;
    const create = () => client.request('thread/create', { projectId: project.id, title: 'Nope' }).catch(wire);

    localSettings(repo, JSON.stringify({ worktreeRoot: '../a file/worktrees' }));
    expect(await create()).toMatchObject({
      code: 'worktree_root_not_writable',
      message: `Grove cannot make worktrees in ${join(dir.path, 'a file', 'worktrees')} (worktreeRoot “../a file/worktrees” in .grove/settings.json): a file is in the way where a folder should be. Choose a folder you can write in, or fix that one.`,
    });
    localSettings(repo, '{ "worktreeRoot": ');
    expect(await create()).toMatchObject({
      code: 'settings_invalid',
      message: expect.stringContaining(`${join(repo, '.grove', 'settings.json')} is not valid (`),
    });
    localSettings(repo, JSON.stringify({ worktreeRoot: 42 }));
    expect(await create()).toMatchObject({
      code: 'settings_invalid',
      message: expect.stringMatching(/\(worktreeRoot: .*\), so Grove cannot tell where this project's worktrees go/),
    });
    expect(git(repo, 'branch', '--list', 'grove/*').trim()).toBe('');
    expect((await client.initialize()).state.threads).toEqual([]);
  });
});
