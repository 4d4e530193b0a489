import { about, type Invocation, type RuleHost } from './invocation.ts';
import type { ShellWord } from './shell-word.ts';

/** Tests and print actions that only read; the number is how many words follow each. */
const READING: Readonly<Record<string, number>> = {
  '-print': 0,
  '-print0': 0,
  '-ls': 0,
  '-prune': 0,
  '-quit': 0,
  '-true': 0,
  '-false': 0,
  '-not': 0,
  '!': 0,
  '(': 0,
  ')': 0,
  '-a': 0,
  '-o': 0,
  '-and': 0,
  '-or': 0,
  ',': 0,
  '-depth': 0,
  '-follow': 0,
  '-xdev': 0,
  '-mount': 0,
  '-noleaf': 0,
  '-readable': 0,
  '-writable': 0,
  '-executable': 0,
  '-empty': 0,
  '-nouser': 0,
  '-nogroup': 0,
  '-daystart': 0,
  '-ignore_readdir_race': 0,
  '-noignore_readdir_race': 0,
  '-name': 1,
  '-iname': 1,
  '-path': 1,
  '-ipath': 1,
  '-wholename': 1,
  '-iwholename': 1,
  '-regex': 1,
  '-iregex': 1,
  '-regextype': 1,
  '-type': 1,
  '-xtype': 1,
  '-maxdepth': 1,
  '-mindepth': 1,
  '-mtime': 1,
  '-mmin': 1,
  '-atime': 1,
  '-amin': 1,
  '-ctime': 1,
  '-cmin': 1,
  '-used': 1,
  '-size': 1,
  '-perm': 1,
  '-user': 1,
  '-group': 1,
  '-uid': 1,
  '-gid': 1,
  '-links': 1,
  '-inum': 1,
  '-lname': 1,
  '-ilname': 1,
  '-fstype': 1,
  '-newer': 1,
  '-anewer': 1,
  '-cnewer': 1,
  '-samefile': 1,
  '-printf': 1,
};

/** Actions that run a command for every match; the words up to `;` or `+` are that command. */
const EXECUTING = new Set(['-exec', '-execdir', '-ok', '-okdir']);

/**
 * find: the start folders are read paths; the expression may only test and print. `-delete`,
 * the `-fprint…`/`-fls` family (they write files) and anything unknown ask. `-exec` and its
 * kin always ask, since the command runs on files nobody has seen yet; the command itself is
 * also checked, so its own reasons (and a denial) show.
 */
export function checkFind(host: RuleHost, invocation: Invocation): void {
  const say = (reason: string) => host.findings.ask(about(invocation.snippet, reason));
  const args = invocation.args;
  let i = 0;
  while (i < args.length && /^-[HLP]$|^-O\d$/.test(args[i]?.value ?? '')) i++;
  if (args[i]?.value === '-D') i += 2;
  const starts: ShellWord[] = [];
  for (; i < args.length; i++) {
    const value = args[i]?.value;
    if (value !== undefined && (value.startsWith('-') || value === '(' || value === '!')) break;
    starts.push(args[i] as ShellWord);
  }
  if (invocation.moreOperands) say('it is given more start folders at run time, which cannot be checked now');
  for (const start of starts) host.paths.checkRead(start, invocation.snippet, host.findings);

  for (; i < args.length; i++) {
    const word = args[i] as ShellWord;
    const value = word.value;
    if (value === undefined) {
      say(`${word.text} is part of the expression but only known at run time`);
      continue;
    }
    if (EXECUTING.has(value)) {
      const end = args.findIndex((next, index) => index > i && (next.value === ';' || next.value === '+'));
      const command = args.slice(i + 1, end === -1 ? args.length : end);
      say(`find ${value} runs ${command.map((part) => part.text).join(' ') || 'a command'} on every file it finds`);
      if (command.length > 0) host.invoke(command, invocation.snippet, true);
      i = end === -1 ? args.length : end;
      continue;
    }
    if (/^-newer[aBcmt][aBcmt]$/.test(value)) {
      i++;
      continue;
    }
    const count = READING[value];
    if (count === undefined) {
      say(
        `find ${value} ${/^-(delete|fprint0?|fprintf|fls)$/.test(value) ? 'deletes or writes files' : 'is not known to be read-only'}`,
      );
      continue;
    }
    i += count;
  }
}
