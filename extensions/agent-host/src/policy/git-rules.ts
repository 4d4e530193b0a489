import { about, type Invocation, type RuleHost } from './invocation.ts';
import type { ShellWord } from './shell-word.ts';

/** Global options that change nothing about what git touches. */
const HARMLESS_GLOBAL_OPTIONS = new Set([
  '--no-pager',
  '--no-optional-locks',
  '--literal-pathspecs',
  '--glob-pathspecs',
  '--noglob-pathspecs',
  '--icase-pathspecs',
  '--no-replace-objects',
  '--no-advice',
  '-P',
]);

/** Subcommands that only read the repository. */
const READ_ONLY = new Set([
  'status',
  'diff',
  'log',
  'show',
  'whatchanged',
  'shortlog',
  'blame',
  'annotate',
  'grep',
  'describe',
  'rev-parse',
  'rev-list',
  'ls-files',
  'ls-tree',
  'cat-file',
  'merge-base',
  'name-rev',
  'for-each-ref',
  'show-ref',
  'show-branch',
  'count-objects',
  'cherry',
  'range-diff',
  'diff-tree',
  'diff-index',
  'diff-files',
  'check-ignore',
  'check-attr',
  'check-ref-format',
  'var',
  'version',
]);

/**
 * Options that make a reading subcommand write a file (`--output`), run a program
 * (`--ext-diff`, `--open-files-in-pager`, anything `--exec…`), or read names from a file
 * whose lines could come back in error messages. Prefixes: git accepts abbreviated long
 * options.
 */
const UNSAFE_OPTION_PREFIXES = [
  '--output',
  '--ext-diff',
  '--exec',
  '--open-files-in-pager',
  '--upload-pack',
  '--receive-pack',
  '--pathspec-from-file',
];
const UNSAFE_SHORT_OPTIONS = new Set(['-O']);

/** What the subcommands that always ask do, in a person's words. */
const MUTATIONS: Readonly<Record<string, string>> = {
  commit: 'records a commit; every commit is approved by a person',
  push: 'changes the remote repository',
  reset: 'moves the branch and can discard work',
  checkout: 'can overwrite files and discard changes',
  switch: 'changes the checked-out branch and can discard changes',
  restore: 'overwrites files in the worktree or index',
  clean: 'deletes untracked files',
  rebase: 'rewrites history',
  merge: 'changes the branch',
  'cherry-pick': 'changes the branch',
  revert: 'records a commit',
  am: 'records commits',
  apply: 'changes files',
  stash: 'changes the stash or the worktree',
  branch: 'creates, renames or deletes a branch',
  tag: 'creates or deletes a tag',
  fetch: 'contacts a remote and changes refs',
  pull: 'contacts a remote and changes the branch',
  clone: 'downloads a repository',
  config: 'changes git configuration, which can run code later (hooks, aliases)',
  gc: 'can delete unreachable objects',
  prune: 'deletes unreachable objects',
  reflog: 'can expire or delete reflog entries',
  'update-ref': 'changes refs directly',
  'filter-branch': 'rewrites history',
  worktree: 'adds, removes or prunes worktrees',
  submodule: 'changes submodules or runs commands in them',
  difftool: 'runs an external tool',
  mergetool: 'runs an external tool',
  add: 'changes the index',
  rm: 'deletes files',
  mv: 'moves files',
  remote: 'changes remotes',
  notes: 'changes notes',
  init: 'creates a repository',
};

/**
 * git: reading subcommands are allowed with their writing and program-running options
 * refused; `branch`, `tag`, `stash`, `remote`, `config`, `worktree`, `reflog`, `notes` only in
 * their listing forms; every commit, push and history or worktree change asks. Global
 * options that point git elsewhere or configure it (`-c`, `--git-dir`, `--work-tree`,
 * `--exec-path`) ask, as `-c alias.x='!cmd'` runs anything.
 */
export function checkGit(host: RuleHost, invocation: Invocation): void {
  const say = (reason: string) => host.findings.ask(about(invocation.snippet, reason));
  const args = invocation.args;
  let i = 0;
  for (; i < args.length; i++) {
    const word = args[i] as ShellWord;
    const value = word.value;
    if (value === undefined) return void say(`${word.text} is only known at run time`);
    if (!value.startsWith('-')) break;
    if (value === '--version' || value === '--help' || value === '-h') return;
    if (HARMLESS_GLOBAL_OPTIONS.has(value)) continue;
    if (value === '-C') {
      const folder = args[i + 1];
      if (folder === undefined || !host.paths.isInWorktree(folder))
        return void say(`-C ${folder?.text ?? ''} points git outside the worktree`);
      i++;
      continue;
    }
    return void say(`the git option ${value.split('=')[0]} changes which repository or configuration git uses`);
  }
  const sub = args[i]?.value;
  const rest = args.slice(i + 1);
  if (sub === undefined) return;
  if (sub === 'help') return;
  if (rest.length === 1 && (rest[0]?.value === '--help' || rest[0]?.value === '-h')) return;

  const values = rest.map((word) => word.value);
  const isListing = values.every((value) => value !== undefined) && listsOnly(sub, values as string[]);
  if (!READ_ONLY.has(sub) && !isListing) return void say(`git ${sub} ${MUTATIONS[sub] ?? 'is not a read-only git command'}`);
  checkReadArguments(host, invocation, rest);
}

