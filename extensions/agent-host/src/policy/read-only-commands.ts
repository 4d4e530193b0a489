import { about, type Invocation, type RuleHost } from './invocation.ts';
import { awkProgramProblem, jqFilterProblem, sedScriptProblem } from './program-checks.ts';
import { literalWord, type ShellWord } from './shell-word.ts';

/** How a read-only command is allowed: what its operands are and which options make it write or run things. */
export interface ReadOnlyCommand {
  /**
   * `files`: every operand is a file it reads; `data`: operands are never opened;
   * `program-then-files`: the first operand is a pattern or program (unless an option gave one), the rest files.
   */
  readonly operands: 'files' | 'data' | 'program-then-files';
  /** Options that write files, run programs or never end. Long ones also match GNU's abbreviations (`--out` for `--output`). */
  readonly unsafe?: readonly string[];
  /** Options followed by a value, and how many words it takes. */
  readonly values?: Readonly<Record<string, number>>;
  /** Options that supply the program or pattern, which is then checked like the first operand. */
  readonly programOptions?: readonly string[];
  readonly maxOperands?: number;
  /** Why the program or pattern is not read-only, or undefined. */
  readonly program?: (program: string) => string | undefined;
  /** Why a data operand is not read-only (`date 0101…` sets the clock), or undefined. */
  readonly operand?: (value: string) => string | undefined;
}

const files: ReadOnlyCommand = { operands: 'files' };
const data: ReadOnlyCommand = { operands: 'data' };
const lookup: ReadOnlyCommand = { operands: 'data' };
const checksum: ReadOnlyCommand = { operands: 'files', values: { '-a': 1 } };
const ls: ReadOnlyCommand = { operands: 'files', values: { '-I': 1, '-w': 1, '-T': 1, '--hide': 1, '--ignore': 1 } };
const grep: ReadOnlyCommand = {
  operands: 'program-then-files',
  programOptions: ['-e', '--regexp', '-f', '--file'],
  values: {
    '-m': 1,
    '-A': 1,
    '-B': 1,
    '-C': 1,
    '-d': 1,
    '-D': 1,
    '--include': 1,
    '--exclude': 1,
    '--exclude-dir': 1,
    '--label': 1,
  },
};
const awk: ReadOnlyCommand = {
  operands: 'program-then-files',
  unsafe: ['-f', '--file', '-i', '--include', '-l', '--load', '-E', '--exec'],
  values: { '-F': 1, '-v': 1, '--field-separator': 1, '--assign': 1 },
  program: awkProgramProblem,
};

/**
 * Commands that only read: they print what they find and change nothing. The list is short
 * on purpose; a command missing from it asks, which is the safe way to be wrong.
 */
