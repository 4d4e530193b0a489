import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { signalGroup } from '../host/process-groups.ts';
import type { ProcessRegistry } from '../host/process-registry.ts';
import { stopGracefully } from '../host/stop-gracefully.ts';
import { bubblewrapArguments, STATUS_FD } from './bubblewrap-arguments.ts';
import { OutputCapture } from './output-capture.ts';
import { sandboxSupport } from './sandbox-support.ts';
import { toolEnvironment } from './tool-environment.ts';

/** A command with no limit of its own: long enough for a test suite or a build, short enough that a hung one frees its thread. */
const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** Output kept per stream (head and tail): more than a model should read, little enough to hold for many threads at once. */
const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
/** Between SIGTERM and SIGKILL when a command is stopped: enough to flush, short enough that Stop feels immediate. */
const STOP_GRACE_MS = 1_000;
/**
 * How long output is still read after the command exits. Unsandboxed, a process that left
 * the command's group (a daemon calling setsid) can hold the pipes open for ever; past
 * this the result is returned without it.
 */
const DRAIN_AFTER_EXIT_MS = 2_000;

/** What to run, where, and within which limits. */
export interface RunCommandOptions {
  /** Shell source, run by `/bin/bash -c` (`/bin/sh -c` where there is no bash). */
  readonly command: string;
  /** The thread's worktree (absolute): writable in the sandbox. */
  readonly worktree: string;
  /** Where the command starts: inside the worktree, absolute or relative to it. The worktree by default. */
  readonly cwd?: string;
  /** The repository's common git dir (`git rev-parse --git-common-dir` of the main checkout): read-only in the sandbox. */
  readonly repositoryGitDir: string;
  /** Absolute paths to hide from the command (credentials); missing ones are skipped. */
  readonly denyPaths?: readonly string[];
  /** Whether the command may use the network. Unsandboxed, this cannot be enforced (the reason says so). */
  readonly network: boolean;
  readonly timeoutMs?: number;
  /** Aborting stops the command and its whole process tree; the result says `stoppedBy: 'abort'`. */
  readonly signal?: AbortSignal;
  /** Kept per stream, head and tail; `truncated` says when some was left out. */
  readonly maxOutputBytes?: number;
  /** The thread's GROVE_THREAD_ID, GROVE_WORKTREE, GROVE_BRANCH, GROVE_PORT (see `toolEnvironment`). */
  readonly threadEnvironment?: Readonly<Record<string, string>>;
  /** The environment the allowlist picks from; the host's by default. */
  readonly baseEnvironment?: Readonly<NodeJS.ProcessEnv>;
  /**
   * `auto` (default): in bubblewrap where it works, else unsandboxed with a reason.
   * `required`: refuse to run without it. `off`: unsandboxed (tests, and a person's explicit choice).
   */
  readonly sandbox?: 'auto' | 'required' | 'off';
  /** Owner of unsandboxed commands' process groups, so a stopping or crashed host stops them too. Sandboxed ones die with the host anyway (`--die-with-parent`). */
  readonly processes?: ProcessRegistry;
}

/** How a command ended. Output is raw: pass it through `redactSecrets` before a model or a log sees it. */
export interface CommandResult {
  /** The command's exit code; null when it was killed by a signal (unsandboxed) or stopped. Sandboxed, a command killed by signal N exits 128+N. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr as they interleaved. */
  readonly output: string;
  /** Whether any of the three was cut to `maxOutputBytes`. */
  readonly truncated: boolean;
  readonly sandboxed: boolean;
  /** Why it ran without the sandbox, in words for the UI; null when sandboxed. */
  readonly unsandboxedReason: string | null;
  /** Set when Grove stopped it: the time limit, or the caller's abort. */
  readonly stoppedBy: 'timeout' | 'abort' | null;
  readonly durationMs: number;
}

