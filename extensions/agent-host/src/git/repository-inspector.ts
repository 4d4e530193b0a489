import { GitCommandError, git } from './git.ts';

/** What one folder turned out to be, from git's own answer. */
export type Inspection =
  | { kind: 'repository'; mainCheckout: string; branch: string | null; hasCommits: boolean }
  | { kind: 'bare'; gitDir: string }
  | { kind: 'not_a_repository' }
  | { kind: 'not_trusted'; detail: string }
  | { kind: 'git_missing' };

const NO_COMMIT = /^0{40}$|^0{64}$/;

/**
 * Asks git what `dir` belongs to, in one spawn: `git worktree list --porcelain` names the
 * main checkout first (also from inside `.git` or a linked worktree), marks it `bare`, and
 * shows an all-zero HEAD when the repository has no commits yet.
 */
export async function inspectRepository(dir: string): Promise<Inspection> {
  let out: string;
  try {
    out = await git(dir, ['worktree', 'list', '--porcelain']);
  } catch (error) {
    return classifyFailure(error);
  }
  const main = out.split('\n\n')[0] ?? '';
  const fields = new Map<string, string>();
  for (const line of main.split('\n')) {
    const space = line.indexOf(' ');
    fields.set(space === -1 ? line : line.slice(0, space), space === -1 ? '' : line.slice(space + 1));
  }
  const path = fields.get('worktree');
  if (path === undefined) return { kind: 'not_a_repository' };
  if (fields.has('bare')) return { kind: 'bare', gitDir: path };
  const branch = fields.get('branch');
  return {
    kind: 'repository',
    mainCheckout: path,
    branch: branch === undefined ? null : branch.replace(/^refs\/heads\//, ''),
    hasCommits: !NO_COMMIT.test(fields.get('HEAD') ?? ''),
  };
}

function classifyFailure(error: unknown): Inspection {
  if (!(error instanceof GitCommandError)) throw error;
  const message = error.message;
  if (/ENOENT|spawn git/.test(message) && !/fatal:/.test(message)) return { kind: 'git_missing' };
  if (/dubious ownership/.test(message)) return { kind: 'not_trusted', detail: message.trim() };
  if (/not a git repository/i.test(message)) return { kind: 'not_a_repository' };
  throw error;
}
