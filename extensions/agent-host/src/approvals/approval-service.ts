import { randomBytes } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HostError } from '../host/host-error.ts';
import { KeyedMutex } from '../host/mutex.ts';
import type { StateHub } from '../host/state-hub.ts';
import {
  type ActionResult,
  type Approval,
  type ApprovalId,
  ApprovalSchema,
  type ApprovalStatus,
  type ProjectId,
  type Rule,
  type RuleId,
  RuleSchema,
  SETTLED_APPROVALS_SHOWN,
  type ThreadId,
} from '../protocol/index.ts';
import { readJson, removeStaleTemps, writeJsonAtomic } from '../store/json-file.ts';

/** What a held action became once a person answered. */
export type Answer =
  | { readonly verdict: 'approve'; readonly command: string }
  | { readonly verdict: 'deny'; readonly message: string | null };

/** What the service asks of the threads it holds. */
export interface HeldThreads {
  /** Shows a thread as waiting while any request holds it, and as before once none does. */
  setHeld(threadId: ThreadId, held: boolean): Promise<void>;
}

/**
 * The approval inbox: every action held for a person, across every thread. Records are
 * persisted before they are announced, one JSON file each. An answer wakes the caller that
 * is waiting for it; nothing times out on its own. After a restart, pending requests are
 * pending again, and one that was approved but had not finished is `interrupted`, never
 * run again by itself.
 */
export class ApprovalService {
  readonly #folder: string;
  readonly #rulesFile: string;
  readonly #hub: StateHub;
  readonly #threads: HeldThreads;
  readonly #approvals = new Map<ApprovalId, Approval>();
  readonly #rules = new Map<RuleId, Rule>();
  /** Callers waiting on an answer, by request. Gone after a restart: the request stays pending. */
  readonly #waiters = new Map<ApprovalId, (answer: Answer) => void>();
  readonly #locks = new KeyedMutex();

  constructor(folder: string, hub: StateHub, threads: HeldThreads) {
    this.#folder = folder;
    this.#rulesFile = join(folder, 'rules.json');
    this.#hub = hub;
    this.#threads = threads;
  }

