import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { GitCommandError, git } from '../git/git.ts';
import { listWorktrees, type WorktreeEntry } from '../git/worktree-list.ts';
import { settleWorktree } from '../git/worktree-locks.ts';
import {
  addDetachedWorktree,
  addWorktree,
  addWorktreeForBranch,
  applySnapshot,
  branchExists,
  checkoutSize,
  extendSnapshot,
  isWorktreeOf,
  type Preflight,
  preflight,
  removeSnapshottedWorktree,
  resolveCommit,
  type Snapshot,
  takeSnapshot,
  verifySnapshot,
} from '../git/worktrees.ts';
import { errnoCode, HostError } from '../host/host-error.ts';
import { log } from '../host/log.ts';
import { KeyedMutex } from '../host/mutex.ts';
import type { ProcessRegistry } from '../host/process-registry.ts';
import type { StateHub } from '../host/state-hub.ts';
import type { ProjectService } from '../projects/project-service.ts';
import {
  type AdoptableWorktree,
  ARCHIVABLE_STATUSES,
  checkoutName,
  type Project,
  type Thread,
  type ThreadId,
  ThreadSchema,
  type ThreadSetup,
  type ThreadStatus,
} from '../protocol/index.ts';
import { formatBytes, freeBytes } from '../store/disk-space.ts';
import { readJson, readOptional, removeStaleTemps, writeFileAtomic, writeJsonAtomic } from '../store/json-file.ts';
import { adoptableWorktree, adoptableWorktrees } from './adoptable-worktrees.ts';
import { readProjectSettings } from './project-settings.ts';
import { realPathOf } from './real-path.ts';
import { slugify, uniqueSlug } from './slug.ts';
import { copyIncludedFiles, runSetup } from './thread-setup.ts';
import { worktreeFolder } from './worktree-location.ts';

export interface ThreadPaths {
  /** One JSON file per thread. */
  readonly records: string;
  /** `<worktrees>/<project>/<thread slug>`: where worktrees go unless a project chooses its own folder. */
  readonly worktrees: string;
}

/**
 * Each live thread gets PORTS_PER_THREAD ports from GROVE_PORT up, so a thread's dev
 * server, its tests' server and a debugger do not collide with another thread's.
 */
const FIRST_PORT = 4100;
const PORTS_PER_THREAD = 10;

const ARCHIVABLE: ReadonlySet<ThreadStatus> = new Set(ARCHIVABLE_STATUSES);

/**
 * A killed host's git commands run on after it, and one may still be at work when recovery
 * starts (deleting files under a `git add`, removing the folder being looked at). A recovery
 * step that fails is tried again while they finish: RECOVERY_ATTEMPTS times, waiting
 * RECOVERY_RETRY_MS longer each time (2.5 s in all), long for a git command, short for a start.
 */
const RECOVERY_ATTEMPTS = 4;
const RECOVERY_RETRY_MS = 250;

/** Ends the log of a setup that a crash cut short: what happened and what to do (the card shows it after "Setup script did not finish:"). */
const SETUP_CUT_SHORT =
  'Grove was stopped while it ran, and does not run it again by itself. Run it in the terminal if this worktree needs it.';

/**
 * Threads: a branch and worktree per task, their records, and archive/restore. Each record
 * is written before the step it describes is reported; a step interrupted by a crash is
 * finished or undone by `recover` on the next start, without touching the person's files.
 */
export class ThreadService {
  readonly #paths: ThreadPaths;
  readonly #hub: StateHub;
  readonly #projects: ProjectService;
  readonly #processes: ProcessRegistry;
  /** Ports handed to threads whose record is not saved yet. */
  readonly #pendingPorts = new Set<number>();
  /** Worktree and ref administration, one repository at a time (parallel `worktree add` is racy in git 2.39). */
  readonly #repoLocks = new KeyedMutex();
  /** One operation per thread at a time. */
  readonly #threadLocks = new KeyedMutex();
  /** Record writes per thread, in call order: a late write must never land over a newer one. */
  readonly #saveLocks = new KeyedMutex();
  readonly #threads = new Map<ThreadId, Thread>();
  /** Stops what runs in a thread's worktree (its shells) before the worktree is archived. */
  onArchive: (threadId: ThreadId) => Promise<void> = async () => {};

  constructor(paths: ThreadPaths, hub: StateHub, projects: ProjectService, processes: ProcessRegistry) {
    this.#paths = paths;
    this.#hub = hub;
    this.#projects = projects;
    this.#processes = processes;
  }

