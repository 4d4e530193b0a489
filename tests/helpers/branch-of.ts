import type { Thread } from '../../extensions/agent-host/src/protocol/index.ts';

/** A thread's branch, for a test that made it with thread/create (only adopted detached HEADs have none). */
export function branchOf(thread: Pick<Thread, 'branch' | 'title'>): string {
  if (thread.branch === null) throw new Error(`“${thread.title}” has no branch: a detached HEAD`);
  return thread.branch;
}
