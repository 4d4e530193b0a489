import { readFileSync } from 'node:fs';

/** One measured figure, side by side with the raw operation it is compared with. */
export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The raw operation's figure, measured in the same run; null where there is none. */
  readonly baseline: number | null;
  /** value / baseline, null without a baseline. */
  readonly ratio: number | null;
  /** The budget as DESIGN.md §10 states it; null where it sets none. */
  readonly budget: string | null;
  /** Whether the budget is met; null where there is no budget. */
  readonly ok: boolean | null;
  readonly detail?: Record<string, unknown>;
}

export function result(
  name: string,
  value: number,
  unit: string,
  options: { baseline?: number; budget?: string; ok?: boolean; detail?: Record<string, unknown> } = {},
): BenchResult {
  const baseline = options.baseline ?? null;
  return {
    name,
    value: round(value),
    unit,
    baseline: baseline === null ? null : round(baseline),
    ratio: baseline === null || baseline === 0 ? null : round(value / baseline),
    budget: options.budget ?? null,
    ok: options.ok ?? null,
    ...(options.detail === undefined ? {} : { detail: options.detail }),
  };
}

export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Proportional set size from /proc: what a process really costs when pages are shared. */
export function pssMb(pid: number): number {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1]) / 1024;
}