/**
 * Runs an agent's shell command for a thread: in bubblewrap on Linux where it works (see
 * `bubblewrapArguments` for what it can touch), otherwise unsandboxed, saying why. Either
 * way it gets the allowlisted environment (`toolEnvironment`), no stdin, and its whole
 * process tree is stopped when it times out, when `signal` aborts, and when it exits
 * (background jobs do not outlive the command that started them).
 *
 * Resolves with how it ended, a failure and a stop included. Rejects only when it could not
 * start: a missing worktree, a cwd outside it, `sandbox: 'required'` without a sandbox, or a
 * sandbox bwrap could not set up.
 */
export async function runCommand(options: RunCommandOptions): Promise<CommandResult> {
  const started = performance.now();
  const cwd = await checkedCwd(options.worktree, options.cwd);
  const env = toolEnvironment(options.baseEnvironment ?? process.env, { ...options.threadEnvironment });
  const where = await chooseSandbox(options);
  const shell = await pickShell();
  const limits = { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal: options.signal, started };
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  if (options.signal?.aborted) return stoppedBeforeStart('reason' in where ? where.reason : null, started);
  if ('reason' in where) {
    const spawnOptions = { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] as ('ignore' | 'pipe')[] };
    const child = options.processes
      ? options.processes.spawn(shell, ['-c', options.command], spawnOptions)
      : spawn(shell, ['-c', options.command], { ...spawnOptions, detached: true });
    const outcome = await supervise(child, limits, maxOutputBytes);
    return { ...outcome, sandboxed: false, unsandboxedReason: where.reason };
  }
  const { args, emptyFiles } = await bubblewrapArguments({
    worktree: options.worktree,
    cwd,
    repositoryGitDir: options.repositoryGitDir,
    denyPaths: options.denyPaths ?? [],
    network: options.network,
  });
  const child = spawnInSandbox(where.bwrap, [...args, '--', shell, '-c', options.command], {
    cwd,
    // The host's TMPDIR may be read-only inside; the sandbox's /tmp is private and writable.
    env: { ...env, TMPDIR: '/tmp' },
    emptyFiles,
  });
  const ran = commandRan(child.stdio[STATUS_FD] as Readable | null);
  const outcome = await supervise(child, limits, maxOutputBytes);
  if (!(await ran) && outcome.stoppedBy === null) {
    throw new Error(
      `Grove could not set up the sandbox for this command: ${outcome.stderr.trim() || `bwrap exited with ${outcome.exitCode ?? outcome.signal}`}. Check that the worktree and the repository's git dir still exist.`,
    );
  }
  return { ...outcome, sandboxed: true, unsandboxedReason: null };
}

/** Starts bwrap in a process group of its own, with its status pipe and `/dev/null` on every empty-file descriptor. */
function spawnInSandbox(
  bwrap: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; emptyFiles: number },
): ChildProcess {
  const empty = openSync('/dev/null', 'r');
  try {
    // fd 3 is STATUS_FD, then FIRST_EMPTY_FILE_FD onwards.
    const stdio: StdioOptions = ['ignore', 'pipe', 'pipe', 'pipe', ...new Array<number>(options.emptyFiles).fill(empty)];
    return spawn(bwrap, args, { cwd: options.cwd, env: options.env, stdio, detached: true });
  } finally {
    closeSync(empty); // The child has its own copies now.
  }
}

/** Resolves `cwd` against the worktree and proves both usable: the command must start inside its thread's worktree. */
async function checkedCwd(worktree: string, cwd: string | undefined): Promise<string> {
  if (!isAbsolute(worktree)) throw new Error(`A command's worktree must be an absolute path; “${worktree}” is not.`);
  const folder = resolve(worktree, cwd ?? '.');
  const rel = relative(worktree, folder);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new Error(`Commands run inside the thread's worktree; ${folder} is outside ${worktree}.`);
  }
  const isFolder = await stat(folder).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isFolder)
    throw new Error(`Cannot run the command in ${folder}: no such folder. Check that the thread's worktree still exists.`);
  return folder;
}

