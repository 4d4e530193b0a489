import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { git } from '../git/git.ts';
import type { ProcessRegistry } from '../host/process-registry.ts';
import type { ThreadSetup } from '../protocol/index.ts';

/** How much of the setup log the thread record carries; the whole log stays on disk. */
const TAIL_BYTES = 4 * 1024;
/** How often a running setup's record is updated at most: live, without flooding the wire. */
const PROGRESS_INTERVAL_MS = 250;

/**
 * Copies the untracked files matching `patterns` (gitignore syntax, as in .worktreeinclude)
 * from the main checkout into the new worktree, keeping their modes. Returns how many.
 */
export async function copyIncludedFiles(mainCheckout: string, worktree: string, patterns: readonly string[]): Promise<number> {
  if (patterns.length === 0) return 0;
  const scratch = await mkdtemp(join(tmpdir(), 'grove-include-'));
  try {
    const patternFile = join(scratch, 'patterns');
    await writeFile(patternFile, `${patterns.join('\n')}\n`);
    const listed = await git(mainCheckout, ['ls-files', '-z', '--others', '--ignored', `--exclude-from=${patternFile}`]);
    const files = listed.split('\0').filter(Boolean);
    for (const file of files) {
      const target = join(worktree, file);
      await mkdir(dirname(target), { recursive: true });
      await copyFile(join(mainCheckout, file), target);
    }
    return files.length;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export interface SetupRun {
  readonly command: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly logFile: string;
  /** Called with the setup's state as it runs (throttled) and once when it ends. */
  readonly onProgress: (setup: ThreadSetup) => void;
}

/** Runs a setup script through the shell, streaming its output to a log and a live tail. Resolves with the final state; never rejects. */
export function runSetup(processes: ProcessRegistry, run: SetupRun): Promise<ThreadSetup> {
  const startedAt = Date.now();
  let tail = '';
  let state: ThreadSetup = { state: 'running', command: run.command, exitCode: null, startedAt, finishedAt: null, tail };
  const log = createWriteStream(run.logFile);
  let timer: NodeJS.Timeout | undefined;
  const report = () => {
    timer = undefined;
    state = { ...state, tail };
    run.onProgress(state);
  };
  const append = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
    timer ??= setTimeout(report, PROGRESS_INTERVAL_MS);
  };
  run.onProgress(state);
  return new Promise((resolve) => {
    const child = processes.spawn('/bin/sh', ['-c', run.command], {
      cwd: run.cwd,
      env: run.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    const finish = (exitCode: number | null, note?: string) => {
      if (timer !== undefined) clearTimeout(timer);
      if (note !== undefined) tail = `${tail}${note}\n`.slice(-TAIL_BYTES);
      log.end();
      state = { ...state, state: exitCode === 0 ? 'succeeded' : 'failed', exitCode, finishedAt: Date.now(), tail };
      run.onProgress(state);
      resolve(state);
    };
    child.once('error', (error) => finish(null, `Grove could not start the setup script: ${error.message}`));
    // 'close', not 'exit': it fires after the output pipes are drained, so the tail is whole.
    child.once('close', (code, signal) => finish(code, signal === null ? undefined : `(stopped by ${signal})`));
  });
}