  list(): Thread[] {
    return [...this.#threads.values()];
  }

  /** Loads every record; refuses (touching nothing) if one is unreadable. */
  async load(): Promise<void> {
    await mkdir(this.#paths.records, { recursive: true });
    for (const name of await readdir(this.#paths.records)) {
      if (!name.endsWith('.json')) continue;
      const file = join(this.#paths.records, name);
      await removeStaleTemps(file);
      const thread = await readJson(file, ThreadSchema);
      if (thread !== undefined) this.#threads.set(thread.id, thread);
    }
  }

  /** Finishes or undoes whatever a killed host left half done. Call after `load`, before serving. */
  async recover(): Promise<void> {
    for (const thread of this.list()) {
      try {
        const restoringAt = await this.#readRestoreIntent(thread.id);
        if (thread.status === 'creating') await this.#threadLocks.run(thread.id, () => this.#recoverCreation(thread));
        else if (thread.status === 'archived' && restoringAt !== undefined) {
          await this.#threadLocks.run(thread.id, () => retried(() => this.#undoRestore(thread.id, restoringAt)));
        } else if (thread.status === 'archived' && existsSync(thread.worktreePath)) {
          await this.#threadLocks.run(thread.id, () => retried(() => this.#finishArchive(thread.id)));
        } else if (restoringAt !== undefined) {
          // The restore was recorded; only its note was left.
          await rm(this.#restoreIntent(thread.id), { force: true });
        }
      } catch (error) {
        if (error instanceof HostError) log.info(`thread ${thread.id} needs a person: ${error.message}`);
        else log.error(`could not recover thread ${thread.id}`, error);
        const current = this.#threads.get(thread.id) ?? thread;
        const problem = problemOf(error, 'Grove was stopped in the middle of this thread’s last step.');
        // An archived thread stays archived: its work is in the snapshot, where restore looks for it.
        if (current.status === 'archived') await this.#save({ ...current, problem });
        else {
          const setup = current.setup?.state === 'running' ? cutShort(current.setup) : current.setup;
          await this.#save({ ...current, status: 'interrupted', setup, problem });
        }
      }
    }
  }

  /**
   * Creates the branch and worktree for a new task, copies the files the project lists,
   * and starts its setup script. Resolves once the worktree exists; the setup goes on in
   * the background, reported through `thread/updated`, and the thread is `queued` when it
   * ends (failed or not: a failed setup leaves a usable thread with its log).
   */
  async create(input: {
    projectId: Project['id'];
    title: string;
    prompt: string;
    baseRef?: string | undefined;
  }): Promise<Thread> {
    const project = this.#project(input.projectId);
    const baseRef = input.baseRef ?? project.defaultBase ?? 'HEAD';
    const made = await this.#repoLocks.run(project.path, async () => {
      const baseCommit = await resolveCommit(project.path, baseRef);
      if (baseCommit === null) {
        throw new HostError(
          'base_ref_not_found',
          `There is no branch, tag or commit “${baseRef}” in ${project.name}. Pick an existing base.`,
          {
            baseRef,
          },
        );
      }
      const projectDir = await worktreeFolder(project, this.#paths.worktrees);
      const slug = await uniqueSlug(slugify(input.title), async (candidate) => {
        const path = join(projectDir, candidate);
        return (
          existsSync(path) ||
          (await branchExists(project.path, `grove/${candidate}`)) ||
          this.list().some((t) => t.projectId === project.id && basename(t.worktreePath) === candidate)
        );
      });
      const now = Date.now();
      const port = this.#reservePort();
      const created: Thread = {
        id: newThreadId(),
        projectId: project.id,
        title: input.title,
        prompt: input.prompt,
        branch: `grove/${slug}`,
        base: { ref: baseRef, commit: baseCommit },
        worktreePath: join(projectDir, slug),
        port,
        status: 'creating',
        setup: null,
        git: null,
        snapshot: null,
        adopted: null,
        heldFrom: null,
        problem: null,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await this.#save(created, 'thread/added');
      } finally {
        this.#pendingPorts.delete(port);
      }
      try {
        await mkdir(projectDir, { recursive: true });
        await addWorktree(project.path, created.worktreePath, `grove/${slug}`, baseCommit);
      } catch (error) {
        // git takes its half-made folder away itself, but not the branch it made first (at
        // baseCommit, so nothing is on it). A branch someone else made meanwhile is theirs.
        if (!/already exists/.test(String(error))) {
          await git(project.path, ['update-ref', '-d', `refs/heads/grove/${slug}`, baseCommit]).catch(() => '');
        }
        const full = await diskFullError(error, project, projectDir, created.worktreePath, baseCommit);
        if (full === undefined) {
          return this.#save({ ...created, status: 'error', problem: problemOf(error, 'Grove could not create the worktree.') });
        }
        // Nothing was made, so nothing is kept: the person frees space and creates it again.
        await this.#forget(created.id);
        throw full;
      }
      return created;
    });
    if (made.status === 'error') return made;
    return this.#threadLocks.run(made.id, () => this.#prepare(project, made));
  }

  /** Copies the listed files and starts the setup script; the thread is queued now, or when the setup ends. */
  async #prepare(project: Project, thread: Thread): Promise<Thread> {
    let settings: Awaited<ReturnType<typeof readProjectSettings>>;
    try {
      settings = await readProjectSettings(thread.worktreePath);
      await copyIncludedFiles(project.path, thread.worktreePath, settings.copyPatterns);
    } catch (error) {
      return this.#save({ ...thread, status: 'queued', problem: problemOf(error, 'Grove could not prepare the worktree.') });
    }
    if (settings.setup === null) return this.#save({ ...thread, status: 'queued' });
    const command = settings.setup;
    const started = await this.#save({
      ...thread,
      setup: { state: 'running', command, exitCode: null, startedAt: Date.now(), finishedAt: null, tail: '' },
    });
    void runSetup(this.#processes, {
      command,
      cwd: thread.worktreePath,
      env: { ...process.env, ...this.#threadEnv(project, thread) },
      logFile: join(this.#paths.records, `${thread.id}.setup.log`),
      onProgress: (setup) => {
        void this.#update(thread.id, (current) =>
          current.status === 'creating'
            ? { ...current, setup, status: setup.state === 'running' ? 'creating' : 'queued' }
            : undefined,
        ).catch((error) => log.error(`could not save setup progress of ${thread.id}`, error));
      },
    });
    return started;
  }

  /** The project's worktrees made outside Grove that could become threads. Changes nothing. */
  adoptable(projectId: Project['id']): Promise<AdoptableWorktree[]> {
    return adoptableWorktrees(this.#project(projectId), this.list());
  }

  /**
   * Makes a thread of a worktree made outside Grove, as it is: no branch is made, nothing
   * is copied or run there, and the folder stays where it is. The record is the only thing
   * written, so there is no half-done adoption for `recover` to finish. Its base is the
   * project's default branch, from where the worktree's history left it (their merge base),
   * so "unmerged" counts the worktree's own commits.
   */
  adopt(input: { projectId: Project['id']; path: string; title?: string | undefined }): Promise<Thread> {
    const project = this.#project(input.projectId);
    // Under the repository's lock: a create, archive or second adopt cannot slip in between the check and the record.
    return this.#repoLocks.run(project.path, async () => {
      const entry = await adoptableWorktree(project, this.list(), input.path);
      const now = Date.now();
      const port = this.#reservePort();
      try {
        return await this.#save(
          {
            id: newThreadId(),
            projectId: project.id,
            title: input.title ?? entry.branch ?? basename(entry.path),
            prompt: '',
            branch: entry.branch,
            base: await adoptionBase(project, entry),
            worktreePath: entry.path,
            port,
            status: 'queued',
            setup: null,
            git: null,
            snapshot: null,
            adopted: { head: entry.head },
            heldFrom: null,
            problem: null,
            createdAt: now,
            updatedAt: now,
          },
          'thread/added',
        );
      } finally {
        this.#pendingPorts.delete(port);
      }
    });
  }

  /** Records what the git watcher saw; writes only when a figure changed (not just the time). */
  async recordGit(threadId: ThreadId, seen: NonNullable<Thread['git']>): Promise<void> {
    await this.#update(threadId, (current) => {
      if (current.status === 'archived') return undefined;
      const { checkedAt: _old, ...before } = current.git ?? { checkedAt: 0 };
      const { checkedAt: _new, ...after } = seen;
      return JSON.stringify(before) === JSON.stringify(after) ? undefined : { ...current, git: seen };
    });
  }

  /**
   * Shows a thread as `waiting` while an approval holds it, and as it was before once none
   * does. A thread being created or archived is left as it is.
   */
  async setHeld(threadId: ThreadId, held: boolean): Promise<void> {
    await this.#update(threadId, (current) => {
      if (held) {
        if (current.status === 'waiting' || current.status === 'creating' || current.status === 'archived') return undefined;
        return { ...current, status: 'waiting', heldFrom: current.status };
      }
      if (current.status !== 'waiting') return undefined;
      return { ...current, status: current.heldFrom ?? 'queued', heldFrom: null };
    });
  }

  /** A live thread with its worktree, and its project: where an agent's actions run. */
  workspace(threadId: ThreadId): { thread: Thread; project: Project } {
    const thread = this.#thread(threadId);
    if (thread.status === 'archived' || thread.status === 'creating') {
      throw new HostError('thread_busy', `“${thread.title}” is ${thread.status}; it has no worktree to work in now.`, {
        threadId,
      });
    }
    return { thread, project: this.#project(thread.projectId) };
  }

  /** Where a thread's shells start and what they know; refuses for a thread without a worktree. */
  shellInfo(threadId: ThreadId): { worktreePath: string; env: Record<string, string> } {
    const thread = this.#thread(threadId);
    if (thread.status === 'archived') {
      throw new HostError('thread_busy', `“${thread.title}” is archived. Restore it to open its terminal.`, { threadId });
    }
    // Its worktree is being checked out; once the setup starts (or the thread is queued) a shell can open there.
    if (thread.status === 'creating' && thread.setup === null) {
      throw new HostError(
        'thread_busy',
        `“${thread.title}” is still being created. Its terminal can open once its worktree is checked out.`,
        { threadId },
      );
    }
    this.#requireWorktree(thread);
    return { worktreePath: thread.worktreePath, env: this.#threadEnv(this.#project(thread.projectId), thread) };
  }

  /** What every process Grove starts for a thread knows about it. */
  #threadEnv(project: Project, thread: Thread): Record<string, string> {
    return {
      GROVE_THREAD_ID: thread.id,
      GROVE_WORKTREE: thread.worktreePath,
      GROVE_BRANCH: thread.branch ?? '',
      GROVE_ROOT_PATH: project.path,
      GROVE_PORT: String(thread.port),
    };
  }

  /** The first port block no live thread (and no thread being created) holds. */
  #reservePort(): number {
    const taken = new Set([
      ...this.#pendingPorts,
      ...this.list()
        .filter((t) => t.status !== 'archived')
        .map((t) => t.port),
    ]);
    let port = FIRST_PORT;
    while (taken.has(port)) port += PORTS_PER_THREAD;
    this.#pendingPorts.add(port);
    return port;
  }

  /** What archiving would put at stake. */
  preflight(threadId: ThreadId): Promise<Preflight> {
    const thread = this.#thread(threadId);
    this.#requireWorktree(thread);
    return preflight(thread.worktreePath, thread.base.commit);
  }

  /** Snapshots every uncommitted change, verifies it, then removes the worktree (never with --force). */
  archive(threadId: ThreadId): Promise<Thread> {
    return this.#threadLocks.run(threadId, async () => {
      const thread = this.#thread(threadId);
      if (!ARCHIVABLE.has(thread.status)) {
        throw new HostError('thread_busy', `“${thread.title}” is ${thread.status} and cannot be archived now.`, {
          status: thread.status,
        });
      }
      this.#requireWorktree(thread);
      const project = this.#project(thread.projectId);
      await this.#requireOwnWorktree(project, thread);
      await this.onArchive(thread.id);
      const { conflicted } = await preflight(thread.worktreePath, thread.base.commit);
      if (conflicted > 0) {
        throw new HostError(
          'worktree_conflicts',
          `“${thread.title}” has ${conflicted} file(s) with merge conflicts. Resolve them (or abort the merge) first, then archive.`,
          { conflicted },
        );
      }
      const snapshot = await this.#snapshot(project, thread);
      // Persist the intent before the side effect, report after it: a crash in between is
      // finished by recover(), and no client sees `archived` while the worktree still exists.
      const archived = await this.#save(
        { ...thread, status: 'archived', snapshot: { ...snapshot, from: thread.status }, problem: null, git: null },
        'thread/updated',
        false,
      );
      await this.#repoLocks.run(project.path, () => removeSnapshottedWorktree(project.path, thread.worktreePath));
      this.#hub.publish('thread/updated', { thread: archived });
      return archived;
    });
  }

  /** Re-creates the worktree from the branch and re-applies the snapshot exactly. */
  restore(threadId: ThreadId): Promise<Thread> {
    return this.#threadLocks.run(threadId, async () => {
      const thread = this.#thread(threadId);
      const project = this.#project(thread.projectId);
      if (thread.status !== 'archived' && !existsSync(thread.worktreePath)) {
        // Deleted by hand: bring the checkout of its branch back (what was uncommitted went with the folder).
        await this.#repoLocks.run(project.path, async () => {
          // A detached HEAD's last commit is known only to git's record of the worktree, which prune forgets.
          const last = (await registeredWorktree(project.path, thread.worktreePath))?.head;
          await git(project.path, ['worktree', 'prune']);
          await checkOut(project.path, thread, thread.worktreePath, last || thread.adopted?.head || thread.base.commit);
        });
        return this.#save({ ...thread, git: null, problem: null });
      }
      if (thread.status !== 'archived' || thread.snapshot === null) {
        throw new HostError('thread_busy', `“${thread.title}” is not archived and its worktree is there.`, {
          status: thread.status,
        });
      }
      const { snapshot } = thread;
      const path = await this.#restorePath(project, thread);
      // Written before anything is made at `path`: what a restore cut short made there is
      // known to be Grove's, and nothing else ever is (a worktree the person makes there later).
      await writeFileAtomic(this.#restoreIntent(thread.id), path);
      let restored: Thread;
      try {
        await this.#repoLocks.run(project.path, async () => {
          // A removal cut short after the folder went but before git's record of it did leaves
          // that record, and `worktree add` refuses a path git still lists: clear it first.
          if ((await registeredWorktree(project.path, path))?.prunable) {
            await git(project.path, ['worktree', 'remove', '--', path]).catch(() => '');
          }
          await checkOut(project.path, thread, path, snapshot.head);
        });
        await applySnapshot(path, snapshot);
        restored = await this.#save({ ...thread, worktreePath: path, status: snapshot.from, problem: null });
      } catch (error) {
        await this.#undoRestore(thread.id, path).catch((undo) => log.error(`could not undo the restore of ${thread.id}`, undo));
        throw error;
      }
      await rm(this.#restoreIntent(thread.id), { force: true });
      return restored;
    });
  }

  /** The note of a restore in progress: where it is re-creating the thread's worktree. */
  #restoreIntent(threadId: ThreadId): string {
    return join(this.#paths.records, `${threadId}.restoring`);
  }

  async #readRestoreIntent(threadId: ThreadId): Promise<string | undefined> {
    return (await readOptional(this.#restoreIntent(threadId))) || undefined;
  }

  /**
   * Takes away what a restore that did not finish made at `path`, its files kept first (the
   * thread stays archived, and restore can run again), then the restore's note.
   */
  async #undoRestore(threadId: ThreadId, path: string): Promise<void> {
    await this.#finishArchive(threadId, path);
    await rm(this.#restoreIntent(threadId), { force: true });
  }

  /**
   * Where restore re-creates an archived thread's worktree: its own path while that is free.
   * A Grove-made thread whose path is taken waits for the person to move the folder away.
   * An adopted thread lived wherever the person had put it, a place likely to be reused,
   * so it moves into the project's worktree folder instead; the record says where.
   */
  async #restorePath(project: Project, thread: Thread): Promise<string> {
    if (!existsSync(thread.worktreePath)) return thread.worktreePath;
    if (thread.adopted === null) {
      throw new HostError(
        'worktree_path_taken',
        `${thread.worktreePath} already exists, so Grove will not restore over it. Move that folder away, then restore again.`,
        { path: thread.worktreePath },
      );
    }
    const folder = await worktreeFolder(project, this.#paths.worktrees);
    const slug = await uniqueSlug(slugify(thread.title), async (candidate) => existsSync(join(folder, candidate)));
    await mkdir(folder, { recursive: true });
    return join(folder, slug);
  }

  /** Deletes a thread for good, once the person has confirmed whatever work would go with it. */
  delete(threadId: ThreadId, confirmBranch: string | undefined): Promise<void> {
    return this.#threadLocks.run(threadId, async () => {
      const thread = this.#thread(threadId);
      if (thread.status === 'creating') {
        throw new HostError('thread_busy', `“${thread.title}” is still being created; delete it once it is ready.`);
      }
      const project = this.#project(thread.projectId);
      // A folder that is not the thread's worktree any more (something took its place) is left alone.
      const hasWorktree =
        thread.status !== 'archived' &&
        existsSync(thread.worktreePath) &&
        (await isWorktreeOf(project.path, thread.worktreePath));
      const branch = thread.branch;
      const hasBranch = branch !== null && (await branchExists(project.path, branch));
      const stake = hasWorktree
        ? await preflight(thread.worktreePath, thread.base.commit)
        : {
            staged: 0,
            unstaged: 0,
            untracked: 0,
            unmerged: hasBranch
              ? Number((await git(project.path, ['rev-list', '--count', `${thread.base.commit}..${branch}`])).trim())
              : 0,
            unpushed: null,
          };
      const uncommitted = stake.staged + stake.unstaged + stake.untracked;
      const reasons = [
        uncommitted > 0 ? `${uncommitted} uncommitted file(s)` : '',
        stake.unmerged > 0 ? `${stake.unmerged} commit(s) not merged into ${thread.base.ref}` : '',
        (stake.unpushed ?? 0) > 0 ? `${stake.unpushed} commit(s) not pushed` : '',
        thread.status === 'archived' && thread.snapshot !== null ? 'the work saved when it was archived' : '',
      ].filter(Boolean);
      const name = checkoutName(thread);
      if (reasons.length > 0 && confirmBranch !== name) {
        throw new HostError(
          'confirmation_required',
          `Deleting “${thread.title}” would throw away ${reasons.join(', ')}. Type ${branch === null ? 'the commit' : 'the branch name'} ${name} to delete it anyway.`,
          { branch, confirm: name, uncommitted, unmerged: stake.unmerged, unpushed: stake.unpushed },
        );
      }
      await this.onArchive(thread.id);
      if (hasWorktree) {
        // The last safety net: even confirmed, uncommitted work is kept in a snapshot ref. On a
        // detached HEAD its commits are on no branch, so the snapshot (whose parent is HEAD) keeps them too.
        if (uncommitted > 0 || branch === null) await this.#snapshot(project, thread);
        await this.#repoLocks.run(project.path, () => removeSnapshottedWorktree(project.path, thread.worktreePath));
      }
      if (hasBranch) await this.#repoLocks.run(project.path, () => git(project.path, ['branch', '-D', '--', branch]));
      await this.#forget(thread.id);
    });
  }

  /** Removes a thread's record and log, and announces it gone. */
  #forget(threadId: ThreadId): Promise<void> {
    return this.#saveLocks.run(threadId, async () => {
      await rm(join(this.#paths.records, `${threadId}.json`), { force: true });
      await rm(join(this.#paths.records, `${threadId}.setup.log`), { force: true });
      this.#threads.delete(threadId);
      this.#hub.publish('thread/removed', { threadId });
    });
  }

  async #snapshot(project: Project, thread: Thread) {
    const taken = await takeSnapshot(thread.worktreePath, `grove: archive of “${thread.title}”`);
    try {
      await verifySnapshot(thread.worktreePath, taken);
    } catch (error) {
      throw new HostError(
        'snapshot_mismatch',
        `Files in “${thread.title}” changed while Grove was saving them, so nothing was removed. Stop whatever is writing there, then archive again.`,
        { detail: (error as Error).message },
      );
    }
    return this.#keepSnapshot(project, thread, taken);
  }

  /** Gives a snapshot its ref under refs/grove/snapshots/<thread>/, so git keeps it. */
  async #keepSnapshot(project: Project, thread: Thread, taken: Snapshot) {
    const takenAt = Date.now();
    const ref = `refs/grove/snapshots/${thread.id}/${takenAt}`;
    await this.#repoLocks.run(project.path, () => git(project.path, ['update-ref', ref, taken.commit]));
    return { ...taken, ref, takenAt };
  }

  /**
   * A create that was cut short: finish the worktree from whatever git already has, or start
   * it again; then run the setup if it never started, or mark it cut short if it was running
   * (never run again by itself: it may have done half its work).
   */
  async #recoverCreation(thread: Thread): Promise<void> {
    const project = this.#project(thread.projectId);
    const branch = thread.branch;
    // Only thread/create makes `creating` records, and always with a branch.
    if (branch === null) throw new Error(`thread ${thread.id} is creating without a branch`);
    await retried(() =>
      this.#repoLocks.run(project.path, async () => {
        // The killed host's `git worktree add` may still be checking out: let it finish first.
        await requireSettled(thread.worktreePath);
        const registered = await worktreeBranch(project.path, thread.worktreePath);
        if (registered === undefined && existsSync(thread.worktreePath)) {
          // A folder git does not know as a worktree: leave it and say so.
          throw new HostError(
            'worktree_path_taken',
            `Creation was interrupted, and ${thread.worktreePath} holds files Grove did not make. Move it away and create the thread again.`,
            { path: thread.worktreePath },
          );
        }
        if (registered === undefined) {
          await git(project.path, ['worktree', 'prune']);
          if (await branchExists(project.path, branch)) await addWorktreeForBranch(project.path, thread.worktreePath, branch);
          else await addWorktree(project.path, thread.worktreePath, branch, thread.base.commit);
        }
      }),
    );
    if (thread.setup === null) {
      await this.#prepare(project, thread);
      return;
    }
    if (thread.setup.state === 'running') {
      await appendFile(join(this.#paths.records, `${thread.id}.setup.log`), `\n${SETUP_CUT_SHORT}\n`).catch(() => {});
      await this.#save({ ...thread, status: 'queued', setup: cutShort(thread.setup) });
      return;
    }
    await this.#save({ ...thread, status: 'queued' });
  }

  /**
   * An archive cut short after its snapshot was recorded, or (given `restoredAt`, from the
   * restore's note) a restore cut short before it was: the worktree goes (again), its files
   * kept first. Each attempt starts from the latest record, since an earlier one may have
   * extended the snapshot.
   */
  async #finishArchive(threadId: ThreadId, restoredAt?: string): Promise<void> {
    const thread = this.#thread(threadId);
    const project = this.#project(thread.projectId);
    const snapshot = thread.snapshot;
    if (snapshot === null) return;
    const path = restoredAt ?? thread.worktreePath;
    // A git the killed host started (a reset, a checkout) may still be writing files here.
    await requireSettled(path);
    // …or it was removing the folder, and has finished.
    if (!existsSync(path)) return;
    if (restoredAt === undefined && !(await isCheckoutBefore(project.path, path, snapshot.takenAt))) {
      // The archive finished, and someone has put a folder (or a new worktree) at its path since: not ours to touch.
      log.info(`thread ${thread.id} is archived; ${path} is not its worktree any more and is left alone`);
      return;
    }
    if (restoredAt !== undefined && !(await isWorktreeOf(project.path, path))) {
      // Stopped before git made it a worktree: the folder restore made, empty or half written.
      await this.#repoLocks.run(project.path, () => git(project.path, ['worktree', 'prune']));
      await removeUnfinishedCheckout(path);
      return;
    }
    // Not a plain re-snapshot: a cut-short reset or clean has already undone part of the work
    // on disk. The snapshot is extended with what is new instead (see extendSnapshot).
    const kept = await extendSnapshot(path, snapshot, `grove: archive of “${thread.title}”`);
    if (kept !== snapshot) {
      const newer = await this.#keepSnapshot(project, thread, kept);
      await this.#save({ ...thread, snapshot: { ...newer, from: snapshot.from } });
    }
    await this.#repoLocks.run(project.path, () => removeSnapshottedWorktree(project.path, path));
  }

  /** Writes a record, then (unless told not to) announces it; writes of one thread land in call order. */
  #save(thread: Thread, method: 'thread/added' | 'thread/updated' = 'thread/updated', announce = true): Promise<Thread> {
    return this.#saveLocks.run(thread.id, () => this.#write(thread, method, announce));
  }

  /** Changes a record from its latest saved version; `change` returns undefined to leave it as is. */
  #update(threadId: ThreadId, change: (current: Thread) => Thread | undefined): Promise<Thread | undefined> {
    return this.#saveLocks.run(threadId, async () => {
      const current = this.#threads.get(threadId);
      const next = current === undefined ? undefined : change(current);
      return next === undefined ? undefined : this.#write(next, 'thread/updated', true);
    });
  }

  async #write(thread: Thread, method: 'thread/added' | 'thread/updated', announce: boolean): Promise<Thread> {
    const saved = method === 'thread/added' ? thread : { ...thread, updatedAt: Date.now() };
    await writeJsonAtomic(join(this.#paths.records, `${saved.id}.json`), saved);
    this.#threads.set(saved.id, saved);
    if (announce) this.#hub.publish(method, { thread: saved });
    return saved;
  }

  #thread(threadId: ThreadId): Thread {
    const thread = this.#threads.get(threadId);
    if (thread === undefined)
      throw new HostError('thread_not_found', 'That thread no longer exists; the board has been refreshed.', { threadId });
    return thread;
  }

  #project(projectId: Project['id']): Project {
    const project = this.#projects.list().find((p) => p.id === projectId);
    if (project === undefined)
      throw new HostError('project_not_found', 'That project is no longer in Grove; the list has been refreshed.', { projectId });
    return project;
  }

  /**
   * Before an archive changes any file: the folder must still be this repository's worktree
   * (an adopted one lives wherever the person put it, and something else may stand there
   * now), and not locked, or `git worktree remove` would stop halfway.
   */
  async #requireOwnWorktree(project: Project, thread: Thread): Promise<void> {
    const entry = await registeredWorktree(project.path, thread.worktreePath);
    if (entry === undefined || entry.prunable !== null || !(await isWorktreeOf(project.path, thread.worktreePath))) {
      throw new HostError(
        'worktree_missing',
        `${thread.worktreePath} is no longer a worktree of ${project.name}: something else is in its place, so Grove will not touch it. Move that folder away, then use Restore worktree.`,
        { path: thread.worktreePath },
      );
    }
    if (entry.locked !== null) {
      throw new HostError(
        'worktree_locked',
        `The worktree of “${thread.title}” is locked${entry.locked ? ` (“${entry.locked}”)` : ''}, so git would not remove it. Run git worktree unlock ${thread.worktreePath}, then archive.`,
        { path: thread.worktreePath, reason: entry.locked },
      );
    }
  }

  #requireWorktree(thread: Thread): void {
    if (!existsSync(thread.worktreePath)) {
      throw new HostError(
        'worktree_missing',
        `The worktree of “${thread.title}” is gone (${thread.worktreePath}). ${thread.branch === null ? 'Restore it to check out its last commit again.' : `Its branch ${thread.branch} is still there.`}`,
        {
          path: thread.worktreePath,
        },
      );
    }
  }
}

