import { type Approval, type ApprovalId, type ParamsOf, plainCommandWords, type ThreadId } from './protocol.ts';

/** What a person can do to held requests, wherever they are shown (the inbox, a thread view). */
export interface ApprovalActions {
  /** `approval/resolve`; rejects with the host's words (an edited command it refuses, a rule it will not make). */
  resolve(params: ParamsOf<'approval/resolve'>): Promise<void>;
  /** `approval/approveAll` for identical pending requests. */
  approveAll(approvalIds: readonly ApprovalId[]): Promise<void>;
}

/** Programs whose first word says little: a rule for them takes their subcommand too (`git status`, `npm test`). */
const TOOLS_WITH_SUBCOMMANDS = new Set(['git', 'npm', 'pnpm', 'yarn', 'cargo', 'make', 'go']);

/** A word a rule can hold: no option, quote, variable or operator. */
/**
 * Whether an "always allow" rule could ever cover this command: plain words only, as the
 * host's rules require (`plainCommandWords`, shared with the host). Anything more (quotes,
 * variables, pipes, `&&`, redirections) always asks, so the UI does not offer a rule the
 * host would refuse for that reason. The host still decides everything else.
 */
export function isPlainCommand(command: string): boolean {
  return plainCommandWords(command) !== undefined;
}

/** Pending requests, oldest first: the one waiting longest on top, and new ones arrive below without moving the rest. */
export function pendingApprovals(approvals: readonly Approval[]): Approval[] {
  return approvals.filter((a) => a.status === 'pending').sort((a, b) => a.createdAt - b.createdAt);
}

/** Answered requests, the most recently changed first. */
export function settledApprovals(approvals: readonly Approval[]): Approval[] {
  return approvals.filter((a) => a.status !== 'pending').sort((a, b) => b.updatedAt - a.updatedAt);
}

/** Pending requests per thread: what a card's badge counts. */
export function pendingByThread(approvals: readonly Approval[]): ReadonlyMap<ThreadId, number> {
  const counts = new Map<ThreadId, number>();
  for (const a of approvals) if (a.status === 'pending') counts.set(a.threadId, (counts.get(a.threadId) ?? 0) + 1);
  return counts;
}

/**
 * Pending requests grouped with the ones identical to them (same project, kind, command and
 * cwd), the only ones the host approves together. Every request maps to its whole group.
 */
export function identicalGroups(pending: readonly Approval[]): ReadonlyMap<ApprovalId, readonly ApprovalId[]> {
  const byKey = new Map<string, ApprovalId[]>();
  for (const a of pending) {
    const key = JSON.stringify([a.projectId, a.kind, a.command, a.cwd]);
    const group = byKey.get(key) ?? [];
    group.push(a.id);
    byKey.set(key, group);
  }
  const groups = new Map<ApprovalId, readonly ApprovalId[]>();
  for (const group of byKey.values()) for (const id of group) groups.set(id, group);
  return groups;
}

/**
 * The words an "always allow" rule starts from: the program, plus its subcommand for tools
 * like git or npm (`git status`, not every `git`). The person can edit them; the host decides.
 */
export function defaultPrefix(command: string): string {
  const words = command.trim().split(/\s+/).filter(Boolean);
  const [first = '', second] = words;
  if (TOOLS_WITH_SUBCOMMANDS.has(first) && second !== undefined && !second.startsWith('-') && isPlainCommand(second)) {
    return `${first} ${second}`;
  }
  return first;
}

/** `text` cut to `max` characters, with an ellipsis when it was longer. */
export function cut(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
