import { about, type Invocation, type RuleHost } from './invocation.ts';
import type { ShellWord } from './shell-word.ts';
import { isHarmlessVariable } from './variable-names.ts';

type Wrapper = (host: RuleHost, invocation: Invocation) => void;

/**
 * Skips a wrapper's own options and returns the index of the command it runs. `values` lists
 * options followed by a value; an option not in `flags` or `values` returns undefined, so
 * an unknown option asks instead of being mistaken for the command.
 */
function commandStart(args: readonly ShellWord[], flags: readonly string[], values: readonly string[]): number | undefined {
  for (let i = 0; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === undefined) return undefined;
    if (value === '--') return i + 1;
    if (!value.startsWith('-') || value === '-') return i;
    const name = value.split('=')[0] as string;
    if (flags.includes(value)) continue;
    if (values.includes(name)) {
      if (!value.includes('=')) i++;
      continue;
    }
    // Short options with an attached value: `-n1`, `-o0`, `-I{}`.
    if (!value.startsWith('--') && values.includes(value.slice(0, 2))) continue;
    return undefined;
  }
  return args.length;
}

function runs(
  host: RuleHost,
  invocation: Invocation,
  start: number | undefined,
  what: string,
  moreOperands = invocation.moreOperands,
): void {
  if (start === undefined) {
    host.findings.ask(
      about(invocation.snippet, `${invocation.name} has an option Grove does not know, so ${what} cannot be found`),
    );
    return;
  }
  const command = invocation.args.slice(start);
  if (command.length === 0) return;
  host.invoke(command, invocation.snippet, moreOperands);
}

const asUser: Wrapper = (host, invocation) => {
  host.findings.ask(about(invocation.snippet, `${invocation.name} runs a command as another user`));
  const values = [
    '-u',
    '-g',
    '-C',
    '-D',
    '-h',
    '-p',
    '-r',
    '-t',
    '-U',
    '-T',
    '--user',
    '--group',
    '--chdir',
    '--prompt',
    '--host',
  ];
  const start = commandStart(invocation.args, ['-E', '-H', '-n', '-S', '-k', '-b', '-P', '-A', '-i', '-s'], values);
  if (start !== undefined) runs(host, invocation, start, 'the command');
};

const env: Wrapper = (host, invocation) => {
  const { args } = invocation;
  let i = 0;
  for (; i < args.length; i++) {
    const word = args[i] as ShellWord;
    const value = word.value;
    if (value === undefined) return void host.findings.ask(about(invocation.snippet, `${word.text} is only known at run time`));
    if (value === '-i' || value === '--ignore-environment' || value === '-0' || value === '--null' || value === '-') continue;
    if (value === '-u' || value === '--unset') {
      i++;
      continue;
    }
    if (value.startsWith('--unset=') || /^-u./.test(value)) continue;
    if (value === '--') {
      i++;
      break;
    }
    if (value.startsWith('-S') || value.startsWith('--split-string'))
      return void host.findings.ask(
        about(invocation.snippet, 'env -S splits a string into a command, which Grove does not parse'),
      );
    if (value.startsWith('-'))
      return void host.findings.ask(about(invocation.snippet, `env ${value} changes how the command is run (folder, signals)`));
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(value);
    if (assignment === null) break;
    const name = assignment[1] as string;
    if (!isHarmlessVariable(name))
      host.findings.ask(about(invocation.snippet, `sets ${name}, which can change what runs or where it looks`));
  }
  if (i >= args.length) {
    host.findings.ask(about(invocation.snippet, 'prints the environment, where API keys and tokens live'));
    return;
  }
  runs(host, invocation, i, 'the command');
};

const xargs: Wrapper = (host, invocation) => {
  const flags = ['-0', '--null', '-r', '--no-run-if-empty', '-t', '--verbose', '-x', '--exit'];
  const values = [
    '-n',
    '--max-args',
    '-L',
    '--max-lines',
    '-P',
    '--max-procs',
    '-s',
    '--max-chars',
    '-d',
    '--delimiter',
    '-E',
    '-I',
    '-i',
    '--replace',
    '-a',
    '--arg-file',
  ];
  const start = commandStart(invocation.args, flags, values);
  for (const [index, word] of invocation.args.entries()) {
    if ((word.value === '-a' || word.value === '--arg-file') && start !== undefined && index < start) {
      const file = invocation.args[index + 1];
      if (file !== undefined) host.paths.checkRead(file, invocation.snippet, host.findings);
    }
  }
  if (start !== undefined && start >= invocation.args.length) return;
  runs(host, invocation, start, 'the command it runs', true);
};