  /** Loads every record; marks the ones a stopped host left approved or running as interrupted, and returns those. */
  async load(): Promise<Approval[]> {
    const interrupted: Approval[] = [];
    await mkdir(this.#folder, { recursive: true });
    for (const name of await readdir(this.#folder)) {
      if (!name.startsWith('a_') || !name.endsWith('.json')) continue;
      const file = join(this.#folder, name);
      await removeStaleTemps(file);
      const approval = await readJson(file, ApprovalSchema);
      if (approval === undefined) continue;
      this.#approvals.set(approval.id, approval);
      if (approval.status === 'approved' || approval.status === 'running') {
        interrupted.push(await this.#save({ ...approval, status: 'interrupted' }, false));
      }
    }
    await removeStaleTemps(this.#rulesFile);
    const rules = (await readJson(this.#rulesFile, RuleSchema.array())) ?? [];
    for (const rule of rules) this.#rules.set(rule.id, rule);
    return interrupted;
  }

  /** What the mirror shows: every pending request, and the most recent settled ones. */
  list(): Approval[] {
    const all = [...this.#approvals.values()].sort((a, b) => b.createdAt - a.createdAt);
    const pending = all.filter((a) => a.status === 'pending');
    const settled = all.filter((a) => a.status !== 'pending').slice(0, SETTLED_APPROVALS_SHOWN);
    return [...pending, ...settled];
  }

  rules(projectId?: ProjectId): Rule[] {
    return [...this.#rules.values()].filter((r) => projectId === undefined || r.projectId === projectId);
  }

  get(approvalId: ApprovalId): Approval {
    const approval = this.#approvals.get(approvalId);
    if (approval === undefined) {
      throw new HostError('approval_not_found', 'That approval request no longer exists; the inbox has been refreshed.', {
        approvalId,
      });
    }
    return approval;
  }

  /** Holds an action for a person: persists and announces the request, and shows its thread as waiting. */
  async hold(
    request: Pick<Approval, 'threadId' | 'projectId' | 'kind' | 'command' | 'cwd' | 'commit' | 'reasons'>,
  ): Promise<Approval> {
    const now = Date.now();
    const approval: Approval = {
      ...request,
      id: `a_${randomBytes(8).toString('hex')}` as ApprovalId,
      status: 'pending',
      decision: null,
      result: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.#save(approval, true, 'approval/added');
    await this.#threads.setHeld(approval.threadId, true);
    return approval;
  }

  /** Resolves when a person answers `approvalId`. No timeout: a request waits as long as it takes. */
  answer(approvalId: ApprovalId): Promise<Answer> {
    return new Promise((resolve) => this.#waiters.set(approvalId, resolve));
  }

  /**
   * Records a person's answer, once: a second answer to the same request is refused.
   * `answer` runs under the request's lock and gives the decision; it may refuse (an
   * edited command the policy denies, a rule that may not be made) and nothing changes.
   * `awaited` says whether a caller was waiting for it (false after a restart).
   */
  async decide(
    approvalId: ApprovalId,
    answer: (approval: Approval) => Promise<NonNullable<Approval['decision']>>,
  ): Promise<{ approval: Approval; awaited: boolean }> {
    return this.#locks.run(approvalId, async () => {
      const approval = this.get(approvalId);
      if (approval.status !== 'pending') {
        throw new HostError('approval_resolved', `That request was already answered (it is ${approval.status}).`, { approvalId });
      }
      const decision = await answer(approval);
      const status: ApprovalStatus = decision.verdict === 'approve' ? 'approved' : 'denied';
      const saved = await this.#save({ ...approval, status, decision });
      await this.#releaseThread(saved.threadId);
      const waiter = this.#waiters.get(approvalId);
      this.#waiters.delete(approvalId);
      waiter?.(
        decision.verdict === 'approve'
          ? { verdict: 'approve', command: decision.editedCommand ?? approval.command }
          : { verdict: 'deny', message: decision.message },
      );
      return { approval: saved, awaited: waiter !== undefined };
    });
  }

  /** Marks an approved request as running, then as finished with its result. */
  async started(approvalId: ApprovalId): Promise<Approval> {
    return this.#locks.run(approvalId, () => this.#save({ ...this.get(approvalId), status: 'running' }));
  }

  async finished(approvalId: ApprovalId, result: ActionResult, ok: boolean): Promise<Approval> {
    return this.#locks.run(approvalId, () => this.#save({ ...this.get(approvalId), status: ok ? 'done' : 'failed', result }));
  }

  async addRule(projectId: ProjectId, prefix: readonly string[], from: ApprovalId | null): Promise<Rule> {
    const rule: Rule = {
      id: `r_${randomBytes(8).toString('hex')}` as RuleId,
      projectId,
      prefix: [...prefix],
      from,
      createdAt: Date.now(),
    };
    this.#rules.set(rule.id, rule);
    await this.#saveRules();
    this.#hub.publish('rule/added', { rule });
    return rule;
  }

  async revokeRule(ruleId: RuleId): Promise<void> {
    if (!this.#rules.delete(ruleId)) {
      throw new HostError('rule_not_found', 'That rule was already removed; the list has been refreshed.', { ruleId });
    }
    await this.#saveRules();
    this.#hub.publish('rule/removed', { ruleId });
  }

  async #releaseThread(threadId: ThreadId): Promise<void> {
    const stillHeld = [...this.#approvals.values()].some((a) => a.threadId === threadId && a.status === 'pending');
    if (!stillHeld) await this.#threads.setHeld(threadId, false);
  }

  #saveRules(): Promise<void> {
    return writeJsonAtomic(this.#rulesFile, [...this.#rules.values()]);
  }

  async #save(
    approval: Approval,
    announce = true,
    method: 'approval/added' | 'approval/updated' = 'approval/updated',
  ): Promise<Approval> {
    const saved = method === 'approval/added' ? approval : { ...approval, updatedAt: Date.now() };
    await writeJsonAtomic(join(this.#folder, `${saved.id}.json`), saved);
    this.#approvals.set(saved.id, saved);
    if (announce) this.#hub.publish(method, { approval: saved });
    return saved;
  }
}