/** The branch checked out at `path` if git knows it as a worktree of `repo` ('' when detached); undefined otherwise. */
async function worktreeBranch(repo: string, path: string): Promise<string | undefined> {
  const entry = await registeredWorktree(repo, path);
  return entry === undefined ? undefined : (entry.branch ?? '');
}

/** git's record of the worktree at `path`, compared by real path (git records real paths); also one whose folder is gone. */
async function registeredWorktree(repo: string, path: string): Promise<WorktreeEntry | undefined> {
  const wanted = await realPathOf(path);
  for (const entry of await listWorktrees(repo)) if ((await realPathOf(entry.path)) === wanted) return entry;
  return undefined;
}

/**
 * Whether `path` is still the worktree an archive was removing when the host stopped: a
 * worktree of `repo` made before the snapshot (its `.git` file is written when the worktree is
 * added). A worktree made there after the archive finished is the person's new one.
 */
async function isCheckoutBefore(repo: string, path: string, takenAt: number): Promise<boolean> {
  const entry = await registeredWorktree(repo, path);
  if (entry === undefined || entry.prunable !== null || !(await isWorktreeOf(repo, path))) return false;
  return (await stat(join(path, '.git'))).mtimeMs <= takenAt;
}

/**
 * Removes the folder a restore was stopped in before git made it a worktree, when it holds
 * at most git's pointer file. Anything more is left for a person to look at.
 */