/** The bwrap to run the command in, or why it runs unsandboxed (throws when the caller required a sandbox and there is none). */
async function chooseSandbox(options: RunCommandOptions): Promise<{ bwrap: string } | { reason: string }> {
  const mode = options.sandbox ?? 'auto';
  const networkNote = options.network ? '' : ' Network access could not be turned off either.';
  if (mode === 'off') return { reason: `The sandbox was turned off for this command.${networkNote}` };
  const support = await sandboxSupport();
  if (support.available) return { bwrap: support.bwrap };
  if (mode === 'required') throw new Error(`This command must run sandboxed, and it cannot: ${support.reason}`);
  return { reason: `${support.reason}${networkNote}` };
}

/** bash where there is one (what agents' commands are written for), else the POSIX shell. */
async function pickShell(): Promise<string> {
  return access('/bin/bash', constants.X_OK).then(
    () => '/bin/bash',
    () => '/bin/sh',
  );
}

/** Resolves true when bwrap reported the command's exit on its status fd; false when it never did (it failed before running it). */
function commandRan(status: Readable | null): Promise<boolean> {
  if (status === null) return Promise.resolve(false);
  let text = '';
  status.setEncoding('utf8');
  status.on('data', (chunk: string) => {
    text += chunk;
  });
  return new Promise((resolve) => {
    status.once('close', () => resolve(text.includes('"exit-code"')));
    status.once('error', () => resolve(false));
  });
}

type Outcome = Omit<CommandResult, 'sandboxed' | 'unsandboxedReason'>;

/**
 * Collects a started child's output and ends it: its process group is stopped (SIGTERM,
 * then SIGKILL) on the time limit or the abort, and killed once the command itself exits,
 * so no background job lingers.
 */
function supervise(
  child: ChildProcess,
  limits: { timeoutMs: number; signal: AbortSignal | undefined; started: number },
  maxOutputBytes: number,
): Promise<Outcome> {
  const stdout = new OutputCapture(maxOutputBytes);
  const stderr = new OutputCapture(maxOutputBytes);
  const output = new OutputCapture(maxOutputBytes);
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout.push(chunk);
    output.push(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk);
    output.push(chunk);
  });
  let stoppedBy: Outcome['stoppedBy'] = null;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = (why: 'timeout' | 'abort') => {
    if (stoppedBy !== null || child.exitCode !== null || child.signalCode !== null) return;
    stoppedBy = why;
    void stopGracefully(
      [{ ask: () => killGroup(child, 'SIGTERM'), force: () => killGroup(child, 'SIGKILL'), stopped: exited }],
      STOP_GRACE_MS,
    );
  };
  const timer = setTimeout(() => stop('timeout'), limits.timeoutMs);
  const onAbort = () => stop('abort');
  limits.signal?.addEventListener('abort', onAbort, { once: true });

  return new Promise((resolve, reject) => {
    let drainTimer: NodeJS.Timeout | undefined;
    const cleanUp = () => {
      clearTimeout(timer);
      clearTimeout(drainTimer);
      limits.signal?.removeEventListener('abort', onAbort);
    };
    child.once('error', (error) => {
      cleanUp();
      reject(new Error(`Grove could not start the command: ${error.message}`, { cause: error }));
    });
    child.once('exit', () => {
      killGroup(child, 'SIGKILL'); // Whatever the command left running in its group.
      drainTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        for (const stream of child.stdio.slice(3)) stream?.destroy();
      }, DRAIN_AFTER_EXIT_MS);
    });
    child.once('close', (exitCode, signal) => {
      cleanUp();
      resolve({
        exitCode,
        signal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        output: output.text(),
        truncated: stdout.truncated || stderr.truncated || output.truncated,
        stoppedBy,
        durationMs: performance.now() - limits.started,
      });
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid !== undefined) signalGroup(child.pid, signal);
}

function stoppedBeforeStart(unsandboxedReason: string | null, started: number): CommandResult {
  return {
    exitCode: null,
    signal: null,
    stdout: '',
    stderr: '',
    output: '',
    truncated: false,
    sandboxed: unsandboxedReason === null,
    unsandboxedReason,
    stoppedBy: 'abort',
    durationMs: performance.now() - started,
  };
}
