import { checkFind } from './find-rules.ts';
import { checkGit } from './git-rules.ts';
import { about, type Invocation, type RuleHost } from './invocation.ts';
import { checkNpx, checkPackageManager } from './package-tools.ts';
import { checkReadOnly, READ_ONLY_COMMANDS } from './read-only-commands.ts';
import { isHarmlessVariable } from './variable-names.ts';
import { WRAPPERS } from './wrapper-commands.ts';

/** What well-known commands that always ask do, so the inbox can say it plainly. */
const CHANGES: Readonly<Record<string, string>> = {
  rm: 'deletes files',
  rmdir: 'deletes folders',
  unlink: 'deletes a file',
  shred: 'destroys files',
  mv: 'moves or overwrites files',
  cp: 'copies over files',
  ln: 'creates or replaces links',
  install: 'copies over files',
  rsync: 'copies and can delete files',
  touch: 'creates or changes files',
  mkdir: 'creates folders',
  truncate: 'cuts files short',
  tee: 'writes files',
  dd: 'writes raw data',
  chmod: 'changes permissions',
  chown: 'changes owners',
  chgrp: 'changes groups',
  chattr: 'changes file attributes',
  mkfs: 'formats a disk',
  fdisk: 'changes disk partitions',
  parted: 'changes disk partitions',
  wipefs: 'erases disk signatures',
  kill: 'stops processes',
  pkill: 'stops processes',
  killall: 'stops processes',
  shutdown: 'powers off the machine',
  reboot: 'restarts the machine',
  crontab: 'changes scheduled jobs',
  launchctl: 'changes system services',
  systemctl: 'changes system services',
  curl: 'uses the network and can write files',
  wget: 'uses the network and can write files',
  ssh: 'runs commands on another machine',
  scp: 'copies files across the network',
  docker: 'acts on containers, images and volumes',
  kubectl: 'acts on a cluster',
  terraform: 'acts on infrastructure',
  aws: 'acts on cloud resources',
  gcloud: 'acts on cloud resources',
  gh: 'acts on GitHub and can print tokens',
  make: 'runs the Makefile’s commands',
  cargo: 'runs build scripts',
  pip: 'installs packages, which runs their code',
  pip3: 'installs packages, which runs their code',
  node: 'runs code',
  python: 'runs code',
  python3: 'runs code',
  ruby: 'runs code',
  perl: 'runs code',
  psql: 'acts on a database',
  mysql: 'acts on a database',
  mongosh: 'acts on a database',
  'redis-cli': 'acts on a database',
  printenv: 'prints the environment, where API keys and tokens live',
  source: 'runs a script in this shell',
  '.': 'runs a script in this shell',
  alias: 'redefines commands for the rest of the script',
  unalias: 'redefines commands',
  trap: 'runs code on signals',
};

/**
 * Tools whose `--help` and `--version` only print. A command that is not listed asks even
 * for those, since an unknown program may read them differently.
 */
const PRINTS_HELP = new Set([
  ...Object.keys(CHANGES),
  ...Object.keys(READ_ONLY_COMMANDS),
  'git',
  'npm',
  'npx',
  'yarn',
  'pnpm',
  'find',
  'xargs',
  'env',
  'bash',
  'sh',
  'zsh',
  'go',
  'rustc',
  'deno',
  'bun',
  'java',
  'tsc',
]);

