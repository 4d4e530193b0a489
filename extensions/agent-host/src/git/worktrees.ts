import { copyFile, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GitCommandError, git, gitSucceeds } from './git.ts';

/** The author of snapshot commits, so archiving works where no git identity is configured. */
const SNAPSHOT_IDENTITY = {
  GIT_AUTHOR_NAME: 'Grove',
  GIT_AUTHOR_EMAIL: 'grove@localhost',
  GIT_COMMITTER_NAME: 'Grove',
  GIT_COMMITTER_EMAIL: 'grove@localhost',
};

/** Everything uncommitted in a worktree, as git objects: the index and the files on disk. */
export interface Snapshot {
  /** The commit under refs/grove/snapshots/…: tree = the files, parents = HEAD and the index commit. */
  readonly commit: string;
  /** HEAD when the snapshot was taken. */
  readonly head: string;
  /** The tree of the index (what was staged). */
  readonly indexTree: string;
  /** The tree of every tracked and untracked, not-ignored file, as it was on disk. */
  readonly workTree: string;
}

/** What archiving a worktree would put at stake, for the person to see first. */
export interface Preflight {
  /** Files with staged changes. */
  readonly staged: number;
  /** Tracked files changed or deleted on disk, not staged. */
  readonly unstaged: number;
  /** Files git does not track and does not ignore: kept in the snapshot. */
  readonly untracked: number;
  /** Ignored files and folders (build output, node_modules, .env…): not kept. */
  readonly ignored: number;
  /** Commits on the branch that the base does not have. */
  readonly unmerged: number;
  /** Commits the upstream does not have; null when the branch has no upstream. */
  readonly unpushed: number | null;
  /** Files with merge conflicts: an archive must wait until they are resolved. */
  readonly conflicted: number;
}

