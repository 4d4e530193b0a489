import { isSecretEnvName } from './secret-names.ts';

/**
 * What a tool process inherits from the host's environment: enough to find programs, the
 * home folder, the user, the locale and the terminal, nothing else. The host's environment
 * holds the user's API keys, cloud credentials and agent sockets; an allowlist is the only
 * way to be sure none of them reaches a command an agent wrote.
 */
const INHERITED = new Set(['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'TERM', 'TZ', 'TMPDIR']);

/** Locale categories (LC_ALL, LC_CTYPE, …): inherited like LANG. */
const LOCALE = /^LC_[A-Z]+$/;

/** The thread's own variables, set by Grove (never inherited: the host's would name another thread). */
const THREAD_VARIABLES = new Set(['GROVE_THREAD_ID', 'GROVE_WORKTREE', 'GROVE_BRANCH', 'GROVE_PORT']);

/**
 * Builds the environment of a tool process: the allowlisted variables of `base`, then
 * `extra` (the thread's GROVE_THREAD_ID, GROVE_WORKTREE, GROVE_BRANCH, GROVE_PORT, or an
 * override of an allowlisted one such as TMPDIR).
 *
 * A variable in `extra` outside that list throws rather than being dropped: Grove itself
 * wrote that call, so it is a bug, and a tool that silently lacks a variable would hide it.
 * An inherited variable whose name still looks like a credential (`LC_SECRET_TOKEN`) is
 * dropped without a word: the user's shell set it, not Grove.
 */
export function toolEnvironment(
  base: Readonly<NodeJS.ProcessEnv> = process.env,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined || !isInherited(name) || isSecretEnvName(name)) continue;
    env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) {
    if (THREAD_VARIABLES.has(name)) {
      env[name] = value;
      continue;
    }
    if (name.startsWith('GROVE_')) {
      throw new Error(
        `Grove tried to give a tool process the variable ${name}. Of Grove's own variables tool processes get only ${[...THREAD_VARIABLES].join(', ')}: the others are the host's (its token among them).`,
      );
    }
    if (isSecretEnvName(name)) {
      throw new Error(
        `Grove tried to give a tool process the variable ${name}, which looks like a credential. Tool processes never get credentials; remove it from the caller.`,
      );
    }
    if (!isInherited(name)) {
      throw new Error(
        `Grove tried to give a tool process the variable ${name}, which is not on its allowlist (${[...INHERITED, 'LC_*', ...THREAD_VARIABLES].join(', ')}). Add it to the allowlist in sandbox/tool-environment.ts if tools really need it.`,
      );
    }
    env[name] = value;
  }
  return env;
}

function isInherited(name: string): boolean {
  return INHERITED.has(name) || LOCALE.test(name);
}
