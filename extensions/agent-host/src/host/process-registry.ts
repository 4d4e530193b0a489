import { type ChildProcess, type SpawnOptions, type StdioOptions, spawn } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { log } from './log.ts';
import { isGroupRunning, processStart, signalGroup } from './process-groups.ts';
import { stopGracefully } from './stop-gracefully.ts';

/**
 * How long a child gets between SIGTERM and SIGKILL when the host stops: enough for a
 * setup script or shell to flush and exit, short enough that quitting feels immediate.
 */
const STOP_GRACE_MS = 2_000;
/** How often a group left by a killed host is checked while it stops: cheap, and start-up waits on it. */
const LEFTOVER_POLL_MS = 50;
/** How long start-up waits, after SIGKILL, for a leftover group to go (a process stuck in the kernel may not) before it carries on. */
const LEFTOVER_KILL_WAIT_MS = 3_000;

/**
 * What a child runs first, through `/bin/sh`: wait for one line on fd 3, then become the
 * real command (`exec` keeps the pid, so the group and `$$` are the command's own). The host
 * writes that line only once the group is recorded. A host killed in between closes fd 3,
 * and the child exits without running anything, so no child can be running unrecorded.
 */
const GATE = 'IFS= read -r _ <&3 || exit 111; exec 3<&-; exec "$@"';

/** A process group the host started, as the record file keeps it: the leader's pid (= the group id) and when it started. */
interface RecordedGroup {
  readonly pgid: number;
  readonly start: string;
}

/**
 * The one owner of every process the host starts (setup scripts now; shells, MCP servers
 * and agent tools later). Each runs in its own process group, so stopping it stops what it
 * started too; `stopAll` is the last step of the host's shutdown, so nothing outlives it.
 *
 * A host killed with SIGKILL stops nothing: its groups run on as orphans. So every live
 * group is also written to `recordFile`, and the next host stops the ones still running
 * (`stopLeftovers`) before it recovers threads.
 */
export class ProcessRegistry {
  readonly #children = new Set<ChildProcess>();
  readonly #recordFile: string | undefined;
  readonly #groups = new Map<number, RecordedGroup>();

  /** `recordFile` (in the data dir) lists the live groups; without it nothing is recorded (tests that spawn nothing). */
  constructor(recordFile?: string) {
    this.#recordFile = recordFile;
  }

  /**
   * Spawns `command` in a new process group, records the group, and tracks it until it
   * exits. fd 3 of the child is taken by the gate (see GATE).
   */
  spawn(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
    if (process.platform === 'win32') return this.#track(spawn(command, args, { ...options, detached: true }));
    const base = options.stdio ?? 'pipe';
    const stdio: StdioOptions = Array.isArray(base) ? [...base] : [base, base, base];
    while (stdio.length < 3) stdio.push('pipe');
    if (stdio.length > 3) throw new Error('fd 3 of a registered child is taken by its gate');
    const child = this.#track(
      spawn('/bin/sh', ['-c', GATE, 'grove-gate', command, ...args], { ...options, stdio: [...stdio, 'pipe'], detached: true }),
    );
    // Recorded (or never to be, if it died at once): let it run.
    const gate = child.stdio[3] as Writable | null;
    gate?.on('error', () => {}); // EPIPE if the child is already gone: nothing to open then.
    gate?.end('go\n');
    return child;
  }

  #track(child: ChildProcess): ChildProcess {
    this.#children.add(child);
    const pid = child.pid;
    if (pid !== undefined) this.#remember(pid);
    const forget = () => {
      this.#children.delete(child);
      if (pid !== undefined && this.#groups.delete(pid)) this.#writeRecord();
    };
    child.once('exit', forget);
    child.once('error', forget);
    return child;
  }

  get size(): number {
    return this.#children.size;
  }

  /** Stops every tracked process group: SIGTERM, then SIGKILL for any still there after the grace period. */
  async stopAll(): Promise<void> {
    await stopGracefully(
      [...this.#children].map((child) => ({
        ask: () => signalChild(child, 'SIGTERM'),
        force: () => signalChild(child, 'SIGKILL'),
        stopped: new Promise<void>((resolve) =>
          child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
        ),
      })),
      STOP_GRACE_MS,
    );
  }

  /**
   * Stops the process groups a killed host left running (SIGTERM, then SIGKILL), as `stopAll`
   * would have. A recorded group counts only while its leader is the very process recorded
   * (same pid, same start time), so a pid reused since is never signalled. Call once at
   * start, after taking the data dir and before anything is spawned.
   */
  async stopLeftovers(): Promise<void> {
    if (this.#recordFile === undefined) return;
    const left = readRecord(this.#recordFile).filter((g) => processStart(g.pgid) === g.start && isGroupRunning(g.pgid));
    if (left.length > 0) {
      log.info(`stopping ${left.length} process group(s) a killed host left running: ${left.map((g) => g.pgid).join(', ')}`);
      await stopGracefully(
        left.map((g) => ({
          ask: () => signalGroup(g.pgid, 'SIGTERM'),
          force: () => signalGroup(g.pgid, 'SIGKILL'),
          stopped: groupGone(g.pgid, STOP_GRACE_MS + LEFTOVER_KILL_WAIT_MS),
        })),
        STOP_GRACE_MS,
      );
    }
    this.#writeRecord();
  }

  #remember(pid: number): void {
    const start = processStart(pid);
    if (start === undefined) return; // It has exited already.
    this.#groups.set(pid, { pgid: pid, start });
    this.#writeRecord();
  }

  /**
   * Rewrites the record file. Synchronous on purpose: it lands before `spawn` returns, so a
   * kill at any later instant finds the group recorded. Atomic (temp file, rename); not
   * fsynced, since only a power cut loses it, and a power cut also ends every process.
   */
  #writeRecord(): void {
    if (this.#recordFile === undefined) return;
    const temp = `${this.#recordFile}.tmp-${process.pid}`;
    try {
      writeFileSync(temp, `${JSON.stringify([...this.#groups.values()])}\n`, { mode: 0o600 });
      renameSync(temp, this.#recordFile);
    } catch (error) {
      // The processes run either way; only the clean-up after a crash would miss them.
      log.error(`could not record the host's process groups in ${this.#recordFile}`, error);
    }
  }
}

function signalChild(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid !== undefined) signalGroup(child.pid, signal);
}

/** The groups a record file lists; none when it is missing or unreadable (nothing can be proven ours then). */
function readRecord(file: string): RecordedGroup[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  if (!Array.isArray(json)) return [];
  return json.filter(
    (g): g is RecordedGroup => Number.isInteger(g?.pgid) && g.pgid > 1 && typeof g?.start === 'string' && g.start !== '',
  );
}

/** Settles once no process of group `pgid` runs, or after `limitMs` (logged): start-up must not hang on one. */
function groupGone(pgid: number, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  return new Promise((resolve) => {
    const check = () => {
      if (!isGroupRunning(pgid)) return resolve();
      if (Date.now() > deadline) {
        log.error(`process group ${pgid} is still running after SIGKILL; carrying on without it`);
        return resolve();
      }
      setTimeout(check, LEFTOVER_POLL_MS);
    };
    check();
  });
}
