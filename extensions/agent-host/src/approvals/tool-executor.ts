import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { AuditInput } from '../audit/audit-entry.ts';
import { git } from '../git/git.ts';
import { HostError } from '../host/host-error.ts';
import { log } from '../host/log.ts';
import { KeyedMutex } from '../host/mutex.ts';
import type { PolicyDecision } from '../policy/decision.ts';
import type { PolicyEngine } from '../policy/policy-engine.ts';
import type { ActionResult, Approval, ApprovalId, Project, Rule, RuleId, Thread, ThreadId } from '../protocol/index.ts';
import type { ApprovalService } from './approval-service.ts';
import { matchingRule, ruleRefusal } from './rules.ts';

/**
 * Half-done git operations a command in the sandbox can leave in the worktree's writable
 * admin folder. With one of them present, `git commit` would make a merge (or worse) that
 * no one saw, so the gated commit refuses.
 */
const IN_PROGRESS = ['MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'rebase-merge', 'rebase-apply', 'BISECT_LOG'];

/** The staged diff a person reads in the inbox is cut here; the commit itself is whole. */
const COMMIT_DIFF_CHARS = 200_000;

/** Runs an agent's shell command in a thread's worktree (in the sandbox where there is one). */
export type CommandRunner = (input: {
  readonly command: string;
  readonly cwd: string;
  readonly thread: Thread;
  readonly project: Project;
  readonly signal?: AbortSignal | undefined;
}) => Promise<ActionResult>;

/** Appends to the project's audit log. */
export type AuditWriter = (projectId: Project['id'], entry: AuditInput) => Promise<void>;

/** What the executor needs to know of threads. */
export interface ExecutorThreads {
  /** The live thread and its project; refuses for an archived thread or one without a worktree. */
  workspace(threadId: ThreadId): { thread: Thread; project: Project };
}

/** What became of an action an agent asked for: what goes back to the agent. */
export type ActionOutcome =
  | {
      readonly status: 'ran';
      readonly approvalId: ApprovalId | null;
      readonly reasons: readonly string[];
      readonly result: ActionResult;
    }
  | {
      readonly status: 'denied';
      readonly approvalId: ApprovalId | null;
      readonly reasons: readonly string[];
      /** The person's words when they denied it, or the policy's reasons in one line. */
      readonly message: string;
    };

/**
 * The host API the agents call for actions with side effects: shell commands and commits.
 * Each is checked by the policy; what it allows runs, what it denies does not, and what it
 * cannot prove safe waits in the inbox until a person answers. Everything is audited.
 */
export class ToolExecutor {
  readonly #policy: (project: Project) => Promise<PolicyEngine>;
  readonly #approvals: ApprovalService;
  readonly #threads: ExecutorThreads;
  readonly #run: CommandRunner;
  readonly #audit: AuditWriter;
  /** One commit at a time per worktree: commits change the index. */
  readonly #worktreeLocks = new KeyedMutex();

  constructor(deps: {
    policy: (project: Project) => Promise<PolicyEngine>;
    approvals: ApprovalService;
    threads: ExecutorThreads;
    run: CommandRunner;
    audit: AuditWriter;
  }) {
    this.#policy = deps.policy;
    this.#approvals = deps.approvals;
    this.#threads = deps.threads;
    this.#run = deps.run;
    this.#audit = deps.audit;
  }

  /** Runs `command` for a thread if the policy allows it, holds it for a person if it asks, refuses it if it denies. */
  async runCommand(input: { threadId: ThreadId; command: string; cwd?: string; signal?: AbortSignal }): Promise<ActionOutcome> {
    const { thread, project } = this.#threads.workspace(input.threadId);
    const cwd = insideWorktree(thread, input.cwd);
    const callId = newCallId();
    await this.#audit(project.id, {
      kind: 'tool_call',
      callId,
      tool: 'run_command',
      threadId: thread.id,
      input: { command: input.command, cwd },
    });
    const decision = await this.#check(project, thread, input.command, cwd);
    await this.#audit(project.id, decided(thread.id, callId, input.command, cwd, decision));
    if (decision.decision === 'deny') {
      return { status: 'denied', approvalId: null, reasons: decision.reasons, message: refusal(decision) };
    }
    if (decision.decision === 'allow') {
      const result = await this.#run({ command: input.command, cwd, thread, project, signal: input.signal });
      return { status: 'ran', approvalId: null, reasons: decision.reasons, result };
    }
    const held = await this.#approvals.hold({
      threadId: thread.id,
      projectId: project.id,
      kind: 'command',
      command: input.command,
      cwd,
      commit: null,
      reasons: [...decision.reasons],
    });
    return this.#afterAnswer(held, (command) => this.#run({ command, cwd, thread, project, signal: input.signal }));
  }

  /** Commits what is staged in a thread's worktree with `message`; always waits for a person. */
  async commit(input: { threadId: ThreadId; message: string }): Promise<ActionOutcome> {
    const { thread, project } = this.#threads.workspace(input.threadId);
    const cwd = thread.worktreePath;
    const message = input.message.trim();
    if (message === '')
      throw new HostError('invalid_params', 'A commit needs a message. Write one line saying what changed and why.');
    const callId = newCallId();
    await this.#audit(project.id, { kind: 'tool_call', callId, tool: 'commit', threadId: thread.id, input: { message } });
    const unfinished = await inProgress(cwd);
    if (unfinished !== undefined) {
      return { status: 'denied', approvalId: null, reasons: [unfinished], message: `Grove will not commit now: ${unfinished}.` };
    }
    const files = (await git(cwd, ['diff', '--cached', '--name-status'])).split('\n').filter((line) => line !== '');
    if (files.length === 0) {
      return {
        status: 'denied',
        approvalId: null,
        reasons: ['nothing is staged'],
        message: 'Nothing is staged, so there is nothing to commit. Stage the changes first (git add).',
      };
    }
    const diff = await git(cwd, ['diff', '--cached', '--no-color', '--no-ext-diff']);
    const held = await this.#approvals.hold({
      threadId: thread.id,
      projectId: project.id,
      kind: 'commit',
      command: `git commit -m ${JSON.stringify(message)}`,
      cwd,
      commit: {
        message,
        files,
        diff: diff.slice(0, COMMIT_DIFF_CHARS),
        diffTruncated: diff.length > COMMIT_DIFF_CHARS,
      },
      reasons: ['every commit waits for a person'],
    });
    await this.#audit(project.id, decided(thread.id, callId, held.command, cwd, { decision: 'ask', reasons: held.reasons }));
    return this.#afterAnswer(held, () => this.#gitCommit(cwd, message));
  }

  /**
   * A person's answer to a held request, from the inbox. An edited command is checked again
   * (a denied one is refused and the request stays pending); `rememberPrefix` adds a rule,
   * unless it could let something destructive, a commit or push, or a secret through. The
   * answer wakes the agent waiting for it; one asked before a restart has no agent waiting,
   * so the approval itself runs it.
   */
  async answer(input: {
    approvalId: ApprovalId;
    verdict: 'approve' | 'deny';
    message?: string | undefined;
    editedCommand?: string | undefined;
    rememberPrefix?: readonly string[] | undefined;
  }): Promise<Approval> {
    const { verdict, editedCommand, rememberPrefix } = input;
    const message = input.message ?? null;
    return this.#decide(input.approvalId, async (held) => {
      const edited =
        verdict === 'approve' && editedCommand !== undefined && editedCommand !== held.command ? editedCommand : null;
      if (edited !== null) await this.#checkEdited(held, edited);
      let rule: Rule | null = null;
      if (verdict === 'approve' && rememberPrefix !== undefined) {
        await this.#checkRule(held, edited ?? held.command, rememberPrefix);
        rule = await this.#approvals.addRule(held.projectId, rememberPrefix, held.id);
        await this.#audit(held.projectId, { kind: 'rule_change', change: 'added', ruleId: rule.id, rule: { ...rule } });
      }
      return { verdict, message, editedCommand: edited, rule: rule?.id ?? null, at: Date.now() };
    });
  }

  /** Approves several pending requests at once; only identical ones (project, kind, command, cwd). */
  async approveAll(approvalIds: readonly ApprovalId[]): Promise<Approval[]> {
    const held = approvalIds.map((id) => this.#approvals.get(id));
    const [first] = held;
    const same = (a: Approval) =>
      a.projectId === first?.projectId && a.kind === first.kind && a.command === first.command && a.cwd === first.cwd;
    if (!held.every(same)) {
      throw new HostError(
        'approvals_differ',
        'Only identical requests (same project, command and folder) can be approved together.',
      );
    }
    const approved: Approval[] = [];
    for (const id of approvalIds) {
      approved.push(
        await this.#decide(id, async () => ({
          verdict: 'approve',
          message: null,
          editedCommand: null,
          rule: null,
          at: Date.now(),
        })),
      );
    }
    return approved;
  }

  /** Removes a rule; the commands it allowed ask again. */
  async revokeRule(ruleId: RuleId): Promise<void> {
    const rule = this.#approvals.rules().find((r) => r.id === ruleId);
    await this.#approvals.revokeRule(ruleId);
    if (rule) await this.#audit(rule.projectId, { kind: 'rule_change', change: 'removed', ruleId, rule: { ...rule } });
  }

  /** Records an answer and audits it; an approval nobody waits for any more runs now, in the background. */
  async #decide(approvalId: ApprovalId, answer: Parameters<ApprovalService['decide']>[1]): Promise<Approval> {
    const { approval, awaited } = await this.#approvals.decide(approvalId, answer);
    const decision = approval.decision;
    await this.#audit(approval.projectId, {
      kind: 'approval',
      threadId: approval.threadId,
      requestId: approval.id,
      outcome: decision?.verdict === 'approve' ? 'approved' : 'denied',
      ...(decision?.verdict === 'approve' ? { command: decision.editedCommand ?? approval.command } : {}),
      ...(decision?.message == null ? {} : { message: decision.message }),
    });
    if (!awaited && approval.status === 'approved') {
      this.#runOrphan(approval).catch((error: unknown) => log.error(`could not run approval ${approval.id}`, error));
    }
    return approval;
  }

  /** An edited command is checked before a person's approval of it is recorded: a denied one is refused outright. */
  async #checkEdited(approval: Approval, command: string): Promise<void> {
    if (approval.kind !== 'command') {
      throw new HostError('invalid_params', 'Only a command can be edited before it is approved; a commit runs as staged.');
    }
    const { thread, project } = this.#threads.workspace(approval.threadId);
    const decision = await this.#check(project, thread, command, approval.cwd);
    await this.#audit(project.id, decided(thread.id, undefined, command, approval.cwd, decision));
    if (decision.decision === 'deny') {
      throw new HostError('command_denied', `Grove will not run the edited command: ${refusal(decision)}`, {
        reasons: decision.reasons,
      });
    }
  }

  /** Refuses a rule that could let something destructive, a commit or push, or a secret through. */
  async #checkRule(approval: Approval, command: string, prefix: readonly string[]): Promise<void> {
    const { thread, project } = this.#threads.workspace(approval.threadId);
    const policy = await this.#policy(project);
    const why = ruleRefusal(prefix, approval.kind, command, (path) =>
      policy.checkPath(path, { worktree: thread.worktreePath, access: 'read' }),
    );
    if (why !== undefined) throw new HostError('rule_refused', why, { prefix });
  }

  /** Waits for the person's answer to `held`; runs the approved command (exactly once) and records how it ended. */
  async #afterAnswer(held: Approval, run: (command: string) => Promise<ActionResult>): Promise<ActionOutcome> {
    const answer = await this.#approvals.answer(held.id);
    if (answer.verdict === 'deny') {
      const message = answer.message ?? 'A person denied this; do not try it again the same way.';
      return { status: 'denied', approvalId: held.id, reasons: held.reasons, message };
    }
    return {
      status: 'ran',
      approvalId: held.id,
      reasons: held.reasons,
      result: await this.#runApproved(held.id, answer.command, run),
    };
  }

  /** Runs an approved request once, marking it running first so a restart can never run it again. */
  async #runApproved(
    approvalId: ApprovalId,
    command: string,
    run: (command: string) => Promise<ActionResult>,
  ): Promise<ActionResult> {
    const approval = await this.#approvals.started(approvalId);
    let result: ActionResult;
    try {
      result = await run(command);
    } catch (error) {
      result = failure(error);
    }
    await this.#approvals.finished(approvalId, result, result.exitCode === 0);
    if (approval.kind === 'commit' && result.exitCode === 0) {
      await this.#audit(approval.projectId, {
        kind: 'git_mutation',
        threadId: approval.threadId,
        operation: 'commit',
        args: ['commit', '-F', '-'],
        cwd: approval.cwd,
      });
    }
    return result;
  }

  /** Runs an approved request no agent waits for; the result waits on its record. */
  async #runOrphan(approval: Approval): Promise<void> {
    const { thread, project } = this.#threads.workspace(approval.threadId);
    const command = approval.decision?.editedCommand ?? approval.command;
    await this.#runApproved(approval.id, command, (c) =>
      approval.kind === 'commit'
        ? this.#gitCommit(approval.cwd, approval.commit?.message ?? '')
        : this.#run({ command: c, cwd: approval.cwd, thread, project }),
    );
  }

  async #check(project: Project, thread: Thread, command: string, cwd: string): Promise<PolicyDecision> {
    const policy = await this.#policy(project);
    const decision = policy.checkCommand(command, { worktree: thread.worktreePath, cwd });
    if (decision.decision !== 'ask') return decision;
    const rule = matchingRule(this.#approvals.rules(project.id), command, (path) =>
      policy.checkPath(path, { worktree: thread.worktreePath, access: 'read' }),
    );
    if (rule === undefined) return decision;
    return { decision: 'allow', reasons: [`a rule of this project always allows “${rule.prefix.join(' ')}”`] };
  }

  /** Commits as the person approved it: Grove's own git, outside the sandbox (where the git dir is read-only). */
  #gitCommit(cwd: string, message: string): Promise<ActionResult> {
    return this.#worktreeLocks.run(cwd, async () => {
      const started = performance.now();
      try {
        // Checked again: a command may have left one since the person was asked.
        const unfinished = await inProgress(cwd);
        if (unfinished !== undefined) throw new Error(`Grove did not commit: ${unfinished}.`);
        const output = await git(cwd, ['commit', '-F', '-'], undefined, message);
        return ok(output, performance.now() - started);
      } catch (error) {
        return failure(error, performance.now() - started);
      }
    });
  }
}