const timeout: Wrapper = (host, invocation) => {
  const start = commandStart(
    invocation.args,
    ['--preserve-status', '--foreground', '-v', '--verbose'],
    ['-s', '--signal', '-k', '--kill-after'],
  );
  // The first operand is the duration.
  runs(host, invocation, start === undefined ? undefined : start + 1, 'the command');
};

const nice: Wrapper = (host, invocation) => {
  const first = invocation.args[0]?.value;
  if (first !== undefined && /^-\d+$/.test(first)) return runs(host, invocation, 1, 'the command');
  runs(host, invocation, commandStart(invocation.args, [], ['-n', '--adjustment']), 'the command');
};

const stdbuf: Wrapper = (host, invocation) => {
  runs(host, invocation, commandStart(invocation.args, [], ['-i', '-o', '-e', '--input', '--output', '--error']), 'the command');
};

const plain: Wrapper = (host, invocation) => {
  runs(host, invocation, commandStart(invocation.args, [], []), 'the command');
};

const time: Wrapper = (host, invocation) => {
  runs(host, invocation, commandStart(invocation.args, ['-p'], []), 'the command');
};

const command: Wrapper = (host, invocation) => {
  const first = invocation.args[0]?.value;
  // `command -v name` only looks a name up.
  if (first === '-v' || first === '-V') return;
  runs(host, invocation, commandStart(invocation.args, ['-p'], []), 'the command');
};

const exec: Wrapper = (host, invocation) => {
  runs(host, invocation, commandStart(invocation.args, ['-c', '-l'], ['-a']), 'the command');
};

/** Shell options that change nothing about what the script does to files. */
const SHELL_FLAGS = new Set(['l', 'c', 'e', 'u', 'x', 'v']);
const SHELL_LONG_FLAGS = new Set(['--login', '--noprofile', '--norc', '--posix']);
const SHELL_SET_OPTIONS = new Set(['pipefail', 'errexit', 'nounset', 'xtrace', 'verbose', 'noglob', 'noclobber']);

/** `bash -c '…'`, `sh -lc '…'`: the script is parsed and checked like the outer command. */
const shell: Wrapper = (host, invocation) => {
  const say = (reason: string) => host.findings.ask(about(invocation.snippet, reason));
  const { args } = invocation;
  let hasScript = false;
  let i = 0;
  for (; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === undefined) return say(`${args[i]?.text} is only known at run time`);
    if (value === '--' || value === '-') {
      i++;
      break;
    }
    if (SHELL_LONG_FLAGS.has(value)) continue;
    if (value === '-o' || value === '+o') {
      if (!SHELL_SET_OPTIONS.has(args[i + 1]?.value ?? ''))
        return say(`${invocation.name} ${value} ${args[i + 1]?.text ?? ''} changes how scripts run`);
      i++;
      continue;
    }
    if (!/^[-+]/.test(value)) break;
    for (const flag of value.slice(1)) {
      if (!SHELL_FLAGS.has(flag))
        return say(`${invocation.name} ${value} starts an interactive shell or reads startup files Grove cannot check`);
      if (flag === 'c') hasScript = true;
    }
  }
  const script = args[i];
  if (!hasScript) {
    if (script === undefined) return say(`${invocation.name} runs commands from its input, which Grove cannot see`);
    return say(`runs the script ${script.text}, which Grove does not read`);
  }
  if (script === undefined) return say(`${invocation.name} -c has no script`);
  if (script.value === undefined) return say(`the script ${script.text} is only known at run time`);
  if (invocation.moreOperands) say('xargs or find passes it more words at run time');
  host.script(script.value, invocation.snippet);
};

/** `eval 'ls -l'`: the words are joined with spaces and parsed, as bash does. */
const evaluate: Wrapper = (host, invocation) => {
  const words = invocation.args.map((word) => word.value);
  if (words.some((word) => word === undefined) || invocation.moreOperands)
    return void host.findings.ask(about(invocation.snippet, 'eval runs text that is only known at run time'));
  host.script(words.join(' '), invocation.snippet);
};

/** Commands that run another command given in their words. */
export const WRAPPERS: Readonly<Record<string, Wrapper>> = {
  sudo: asUser,
  doas: asUser,
  run0: asUser,
  pkexec: asUser,
  env,
  xargs,
  timeout,
  nice,
  stdbuf,
  nohup: plain,
  builtin: plain,
  busybox: plain,
  time,
  command,
  exec,
  bash: shell,
  sh: shell,
  zsh: shell,
  dash: shell,
  ksh: shell,
  mksh: shell,
  ash: shell,
  eval: evaluate,
};
