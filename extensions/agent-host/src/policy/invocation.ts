import type { CommandPaths } from './command-paths.ts';
import type { Findings } from './decision.ts';
import type { ShellWord } from './shell-word.ts';

/** One command about to run, after wrappers and assignments are peeled off. */
export interface Invocation {
  /** The command's name; a system path such as /usr/bin/git is reduced to `git`. */
  readonly name: string;
  readonly args: readonly ShellWord[];
  /** The command as written, quoted in reasons. */
  readonly snippet: string;
  /** True under xargs and find -exec: more operands arrive at run time. */
  readonly moreOperands: boolean;
}

/** Settings a project may change. */
export interface CommandPolicyOptions {
  /** package.json scripts that `npm test`, `npm run <name>`, `yarn <name>` and `pnpm <name>` may run without asking. */
  readonly projectScripts: readonly string[];
}

/** What the command rules can reach: where findings go, the path checker, and the way back into the walker. */
export interface RuleHost {
  readonly findings: Findings;
  readonly paths: CommandPaths;
  readonly options: CommandPolicyOptions;
  /** The thread's worktree (real path), for tools that must be installed in it. */
  readonly worktree: string;
  /** Checks a script passed as a string (`bash -c '…'`, `eval …`). */
  script(text: string, snippet: string): void;
  /** Checks the command a wrapper (`sudo`, `env`, `xargs`, `timeout`, …) runs. */
  invoke(words: readonly ShellWord[], snippet: string, moreOperands: boolean): void;
}

/** `"snippet": reason`, the shape of every reason about a command. */
export function about(snippet: string, reason: string): string {
  return `${quoteSnippet(snippet)}: ${reason}`;
}

/** Long commands are cut in reasons; the inbox shows the whole command anyway. */
const SNIPPET_LENGTH = 80;

function quoteSnippet(snippet: string): string {
  const flat = snippet.replace(/\s+/g, ' ').trim();
  return `\`${flat.length > SNIPPET_LENGTH ? `${flat.slice(0, SNIPPET_LENGTH - 1)}…` : flat}\``;
}