async function removeUnfinishedCheckout(path: string): Promise<void> {
  const names = await readdir(path);
  if (names.every((name) => name === '.git')) {
    await rm(join(path, '.git'), { force: true });
    await rmdir(path);
    return;
  }
  throw new HostError(
    'worktree_path_taken',
    `Grove was stopped while restoring into ${path}, and git does not know what is there now. Look through it and move it away, then restore again.`,
    { path },
  );
}

/** Waits out git commands a killed host left at work in `worktree`; a lock that stays needs a person. */
async function requireSettled(worktree: string): Promise<void> {
  const lock = await settleWorktree(worktree);
  if (lock === null) return;
  throw new HostError(
    'git_failed',
    `A git command is still at work in ${worktree}, or one was stopped and left ${lock} behind. If no git command is running there, delete that file, then restart Grove.`,
    { path: worktree, lock },
  );
}

/** Runs a recovery step, trying again while git commands a killed host left running finish (see RECOVERY_ATTEMPTS). */
async function retried<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (error instanceof HostError || attempt >= RECOVERY_ATTEMPTS) throw error;
      log.info(`a recovery step failed (${String(error).split('\n')[0]}); trying again`);
      await new Promise((resolve) => setTimeout(resolve, RECOVERY_RETRY_MS * attempt));
    }
  }
}

