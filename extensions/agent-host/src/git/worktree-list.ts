import { git } from './git.ts';

/** One entry of `git worktree list --porcelain`. */
export interface WorktreeEntry {
  /** Absolute path as git records it (git stores the real path, symlinks resolved). */
  readonly path: string;
  /** The commit checked out; all zeros in a repository without commits. */
  readonly head: string;
  /** The branch checked out, without `refs/heads/`; null for a detached HEAD (or a bare entry). */
  readonly branch: string | null;
  /** The first entry: the main checkout (or the bare repository). */
  readonly isMain: boolean;
  readonly isBare: boolean;
  /** Why it is locked (`git worktree lock --reason`; empty when none was given), or null. */
  readonly locked: string | null;
  /** Why git would prune it (its folder is gone), or null. */
  readonly prunable: string | null;
}

/**
 * Every worktree git knows for `repo`, main checkout first. Read with `-z` (NUL-terminated
 * lines), so a path holding a newline still parses; spaces and non-ASCII come verbatim.
 */
export async function listWorktrees(repo: string): Promise<WorktreeEntry[]> {
  const out = await git(repo, ['worktree', 'list', '--porcelain', '-z']);
  return parseWorktreeList(out);
}

/** Parses `git worktree list --porcelain -z`: records of `key value` lines, each record ended by an empty line. */
export function parseWorktreeList(out: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  let fields = new Map<string, string>();
  const flush = () => {
    const path = fields.get('worktree');
    if (path !== undefined) {
      const branch = fields.get('branch');
      entries.push({
        path,
        head: fields.get('HEAD') ?? '',
        branch: branch === undefined ? null : branch.replace(/^refs\/heads\//, ''),
        isMain: entries.length === 0,
        isBare: fields.has('bare'),
        locked: fields.get('locked') ?? null,
        prunable: fields.get('prunable') ?? null,
      });
    }
    fields = new Map();
  };
  for (const line of out.split('\0')) {
    if (line === '') {
      flush();
      continue;
    }
    const space = line.indexOf(' ');
    fields.set(space === -1 ? line : line.slice(0, space), space === -1 ? '' : line.slice(space + 1));
  }
  flush();
  return entries;
}
