import { GitError, simpleGit } from 'simple-git';

/** The few git variables Grove sets itself; simple-git refuses any it is not told about. */
const GROVE_GIT_ENV = ['GIT_INDEX_FILE', 'GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL'];

/** A git command that exited non-zero: its stderr, for messages and classification. */
export class GitCommandError extends Error {
  readonly args: readonly string[];

  constructor(args: readonly string[], message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GitCommandError';
    this.args = args;
  }
}

/**
 * Runs one git command in `cwd` and returns its stdout. `env` adds Grove's own git
 * variables (a temporary index, the snapshot identity) on top of the ambient environment,
 * on top of a small allowlist of the ambient environment (see PASSED_THROUGH).
 */
export async function git(cwd: string, args: string[], env?: Record<string, string>): Promise<string> {
  const client = simpleGit({
    baseDir: cwd,
    allowEnvironment: GROVE_GIT_ENV,
    timeout: { block: 120_000 },
    // simple-git counts a failure only when git also wrote to stderr; `--quiet` probes
    // (show-ref --verify, rev-parse --verify) fail silently, so every non-zero exit counts.
    errors: (error, result) => error ?? (result.exitCode === 0 ? undefined : new Error(`git exited with ${result.exitCode}`)),
  });
  if (env !== undefined) client.env({ ...gitEnvironment(), ...env });
  try {
    return await client.raw(args);
  } catch (error) {
    const message = error instanceof GitError || error instanceof Error ? error.message.trim() : String(error);
    throw new GitCommandError(args, message, { cause: error });
  }
}

/** Like `git`, but a non-zero exit is an answer (`false`), not an error: for `--verify`, `--quiet` probes. */
export async function gitSucceeds(cwd: string, args: string[]): Promise<boolean> {
  try {
    await git(cwd, args);
    return true;
  } catch (error) {
    if (error instanceof GitCommandError) return false;
    throw error;
  }
}

/**
 * What git needs from the environment to find itself and the user's config. An explicit
 * environment must be small: simple-git refuses ones that carry editors, pagers or
 * ssh commands, and git's plumbing needs none of them.
 */
const PASSED_THROUGH = [
  'PATH',
  'HOME',
  'USER',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TMPDIR',
  'XDG_CONFIG_HOME',
  'SYSTEMROOT',
  'USERPROFILE',
  'APPDATA',
];

function gitEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of PASSED_THROUGH) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}
