import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeRepo } from '../helpers/git-repo.ts';
import { startInProcessHost } from '../helpers/in-process-host.ts';
import { RpcClient } from '../helpers/rpc-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { type BenchResult, median, result } from './harness.ts';

const run = promisify(execFile);
const RUNS = 15;
const COMMAND = 'git status --short';

/**
 * What an agent's command costs through Grove: the policy's check, the sandbox, the
 * allowlisted environment, redaction and the audit log, against bash running the same
 * command directly in the same worktree. Alternating, medians.
 */
export async function toolExecutorOverhead(): Promise<BenchResult> {
  await using dir = await tempDir('grove-bench-tools-');
  const repo = makeRepo(join(dir.path, 'repo'));
  await using served = await startInProcessHost(join(dir.path, 'data'));
  await using client = await RpcClient.connect(served.rpcUrl);
  await client.initialize();
  const { project } = await client.request('project/add', { path: repo });
  const { thread } = await client.request('thread/create', { projectId: project.id, title: 'Bench' });
  await waitFor('the thread', () => served.host.snapshot().threads.find((t) => t.id === thread.id)?.status === 'queued');
  const raw: number[] = [];
  const grove: number[] = [];
  let sandboxed = false;
  for (let i = 0; i < RUNS; i++) {
    let started = performance.now();
    await run('/bin/bash', ['-c', COMMAND], { cwd: thread.worktreePath });
    raw.push(performance.now() - started);
    started = performance.now();
    const outcome = await served.host.tools.runCommand({ threadId: thread.id, command: COMMAND });
    grove.push(performance.now() - started);
    if (outcome.status !== 'ran') throw new Error(`The bench command was not allowed: ${outcome.message}`);
    sandboxed = outcome.result.sandboxed;
  }
  return result(
    `an allowed agent command (\`${COMMAND}\`) through policy + sandbox + audit vs bash directly, median`,
    median(grove),
    'ms',
    {
      baseline: median(raw),
      detail: { runs: RUNS, sandboxed, groveMs: grove, rawMs: raw },
    },
  );
}
