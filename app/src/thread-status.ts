import { ARCHIVABLE_STATUSES, type Thread, type ThreadStatus } from './protocol.ts';

/** How a thread status looks wherever it is shown: a colour (one per meaning, DESIGN.md §9) and words. */
export interface StatusLook {
  readonly colour: string;
  readonly label: string;
  /** Shown on the card itself; otherwise the column already says it and only a screen reader hears it. */
  readonly isNoted: boolean;
}

export const STATUS_LOOKS: Readonly<Record<ThreadStatus, StatusLook>> = {
  creating: { colour: 'var(--status-queued)', label: 'Creating worktree…', isNoted: true },
  queued: { colour: 'var(--status-queued)', label: 'Queued', isNoted: false },
  running: { colour: 'var(--status-running)', label: 'Running', isNoted: false },
  waiting: { colour: 'var(--status-waiting)', label: 'Waiting for you', isNoted: false },
  review: { colour: 'var(--status-review)', label: 'Review', isNoted: false },
  done: { colour: 'var(--status-done)', label: 'Done', isNoted: false },
  error: { colour: 'var(--status-error)', label: 'Failed', isNoted: true },
  interrupted: { colour: 'var(--status-error)', label: 'Interrupted', isNoted: true },
  archived: { colour: 'var(--status-queued)', label: 'Archived', isNoted: false },
};

/** Whether a thread offers Archive: the host's own rule (ARCHIVABLE_STATUSES), so the button never promises what it refuses. */
export function offersArchive(status: ThreadStatus): boolean {
  return ARCHIVABLE_STATUSES.includes(status);
}

/** The words for where a thread is: its status, or that its setup is running (its worktree is there by then). */
export function statusLabel(thread: Thread): string {
  return thread.status === 'creating' && thread.setup?.state === 'running' ? 'Running setup…' : STATUS_LOOKS[thread.status].label;
}
