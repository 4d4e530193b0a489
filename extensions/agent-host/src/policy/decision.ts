/** What the policy lets an agent do: run it, hold it for a person, or refuse it. */
export type Verdict = 'allow' | 'ask' | 'deny';

/** A verdict with the reasons a person (or the agent) reads: why it was allowed, held or refused. */
export interface PolicyDecision {
  readonly decision: Verdict;
  readonly reasons: readonly string[];
}

const SEVERITY: Record<Verdict, number> = { allow: 0, ask: 1, deny: 2 };

export function allow(reason: string): PolicyDecision {
  return { decision: 'allow', reasons: [reason] };
}

export function ask(reason: string): PolicyDecision {
  return { decision: 'ask', reasons: [reason] };
}

export function deny(reason: string): PolicyDecision {
  return { decision: 'deny', reasons: [reason] };
}

/**
 * Collects findings while a command or path is checked. The strictest verdict wins, and only
 * the reasons behind it are kept, so a held command lists what held it rather than what passed.
 */
export class Findings {
  private verdict: Verdict = 'allow';
  private readonly reasons: string[] = [];

  add(verdict: Verdict, reason: string): void {
    if (SEVERITY[verdict] > SEVERITY[this.verdict]) {
      this.verdict = verdict;
      this.reasons.length = 0;
    }
    if (verdict === this.verdict && !this.reasons.includes(reason)) this.reasons.push(reason);
  }

  ask(reason: string): void {
    this.add('ask', reason);
  }

  deny(reason: string): void {
    this.add('deny', reason);
  }

  merge(decision: PolicyDecision): void {
    for (const reason of decision.reasons) this.add(decision.decision, reason);
  }

  get isAllowed(): boolean {
    return this.verdict === 'allow';
  }

  result(): PolicyDecision {
    return { decision: this.verdict, reasons: [...this.reasons] };
  }
}