export const READ_ONLY_COMMANDS: Readonly<Record<string, ReadOnlyCommand>> = {
  ls,
  dir: ls,
  vdir: ls,
  cat: files,
  tac: files,
  nl: { operands: 'files', values: { '-b': 1, '-d': 1, '-f': 1, '-h': 1, '-i': 1, '-l': 1, '-n': 1, '-s': 1, '-v': 1, '-w': 1 } },
  head: { operands: 'files', values: { '-n': 1, '-c': 1 } },
  tail: { operands: 'files', unsafe: ['-f', '-F', '--follow', '--retry'], values: { '-n': 1, '-c': 1, '-s': 1, '--pid': 1 } },
  wc: { operands: 'files', unsafe: ['--files0-from'] },
  od: { operands: 'files', values: { '-A': 1, '-j': 1, '-N': 1, '-S': 1, '-t': 1, '-w': 1 } },
  hexdump: { operands: 'files', values: { '-e': 1, '-n': 1, '-s': 1 }, unsafe: ['-f'] },
  xxd: {
    operands: 'files',
    unsafe: ['-r', '-revert'],
    maxOperands: 1,
    values: { '-c': 1, '-g': 1, '-l': 1, '-s': 1, '-o': 1, '-n': 1 },
  },
  strings: { operands: 'files', values: { '-n': 1, '-t': 1, '-e': 1 } },
  file: {
    operands: 'files',
    unsafe: ['-C', '--compile', '-m', '--magic-file', '-f', '--files-from'],
    values: { '-F': 1, '-e': 1, '-P': 1 },
  },
  stat: { operands: 'files', values: { '-c': 1, '--format': 1, '--printf': 1 } },
  du: {
    operands: 'files',
    unsafe: ['--files0-from'],
    values: { '-d': 1, '-B': 1, '-t': 1, '-X': 1, '--max-depth': 1, '--exclude': 1 },
  },
  df: data,
  md5sum: checksum,
  sha1sum: checksum,
  sha224sum: checksum,
  sha256sum: checksum,
  sha384sum: checksum,
  sha512sum: checksum,
  b2sum: checksum,
  shasum: checksum,
  cksum: checksum,
  sum: checksum,
  cmp: { operands: 'files', values: { '-i': 1, '-n': 1 }, maxOperands: 4 },
  diff: { operands: 'files', values: { '-C': 1, '-U': 1, '-I': 1, '-x': 1, '-X': 1, '-F': 1, '-L': 1, '--label': 1 } },
  comm: files,
  paste: { operands: 'files', values: { '-d': 1 } },
  cut: { operands: 'files', values: { '-b': 1, '-c': 1, '-d': 1, '-f': 1 } },
  join: { operands: 'files', values: { '-t': 1, '-1': 1, '-2': 1, '-j': 1, '-o': 1, '-e': 1, '-a': 1, '-v': 1 } },
  sort: {
    operands: 'files',
    unsafe: ['-o', '--output', '--compress-program', '--files0-from'],
    values: { '-k': 1, '-t': 1, '-S': 1, '-T': 1, '--parallel': 1, '--batch-size': 1 },
  },
  uniq: { operands: 'files', maxOperands: 1, values: { '-f': 1, '-s': 1, '-w': 1 } },
  rev: files,
  fold: { operands: 'files', values: { '-w': 1 } },
  column: { operands: 'files', values: { '-s': 1, '-c': 1, '-o': 1 } },
  expand: { operands: 'files', values: { '-t': 1 } },
  unexpand: { operands: 'files', values: { '-t': 1 } },
  fmt: { operands: 'files', values: { '-w': 1 } },
  tr: data,
  base64: { operands: 'files', maxOperands: 1, unsafe: ['-o', '--output'], values: { '-w': 1 } },
  base32: { operands: 'files', maxOperands: 1, values: { '-w': 1 } },
  basename: data,
  dirname: data,
  realpath: data,
  readlink: data,
  pwd: data,
  whoami: data,
  id: data,
  groups: data,
  uname: data,
  hostname: { operands: 'data', maxOperands: 0, unsafe: ['-F', '--file', '-b', '--boot'] },
  date: {
    operands: 'data',
    unsafe: ['-s', '--set', '-f', '--file'],
    values: { '-d': 1, '--date': 1, '-r': 1 },
    operand: (value) => (value.startsWith('+') ? undefined : 'an operand other than +FORMAT sets the clock'),
  },
  seq: data,
  numfmt: data,
  expr: data,
  which: lookup,
  whereis: lookup,
  type: lookup,
  sleep: data,
  true: data,
  false: data,
  ':': data,
  echo: data,
  printf: { operands: 'data', unsafe: ['-v'] },
  test: data,
  '[': data,
  tty: data,
  locale: data,
  nproc: data,
  uptime: data,
  arch: data,
  getconf: data,
  tree: {
    operands: 'files',
    unsafe: ['-o', '--fromfile'],
    values: { '-L': 1, '-P': 1, '-I': 1, '-H': 1, '--charset': 1, '--filelimit': 1 },
  },
  grep,
  egrep: grep,
  fgrep: grep,
  rg: {
    operands: 'program-then-files',
    programOptions: ['-e', '--regexp', '-f', '--file', '--files', '--type-list'],
    unsafe: ['--pre', '-z', '--search-zip', '--hostname-bin'],
    values: {
      '-g': 1,
      '--glob': 1,
      '--iglob': 1,
      '-t': 1,
      '--type': 1,
      '-T': 1,
      '--type-not': 1,
      '-m': 1,
      '-A': 1,
      '-B': 1,
      '-C': 1,
      '-M': 1,
      '-j': 1,
      '--max-depth': 1,
      '--sort': 1,
      '--sortr': 1,
      '--ignore-file': 1,
    },
  },
  awk,
  gawk: awk,
  mawk: awk,
  nawk: awk,
  sed: {
    operands: 'program-then-files',
    programOptions: ['-e', '--expression'],
    unsafe: ['-i', '--in-place', '-f', '--file', '-I'],
    values: { '-l': 1, '--line-length': 1 },
    program: sedScriptProblem,
  },
  jq: {
    operands: 'program-then-files',
    unsafe: ['-f', '--from-file', '-L', '--rawfile', '--slurpfile'],
    values: { '--arg': 2, '--argjson': 2, '--indent': 1 },
    program: jqFilterProblem,
  },
};

