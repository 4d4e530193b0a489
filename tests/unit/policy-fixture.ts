import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PolicyEngine, type PolicySettings } from '../../extensions/agent-host/src/policy/policy-engine.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** A temp folder holding a thread's worktree and a home folder of its own, with an engine bound to that home. */
export interface PolicyFixture extends AsyncDisposable {
  readonly base: string;
  readonly worktree: string;
  readonly home: string;
  readonly engine: PolicyEngine;
  /** Writes a file (and its folders) below the base folder. */
  file(path: string, content?: string): string;
}

export async function policyFixture(settings: PolicySettings = {}): Promise<PolicyFixture> {
  const dir = await tempDir('grove-policy-');
  const worktree = join(dir.path, 'wt');
  const home = join(dir.path, 'home');
  mkdirSync(worktree);
  mkdirSync(home);
  const file = (path: string, content = 'x\n') => {
    const full = join(dir.path, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    return full;
  };
  // A JavaScript project with its tools installed, as a thread's worktree has after setup.
  file('wt/package.json', '{"scripts":{"test":"vitest run","lint":"biome check .","typecheck":"tsc --noEmit"}}\n');
  for (const tool of ['tsc', 'eslint', 'biome', 'vitest']) file(`wt/node_modules/.bin/${tool}`);
  const engine = await PolicyEngine.load({ home, ...settings });
  return { base: dir.path, worktree, home, engine, file, [Symbol.asyncDispose]: dir[Symbol.asyncDispose] };
}

/** Prints a pass rate the way every corpus test reports it, and returns it. */
export function reportRate(label: string, passed: number, total: number): number {
  const rate = total === 0 ? 1 : passed / total;
  process.stdout.write(`${label}: ${passed}/${total} (${(rate * 100).toFixed(1)} %)\n`);
  return rate;
}
