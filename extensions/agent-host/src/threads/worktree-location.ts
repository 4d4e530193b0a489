import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { errnoCode, HostError } from '../host/host-error.ts';
import type { Project } from '../protocol/index.ts';
import { readWorktreeRoot } from './project-settings.ts';
import { isInside, realPathOf } from './real-path.ts';
import { slugify } from './slug.ts';

/**
 * The folder a project's next thread worktree goes in, created if need be. By default it is
 * `<data>/worktrees/<project-slug>-<id>/`. A project can choose its own with `worktreeRoot`
 * in its main checkout's `.grove/settings.json`; its threads then go straight in it
 * (`<root>/<thread-slug>`). Read and checked at every creation, so a change applies to the
 * next thread; existing threads keep the path in their record.
 */
export async function worktreeFolder(project: Project, dataWorktrees: string): Promise<string> {
  const configured = await readWorktreeRoot(project.path);
  if (configured === null) return join(dataWorktrees, `${slugify(project.name)}-${project.id.slice(2, 8)}`);
  return checkWorktreeRoot(project.path, configured);
}

/**
 * Resolves a `worktreeRoot` (absolute, `~/…`, or relative to the main checkout) to a real
 * path, and proves it usable: outside the repository's working tree, where worktrees would
 * show up as untracked files (Grove refuses rather than rely on an ignore rule), and a
 * folder Grove can create and write in.
 */
export async function checkWorktreeRoot(mainCheckout: string, configured: string): Promise<string> {
  const expanded = configured === '~' || configured.startsWith('~/') ? join(homedir(), configured.slice(1)) : configured;
  const wanted = resolve(mainCheckout, expanded);
  const [root, repo] = await Promise.all([realPathOf(wanted), realPathOf(mainCheckout)]);
  if (isInside(repo, root)) {
    throw new HostError(
      'worktree_root_inside_repository',
      `worktreeRoot “${configured}” in .grove/settings.json is ${wanted}, inside the repository ${mainCheckout}: its worktrees would show up there as untracked files. Choose a folder outside it, such as ../${basename(mainCheckout)}.worktrees.`,
      { worktreeRoot: configured, path: wanted },
    );
  }
  try {
    await mkdir(root, { recursive: true });
    await access(root, constants.W_OK);
  } catch (error) {
    const code = errnoCode(error);
    throw new HostError(
      'worktree_root_not_writable',
      `Grove cannot make worktrees in ${wanted} (worktreeRoot “${configured}” in .grove/settings.json): ${reasonOf(code)}. Choose a folder you can write in, or fix that one.`,
      { worktreeRoot: configured, path: wanted, errno: code ?? null },
    );
  }
  return root;
}

function reasonOf(code: string | undefined): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EEXIST':
    case 'ENOTDIR':
      return 'a file is in the way where a folder should be';
    case 'EROFS':
      return 'the disk is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return code ?? 'unknown error';
  }
}
