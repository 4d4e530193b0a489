import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { HostState, Project, Thread, ThreadId } from '../../extensions/agent-host/src/protocol/index.ts';
import { git, makeRepo, makeRepoWithSettings } from '../helpers/git-repo.ts';
import { type ServedHost, startServe } from '../helpers/host-process.ts';
import { runningInGroup } from '../helpers/processes.ts';
import { RpcClient, RpcError } from '../helpers/rpc-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

// Real crashes: the built host is killed with SIGKILL at chosen moments, as a person's
// `kill -9 <pid>` or the OOM killer would. Only the host process dies; what it started (a
// setup script, a git command in flight) runs on, exactly as after a real crash. The next
// host starts over the same data dir, and the tests check what it finds and what it does.
// The deterministic, simulated crash states are in thread-recovery.test.ts.

/** A `grove serve` host over a data dir with the repository added, and a client after the handshake. */
interface Running extends AsyncDisposable {
  readonly host: ServedHost;
  readonly client: RpcClient;
  readonly project: Project;
  /** The state the host answered the handshake with: what recovery left. */
  readonly state: HostState;
}

/** Starts a host over `dataDir`; on the first start over it, `repo` is added as the project. */
async function serve(dataDir: string, repo: string): Promise<Running> {
  const host = await startServe(dataDir);
  const client = await RpcClient.connect(host.rpcUrl);
  const { state } = await client.initialize();
  const project = state.projects[0] ?? (await client.request('project/add', { path: repo })).project;
  return {
    host,
    client,
    project,
    state,
    async [Symbol.asyncDispose]() {
      await client[Symbol.asyncDispose]();
      await host[Symbol.asyncDispose]();
    },
  };
}

/** A big repository, a thread in it with every kind of uncommitted work, and that work's contents; the host stopped again. */
async function threadWithWork(root: string, title: string) {
  const repo = bigRepo(join(root, 'repo'));
  const dataDir = join(root, 'data');
  await using first = await serve(dataDir, repo);
  const { thread } = await first.client.request('thread/create', { projectId: first.project.id, title });
  makeWork(thread.worktreePath);
  return { repo, dataDir, thread, before: contents(thread.worktreePath) };
}

/** kill -9 of the host process alone, as after a real crash; resolves once it is gone. */
async function crash(host: ServedHost): Promise<void> {
  host.process.kill('SIGKILL');
  await host.exited();
}

/**
 * Kills the host as soon as `reached()` holds (or the request was answered), polling as
 * fast as the event loop turns: the steps of an archive last milliseconds. The kill lands
 * at that step or just after it, which is all a crash test needs.
 */
async function crashWhen(host: ServedHost, request: Promise<unknown>, reached: () => boolean): Promise<void> {
  let answered = false;
  request.then(
    () => (answered = true),
    () => (answered = true),
  );
  const deadline = Date.now() + 30_000;
  while (!answered && !reached() && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
  await crash(host);
}

/** The latest record of a thread, as the notifications tell it. */
function latest(client: RpcClient, id: ThreadId): Thread | undefined {
  return client.notifications
    .filter((n) => n.method === 'thread/updated' || n.method === 'thread/added')
    .map((n) => (n.params as { thread: Thread }).thread)
    .filter((t) => t.id === id)
    .at(-1);
}

function threadIn(state: HostState, id: ThreadId): Thread {
  const thread = state.threads.find((t) => t.id === id);
  if (thread === undefined) throw new Error(`thread ${id} is not in the state`);
  return thread;
}

/** The paths of every worktree git has registered for `repo`. */
function registered(repo: string): string[] {
  return git(repo, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length));
}

const wire = (error: unknown) => (error instanceof RpcError ? error.wire : error);

