import { lstat, readFile, realpath } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/**
 * Where a worktree's git data lives, as the sandbox needs to know it:
 * - `linked`: a `git worktree add` checkout (every Grove thread). `dotGit` is its `.git`
 *   file, `adminDir` the folder it points to, `<common>/worktrees/<name>`, which holds this
 *   checkout's own HEAD and index.
 * - `main`: the main checkout itself; its `.git` folder is the common dir.
 * - `other`: no `.git`, or a `.git` file pointing anywhere but the repository's own
 *   `worktrees/` folder (edited by hand, or by an earlier command). Nothing of it is made
 *   writable then.
 */
export type WorktreeGitDirs =
  | { readonly kind: 'linked'; readonly dotGit: string; readonly adminDir: string }
  | { readonly kind: 'main'; readonly dotGit: string }
  | { readonly kind: 'other' };

/** Reads `<worktree>/.git` and says which kind of checkout `worktree` is. Both paths must already be real paths. */
export async function worktreeGitDirs(worktree: string, commonDir: string): Promise<WorktreeGitDirs> {
  const dotGit = join(worktree, '.git');
  const stat = await lstat(dotGit).catch(() => undefined);
  if (stat === undefined) return { kind: 'other' };
  if (stat.isDirectory()) return (await realpath(dotGit)) === commonDir ? { kind: 'main', dotGit } : { kind: 'other' };
  if (!stat.isFile()) return { kind: 'other' };
  const pointer = /^gitdir: (.+?)\r?\n?$/.exec(await readFile(dotGit, 'utf8'))?.[1];
  if (pointer === undefined) return { kind: 'other' };
  const adminDir = await realpath(resolve(worktree, pointer)).catch(() => undefined);
  if (adminDir === undefined || dirname(adminDir) !== join(commonDir, 'worktrees')) return { kind: 'other' };
  return { kind: 'linked', dotGit, adminDir };
}
