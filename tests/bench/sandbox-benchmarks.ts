import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../extensions/agent-host/src/sandbox/run-command.ts';
import { sandboxSupport } from '../../extensions/agent-host/src/sandbox/sandbox-support.ts';
import { git } from '../helpers/git-repo.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { type BenchResult, median, result } from './harness.ts';

/** Runs per figure: enough for a steady median of a ~5–50 ms operation, few enough to take seconds. */
const SAMPLES = 40;
/** A repository big enough that `git status` does real work (stat every file), small enough to build in a second. */
const REPO_FILES = 1_000;

/** The same command, straight through `execFile` (bash, as runCommand uses): the raw figure the sandbox is compared with. */
function direct(command: string, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('/bin/bash', ['-c', command], { cwd }, (error) => (error === null ? resolve() : reject(error)));
  });
}

async function medianMs(run: () => Promise<unknown>): Promise<number> {
  await run(); // warm the page cache and the probe
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/**
 * What running an agent's command through `runCommand` costs over running it directly:
 * `true` (pure overhead: bwrap's namespaces and mounts, the environment, the capture) and
 * `git status` in a linked worktree of 1,000 files (a typical read-only command). The
 * unsandboxed `runCommand` is measured too, to tell bwrap's share from ours.
 */
export async function sandboxBenchmarks(): Promise<BenchResult[]> {
  const support = await sandboxSupport();
  await using dir = await tempDir('grove-bench-sandbox-');
  const repo = join(dir.path, 'repo');
  mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  for (let d = 0; d < 10; d++) {
    mkdirSync(join(repo, `src${d}`));
    for (let f = 0; f < REPO_FILES / 10; f++) writeFileSync(join(repo, `src${d}`, `f${f}.ts`), `export const v = ${f};\n`);
  }
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'bench');
  const worktree = join(dir.path, 'wt');
  git(repo, 'worktree', 'add', '-q', '-b', 'grove/bench', worktree);
  const gitDir = join(repo, '.git');
  const through = (command: string, sandbox: 'auto' | 'off') =>
    runCommand({ command, worktree, repositoryGitDir: gitDir, network: false, sandbox, denyPaths: [join(dir.path, 'none')] });

  const results: BenchResult[] = [];
  for (const command of ['true', 'git status']) {
    const raw = await medianMs(() => direct(command, worktree));
    const sandboxed = await medianMs(() => through(command, 'auto'));
    const unsandboxed = await medianMs(() => through(command, 'off'));
    results.push(
      result(
        `runCommand \`${command}\`, ${support.available ? 'sandboxed' : 'unsandboxed (no bubblewrap)'}, median`,
        sandboxed,
        'ms',
        {
          baseline: raw,
          detail: {
            samples: SAMPLES,
            unsandboxedRunCommandMs: Math.round(unsandboxed * 1000) / 1000,
            sandbox: support.available ? support.bwrap : support.reason,
            ...(command === 'git status' ? { files: REPO_FILES } : {}),
          },
        },
      ),
    );
  }
  return results;
}