/** Options that mean "no pattern operand follows" (`rg --files` lists files). */
const NO_VALUE_PROGRAM_OPTIONS = new Set(['--files', '--type-list']);

/**
 * Checks a read-only command's words: unsafe options ask, the program is checked, and
 * every file operand goes through the path checks (secrets deny; outside the worktree asks).
 * Options are recognised anywhere before `--`, as GNU tools read them (`rm src -rf`).
 */
export function checkReadOnly(host: RuleHost, invocation: Invocation, command: ReadOnlyCommand): void {
  const { findings } = host;
  const say = (reason: string) => findings.ask(about(invocation.snippet, reason));
  const operands: ShellWord[] = [];
  let programGiven = false;
  let optionsEnded = false;
  const args = invocation.args;
  const runProgram = (value: string | undefined) => {
    programGiven = true;
    if (command.program === undefined) return;
    if (value === undefined) return say('its program is only known at run time');
    const problem = command.program(value);
    if (problem !== undefined) say(problem);
  };
  // `-e pattern` supplies the program; `-f file` reads it from a file, which is then a read like any other.
  const takeProgram = (option: string, word: ShellWord | undefined) => {
    if (option !== '-f' && option !== '--file') return runProgram(word?.value);
    programGiven = true;
    if (word !== undefined) host.paths.checkRead(word, invocation.snippet, findings);
  };

  for (let i = 0; i < args.length; i++) {
    const word = args[i] as ShellWord;
    const value = word.value;
    if (optionsEnded) {
      operands.push(word);
      continue;
    }
    if (value === undefined) {
      // A computed word could be any option, "-o file" included.
      if (command.unsafe !== undefined && command.unsafe.length > 0)
        say(`${word.text} could be an option only known at run time`);
      operands.push(word);
      continue;
    }
    if (value === '--') {
      optionsEnded = true;
      continue;
    }
    if (value.startsWith('--') && value.length > 2) {
      const [name, attached] = splitLong(value);
      if (command.unsafe?.some((unsafe) => unsafe.startsWith('--') && unsafe.startsWith(name) && name.length >= 3))
        say(`${name} writes files, runs programs, reads names from a file or never ends`);
      else if (command.programOptions?.includes(name)) {
        if (NO_VALUE_PROGRAM_OPTIONS.has(name)) programGiven = true;
        else if (attached !== undefined) takeProgram(name, literalWord(attached));
        else takeProgram(name, args[++i]);
      } else if (attached === undefined) i += command.values?.[name] ?? 0;
      continue;
    }
    if (value.startsWith('-') && value.length > 1) {
      // A cluster of short options (`-la`); one taking a value ends it (`-n20`, `-e pattern`).
      for (let j = 1; j < value.length; j++) {
        const option = `-${value[j]}`;
        const rest = value.slice(j + 1);
        if (command.unsafe?.includes(option) || command.unsafe?.includes(value)) {
          say(`${option} writes files, runs programs, reads names from a file or never ends`);
          break;
        }
        if (command.programOptions?.includes(option)) {
          takeProgram(option, rest === '' ? args[++i] : literalWord(rest));
          break;
        }
        const count = command.values?.[option];
        if (count !== undefined) {
          if (rest === '') i += count;
          else i += count - 1;
          break;
        }
      }
      continue;
    }
    operands.push(word);
  }

  let fileOperands = operands;
  if (command.operands === 'program-then-files' && !programGiven) {
    const [program, ...rest] = operands;
    if (program === undefined) return void say('it has no program or pattern');
    runProgram(program.value);
    fileOperands = rest;
  }
  if (command.maxOperands !== undefined && operands.length > command.maxOperands)
    say(`with more than ${command.maxOperands} operand(s) it writes or changes something`);
  if (command.operands === 'data') {
    if (
      invocation.moreOperands &&
      (command.unsafe !== undefined || command.maxOperands !== undefined || command.operand !== undefined)
    )
      say('it is given more arguments at run time (xargs, find -exec), and any could be an option');
    if (command.operand !== undefined)
      for (const word of operands) {
        const problem = word.value === undefined ? 'an operand is only known at run time' : command.operand(word.value);
        if (problem !== undefined) say(problem);
      }
    return;
  }
  if (invocation.moreOperands) say('it is given more files at run time (xargs, find -exec), which cannot be checked now');
  for (const word of fileOperands) host.paths.checkRead(word, invocation.snippet, findings);
}

function splitLong(option: string): [string, string | undefined] {
  const equals = option.indexOf('=');
  return equals === -1 ? [option, undefined] : [option.slice(0, equals), option.slice(equals + 1)];
}
