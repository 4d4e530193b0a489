import type { ProjectId, ThreadId } from './protocol.ts';

/**
 * The requests child elements send up to <grove-app>, which owns the connection and acts
 * on them (or, where noted, to the view around them). They bubble and cross shadow roots.
 */
export interface GroveEvents {
  /** Show this project's board. */
  'grove-select-project': { projectId: ProjectId };
  /** Open the add-project dialog. */
  'grove-add-project': undefined;
  /** Ask to remove this project (a confirmation follows). */
  'grove-remove-project': { projectId: ProjectId };
  /** Open the new-thread dialog for this project. */
  'grove-new-thread': { projectId: ProjectId };
  /** Ask to archive this thread (a confirmation listing what is at stake follows). */
  'grove-archive-thread': { threadId: ThreadId };
  /** Ask to delete this thread for good (a confirmation follows; the host may ask for the branch name). */
  'grove-delete-thread': { threadId: ThreadId };
  /** Show this thread in the thread view, beside the board. */
  'grove-open-thread': { threadId: ThreadId };
  /** Close the thread view. */
  'grove-close-thread': undefined;
  /** Keyboard focus asks to leave the terminal (Shift+Escape); the thread view around it takes focus. */
  'grove-leave-terminal': undefined;
  /** Show the inbox: every request waiting for a person, across every thread. */
  'grove-open-inbox': undefined;
  /** Leave the inbox for the board. */
  'grove-close-inbox': undefined;
  /** Open the command palette. */
  'grove-open-palette': undefined;
  /** Skip the reconnect backoff and try the host now. */
  'grove-retry-connection': undefined;
}

/** Dispatches one of Grove's UI events from `source`. */
export function emit<K extends keyof GroveEvents>(source: EventTarget, type: K, detail: GroveEvents[K]): void {
  source.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}