/** Decides one command: wrappers recurse, special tools have their own rules, and the rest must be on the read-only list. */
export function checkInvocation(host: RuleHost, invocation: Invocation): void {
  const { name, args } = invocation;
  const only = args.length === 1 ? args[0]?.value : undefined;
  if ((only === '--help' || only === '--version') && PRINTS_HELP.has(name) && !invocation.moreOperands) return;

  const wrapper = WRAPPERS[name];
  if (wrapper !== undefined) return void wrapper(host, invocation);
  // Words xargs or find -exec add could be options, `--output=file` included; only the
  // read-only table and find know how to judge that for themselves.
  if (invocation.moreOperands && READ_ONLY_COMMANDS[name] === undefined && name !== 'find')
    host.findings.ask(
      about(invocation.snippet, `${name} is given more arguments at run time (xargs, find -exec), and any could be an option`),
    );
  switch (name) {
    case 'git':
      return void checkGit(host, invocation);
    case 'find':
      return void checkFind(host, invocation);
    case 'npm':
    case 'yarn':
    case 'pnpm':
      return void checkPackageManager(host, invocation);
    case 'npx':
      return void checkNpx(host, invocation);
    case 'cd':
    case 'pushd':
      return void changeDirectory(host, invocation);
    case 'popd':
      return void host.paths.forgetDirectory();
    case 'set':
      return void checkSet(host, invocation);
    case 'read':
      return void checkRead(host, invocation);
    case 'exit':
    case 'return':
    case 'shift':
    case 'wait':
      return;
    case 'tee':
      return void checkTee(host, invocation);
  }
  const readOnly = READ_ONLY_COMMANDS[name];
  if (readOnly !== undefined) return void checkReadOnly(host, invocation, readOnly);

  const change = CHANGES[name] ?? (name.startsWith('mkfs.') ? CHANGES.mkfs : undefined);
  host.findings.ask(about(invocation.snippet, change ?? `${name} is not on the list of read-only commands`));
  for (const word of args) {
    const secret = host.paths.mentionedSecret(word);
    if (secret !== undefined) host.findings.ask(about(invocation.snippet, `it names ${secret}, which the secrets list covers`));
  }
}

function changeDirectory(host: RuleHost, invocation: Invocation): void {
  const operands = invocation.args.filter((word) => !/^-[LPe@]+$/.test(word.value ?? ''));
  if (operands.length > 1) return void host.paths.forgetDirectory();
  host.paths.changeDirectory(operands[0]);
}

/** `set -o` options that make a script stricter or louder, nothing else. */
const SET_OPTIONS = new Set(['pipefail', 'errexit', 'nounset', 'xtrace', 'verbose', 'noglob', 'noclobber']);

/** `set -euo pipefail` and `set -- a b` only change options and arguments; a bare `set` prints every variable. */
function checkSet(host: RuleHost, invocation: Invocation): void {
  const values = invocation.args.map((word) => word.value);
  if (values.length === 0)
    return void host.findings.ask(about(invocation.snippet, 'set without arguments prints every variable'));
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === '--') return;
    if (value !== undefined && /^[-+][euxvfCnbhB]*o$/.test(value)) {
      // `-o name` / `-euo name`: only options that make the script stricter or louder.
      if (!SET_OPTIONS.has(values[i + 1] ?? ''))
        return void host.findings.ask(
          about(invocation.snippet, `set ${value} ${values[i + 1] ?? ''} changes the shell in ways Grove does not follow`),
        );
      i++;
      continue;
    }
    if (value === undefined || !/^[-+][euxvfCnbhB]+$/.test(value))
      return void host.findings.ask(
        about(invocation.snippet, `set ${value ?? ''} changes the shell in ways Grove does not follow`),
      );
  }
}

/** `read line`: fills the script's own variables from the input; an exported or special name asks. */
function checkRead(host: RuleHost, invocation: Invocation): void {
  const values = ['-d', '-n', '-N', '-t', '-p', '-u', '-i'];
  const args = invocation.args;
  for (let i = 0; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === undefined) return void host.findings.ask(about(invocation.snippet, 'read fills a variable named at run time'));
    if (values.includes(value)) {
      i++;
      continue;
    }
    if (/^-[rsea]+$/.test(value)) continue;
    if (!isHarmlessVariable(value))
      return void host.findings.ask(about(invocation.snippet, `read sets ${value}, which can change what runs`));
  }
}

/** tee copies its input to files; with none (or only /dev/null) it is cat. */
function checkTee(host: RuleHost, invocation: Invocation): void {
  for (const word of invocation.args) {
    if (word.value === '-a' || word.value === '--append' || word.value === '-i') continue;
    host.paths.checkWrite(word, invocation.snippet, host.findings);
  }
}