/** The commit a ref names, or null if it names none. */
export async function resolveCommit(repo: string, ref: string): Promise<string | null> {
  try {
    return (await git(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).trim() || null;
  } catch (error) {
    if (error instanceof GitCommandError) return null;
    throw error;
  }
}

export function branchExists(repo: string, branch: string): Promise<boolean> {
  return gitSucceeds(repo, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`]);
}

/** Creates `branch` at `baseCommit` and checks it out in a new worktree at `path`. */
export async function addWorktree(repo: string, path: string, branch: string, baseCommit: string): Promise<void> {
  await git(repo, ['worktree', 'add', '--quiet', '-b', branch, '--', path, baseCommit]);
}

/** Checks out an existing branch in a new worktree at `path`. */
export async function addWorktreeForBranch(repo: string, path: string, branch: string): Promise<void> {
  await git(repo, ['worktree', 'add', '--quiet', '--', path, branch]);
}

/** Checks out `commit` on a detached HEAD in a new worktree at `path` (an adopted worktree that had no branch). */
export async function addDetachedWorktree(repo: string, path: string, commit: string): Promise<void> {
  await git(repo, ['worktree', 'add', '--quiet', '--detach', '--', path, commit]);
}

/**
 * Captures the index and every not-ignored file of `worktree` as commits, touching neither:
 * the files go through a temporary copy of the index (`git add -A` there), as `git stash -u`
 * would, but without changing the worktree.
 */
export async function takeSnapshot(worktree: string, message: string): Promise<Snapshot> {
  const head = (await git(worktree, ['rev-parse', '--verify', 'HEAD'])).trim();
  const indexTree = (await git(worktree, ['write-tree'])).trim();
  const scratch = await mkdtemp(join(tmpdir(), 'grove-index-'));
  try {
    const realIndex = resolve(worktree, (await git(worktree, ['rev-parse', '--git-path', 'index'])).trim());
    const tempIndex = join(scratch, 'index');
    await copyFile(realIndex, tempIndex);
    const env = { GIT_INDEX_FILE: tempIndex, ...SNAPSHOT_IDENTITY };
    await git(worktree, ['add', '--all', '--', ':/'], env);
    const workTree = (await git(worktree, ['write-tree'], env)).trim();
    const indexCommit = (await git(worktree, ['commit-tree', indexTree, '-p', head, '-m', `${message} (staged)`], env)).trim();
    const commit = (await git(worktree, ['commit-tree', workTree, '-p', head, '-p', indexCommit, '-m', message], env)).trim();
    return { commit, head, indexTree, workTree };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Proves a snapshot holds the worktree exactly: the index still writes the same tree, and a
 * fresh index of the snapshot's files matches every file on disk (content and mode) with
 * nothing untracked left over. Throws with what differs.
 */
export async function verifySnapshot(worktree: string, snapshot: Snapshot): Promise<void> {
  const indexTree = (await git(worktree, ['write-tree'])).trim();
  if (indexTree !== snapshot.indexTree) throw new Error('The index changed while the snapshot was taken.');
  const scratch = await mkdtemp(join(tmpdir(), 'grove-verify-'));
  try {
    const env = { GIT_INDEX_FILE: join(scratch, 'index') };
    await git(worktree, ['read-tree', snapshot.workTree], env);
    // A fresh index has no stat data: refresh re-reads every file and records real matches.
    await git(worktree, ['update-index', '-q', '--refresh'], env).catch(() => '');
    const changed = (await git(worktree, ['diff-files', '--name-only', '-z'], env)).split('\0').filter(Boolean);
    const missing = (await git(worktree, ['ls-files', '--others', '--exclude-standard', '-z'], env)).split('\0').filter(Boolean);
    if (changed.length > 0 || missing.length > 0) {
      throw new Error(`The snapshot does not match the files on disk (${[...changed, ...missing].slice(0, 5).join(', ')}).`);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * For an archive whose worktree removal was cut short (a crash during its reset, clean or
 * remove, or during a restore, which leaves a checkout to take away again): a snapshot
 * holding `snapshot` plus whatever the worktree has now that HEAD does not. Grove's own
 * removal only ever turns files back into HEAD's or deletes untracked ones, so a file that
 * differs from HEAD now is either the snapshot's already or was written since (kept, the
 * newer winning), and a file missing now keeps its snapshot version, since Grove may be
 * what deleted it. Returns `snapshot` itself when there is nothing new.
 */
export async function extendSnapshot(worktree: string, snapshot: Snapshot, message: string): Promise<Snapshot> {
  const now = await takeSnapshot(worktree, message);
  if (now.workTree === snapshot.workTree) return snapshot;
  // `--diff-filter=AMT` leaves deletions out: what exists now with content other than HEAD's.
  const raw = await git(worktree, ['diff-tree', '-r', '-z', '--no-renames', '--diff-filter=AMT', now.head, now.workTree]);
  const parts = raw.split('\0');
  const entries: string[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    // ":<old mode> <new mode> <old blob> <new blob> <status>", then the path.
    const [, mode, , blob] = (parts[i] ?? '').split(' ');
    entries.push(`${mode} ${blob}\t${parts[i + 1]}`);
  }
  if (entries.length === 0) return snapshot;
  const scratch = await mkdtemp(join(tmpdir(), 'grove-extend-'));
  try {
    const env = { GIT_INDEX_FILE: join(scratch, 'index'), ...SNAPSHOT_IDENTITY };
    await git(worktree, ['read-tree', snapshot.workTree], env);
    await git(worktree, ['update-index', '-z', '--replace', '--index-info'], env, `${entries.join('\0')}\0`);
    const workTree = (await git(worktree, ['write-tree'], env)).trim();
    if (workTree === snapshot.workTree) return snapshot;
    const indexCommit = (await git(worktree, ['rev-parse', '--verify', `${snapshot.commit}^2`])).trim();
    const commit = (await git(worktree, ['commit-tree', workTree, '-p', now.head, '-p', indexCommit, '-m', message], env)).trim();
    return { commit, head: now.head, indexTree: snapshot.indexTree, workTree };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Bytes a checkout of `commit` writes, roughly: each file rounded up to the 4 KiB block most filesystems store it in. */
export async function checkoutSize(repo: string, commit: string): Promise<number> {
  const BLOCK = 4096;
  let bytes = 0;
  for (const entry of (await git(repo, ['ls-tree', '-r', '-l', '-z', commit])).split('\0')) {
    // "<mode> <type> <object> <padded size>\t<path>"; a submodule's size is "-".
    const size = Number(entry.split('\t')[0]?.trim().split(/\s+/)[3]);
    if (Number.isFinite(size)) bytes += Math.ceil(size / BLOCK) * BLOCK;
  }
  return bytes;
}

/**
 * Whether `path` is the top folder of a worktree of `repo`. Checked before anything resets
 * files: a folder that took a worktree's place, or a plain folder inside another
 * repository (where git would act on that repository), must never be touched.
 */
export async function isWorktreeOf(repo: string, path: string): Promise<boolean> {
  const ask = (cwd: string) =>
    git(cwd, ['rev-parse', '--path-format=absolute', '--git-common-dir', '--show-toplevel']).then(
      (out) => out.replace(/\n$/, '').split('\n'),
      () => null,
    );
  const [ours, theirs] = await Promise.all([ask(repo), ask(path)]);
  if (ours === null || theirs === null || ours[0] !== theirs[0] || theirs[1] === undefined) return false;
  const [top, wanted] = await Promise.all([realpath(theirs[1]), realpath(path)]);
  return top === wanted;
}

/**
 * Removes a worktree whose every not-ignored file is in a verified snapshot: resets it to
 * HEAD and deletes the untracked files so that `git worktree remove` runs without --force.
 * Refuses, changing nothing, when `worktree` is not a worktree of `repo`.
 */
export async function removeSnapshottedWorktree(repo: string, worktree: string): Promise<void> {
  if (!(await isWorktreeOf(repo, worktree))) {
    throw new Error(`${worktree} is not a worktree of ${repo}; nothing there was changed.`);
  }
  await git(worktree, ['reset', '--hard', '--quiet', 'HEAD']);
  await git(worktree, ['clean', '-d', '--force', '--quiet']);
  await git(repo, ['worktree', 'remove', '--', worktree]);
}

/**
 * Re-applies a snapshot in a worktree checked out at its branch: the files on disk become
 * the snapshot's files exactly (added, changed, deleted, modes), then the index becomes the
 * staged state, so `git status` reads as it did.
 */
export async function applySnapshot(worktree: string, snapshot: Snapshot): Promise<void> {
  await git(worktree, ['read-tree', '-u', '--reset', snapshot.workTree]);
  await git(worktree, ['read-tree', snapshot.indexTree]);
  await git(worktree, ['update-index', '-q', '--refresh']).catch(() => '');
}

/** Counts what is at stake in a worktree before it is archived or deleted. */
export async function preflight(worktree: string, baseCommit: string): Promise<Preflight> {
  const status = await git(worktree, ['status', '--porcelain=v1', '-z', '--ignored=matching', '--untracked-files=all']);
  let staged = 0;
  let unstaged = 0;
  let untracked = 0;
  let ignored = 0;
  let conflicted = 0;
  const entries = status.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] ?? '';
    if (entry.length < 3) continue;
    const [x, y] = [entry[0], entry[1]];
    if (x === 'R' || x === 'C') i++; // a rename carries its old path as the next entry
    if (x === '?') untracked++;
    else if (x === '!') ignored++;
    else if (x === 'U' || y === 'U' || (x === 'A' && y === 'A') || (x === 'D' && y === 'D')) conflicted++;
    else {
      if (x !== ' ') staged++;
      if (y !== ' ') unstaged++;
    }
  }
  const unmerged = Number((await git(worktree, ['rev-list', '--count', `${baseCommit}..HEAD`])).trim());
  const hasUpstream = await gitSucceeds(worktree, ['rev-parse', '--verify', '--quiet', '@{upstream}']);
  const unpushed = hasUpstream ? Number((await git(worktree, ['rev-list', '--count', '@{upstream}..HEAD'])).trim()) : null;
  return { staged, unstaged, untracked, ignored, unmerged, unpushed, conflicted };
}
