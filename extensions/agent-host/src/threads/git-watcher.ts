import { existsSync } from 'node:fs';
import { git } from '../git/git.ts';
import { log } from '../host/log.ts';
import type { Thread, ThreadGit } from '../protocol/index.ts';

/**
 * How often worktrees are looked at. 2 s makes a card follow what a person does in a
 * shell; each look is two git calls per live thread, without the optional index lock.
 */
const INTERVAL_MS = 2_000;

/** The part of ThreadService the watcher needs. */
export interface WatchedThreads {
  list(): readonly Thread[];
  recordGit(threadId: Thread['id'], git: ThreadGit): Promise<void>;
}

/**
 * Keeps each live thread's git figures (changed files, ahead/behind its base, the branch
 * checked out, whether the folder still exists) current. Notices what people do outside
 * Grove: a worktree deleted by hand, a branch switched by hand.
 */
export class GitWatcher {
  readonly #threads: WatchedThreads;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(threads: WatchedThreads) {
    this.#threads = threads;
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#running ??= this.refresh().finally(() => {
        this.#running = undefined;
      });
    }, INTERVAL_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  /** Looks at every live thread once. */
  async refresh(): Promise<void> {
    for (const thread of this.#threads.list()) {
      if (thread.status === 'archived' || thread.status === 'creating') continue;
      try {
        await this.#threads.recordGit(thread.id, await look(thread));
      } catch (error) {
        log.error(`could not read git status of ${thread.id}`, error);
      }
    }
  }
}

async function look(thread: Thread): Promise<ThreadGit> {
  const checkedAt = Date.now();
  if (!existsSync(thread.worktreePath)) return { present: false, changed: 0, ahead: 0, behind: 0, head: null, checkedAt };
  const status = await git(thread.worktreePath, [
    '--no-optional-locks',
    'status',
    '--porcelain=v2',
    '--branch',
    '-z',
    '--untracked-files=all',
  ]);
  let head: string | null = null;
  let changed = 0;
  for (const entry of status.split('\0')) {
    if (entry.startsWith('# branch.head ')) {
      const name = entry.slice('# branch.head '.length);
      head = name === '(detached)' ? null : name;
    } else if (/^[12u?] /.test(entry)) changed++;
  }
  // Against the base as it is now (main moves on), or the commit it started from if the ref is gone.
  const base = await git(thread.worktreePath, [
    '--no-optional-locks',
    'rev-parse',
    '--verify',
    '--quiet',
    `${thread.base.ref}^{commit}`,
  ]).catch(() => thread.base.commit);
  const counts = await git(thread.worktreePath, [
    '--no-optional-locks',
    'rev-list',
    '--left-right',
    '--count',
    `${base.trim() || thread.base.commit}...HEAD`,
  ]);
  const [behind = 0, ahead = 0] = counts.trim().split(/\s+/).map(Number);
  return { present: true, changed, ahead, behind, head, checkedAt };
}
