/**
 * Thread statuses and how the board groups them. Kept free of zod so the UI can import
 * it at no bundle cost.
 */
export const THREAD_STATUSES = [
  'creating',
  'queued',
  'running',
  'waiting',
  'review',
  'done',
  'error',
  'interrupted',
  'archived',
] as const;

export type ThreadStatus = (typeof THREAD_STATUSES)[number];

/** Statuses a thread may be archived from: anything settled, nothing in motion. The host enforces it; the UI offers Archive only for these. */
export const ARCHIVABLE_STATUSES: readonly ThreadStatus[] = ['queued', 'review', 'done', 'error', 'interrupted'];

export interface BoardColumn {
  readonly id: string;
  readonly title: string;
  /** One sentence for the empty column: what lands here. */
  readonly hint: string;
  readonly statuses: readonly ThreadStatus[];
}

/** Archived threads leave the board; every other status lands in exactly one column. */
export const BOARD_COLUMNS: readonly BoardColumn[] = [
  {
    id: 'queued',
    title: 'Queued',
    hint: 'New threads wait here while their worktree is made and a model slot frees up.',
    statuses: ['creating', 'queued'],
  },
  {
    id: 'running',
    title: 'Running',
    hint: 'Agents at work, each in its own worktree and branch.',
    statuses: ['running'],
  },
  {
    id: 'waiting',
    title: 'Waiting for you',
    hint: 'Threads held on an approval or a question. Nothing here times out.',
    statuses: ['waiting'],
  },
  {
    id: 'review',
    title: 'Review',
    hint: 'Finished turns with a diff to read, stage and commit.',
    statuses: ['review'],
  },
  {
    id: 'stopped',
    title: 'Stopped',
    hint: 'Threads that failed or were interrupted, with what to do next.',
    statuses: ['error', 'interrupted'],
  },
  {
    id: 'done',
    title: 'Done',
    hint: 'Merged or finished work, ready to archive without losing a byte.',
    statuses: ['done'],
  },
];
