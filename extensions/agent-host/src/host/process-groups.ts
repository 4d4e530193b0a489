import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * When the process `pid` started, as an opaque string: with the pid it names one process
 * for good, since a pid is reused only by a process started later. Undefined when there is
 * no such process. Linux reads /proc (exact, in clock ticks since boot); elsewhere `ps`
 * gives the start to the second, which is enough to tell a reused pid from ours.
 */
export function processStart(pid: number): string | undefined {
  if (process.platform === 'linux') return procStat(pid)?.start;
  try {
    return execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined; // ps exits non-zero when there is no such process.
  }
}

/**
 * Whether any process of group `pgid` still runs. Zombies do not count: they have exited
 * and only wait for a parent to reap them, and orphans' zombies may never be reaped where
 * pid 1 is not a real init (as in some containers).
 */
export function isGroupRunning(pgid: number): boolean {
  if (process.platform !== 'linux') return signalGroup(pgid, 0);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = procStat(Number(name));
    if (stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z') return true;
  }
  return false;
}

/** Sends `signal` to every process of group `pgid`; false when the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function procStat(pid: number): { state: string; pgrp: number; start: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // No such process, or it ended while we looked.
  }
  // pid (comm) state ppid pgrp … starttime is field 22; comm may hold spaces and ')', so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [state, , pgrp] = fields;
  const start = fields[19];
  if (state === undefined || pgrp === undefined || start === undefined) return undefined;
  return { state, pgrp: Number(pgrp), start };
}
