import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  addWorktree,
  addWorktreeForBranch,
  applySnapshot,
  preflight,
  removeSnapshottedWorktree,
  resolveCommit,
  takeSnapshot,
  verifySnapshot,
} from '../../extensions/agent-host/src/git/worktrees.ts';
import { git, makeRepo } from '../helpers/git-repo.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** Every file under `root` but .git: bytes (base64), mode and symlink target, keyed by path. */
function filesOf(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === '.git') continue;
      const path = join(dir, name);
      const stat = lstatSync(path);
      const key = relative(root, path);
      if (stat.isSymbolicLink()) out[key] = `link -> ${readlinkSync(path)}`;
      else if (stat.isDirectory()) walk(path);
      else out[key] = `${(stat.mode & 0o777).toString(8)} ${readFileSync(path).toString('base64')}`;
    }
  };
  walk(root);
  return out;
}

/** What `git status` and both diffs say: the index and the worktree as git sees them. */
function gitView(worktree: string) {
  return {
    status: git(worktree, 'status', '--porcelain=v2', '--untracked-files=all'),
    staged: git(worktree, 'diff', '--cached', '--binary'),
    unstaged: git(worktree, 'diff', '--binary'),
  };
}

/** A worktree with every kind of state a person leaves behind. */
function messyWorktree(repo: string, worktree: string) {
  writeFileSync(join(repo, 'edited.txt'), 'one\n');
  writeFileSync(join(repo, 'script.sh'), '#!/bin/sh\necho hi\n');
  writeFileSync(join(repo, 'partly.txt'), 'base\n');
  writeFileSync(join(repo, 'deleted.txt'), 'bye\n');
  writeFileSync(join(repo, 'staged-delete.txt'), 'bye\n');
  writeFileSync(join(repo, 'image.bin'), Buffer.from([0, 1, 2, 255, 254, 0, 10, 13]));
  writeFileSync(join(repo, '.gitignore'), 'build/\n');
  symlinkSync('edited.txt', join(repo, 'link'));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'files');
  addWorktreeSync(repo, worktree);

  writeFileSync(join(worktree, 'edited.txt'), 'one\ntwo\n'); // unstaged change
  chmodSync(join(worktree, 'script.sh'), 0o755); // mode change
  writeFileSync(join(worktree, 'partly.txt'), 'base\nstaged\n');
  git(worktree, 'add', 'partly.txt');
  writeFileSync(join(worktree, 'partly.txt'), 'base\nstaged\nand not\n'); // staged and unstaged
  rmSync(join(worktree, 'deleted.txt')); // unstaged deletion
  git(worktree, 'rm', '-q', 'staged-delete.txt'); // staged deletion
  writeFileSync(join(worktree, 'new-staged.txt'), 'new\n');
  git(worktree, 'add', 'new-staged.txt');
  mkdirSync(join(worktree, 'notes/deep'), { recursive: true });
  writeFileSync(join(worktree, 'notes/deep/untracked é.md'), 'idea\n');
  writeFileSync(join(worktree, 'notes/blob.bin'), Buffer.from([255, 0, 255, 0]));
  writeFileSync(join(worktree, 'image.bin'), Buffer.from([9, 9, 0, 9]));
  mkdirSync(join(worktree, 'build'));
  writeFileSync(join(worktree, 'build/out.js'), 'generated\n'); // ignored: not kept
}

function addWorktreeSync(repo: string, worktree: string) {
  git(repo, 'worktree', 'add', '-q', '-b', 'grove/task', worktree, 'HEAD');
}

describe('worktree snapshots', () => {
  test('archive then restore gives back every file, mode, link, deletion and the staged state exactly', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    const worktree = join(dir.path, 'wt with space');
    messyWorktree(repo, worktree);
    const files = filesOf(worktree);
    const view = gitView(worktree);
    delete files['build/out.js'];

    const snapshot = await takeSnapshot(worktree, 'grove: archive');
    await verifySnapshot(worktree, snapshot);
    git(repo, 'update-ref', 'refs/grove/snapshots/t1/1', snapshot.commit);
    await removeSnapshottedWorktree(repo, worktree);
    expect(existsSync(worktree)).toBe(false);
    expect(git(repo, 'branch', '--list', 'grove/task').trim()).toBe('grove/task');

    // Objects must survive gc: the ref holds them.
    git(repo, 'gc', '--quiet', '--prune=now');
    await addWorktreeForBranch(repo, worktree, 'grove/task');
    await applySnapshot(worktree, snapshot);

    expect(filesOf(worktree)).toEqual(files);
    expect(gitView(worktree)).toEqual(view);
    expect(git(repo, 'fsck', '--no-progress').trim()).toBe('');
  });

  test('taking a snapshot changes nothing in the worktree', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    const worktree = join(dir.path, 'wt');
    messyWorktree(repo, worktree);
    const before = { files: filesOf(worktree), view: gitView(worktree) };
    await takeSnapshot(worktree, 'grove: archive');
    expect({ files: filesOf(worktree), view: gitView(worktree) }).toEqual(before);
  });

  test('verification catches a file that changed after the snapshot', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    const worktree = join(dir.path, 'wt');
    messyWorktree(repo, worktree);
    const snapshot = await takeSnapshot(worktree, 'grove: archive');
    writeFileSync(join(worktree, 'late.txt'), 'written after\n');
    await expect(verifySnapshot(worktree, snapshot)).rejects.toThrow(/does not match the files on disk \(late\.txt\)/);
    writeFileSync(join(worktree, 'edited.txt'), 'changed again\n');
    rmSync(join(worktree, 'late.txt'));
    await expect(verifySnapshot(worktree, snapshot)).rejects.toThrow(/edited\.txt/);
  });

  test('preflight counts what is at stake', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    const worktree = join(dir.path, 'wt');
    messyWorktree(repo, worktree);
    const base = (await resolveCommit(repo, 'main')) as string;
    git(worktree, 'commit', '-q', '-m', 'one commit on the branch', '--', 'new-staged.txt');
    expect(await preflight(worktree, base)).toEqual({
      // partly.txt and staged-delete.txt staged; edited, script (mode), partly, deleted, image.bin on disk
      staged: 2,
      unstaged: 5,
      untracked: 2,
      ignored: 1,
      unmerged: 1,
      unpushed: null,
      conflicted: 0,
    });
  });

  test('a new worktree branches from the base commit', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'), { commits: 2 });
    const base = (await resolveCommit(repo, 'HEAD~1')) as string;
    await addWorktree(repo, join(dir.path, 'wt'), 'grove/x', base);
    expect(git(join(dir.path, 'wt'), 'rev-parse', 'HEAD').trim()).toBe(base);
    expect(await resolveCommit(repo, 'no-such-ref')).toBeNull();
  });
});