/** A setup that was running when the host was killed, as it is recorded afterwards: failed, without an exit code, saying why. */
function cutShort(setup: ThreadSetup): ThreadSetup {
  return { ...setup, state: 'failed', exitCode: null, finishedAt: Date.now(), tail: `${setup.tail}\n${SETUP_CUT_SHORT}\n` };
}

/**
 * The error for a create that failed for want of space, or undefined if that was not why.
 * git does not always say (a checkout that runs out of space reports "unable to write
 * file"), so the space is measured: the checkout's size against what the disk has free.
 */
async function diskFullError(
  error: unknown,
  project: Project,
  folder: string,
  path: string,
  commit: string,
): Promise<HostError | undefined> {
  const needed = await checkoutSize(project.path, commit).catch(() => 0);
  const free = await freeBytes(folder).catch(() => Number.POSITIVE_INFINITY);
  const said = errnoCode(error) === 'ENOSPC' || errnoCode(error) === 'EDQUOT' || /No space left on device/i.test(String(error));
  if (free < needed) {
    return new HostError(
      'disk_full',
      `A worktree of ${project.name} needs about ${formatBytes(needed)}, but the disk holding ${folder} has ${formatBytes(free)} free. Free some space there (or point worktreeRoot in .grove/settings.json at a roomier disk), then create the thread again. Nothing was created.`,
      { path, neededBytes: needed, freeBytes: free },
      { cause: error },
    );
  }
  if (!said) return undefined;
  return new HostError(
    'disk_full',
    `A disk ran out of space while Grove created the worktree at ${path}: the one holding ${folder}, or the one holding the repository ${project.path}. Free some space, then create the thread again. Nothing was created.`,
    { path },
    { cause: error },
  );
}

