import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * How long recovery waits for git commands a killed host left running. They go on after
 * the host (only the host was killed) and finish in seconds at most: a checkout, a reset.
 */
const SETTLE_TIMEOUT_MS = 15_000;
const SETTLE_POLL_MS = 50;

/**
 * Waits until no git command is at work in `worktree`, and returns null; or, if one of its
 * locks outlives the wait, returns that lock file. git holds `index.lock` while it writes
 * files (reset, read-tree -u, the checkout of `worktree add`), and `worktree add` keeps the
 * worktree locked as "initializing" until its checkout is done. Recovery must not read files
 * they are halfway through writing. A lock that stays was left by a git that was killed
 * too, and only a person can tell that nothing else is using it.
 */
export async function settleWorktree(worktree: string): Promise<string | null> {
  const admin = await adminDir(worktree);
  if (admin === undefined) return null;
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const held = await heldLock(admin);
    if (held === null || Date.now() > deadline) return held;
    await new Promise((done) => setTimeout(done, SETTLE_POLL_MS));
  }
}

/** The worktree's own folder in the repository (`.git/worktrees/<name>`), from its `.git` file; undefined without one. */
async function adminDir(worktree: string): Promise<string | undefined> {
  try {
    const pointer = /^gitdir: (.+)$/m.exec(await readFile(join(worktree, '.git'), 'utf8'));
    return pointer?.[1] === undefined ? undefined : resolve(worktree, pointer[1]);
  } catch {
    return undefined; // No `.git` file (not a linked worktree, or not one yet): nothing of git's to wait for.
  }
}

async function heldLock(admin: string): Promise<string | null> {
  const index = join(admin, 'index.lock');
  if (existsSync(index)) return index;
  // A lock a person set has their reason in it; only git's own "initializing" is waited out.
  const locked = join(admin, 'locked');
  const reason = await readFile(locked, 'utf8').catch(() => null);
  return reason?.trim() === 'initializing' ? locked : null;
}