/** Everything restore must give back: each file but .git (type, exec bit, content hash), and git's status (what was staged). */
function contents(worktree: string): { files: Record<string, string>; status: string } {
  const files: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const name = `${prefix}${entry.name}`;
      const path = join(dir, entry.name);
      if (name === '.git') continue;
      if (entry.isSymbolicLink()) files[name] = `link ${readlinkSync(path)}`;
      else if (entry.isDirectory()) walk(path, `${name}/`);
      else {
        const kind = statSync(path).mode & 0o111 ? 'exec' : 'file';
        files[name] = `${kind} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
      }
    }
  };
  walk(worktree, '');
  return { files, status: git(worktree, 'status', '--porcelain=v1', '--untracked-files=all') };
}

const TRACKED_DIRS = 20;
const UNTRACKED_DIRS = 20;

/** A repository of 400 small files in 20 folders, one commit: checkouts and archives with steps long enough to land a kill in. */
function bigRepo(path: string): string {
  const repo = makeRepo(path, { commits: 0 });
  for (let i = 0; i < 400; i++) {
    const dir = join(repo, 'tracked', `d${String(i % TRACKED_DIRS).padStart(2, '0')}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${String(i).padStart(4, '0')}.txt`), `line ${i}\n`.repeat(20));
  }
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', 'many files');
  return repo;
}

const UNSTAGED = 'tracked/d00/f0000.txt';

/**
 * Uncommitted work of every kind: unstaged and staged changes, a file staged then changed
 * again, staged and unstaged deletions, an exec bit, a symlink, a binary, a non-ASCII
 * name, and 600 untracked files (the bulk an archive snapshots and cleans).
 */
function makeWork(worktree: string): void {
  const at = (name: string) => join(worktree, name);
  writeFileSync(at(UNSTAGED), 'changed, not staged\n');
  writeFileSync(at('tracked/d01/f0001.txt'), 'changed and staged\n');
  writeFileSync(at('tracked/d02/f0002.txt'), 'staged…\n');
  git(worktree, 'add', 'tracked/d01/f0001.txt', 'tracked/d02/f0002.txt');
  writeFileSync(at('tracked/d02/f0002.txt'), '…then changed again\n');
  unlinkSync(at('tracked/d03/f0003.txt'));
  git(worktree, 'rm', '--quiet', 'tracked/d04/f0004.txt');
  chmodSync(at('tracked/d05/f0005.txt'), 0o755);
  symlinkSync('tracked/d00/f0000.txt', at('link-to-first'));
  writeFileSync(at('added.txt'), 'new and staged\n');
  git(worktree, 'add', 'added.txt');
  writeFileSync(at('blob.bin'), randomBytes(300 * 1024));
  mkdirSync(at('notes'));
  writeFileSync(at('notes/café ü.md'), 'non-ASCII\n');
  for (let i = 0; i < 600; i++) {
    const dir = at(`scratch/s${String(i % UNTRACKED_DIRS).padStart(2, '0')}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `u${String(i).padStart(4, '0')}.txt`), `scratch ${i}\n`);
  }
}

/** Whether a file is gone or no longer holds `text`: a step that rewrites or deletes it has started. */
function changedOrGone(path: string, text: string): boolean {
  try {
    return readFileSync(path, 'utf8') !== text;
  } catch {
    return true;
  }
}

/** One file from each folder: which one a step reaches first is git's business. */
const sample = (worktree: string, folder: string, dirs: number, prefix: string, name: (dir: number) => string) =>
  Array.from({ length: dirs }, (_, d) => join(worktree, folder, `${prefix}${String(d).padStart(2, '0')}`, name(d)));

/**
 * Moments to kill the host during `thread/archive`, in the order the archive reaches them.
 * Each test is "reached or passed", so a step that went by too fast to catch still kills
 * the host a little later rather than never.
 */
function archiveSteps(repo: string, dataDir: string, thread: Thread): [string, () => boolean][] {
  const wt = thread.worktreePath;
  // Always there: records are replaced by rename, never deleted.
  const record = join(dataDir, 'threads', `${thread.id}.json`);
  // Untracked files only `git clean` deletes; tracked files no step before `git worktree remove` changes.
  const untracked = sample(wt, 'scratch', UNTRACKED_DIRS, 's', (d) => `u${String(d).padStart(4, '0')}.txt`);
  const untouched = sample(wt, 'tracked', TRACKED_DIRS, 'd', (d) => `f${String(d + TRACKED_DIRS * 2).padStart(4, '0')}.txt`);
  return [
    ['right away (preflight, snapshot)', () => true],
    ['the snapshot ref is written', () => existsSync(join(repo, '.git', 'refs', 'grove', 'snapshots', thread.id))],
    ['the archive is recorded', () => /"status": "archived"/.test(readFileSync(record, 'utf8'))],
    ['git reset is under way', () => changedOrGone(join(wt, UNSTAGED), 'changed, not staged\n')],
    ['git clean is under way', () => untracked.some((file) => !existsSync(file))],
    ['git worktree remove is under way', () => untouched.some((file) => !existsSync(file))],
  ];
}

