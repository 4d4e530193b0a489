import { isAbsolute } from 'node:path';
import { GitCommandError } from '../git/git.ts';
import { listWorktrees, type WorktreeEntry } from '../git/worktree-list.ts';
import { HostError } from '../host/host-error.ts';
import type { AdoptableWorktree, Project, Thread } from '../protocol/index.ts';
import { realPathOf } from './real-path.ts';

/** What adoption needs to know of the threads there are. */
type Owner = Pick<Thread, 'title' | 'status' | 'worktreePath'>;

/**
 * The project's worktrees made outside Grove that can become threads now: not the main
 * checkout, not locked, not missing (prunable), and at no thread's path. An archived
 * thread's path counts too: its archive may be removing that very worktree, and restore
 * goes back there. Sorted by path, so the list reads the same every time (git lists them in
 * the order its folder happens to hold them).
 */
export async function adoptableWorktrees(project: Project, threads: readonly Owner[]): Promise<AdoptableWorktree[]> {
  const owners = await ownersByPath(threads);
  const adoptable: AdoptableWorktree[] = [];
  for (const entry of await worktreesOf(project)) {
    if (entry.isMain || entry.isBare || entry.locked !== null || entry.prunable !== null) continue;
    if (owners.has(await realPathOf(entry.path))) continue;
    adoptable.push({ path: entry.path, branch: entry.branch, head: entry.head });
  }
  return adoptable.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The worktree of `project` at `path` when it can be adopted; otherwise a HostError saying why and what to do. */
export async function adoptableWorktree(project: Project, threads: readonly Owner[], path: string): Promise<WorktreeEntry> {
  if (!isAbsolute(path)) {
    throw new HostError('path_not_absolute', `“${path}” is not a full path. Give the worktree's path, starting with /.`, {
      path,
    });
  }
  const wanted = await realPathOf(path);
  let found: WorktreeEntry | undefined;
  for (const entry of await worktreesOf(project)) {
    if ((await realPathOf(entry.path)) === wanted) found = entry;
  }
  if (found === undefined) {
    throw new HostError(
      'not_a_worktree',
      `${path} is not a worktree of ${project.name}. Run git worktree list in ${project.path} to see the ones it has.`,
      { path },
    );
  }
  if (found.isMain || found.isBare) {
    throw new HostError(
      'worktree_is_main_checkout',
      `${path} is ${project.name}'s main checkout, which Grove never uses as a thread. Create a thread instead: it gets its own worktree.`,
      { path },
    );
  }
  if (found.prunable !== null) {
    throw new HostError(
      'worktree_missing',
      `The folder of the worktree ${path} is gone; git only remembers it (${found.prunable}). Run git worktree prune in ${project.path} to forget it.`,
      { path },
    );
  }
  if (found.locked !== null) {
    throw new HostError(
      'worktree_locked',
      `The worktree ${path} is locked${found.locked ? ` (“${found.locked}”)` : ''}, so Grove could not archive it later. Unlock it with git worktree unlock, then adopt it.`,
      { path, reason: found.locked },
    );
  }
  const owner = (await ownersByPath(threads)).get(wanted);
  if (owner !== undefined) {
    throw new HostError(
      'worktree_is_thread',
      owner.status === 'archived'
        ? `${path} belongs to the archived thread “${owner.title}”. Delete that thread first, or move this worktree elsewhere (git worktree move) and adopt it there.`
        : `${path} is already the worktree of the thread “${owner.title}”.`,
      { path },
    );
  }
  return found;
}

/** git's list of the project's worktrees; a repository git cannot read (moved, deleted) is a person's problem, said plainly. */
async function worktreesOf(project: Project): Promise<WorktreeEntry[]> {
  try {
    return await listWorktrees(project.path);
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    throw new HostError(
      'git_failed',
      `git could not list the worktrees of ${project.name} (${error.message.split('\n')[0]}). Check that ${project.path} is still there.`,
      { path: project.path },
    );
  }
}

async function ownersByPath(threads: readonly Owner[]): Promise<Map<string, Owner>> {
  const owners = new Map<string, Owner>();
  for (const thread of threads) owners.set(await realPathOf(thread.worktreePath), thread);
  return owners;
}
