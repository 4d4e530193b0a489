import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyEngine } from '../../extensions/agent-host/src/policy/policy-engine.ts';
import { ShellParser } from '../../extensions/agent-host/src/policy/shell-parser.ts';
import { CORPUS } from '../helpers/paths.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { type BenchResult, result } from './harness.ts';

/** How long each figure is measured; a second holds thousands of passes over the corpus, stable to a few percent. */
const MEASURE_MS = 1_000;

function inputs(name: string): string[] {
  return (JSON.parse(readFileSync(join(CORPUS, name), 'utf8')) as { input: string }[]).map((c) => c.input);
}

/** Operations per second of `run` over `items`, passing over them again until MEASURE_MS have gone by. */
function perSecond(items: readonly string[], run: (item: string) => void): number {
  for (const item of items) run(item);
  let count = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < MEASURE_MS) {
    for (const item of items) run(item);
    count += items.length;
    elapsed = performance.now() - started;
  }
  return (count / elapsed) * 1000;
}

/**
 * Policy decisions per second over the corpus: shell commands beside the bare parse of each
 * command by tree-sitter (the part no policy can skip), and file paths beside a bare
 * realpath of each (the syscall every path decision makes).
 */
export async function policyDecisions(): Promise<BenchResult[]> {
  await using dir = await tempDir('grove-bench-policy-');
  const worktree = join(dir.path, 'wt');
  mkdirSync(join(worktree, 'node_modules', '.bin'), { recursive: true });
  for (const tool of ['tsc', 'eslint']) writeFileSync(join(worktree, 'node_modules', '.bin', tool), '');
  const engine = await PolicyEngine.load({ home: join(dir.path, 'home') });
  const parser = await ShellParser.load();

  const commands = [...inputs('commands-safe.json'), ...inputs('commands-destructive.json')];
  const paths = [...inputs('paths-deny.json'), ...inputs('paths-allow.json')].filter((path) => !path.startsWith('SCENARIO:'));

  const decisions = perSecond(commands, (command) => engine.checkCommand(command, { worktree }));
  const parses = perSecond(commands, (command) => {
    using _ = parser.parse(command);
  });
  const pathDecisions = perSecond(paths, (path) => engine.checkPath(path, { worktree, access: 'read' }));
  const realpaths = perSecond(paths, (path) => {
    try {
      realpathSync.native(join(worktree, path));
    } catch {
      // Most corpus paths do not exist; the failed lookup is the same syscall.
    }
  });

  return [
    result('policy decisions on the corpus commands (vs tree-sitter parse alone)', decisions, 'decisions/s', {
      baseline: parses,
      detail: { commands: commands.length, measureMs: MEASURE_MS },
    }),
    result('policy decisions on the corpus paths (vs realpath alone)', pathDecisions, 'decisions/s', {
      baseline: realpaths,
      detail: { paths: paths.length, measureMs: MEASURE_MS },
    }),
  ];
}
