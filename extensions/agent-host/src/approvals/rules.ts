import type { PolicyDecision } from '../policy/decision.ts';
import { type Approval, plainCommandWords, type Rule } from '../protocol/index.ts';

/** How a rule asks whether a path argument is one the policy lets through untouched. */
export type PathCheck = (path: string) => PolicyDecision;

/** Programs a rule never allows, whatever follows: they delete, overwrite, escalate, or run other commands. */
const NEVER = new Set([
  'rm',
  'rmdir',
  'unlink',
  'shred',
  'truncate',
  'dd',
  'mv',
  'cp',
  'ln',
  'chmod',
  'chown',
  'chgrp',
  'install',
  'mkfs',
  'mount',
  'umount',
  'kill',
  'pkill',
  'killall',
  'reboot',
  'shutdown',
  'sudo',
  'su',
  'doas',
  'env',
  'xargs',
  'eval',
  'exec',
  'command',
  'builtin',
  'nohup',
  'timeout',
  'nice',
  'time',
  'sh',
  'bash',
  'zsh',
  'dash',
  'ksh',
  'fish',
  'python',
  'python3',
  'node',
  'perl',
  'ruby',
  'php',
  'deno',
  'bun',
  'find',
  'sed',
  'awk',
  'tee',
  'curl',
  'wget',
  'scp',
  'rsync',
  'ssh',
  'crontab',
  'docker',
  'kubectl',
]);

/** git subcommands a rule never allows: every one that writes history, refs, the index or files, or talks to a remote. */
const GIT_NEVER = new Set([
  'commit',
  'push',
  'pull',
  'fetch',
  'merge',
  'rebase',
  'reset',
  'revert',
  'cherry-pick',
  'checkout',
  'switch',
  'restore',
  'clean',
  'rm',
  'mv',
  'branch',
  'tag',
  'update-ref',
  'symbolic-ref',
  'reflog',
  'gc',
  'prune',
  'stash',
  'worktree',
  'config',
  'remote',
  'submodule',
  'filter-branch',
  'replace',
  'notes',
  'am',
  'apply',
  'init',
  'clone',
  'add',
  'commit-tree',
  'hash-object',
  'mktree',
  'read-tree',
  'write-tree',
  'update-index',
  '-c',
  '-C',
]);

/** Why `words` (a rule's prefix, or a command a rule would allow) may not be let through by a rule, if it may not. */
function forbidden(words: readonly string[], checkPath: PathCheck): string | undefined {
  const program = (words[0] ?? '').split('/').at(-1) ?? '';
  if (NEVER.has(program)) return `“${program}” can delete, overwrite or run anything, so it always asks`;
  if (program === 'git') {
    const sub = words.slice(1).find((w) => !w.startsWith('--'));
    if (sub === undefined || GIT_NEVER.has(sub))
      return `“git ${sub ?? ''}” changes the repository or talks to a remote, so it always asks`;
  }
  for (const word of words.slice(1)) {
    const value = word.includes('=') ? word.slice(word.indexOf('=') + 1) : word;
    if (!/[/~]|^\./.test(value)) continue;
    const decision = checkPath(value);
    if (decision.decision !== 'allow')
      return `“${value}” is a path the policy does not let through (${decision.reasons.join('; ')})`;
  }
  return undefined;
}

/**
 * Why a person may not make this rule from a request of this kind for `command` (as
 * approved, after any edit), or undefined if they may. A rule is only ever a prefix of that
 * plain command, and never for anything
 * destructive, a commit or push, or a deny-listed path.
 */
export function ruleRefusal(
  prefix: readonly string[],
  kind: Approval['kind'],
  command: string,
  checkPath: PathCheck,
): string | undefined {
  if (kind !== 'command') return 'A commit always waits for a person; there is no rule for it.';
  const words = plainCommandWords(command);
  if (words === undefined) {
    return 'Only a plain command (words without quotes, variables, pipes or redirections) can be always allowed.';
  }
  if (prefix.length > words.length || prefix.some((w, i) => w !== words[i])) {
    return `“${prefix.join(' ')}” is not how this command starts, so it cannot be the rule's prefix.`;
  }
  const why = forbidden(prefix, checkPath) ?? forbidden(words, checkPath);
  return why === undefined ? undefined : `No rule can allow this: ${why}.`;
}

/** The rule that lets `command` run without asking, if one does: its words start with the rule's, and nothing in them is forbidden. */
export function matchingRule(rules: readonly Rule[], command: string, checkPath: PathCheck): Rule | undefined {
  const words = plainCommandWords(command);
  if (words === undefined || forbidden(words, checkPath) !== undefined) return undefined;
  return rules.find((rule) => rule.prefix.length <= words.length && rule.prefix.every((w, i) => w === words[i]));
}
