import { type AnyNotification, type Approval, type HostState, SETTLED_APPROVALS_SHOWN } from '../protocol.ts';

/**
 * Settled approvals the mirror keeps besides every pending one, newest first: as many as
 * the host's snapshot carries, so a long session shows what a reload would and does not
 * grow without end.
 */
const SETTLED_KEPT = SETTLED_APPROVALS_SHOWN;

/** What applying one notification did to the mirror. */
export type ApplyOutcome =
  /** The notification was the next change and is now in the mirror. */
  | 'applied'
  /** The mirror already holds this change (it came with a newer snapshot). */
  | 'stale'
  /** At least one change was missed: the mirror must be replaced by a fresh snapshot. */
  | 'gap';

/**
 * The UI's mirror of the host's state. Only the connection writes to it (a snapshot from
 * `host/initialize`, then change notifications); components read it and subscribe.
 */
export class HostStore {
  #state: HostState | null = null;
  readonly #listeners = new Set<() => void>();

  /** The last snapshot plus every change since; null until the first `host/initialize`. */
  get state(): HostState | null {
    return this.#state;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Replaces the whole mirror with a snapshot from `host/initialize`. */
  replace(state: HostState): void {
    this.#state = state;
    this.#emit();
  }

  /** Applies one change notification if it is exactly the next revision. */
  apply(notification: AnyNotification): ApplyOutcome {
    const state = this.#state;
    if (!state) return 'gap';
    const { rev } = notification.params;
    if (rev <= state.rev) return 'stale';
    if (rev !== state.rev + 1) return 'gap';
    this.#state = reduce(state, notification);
    this.#emit();
    return 'applied';
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}

function reduce(state: HostState, notification: AnyNotification): HostState {
  switch (notification.method) {
    case 'project/added': {
      const { project, rev } = notification.params;
      // Keyed by id: a project the mirror already holds is replaced in place, never listed twice.
      const known = state.projects.some((p) => p.id === project.id);
      const projects = known ? state.projects.map((p) => (p.id === project.id ? project : p)) : [...state.projects, project];
      return { ...state, rev, projects };
    }
    case 'project/removed': {
      const { projectId, rev } = notification.params;
      return { ...state, rev, projects: state.projects.filter((p) => p.id !== projectId) };
    }
    case 'thread/added':
    case 'thread/updated': {
      const { thread, rev } = notification.params;
      const known = state.threads.some((t) => t.id === thread.id);
      const threads = known ? state.threads.map((t) => (t.id === thread.id ? thread : t)) : [...state.threads, thread];
      return { ...state, rev, threads };
    }
    case 'thread/removed': {
      const { threadId, rev } = notification.params;
      return { ...state, rev, threads: state.threads.filter((t) => t.id !== threadId) };
    }
    case 'approval/added':
    case 'approval/updated': {
      const { approval, rev } = notification.params;
      const known = state.approvals.some((a) => a.id === approval.id);
      const approvals = known
        ? state.approvals.map((a) => (a.id === approval.id ? approval : a))
        : [approval, ...state.approvals];
      return { ...state, rev, approvals: keepRecent(approvals) };
    }
    case 'rule/added': {
      const { rule, rev } = notification.params;
      return { ...state, rev, rules: [...state.rules.filter((r) => r.id !== rule.id), rule] };
    }
    case 'rule/removed': {
      const { ruleId, rev } = notification.params;
      return { ...state, rev, rules: state.rules.filter((r) => r.id !== ruleId) };
    }
    case 'terminal/added': {
      const { terminal, rev } = notification.params;
      return { ...state, rev, terminals: [...state.terminals.filter((t) => t.id !== terminal.id), terminal] };
    }
    case 'terminal/removed': {
      const { terminalId, rev } = notification.params;
      return { ...state, rev, terminals: state.terminals.filter((t) => t.id !== terminalId) };
    }
    default:
      return assertNever(notification);
  }
}

/** Every pending approval, and the most recently settled ones up to SETTLED_KEPT. */
function keepRecent(approvals: readonly Approval[]): Approval[] {
  const settled = approvals.filter((a) => a.status !== 'pending');
  if (settled.length <= SETTLED_KEPT) return [...approvals];
  const kept = new Set(settled.sort((a, b) => b.updatedAt - a.updatedAt).slice(0, SETTLED_KEPT));
  return approvals.filter((a) => a.status === 'pending' || kept.has(a));
}

function assertNever(value: never): never {
  throw new Error(`Unhandled notification: ${JSON.stringify(value)}`);
}