/** Says which half-done git operation the worktree holds, if any. */
async function inProgress(cwd: string): Promise<string | undefined> {
  const paths = (await git(cwd, ['rev-parse', '--path-format=absolute', ...IN_PROGRESS.flatMap((name) => ['--git-path', name])]))
    .trim()
    .split('\n');
  const found = IN_PROGRESS.find((_, i) => existsSync(paths[i] ?? ''));
  return found === undefined ? undefined : `a half-done git operation is in the worktree (${found}); finish or abort it first`;
}

/** The folder a command runs in: inside the thread's worktree, or refused. */
function insideWorktree(thread: Thread, cwd: string | undefined): string {
  const folder = cwd === undefined ? thread.worktreePath : resolve(thread.worktreePath, cwd);
  const rel = relative(thread.worktreePath, folder);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new HostError(
      'invalid_params',
      `Commands run inside the thread’s worktree; ${folder} is outside ${thread.worktreePath}.`,
    );
  }
  return folder;
}

function refusal(decision: PolicyDecision): string {
  return `Grove’s policy refuses this: ${decision.reasons.join('; ')}.`;
}

function newCallId(): string {
  return `c_${randomBytes(8).toString('hex')}`;
}

function decided(
  threadId: ThreadId,
  callId: string | undefined,
  command: string,
  cwd: string,
  decision: PolicyDecision,
): AuditInput {
  return {
    kind: 'decision',
    threadId,
    ...(callId === undefined ? {} : { callId }),
    action: 'command',
    target: command,
    cwd,
    verdict: decision.decision,
    reasons: decision.reasons,
  };
}

function ok(output: string, durationMs: number): ActionResult {
  return {
    exitCode: 0,
    signal: null,
    output,
    truncated: false,
    sandboxed: false,
    unsandboxedReason: 'Grove’s own git',
    durationMs,
  };
}

/** A run that could not start or a git command that failed: its message is the output. */
function failure(error: unknown, durationMs = 0): ActionResult {
  return {
    exitCode: 1,
    signal: null,
    output: error instanceof Error ? error.message : String(error),
    truncated: false,
    sandboxed: false,
    unsandboxedReason: null,
    durationMs,
  };
}
