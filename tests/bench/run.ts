// `npm run bench`: measures each budget beside the raw operation, in the same run, and
// writes the results as JSON to stdout and to bench-results/latest.json (or the file
// named by --out). Progress goes to stderr.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from '../helpers/paths.ts';
import type { BenchResult } from './harness.ts';
import { coldStart, firstBundle, idleMemory, protocolRoundTrip } from './host-benchmarks.ts';
import { idleThreadMemory, terminalThroughput, terminalToBrowser, threadBenchmarks } from './thread-benchmarks.ts';

const outIndex = process.argv.indexOf('--out');
const out = outIndex === -1 ? join(ROOT, 'bench-results', 'latest.json') : (process.argv[outIndex + 1] as string);

const benchmarks: [string, () => Promise<BenchResult | BenchResult[]> | BenchResult][] = [
  ['first UI bundle', firstBundle],
  ['host cold start', coldStart],
  ['protocol round trip', protocolRoundTrip],
  ['host idle memory', idleMemory],
  ['threads', threadBenchmarks],
  ['memory per idle thread', idleThreadMemory],
  ['terminal throughput and echo', terminalThroughput],
  ['terminal throughput to a real browser', terminalToBrowser],
  ['policy decisions', async () => (await import('./policy-benchmarks.ts')).policyDecisions()],
  ['sandbox overhead', async () => (await import('./sandbox-benchmarks.ts')).sandboxBenchmarks()],
  ['audit log appends', async () => (await import('./audit-benchmarks.ts')).auditAppends()],
  ['agent command through Grove', async () => (await import('./approval-benchmarks.ts')).toolExecutorOverhead()],
];

const results: BenchResult[] = [];
for (const [label, run] of benchmarks) {
  process.stderr.write(`bench: ${label}…\n`);
  const measured = await run();
  for (const r of [measured].flat()) {
    results.push(r);
    const vs = r.baseline === null ? '' : ` (raw ${r.baseline} ${r.unit}, ×${r.ratio})`;
    const verdict = r.ok === null ? '' : r.ok ? `  ok, budget ${r.budget}` : `  OVER BUDGET ${r.budget}`;
    process.stderr.write(`  ${r.name}: ${r.value} ${r.unit}${vs}${verdict}\n`);
  }
}

const report = {
  date: new Date().toISOString(),
  node: process.version,
  machine: { platform: process.platform, arch: process.arch, cpus: (await import('node:os')).cpus().length },
  results,
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.stderr.write(`bench: wrote ${out}\n`);