/** The listing forms of subcommands that otherwise change things. */
function listsOnly(sub: string, args: readonly string[]): boolean {
  const options = args.filter((arg) => arg.startsWith('-'));
  const operands = args.filter((arg) => !arg.startsWith('-'));
  switch (sub) {
    case 'branch': {
      const listing = new Set(['-a', '--all', '-r', '--remotes', '-v', '-vv', '--verbose', '--list', '-l', '--show-current']);
      const withValue = [
        '--contains',
        '--no-contains',
        '--merged',
        '--no-merged',
        '--points-at',
        '--sort',
        '--format',
        '--color',
      ];
      const known = options.every((option) => listing.has(option) || withValue.some((name) => option.startsWith(name)));
      const patterns = options.includes('--list') || options.includes('-l');
      return known && (operands.length === 0 || patterns || options.some((option) => withValue.includes(option)));
    }
    case 'tag': {
      const listing = new Set(['-l', '--list', '-n']);
      const withValue = ['--contains', '--no-contains', '--merged', '--no-merged', '--points-at', '--sort', '--format', '-n'];
      const known = options.every((option) => listing.has(option) || withValue.some((name) => option.startsWith(name)));
      const patterns = options.includes('--list') || options.includes('-l');
      return known && (operands.length === 0 || patterns);
    }
    case 'stash':
      return args[0] === 'list' || args[0] === 'show';
    case 'remote':
      return args.length === 0 || (args.length === 1 && (args[0] === '-v' || args[0] === '--verbose')) || args[0] === 'get-url';
    case 'config': {
      const reading = ['--get', '--get-all', '--get-regexp', '--list', '-l', 'get', 'list'];
      const scopes = [
        '--local',
        '--global',
        '--system',
        '--worktree',
        '--show-origin',
        '--show-scope',
        '--null',
        '-z',
        '--name-only',
      ];
      const first = args.find((arg) => !scopes.includes(arg));
      return (
        first !== undefined &&
        reading.includes(first) &&
        args.every((arg) => !/^--?(add|unset|replace|rename|remove|edit|e$|file|f$|blob)/.test(arg))
      );
    }
    case 'worktree':
      return args[0] === 'list';
    case 'reflog':
      return args[0] === undefined || args[0] === 'show' || args[0].startsWith('-');
    case 'submodule':
      return args[0] === 'status';
    case 'notes':
      return args[0] === 'list' || args[0] === 'show';
    default:
      return false;
  }
}

/**
 * The arguments of a reading subcommand: no option that writes or runs a program, and no
 * path, also in `rev:path` form, that the secrets list covers (`git show HEAD:.env` prints a
 * committed secret). `diff --no-index` reads any two files, so they are checked as paths.
 */
function checkReadArguments(host: RuleHost, invocation: Invocation, args: readonly ShellWord[]): void {
  const say = (reason: string) => host.findings.ask(about(invocation.snippet, reason));
  const noIndex = args.some((word) => word.value === '--no-index');
  for (const word of args) {
    const value = word.value;
    if (value === undefined) {
      say(`${word.text} is only known at run time`);
      continue;
    }
    if (value.startsWith('--')) {
      const name = value.split('=')[0] as string;
      if (UNSAFE_OPTION_PREFIXES.some((prefix) => prefix.startsWith(name) || name.startsWith(prefix)) && name.length > 3)
        say(`${name} makes git write a file or run a program`);
      continue;
    }
    if (value.startsWith('-')) {
      if (UNSAFE_SHORT_OPTIONS.has(value.slice(0, 2))) say(`${value.slice(0, 2)} makes git run a program`);
      continue;
    }
    if (noIndex) {
      host.paths.checkRead(word, invocation.snippet, host.findings);
      continue;
    }
    const colon = value.indexOf(':');
    const path = colon === -1 ? value : value.slice(colon + 1);
    if (path !== '') host.paths.checkSecretName(path, invocation.snippet, host.findings);
  }
}
