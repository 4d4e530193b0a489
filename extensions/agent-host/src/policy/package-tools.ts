import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { about, type Invocation, type RuleHost } from './invocation.ts';
import type { ShellWord } from './shell-word.ts';

/** Arguments passed through to a project script that make it write: fix, format, update snapshots. */
const WRITING_ARGUMENT =
  /^(--fix|--fix-type|--write|-w|-u|--update|--updateSnapshot|--update-snapshots|--apply|--apply-unsafe|--unsafe)(=|$)/;

/** Package-manager commands (not scripts) that install, publish or run downloaded code. */
const PACKAGE_CHANGES =
  /^(install|i|add|remove|rm|uninstall|update|up|upgrade|publish|unpublish|dlx|exec|x|link|unlink|ci|dedupe|prune|rebuild|npm|pack|version|init|create)$/;

/** npm commands that only print. */
const NPM_READING = new Set([
  'ls',
  'list',
  'll',
  'la',
  'view',
  'info',
  'show',
  'outdated',
  'why',
  'explain',
  'prefix',
  'root',
  'help',
]);

/**
 * Local tools `npx` may run, each with its own check. They must be installed in the
 * worktree: a missing one would be downloaded and run (`npx tsc` fetches a package named
 * tsc that is not TypeScript).
 */
const NPX_TOOLS: Readonly<Record<string, (args: readonly string[]) => string | undefined>> = {
  tsc: (args) => {
    if (args.some((arg) => /^(--build|-b|--watch|-w|--init|--generateTrace|--generateCpuProfile)$/.test(arg)))
      return 'this tsc mode writes files or never ends';
    return args.includes('--noEmit') || args.includes('--version') || args.includes('-v')
      ? undefined
      : 'tsc without --noEmit writes its output';
  },
  eslint: (args) =>
    args.some((arg) => /^(--fix|--fix-dry-run|-o|--output-file|--cache|--init)(=|$)/.test(arg))
      ? 'this eslint option writes files'
      : undefined,
  prettier: (args) =>
    args.some((arg) => /^(--check|-c|--list-different|-l)$/.test(arg)) && !args.some((arg) => /^(--write|-w|--cache)/.test(arg))
      ? undefined
      : 'prettier without --check writes files',
  biome: (args) =>
    ['check', 'lint', 'format', 'ci'].includes(args[0] ?? '') && !args.some((arg) => WRITING_ARGUMENT.test(arg))
      ? undefined
      : 'this biome command writes files',
  vitest: (args) =>
    args[0] === 'run' && !args.some((arg) => WRITING_ARGUMENT.test(arg))
      ? undefined
      : 'vitest without `run` watches forever, or it updates snapshots',
};

/**
 * npm, yarn and pnpm may run the project's own check scripts (by default test, lint and
 * typecheck), which the project chose and the sandbox confines; installs, publishing,
 * `exec` and every other script ask. A script's `--fix`, `--write` or `-u` asks.
 */
export function checkPackageManager(host: RuleHost, invocation: Invocation): void {
  const say = (reason: string) => host.findings.ask(about(invocation.snippet, reason));
  const values = literalValues(invocation.args);
  if (values === undefined) return void say('an argument is only known at run time');
  const words = values.filter((value) => !/^(--silent|-s|--quiet|-q)$/.test(value));
  const [verb, ...rest] = words;
  const name = invocation.name;

  if (verb === undefined) return void say(`${name} without a command`);
  if (name === 'npm' && NPM_READING.has(verb)) return;
  if (verb === '--version' || verb === '-v' || verb === '--help') return;

  if (PACKAGE_CHANGES.test(verb)) return void say(`${name} ${verb} changes packages, the registry or runs code`);
  let script: string | undefined;
  let passed: readonly string[] = [];
  if (verb === 'test' || verb === 't') {
    script = 'test';
    passed = rest;
  } else if (verb === 'run' || verb === 'run-script') {
    [script, ...passed] = rest;
  } else if (name !== 'npm') {
    script = verb;
    passed = rest;
  }
  if (script === undefined) return void say(`${name} ${verb} changes packages, the registry or runs code`);
  if (!host.options.projectScripts.includes(script))
    return void say(
      `${name} ${verb === script ? '' : `${verb} `}${script} runs a script that is not on the project's list of check scripts`,
    );
  const writing = passed.find((arg) => WRITING_ARGUMENT.test(arg));
  if (writing !== undefined) say(`${writing} makes the ${script} script change files`);
}

/** npx: only local, read-only uses of the tools listed above. */
export function checkNpx(host: RuleHost, invocation: Invocation): void {
  const say = (reason: string) => host.findings.ask(about(invocation.snippet, reason));
  const values = literalValues(invocation.args);
  if (values === undefined) return void say('an argument is only known at run time');
  const words = values.filter((value) => value !== '--no-install' && value !== '--offline' && value !== '--no');
  const [tool, ...rest] = words;
  if (tool === undefined || tool.startsWith('-'))
    return void say('npx options that download or pick packages are not allowed without asking');
  const check = NPX_TOOLS[tool];
  if (check === undefined) return void say(`npx ${tool} downloads or runs a package that is not on the read-only list`);
  if (!existsSync(join(host.worktree, 'node_modules', '.bin', tool)))
    return void say(`${tool} is not installed in the worktree, so npx would download it`);
  const problem = check(rest);
  if (problem !== undefined) say(problem);
}

function literalValues(args: readonly ShellWord[]): string[] | undefined {
  const values = args.map((word) => word.value);
  return values.every((value): value is string => value !== undefined) ? values : undefined;
}