/** Checks out a thread's branch at `path`, or for a thread without one (a detached HEAD, adopted) `commit`. */
async function checkOut(repo: string, thread: Thread, path: string, commit: string): Promise<void> {
  if (thread.branch === null) await addDetachedWorktree(repo, path, commit);
  else await addWorktreeForBranch(repo, path, thread.branch);
}

/**
 * What an adopted worktree is measured against: the project's default branch (or, without
 * one, the main checkout's commit), from the merge base with the worktree's HEAD, where
 * their histories part.
 */
async function adoptionBase(project: Project, entry: WorktreeEntry): Promise<Thread['base']> {
  const named = project.defaultBase === null ? null : await resolveCommit(project.path, project.defaultBase);
  const tip = named ?? (await resolveCommit(project.path, 'HEAD')) ?? entry.head;
  const ref = named === null || project.defaultBase === null ? tip : project.defaultBase;
  const commit = (await git(project.path, ['merge-base', tip, entry.head]).catch(() => '')).trim();
  return { ref, commit: commit || tip };
}

function problemOf(error: unknown, fallback: string): Thread['problem'] {
  if (error instanceof HostError) return { code: error.code, message: error.message };
  if (error instanceof GitCommandError)
    return { code: 'git_failed', message: `${fallback} git said: ${error.message.split('\n')[0]}` };
  return { code: 'internal', message: fallback };
}

function newThreadId(): ThreadId {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = 't_';
  for (const byte of randomBytes(12)) id += alphabet[byte % alphabet.length];
  return id as ThreadId;
}