/** Moments to kill the host during `thread/restore` into `wt`, in the order the restore reaches them. */
function restoreSteps(wt: string): [string, () => boolean][] {
  return [
    ['right away', () => true],
    ['the worktree folder is made', () => existsSync(wt)],
    ['the checkout is under way', () => existsSync(join(wt, 'tracked'))],
    ['the snapshot is being applied', () => existsSync(join(wt, 'scratch'))],
  ];
}

/**
 * What a thread must be after a crash during its archive or restore and a restart: live
 * with every file as it was, or archived with a snapshot and no worktree, in which case
 * restore gives every file back. Leaves it live.
 */
async function expectWhole(running: Running, repo: string, id: ThreadId, before: ReturnType<typeof contents>): Promise<string> {
  const thread = threadIn(running.state, id);
  if (thread.status === 'archived') {
    expect(existsSync(thread.worktreePath)).toBe(false);
    expect(registered(repo)).not.toContain(thread.worktreePath);
    expect(git(repo, 'cat-file', '-t', thread.snapshot?.ref ?? 'no snapshot').trim()).toBe('commit');
    const { thread: restored } = await running.client.request('thread/restore', { threadId: id });
    expect(restored).toMatchObject({ status: 'queued', problem: null });
  } else {
    expect(thread).toMatchObject({ status: 'queued', problem: null });
  }
  expect(contents(thread.worktreePath)).toEqual(before);
  return thread.status;
}

