import { execFile } from 'node:child_process';

/**
 * Variables that tell git which repository to use (`git rev-parse --local-env-vars`): one
 * inherited from the shell Grove was started in would point every command at the wrong
 * repository, so they are dropped unless Grove sets them itself (GIT_INDEX_FILE).
 */
const REPOSITORY_ENV = new Set([
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_CONFIG',
  'GIT_CONFIG_PARAMETERS',
  'GIT_CONFIG_COUNT',
  'GIT_OBJECT_DIRECTORY',
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_IMPLICIT_WORK_TREE',
  'GIT_GRAFT_FILE',
  'GIT_INDEX_FILE',
  'GIT_NO_REPLACE_OBJECTS',
  'GIT_REPLACE_REF_BASE',
  'GIT_PREFIX',
  'GIT_INTERNAL_SUPER_PREFIX',
  'GIT_SHALLOW_FILE',
  'GIT_COMMON_DIR',
]);

/** Output git may print (a status of a huge repository, an ls-files); beyond it the call fails rather than eat memory. */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;
/** No local git command Grove runs takes this long; a hung one (a lock, a filesystem gone away) must not hold a thread forever. */
const TIMEOUT_MS = 120_000;

/** A git command that failed: why, in git's words (its stderr), and the command. */
export class GitCommandError extends Error {
  readonly args: readonly string[];

  constructor(args: readonly string[], message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GitCommandError';
    this.args = args;
  }
}

/**
 * Runs one git command in `cwd` and returns its stdout; any non-zero exit rejects with
 * git's stderr. `env` adds Grove's own git variables (a temporary index, the snapshot
 * identity); `input` is its stdin (empty otherwise). Grove runs git directly: simple-git
 * added ~50 ms to every command that prints nothing (measured: update-ref 62 ms vs 4 ms
 * raw), which every quiet probe, snapshot and background status paid, and it took a silent
 * non-zero exit for success.
 */
export function git(cwd: string, args: string[], env?: Record<string, string>, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      { cwd, env: environment(env), encoding: 'utf8', maxBuffer: MAX_OUTPUT_BYTES, timeout: TIMEOUT_MS, windowsHide: true },
      (error, stdout, stderr) => {
        if (error === null) resolve(stdout);
        else reject(new GitCommandError(args, stderr.trim() || error.message, { cause: error }));
      },
    );
    // `input` feeds commands that read stdin (`update-index --index-info`); git's exit reports any failure.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
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

function environment(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!REPOSITORY_ENV.has(key)) env[key] = value;
  // Never wait for a password on a terminal nobody is looking at.
  env.GIT_TERMINAL_PROMPT = '0';
  return { ...env, ...extra };
}
