import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { GitCommandError, git } from '../git/git.ts';
import {
  addWorktree,
  addWorktreeForBranch,
  applySnapshot,
  branchExists,
  type Preflight,
  preflight,
  removeSnapshottedWorktree,
  resolveCommit,
  takeSnapshot,
  verifySnapshot,
} from '../git/worktrees.ts';
import { HostError } from '../host/host-error.ts';
import { log } from '../host/log.ts';
import { KeyedMutex } from '../host/mutex.ts';
import type { ProcessRegistry } from '../host/process-registry.ts';
import type { StateHub } from '../host/state-hub.ts';
import type { ProjectService } from '../projects/project-service.ts';
import {
  ARCHIVABLE_STATUSES,
  type Project,
  type Thread,
  type ThreadId,
  ThreadSchema,
  type ThreadStatus,
} from '../protocol/index.ts';
import { readJson, removeStaleTemps, writeJsonAtomic } from '../store/json-file.ts';
import { readProjectSettings } from './project-settings.ts';
import { slugify, uniqueSlug } from './slug.ts';
import { copyIncludedFiles, runSetup } from './thread-setup.ts';

export interface ThreadPaths {
  /** One JSON file per thread. */
  readonly records: string;
  /** `<worktrees>/<project>/<thread slug>`. */
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
        if (thread.status === 'creating') await this.#threadLocks.run(thread.id, () => this.#recoverCreation(thread));
        else if (thread.status === 'archived' && existsSync(thread.worktreePath)) {
          await this.#threadLocks.run(thread.id, () => this.#finishArchive(thread));
        }
      } catch (error) {
        if (error instanceof HostError) log.info(`thread ${thread.id} needs a person: ${error.message}`);
        else log.error(`could not recover thread ${thread.id}`, error);
        await this.#save({
          ...thread,
          status: 'interrupted',
          problem: problemOf(error, 'Grove was stopped in the middle of this thread’s last step.'),
        });
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
      const projectDir = join(this.#paths.worktrees, `${slugify(project.name)}-${project.id.slice(2, 8)}`);
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
        problem: null,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await this.#save(created, 'thread/added');
      } finally {
        this.#pendingPorts.delete(port);
      }
      await mkdir(projectDir, { recursive: true });
      try {
        await addWorktree(project.path, created.worktreePath, created.branch, baseCommit);
      } catch (error) {
        return this.#save({ ...created, status: 'error', problem: problemOf(error, 'Grove could not create the worktree.') });
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

  /** Records what the git watcher saw; writes only when a figure changed (not just the time). */
  async recordGit(threadId: ThreadId, seen: NonNullable<Thread['git']>): Promise<void> {
    await this.#update(threadId, (current) => {
      if (current.status === 'archived') return undefined;
      const { checkedAt: _old, ...before } = current.git ?? { checkedAt: 0 };
      const { checkedAt: _new, ...after } = seen;
      return JSON.stringify(before) === JSON.stringify(after) ? undefined : { ...current, git: seen };
    });
  }

  /** Where a thread's shells start and what they know; refuses for a thread without a worktree. */
  shellInfo(threadId: ThreadId): { worktreePath: string; env: Record<string, string> } {
    const thread = this.#thread(threadId);
    if (thread.status === 'archived') {
      throw new HostError('thread_busy', `“${thread.title}” is archived. Restore it to open its terminal.`, { threadId });
    }
    this.#requireWorktree(thread);
    return { worktreePath: thread.worktreePath, env: this.#threadEnv(this.#project(thread.projectId), thread) };
  }

  /** What every process Grove starts for a thread knows about it. */
  #threadEnv(project: Project, thread: Thread): Record<string, string> {
    return {
      GROVE_THREAD_ID: thread.id,
      GROVE_WORKTREE: thread.worktreePath,
      GROVE_BRANCH: thread.branch,
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
          await git(project.path, ['worktree', 'prune']);
          await addWorktreeForBranch(project.path, thread.worktreePath, thread.branch);
        });
        return this.#save({ ...thread, git: null, problem: null });
      }
      if (thread.status !== 'archived' || thread.snapshot === null) {
        throw new HostError('thread_busy', `“${thread.title}” is not archived and its worktree is there.`, {
          status: thread.status,
        });
      }
      const { snapshot } = thread;
      if (existsSync(thread.worktreePath)) {
        throw new HostError(
          'worktree_path_taken',
          `${thread.worktreePath} already exists, so Grove will not restore over it. Move that folder away, then restore again.`,
          { path: thread.worktreePath },
        );
      }
      await this.#repoLocks.run(project.path, () => addWorktreeForBranch(project.path, thread.worktreePath, thread.branch));
      await applySnapshot(thread.worktreePath, snapshot);
      return this.#save({ ...thread, status: snapshot.from, problem: null });
    });
  }

  /** Deletes a thread for good, once the person has confirmed whatever work would go with it. */
  delete(threadId: ThreadId, confirmBranch: string | undefined): Promise<void> {
    return this.#threadLocks.run(threadId, async () => {
      const thread = this.#thread(threadId);
      if (thread.status === 'creating') {
        throw new HostError('thread_busy', `“${thread.title}” is still being created; delete it once it is ready.`);
      }
      const project = this.#project(thread.projectId);
      const hasWorktree = thread.status !== 'archived' && existsSync(thread.worktreePath);
      const hasBranch = await branchExists(project.path, thread.branch);
      const stake = hasWorktree
        ? await preflight(thread.worktreePath, thread.base.commit)
        : {
            staged: 0,
            unstaged: 0,
            untracked: 0,
            unmerged: hasBranch
              ? Number((await git(project.path, ['rev-list', '--count', `${thread.base.commit}..${thread.branch}`])).trim())
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
      if (reasons.length > 0 && confirmBranch !== thread.branch) {
        throw new HostError(
          'confirmation_required',
          `Deleting “${thread.title}” would throw away ${reasons.join(', ')}. Type the branch name ${thread.branch} to delete it anyway.`,
          { branch: thread.branch, uncommitted, unmerged: stake.unmerged, unpushed: stake.unpushed },
        );
      }
      await this.onArchive(thread.id);
      if (hasWorktree) {
        // The last safety net: even confirmed, uncommitted work is kept in a snapshot ref.
        if (uncommitted > 0) await this.#snapshot(project, thread);
        await this.#repoLocks.run(project.path, () => removeSnapshottedWorktree(project.path, thread.worktreePath));
      }
      if (hasBranch) await this.#repoLocks.run(project.path, () => git(project.path, ['branch', '-D', '--', thread.branch]));
      await this.#saveLocks.run(thread.id, async () => {
        await rm(join(this.#paths.records, `${thread.id}.json`), { force: true });
        await rm(join(this.#paths.records, `${thread.id}.setup.log`), { force: true });
        this.#threads.delete(thread.id);
        this.#hub.publish('thread/removed', { threadId: thread.id });
      });
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
    const takenAt = Date.now();
    const ref = `refs/grove/snapshots/${thread.id}/${takenAt}`;
    await this.#repoLocks.run(project.path, () => git(project.path, ['update-ref', ref, taken.commit]));
    return { ...taken, ref, takenAt };
  }

  /** A create that was cut short: finish it from whatever git already has, or start it again. */
  async #recoverCreation(thread: Thread): Promise<void> {
    const project = this.#project(thread.projectId);
    await this.#repoLocks.run(project.path, async () => {
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
        if (await branchExists(project.path, thread.branch))
          await addWorktreeForBranch(project.path, thread.worktreePath, thread.branch);
        else await addWorktree(project.path, thread.worktreePath, thread.branch, thread.base.commit);
      }
    });
    await this.#save({ ...thread, status: 'queued' });
  }

  /** An archive cut short after its snapshot was recorded: remove the worktree, keeping anything newer too. */
  async #finishArchive(thread: Thread): Promise<void> {
    const project = this.#project(thread.projectId);
    const snapshot = thread.snapshot;
    if (snapshot === null) return;
    const stillMatches = await verifySnapshot(thread.worktreePath, snapshot).then(
      () => true,
      () => false,
    );
    const cleanAtHead = (await git(thread.worktreePath, ['status', '--porcelain'])).trim() === '';
    if (!stillMatches && !cleanAtHead) {
      // Files changed after the snapshot: keep them too, in a second snapshot, before removing.
      const newer = await this.#snapshot(project, thread);
      await this.#save({ ...thread, snapshot: { ...newer, from: snapshot.from } });
    }
    await this.#repoLocks.run(project.path, () => removeSnapshottedWorktree(project.path, thread.worktreePath));
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

  #requireWorktree(thread: Thread): void {
    if (!existsSync(thread.worktreePath)) {
      throw new HostError(
        'worktree_missing',
        `The worktree of “${thread.title}” is gone (${thread.worktreePath}). Its branch ${thread.branch} is still there.`,
        {
          path: thread.worktreePath,
        },
      );
    }
  }
}

/** The branch checked out at `path` if git knows it as a worktree of `repo`; undefined otherwise. */
async function worktreeBranch(repo: string, path: string): Promise<string | undefined> {
  const list = await git(repo, ['worktree', 'list', '--porcelain']);
  for (const entry of list.split('\n\n')) {
    const lines = entry.split('\n');
    if (lines[0] !== `worktree ${path}`) continue;
    const branch = lines.find((line) => line.startsWith('branch '));
    return branch === undefined ? '' : branch.slice('branch refs/heads/'.length);
  }
  return undefined;
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