describe('kill -9 of the host', () => {
  test('during a setup script: the setup is marked as cut short, its processes are stopped, it is never re-run, and the thread works', async () => {
    await using dir = await tempDir();
    const runs = join(dir.path, 'setup-runs');
    const repo = makeRepoWithSettings(join(dir.path, 'repo'), {
      // `sleep &` is a child that would outlive the shell: it must go too.
      setup: `echo $$ >> '${runs}'; echo installing; sleep 300 & sleep 300`,
    });
    const dataDir = join(dir.path, 'data');
    let id: ThreadId;
    let pid: number;
    {
      await using first = await serve(dataDir, repo);
      const { thread } = await first.client.request('thread/create', { projectId: first.project.id, title: 'Slow setup' });
      id = thread.id;
      // Output on the record means the host has read from the script, so it had recorded its process group (at spawn).
      await waitFor('the setup output on the record', () => latest(first.client, id)?.setup?.tail.includes('installing'));
      pid = Number(readFileSync(runs, 'utf8').trim());
      await crash(first.host);
      // Nobody sent SIGTERM: the script and its child run on, orphaned.
      await waitFor('the orphaned setup to have both sleeps', () => runningInGroup(pid).length === 3);
    }

    await using second = await serve(dataDir, repo);
    expect(runningInGroup(pid)).toEqual([]);
    const thread = threadIn(second.state, id);
    expect(thread).toMatchObject({
      status: 'queued',
      problem: null,
      setup: { state: 'failed', exitCode: null, finishedAt: expect.any(Number) },
    });
    expect(thread.setup?.tail).toMatch(/^installing\n\nGrove was stopped while it ran, and does not run it again by itself\./);
    expect(readFileSync(join(dataDir, 'threads', `${id}.setup.log`), 'utf8')).toMatch(/Grove was stopped/);
    expect(git(thread.worktreePath, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe(thread.branch);
    expect(git(thread.worktreePath, 'status', '--porcelain')).toBe('');

    const { thread: archived } = await second.client.request('thread/archive', { threadId: id });
    expect(archived.status).toBe('archived');
    expect(existsSync(thread.worktreePath)).toBe(false);
    expect(readFileSync(runs, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  test('during creates with setup scripts running: every thread is finished, no setup runs twice, and none is orphaned', async () => {
    await using dir = await tempDir();
    const runs = join(dir.path, 'setup-runs');
    const hold = join(dir.path, 'hold');
    writeFileSync(hold, '');
    // Each run says which thread and which host ($PPID) ran it, then waits until the test lets it finish.
    const repo = makeRepoWithSettings(join(dir.path, 'repo'), {
      setup: `echo "$GROVE_THREAD_ID $$ $PPID" >> '${runs}'; while [ -e '${hold}' ]; do sleep 0.05; done; echo done`,
    });
    const dataDir = join(dir.path, 'data');
    const lines = () =>
      existsSync(runs)
        ? readFileSync(runs, 'utf8')
            .trim()
            .split('\n')
            .map((line) => line.split(' '))
        : [];
    {
      await using first = await serve(dataDir, repo);
      for (let i = 0; i < 6; i++) {
        void first.client.request('thread/create', { projectId: first.project.id, title: `Setup ${i}` }).catch(() => {});
      }
      await waitFor('two setups to be running', () => lines().length >= 2);
      await crash(first.host);
    }

    await using second = await serve(dataDir, repo);
    const secondPid = String(second.host.process.pid);
    for (const [, pid, parent] of lines()) {
      if (parent !== secondPid) expect(runningInGroup(Number(pid))).toEqual([]);
    }
    rmSync(hold);
    const settled = await waitFor('every setup to end', () => {
      const threads = second.state.threads.map((t) => latest(second.client, t.id) ?? t);
      return threads.every((t) => t.status === 'queued') && threads;
    });

    expect(settled.length).toBeGreaterThanOrEqual(2);
    for (const thread of settled) {
      const ran = lines().filter(([threadId]) => threadId === thread.id);
      if (thread.setup?.state === 'succeeded') {
        // Its setup had not started when the host was killed: the next host ran it, once.
        expect(ran.map(([, , parent]) => parent)).toEqual([secondPid]);
      } else {
        // Cut short by the kill: marked so, and not run again. (Its parent was the killed host,
        // or pid 1 if the kill came while its shell was starting: never the new host.)
        expect(thread.setup).toMatchObject({ state: 'failed', exitCode: null, tail: expect.stringMatching(/Grove was stopped/) });
        expect(ran.length).toBeLessThanOrEqual(1);
        for (const [, , parent] of ran) expect(parent).not.toBe(secondPid);
      }
      expect(git(thread.worktreePath, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe(thread.branch);
    }
    expect(registered(repo)).toHaveLength(settled.length + 1);
    expect(git(repo, 'fsck', '--no-progress', '--strict', '--no-dangling').trim()).toBe('');
  });

  test('at every step of an archive: each thread is live with all its files, or archived and restored byte for byte', async () => {
    await using dir = await tempDir();
    const { repo, dataDir, thread, before } = await threadWithWork(dir.path, 'Lots of work');
    const outcomes: string[] = [];
    for (const [step, reached] of archiveSteps(repo, dataDir, thread)) {
      await using running = await serve(dataDir, repo);
      outcomes.push(await expectWhole(running, repo, thread.id, before));
      const archiving = running.client.request('thread/archive', { threadId: thread.id });
      await crashWhen(running.host, archiving, reached);
      outcomes.push(step);
    }
    await using last = await serve(dataDir, repo);
    await expectWhole(last, repo, thread.id, before);
    expect(git(repo, 'fsck', '--no-progress', '--strict', '--no-dangling').trim()).toBe('');
    // Not asserted (timing decides it), but worth seeing when this test is read in a log.
    console.info(`archive crash outcomes: ${outcomes.join(' → ')}`);
  });

  test('at every step of a restore: the thread is archived again or fully restored, byte for byte', async () => {
    await using dir = await tempDir();
    const { repo, dataDir, thread, before } = await threadWithWork(dir.path, 'Shelved work');
    const outcomes: string[] = [];
    for (const [step, reached] of restoreSteps(thread.worktreePath)) {
      await using running = await serve(dataDir, repo);
      outcomes.push(await expectWhole(running, repo, thread.id, before));
      await running.client.request('thread/archive', { threadId: thread.id });
      const restoring = running.client.request('thread/restore', { threadId: thread.id });
      await crashWhen(running.host, restoring, reached);
      outcomes.push(step);
    }
    await using last = await serve(dataDir, repo);
    await expectWhole(last, repo, thread.id, before);
    expect(git(repo, 'fsck', '--no-progress', '--strict', '--no-dangling').trim()).toBe('');
    console.info(`restore crash outcomes: ${outcomes.join(' → ')}`);
  });

  test('at every step of an adopted thread’s restore into Grove’s folder (its own was taken): nothing half made stays there', async () => {
    await using dir = await tempDir();
    const outcomes: string[] = [];
    for (let i = 0; i < restoreSteps('').length; i++) {
      const root = join(dir.path, String(i));
      const repo = bigRepo(join(root, 'repo'));
      const dataDir = join(root, 'data');
      const own = join(root, 'review');
      git(repo, 'worktree', 'add', '-q', '-b', 'review', own);
      makeWork(own);
      const before = contents(own);
      let id: ThreadId;
      let target: string;
      let step: string;
      {
        await using first = await serve(dataDir, repo);
        id = (await first.client.request('thread/adopt', { projectId: first.project.id, path: own, title: 'Review' })).thread.id;
        target = join(dataDir, 'worktrees', `repo-${first.project.id.slice(2, 8)}`, 'review');
        await first.client.request('thread/archive', { threadId: id });
        // Someone else's folder where the worktree was: restore goes into Grove's own folder.
        mkdirSync(own);
        writeFileSync(join(own, 'someone-else.txt'), 'theirs\n');
        const [name, reached] = restoreSteps(target)[i] as [string, () => boolean];
        step = name;
        const restoring = first.client.request('thread/restore', { threadId: id });
        await crashWhen(first.host, restoring, reached);
      }

      await using again = await serve(dataDir, repo);
      const thread = threadIn(again.state, id);
      outcomes.push(`${step}: ${thread.status}`);
      if (thread.status === 'archived') {
        expect(thread.problem).toBeNull();
        expect(existsSync(target), 'what the cut-short restore made is gone').toBe(false);
        expect(registered(repo)).not.toContain(target);
        expect((await again.client.request('thread/restore', { threadId: id })).thread.worktreePath).toBe(target);
      } else {
        expect(thread).toMatchObject({ status: 'queued', worktreePath: target, problem: null });
      }
      expect(contents(target)).toEqual(before);
      expect(readdirSync(own)).toEqual(['someone-else.txt']);
      expect(git(repo, 'fsck', '--no-progress', '--strict', '--no-dangling').trim()).toBe('');
    }
    console.info(`adopted restore crash outcomes: ${outcomes.join(' → ')}`);
  });
});

// A real full disk: a small tmpfs. Mounting needs root, which CI and these machines have;
// elsewhere these tests are skipped (vitest lists them as skipped, with this file's reason).
const isRoot = process.getuid?.() === 0;

function mountTmpfs(path: string, size: string): void {
  mkdirSync(path, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path]);
}

function unmount(path: string): void {
  execFileSync('umount', [path]);
}

/** Every file and folder under `path`, relative to it. */
function listAll(path: string): string[] {
  return readdirSync(path, { recursive: true, encoding: 'utf8' }).sort();
}

function fillDisk(file: string): void {
  try {
    for (;;) writeFileSync(file, Buffer.alloc(4096), { flag: 'a' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
}

/** What a failed create must leave the repository exactly as: refs, worktrees, HEAD and the main checkout's files. */
function repoState(repo: string) {
  return {
    refs: git(repo, 'for-each-ref', '--format=%(refname) %(objectname)'),
    worktrees: registered(repo),
    head: git(repo, 'rev-parse', 'HEAD'),
    status: git(repo, 'status', '--porcelain=v1', '--ignored', '--untracked-files=all'),
  };
}

describe('a full disk during creation', () => {
  test.skipIf(!isRoot)(
    'no room for the checkout: disk_full saying how much is needed and where, and nothing is left behind',
    async () => {
      await using dir = await tempDir();
      // 40 files of 25 KB: about 1 MB to check out, on a 256 KB disk.
      const repo = makeRepo(join(dir.path, 'repo'), { commits: 0 });
      for (let i = 0; i < 40; i++) writeFileSync(join(repo, `asset-${i}.bin`), randomBytes(25 * 1024));
      git(repo, 'add', '-A');
      git(repo, 'commit', '--quiet', '-m', 'assets');
      const dataDir = join(dir.path, 'data');
      const worktrees = join(dataDir, 'worktrees');
      mountTmpfs(worktrees, '256k');
      let mounted = true;
      try {
        {
          await using running = await serve(dataDir, repo);
          const untouched = repoState(repo);

          const error = await running.client
            .request('thread/create', { projectId: running.project.id, title: 'Too big' })
            .catch(wire);

          expect(error).toMatchObject({
            code: 'disk_full',
            message: expect.stringMatching(
              new RegExp(`needs about 1\\.\\d MB, but the disk holding ${worktrees}/\\S+ has 2\\d\\d KB free\\. Free some space`),
            ),
          });
          expect(repoState(repo)).toEqual(untouched);
          expect(listAll(worktrees).filter((name) => name.includes('too-big'))).toEqual([]);
          expect((await running.client.initialize()).state.threads).toEqual([]);
          expect(running.client.notifications.map((n) => n.method)).toContain('thread/removed');
        }
        await using restarted = await serve(dataDir, repo);
        expect(restarted.state.threads).toEqual([]);
        expect(repoState(repo).worktrees).toHaveLength(1);

        // With room again, the same create works: nothing is left in its way.
        unmount(worktrees);
        mounted = false;
        const { thread } = await restarted.client.request('thread/create', { projectId: restarted.project.id, title: 'Too big' });
        expect(thread).toMatchObject({ status: 'queued', branch: 'grove/too-big' });
      } finally {
        if (mounted) unmount(worktrees);
      }
    },
  );

  test.skipIf(!isRoot)(
    'a full data dir: the thread record cannot be saved, so nothing is made; archive keeps the worktree',
    async () => {
      await using dir = await tempDir();
      const repo = makeRepo(join(dir.path, 'repo'));
      const dataDir = join(dir.path, 'data');
      mountTmpfs(dataDir, '1m');
      try {
        await using running = await serve(dataDir, repo);
        const { thread: fits } = await running.client.request('thread/create', { projectId: running.project.id, title: 'Fits' });
        writeFileSync(join(fits.worktreePath, 'work.txt'), 'unsaved\n');
        const untouched = repoState(repo);
        const records = listAll(join(dataDir, 'threads'));
        fillDisk(join(dataDir, 'filler'));

        const error = await running.client
          .request('thread/create', { projectId: running.project.id, title: 'No room' })
          .catch(wire);
        expect(error).toMatchObject({
          code: 'disk_full',
          message: expect.stringContaining(`The disk holding ${join(dataDir, 'threads')} is full`),
        });
        expect(repoState(repo)).toEqual(untouched);
        expect(listAll(join(dataDir, 'threads'))).toEqual(records);
        expect((await running.client.initialize()).state.threads.map((t) => t.title)).toEqual(['Fits']);

        // Archiving must record the archive before it removes anything: refused, the worktree stays whole.
        expect(await running.client.request('thread/archive', { threadId: fits.id }).catch(wire)).toMatchObject({
          code: 'disk_full',
        });
        expect(readFileSync(join(fits.worktreePath, 'work.txt'), 'utf8')).toBe('unsaved\n');
        expect(threadIn((await running.client.initialize()).state, fits.id).status).toBe('queued');

        rmSync(join(dataDir, 'filler'));
        const { thread: archived } = await running.client.request('thread/archive', { threadId: fits.id });
        expect(archived.status).toBe('archived');
        const { thread: made } = await running.client.request('thread/create', {
          projectId: running.project.id,
          title: 'No room',
        });
        expect(made.status).toBe('queued');
      } finally {
        unmount(dataDir);
      }
    },
  );
});
