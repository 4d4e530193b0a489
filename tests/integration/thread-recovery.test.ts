import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { takeSnapshot } from '../../extensions/agent-host/src/git/worktrees.ts';
import type { Thread } from '../../extensions/agent-host/src/protocol/index.ts';
import { branchOf } from '../helpers/branch-of.ts';
import { git, makeRepo } from '../helpers/git-repo.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { threadServices } from '../helpers/thread-services.ts';

/** Rewrites a thread's record as a host killed at that moment would have left it. */
function leaveRecord(dataDir: string, thread: Thread): void {
  writeFileSync(join(dataDir, 'threads', `${thread.id}.json`), JSON.stringify(thread));
}

describe('recovery after a crash', () => {
  test('a thread killed while “creating” gets its worktree on the next start, from its branch if git made it', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    const dataDir = join(dir.path, 'data');
    const first = await threadServices(dataDir);
    const project = await first.projects.add(repo);
    const madeBranch = await first.threads.create({ projectId: project.id, title: 'Branch made', prompt: '' });
    const nothingMade = await first.threads.create({ projectId: project.id, title: 'Nothing made', prompt: '' });
    // The crash: both records still say creating; one got as far as its branch, the other not at all.
    git(repo, 'worktree', 'remove', madeBranch.worktreePath);
    git(repo, 'worktree', 'remove', nothingMade.worktreePath);
    git(repo, 'branch', '-D', branchOf(nothingMade));
    leaveRecord(dataDir, { ...madeBranch, status: 'creating' });
    leaveRecord(dataDir, { ...nothingMade, status: 'creating' });

    const second = await threadServices(dataDir);
    await second.threads.recover();

    const statuses = Object.fromEntries(second.threads.list().map((t) => [t.title, t.status]));
    expect(statuses).toEqual({ 'Branch made': 'queued', 'Nothing made': 'queued' });
    for (const thread of second.threads.list()) {
      expect(git(thread.worktreePath, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe(thread.branch);
    }
  });

  test('a folder Grove did not make is never touched: the thread is marked interrupted, with what to do', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    const dataDir = join(dir.path, 'data');
    const first = await threadServices(dataDir);
    const project = await first.projects.add(repo);
    const thread = await first.threads.create({ projectId: project.id, title: 'Clash', prompt: '' });
    git(repo, 'worktree', 'remove', thread.worktreePath);
    mkdirSync(thread.worktreePath, { recursive: true });
    writeFileSync(join(thread.worktreePath, 'theirs.txt'), 'not ours\n');
    leaveRecord(dataDir, { ...thread, status: 'creating' });

    const second = await threadServices(dataDir);
    await second.threads.recover();

    expect(second.threads.list()[0]).toMatchObject({
      status: 'interrupted',
      problem: { code: 'worktree_path_taken', message: expect.stringMatching(/Move it away/) },
    });
    expect(readFileSync(join(thread.worktreePath, 'theirs.txt'), 'utf8')).toBe('not ours\n');
  });

  test('a thread killed between recording its archive and removing the worktree finishes the archive and loses nothing', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    const dataDir = join(dir.path, 'data');
    const first = await threadServices(dataDir);
    const project = await first.projects.add(repo);
    const thread = await first.threads.create({ projectId: project.id, title: 'Half archived', prompt: '' });
    writeFileSync(join(thread.worktreePath, 'kept.txt'), 'first\n');
    const snapshot = await takeSnapshot(thread.worktreePath, 'grove: archive');
    const ref = `refs/grove/snapshots/${thread.id}/1`;
    git(repo, 'update-ref', ref, snapshot.commit);
    leaveRecord(dataDir, { ...thread, status: 'archived', snapshot: { ...snapshot, ref, takenAt: Date.now(), from: 'queued' } });
    // …and the person wrote more before the host came back.
    writeFileSync(join(thread.worktreePath, 'later.txt'), 'second\n');

    const second = await threadServices(dataDir);
    await second.threads.recover();
    expect(existsSync(thread.worktreePath)).toBe(false);

    const restored = await second.threads.restore(thread.id);
    expect(restored.status).toBe('queued');
    expect(readFileSync(join(thread.worktreePath, 'kept.txt'), 'utf8')).toBe('first\n');
    expect(readFileSync(join(thread.worktreePath, 'later.txt'), 'utf8')).toBe('second\n');
    expect(git(repo, 'for-each-ref', '--format=%(refname)', `refs/grove/snapshots/${thread.id}`).trim().split('\n')).toHaveLength(
      2,
    );
  });

  test('an archive killed after its reset, before its clean, keeps the changes the reset undid', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    const dataDir = join(dir.path, 'data');
    const first = await threadServices(dataDir);
    const project = await first.projects.add(repo);
    const thread = await first.threads.create({ projectId: project.id, title: 'Reset, not cleaned', prompt: '' });
    writeFileSync(join(thread.worktreePath, 'file-0.txt'), 'edited\n');
    writeFileSync(join(thread.worktreePath, 'untracked.txt'), 'new\n');
    const snapshot = await takeSnapshot(thread.worktreePath, 'grove: archive');
    const ref = `refs/grove/snapshots/${thread.id}/1`;
    git(repo, 'update-ref', ref, snapshot.commit);
    leaveRecord(dataDir, { ...thread, status: 'archived', snapshot: { ...snapshot, ref, takenAt: Date.now(), from: 'queued' } });
    // The removal's `git reset --hard` ran; the host was killed before its `git clean`.
    git(thread.worktreePath, 'reset', '--hard', '--quiet');

    const second = await threadServices(dataDir);
    await second.threads.recover();
    expect(existsSync(thread.worktreePath)).toBe(false);

    await second.threads.restore(thread.id);
    expect(readFileSync(join(thread.worktreePath, 'file-0.txt'), 'utf8')).toBe('edited\n');
    expect(readFileSync(join(thread.worktreePath, 'untracked.txt'), 'utf8')).toBe('new\n');
    // Nothing was written after the snapshot, so no second one was needed.
    expect(git(repo, 'for-each-ref', '--format=%(refname)', `refs/grove/snapshots/${thread.id}`).trim()).toBe(ref);
  });

  test('a worktree the person makes by hand at an archived thread’s path, even on its own branch, is theirs', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    const dataDir = join(dir.path, 'data');
    const first = await threadServices(dataDir);
    const project = await first.projects.add(repo);
    const thread = await first.threads.create({ projectId: project.id, title: 'Picked up by hand', prompt: '' });
    writeFileSync(join(thread.worktreePath, 'archived.txt'), 'in the snapshot\n');
    await first.threads.archive(thread.id);
    // The person goes on with the branch where it was, outside Grove.
    git(repo, 'worktree', 'add', '-q', thread.worktreePath, branchOf(thread));
    writeFileSync(join(thread.worktreePath, 'by-hand.txt'), 'theirs\n');

    const second = await threadServices(dataDir);
    await second.threads.recover();

    expect(second.threads.list()[0]).toMatchObject({ status: 'archived', problem: null });
    expect(readFileSync(join(thread.worktreePath, 'by-hand.txt'), 'utf8')).toBe('theirs\n');
    expect(git(thread.worktreePath, 'status', '--porcelain').trim()).toBe('?? by-hand.txt');
  });

  test('an archive killed inside `git worktree remove`, after the folder went, restores all the same', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    const dataDir = join(dir.path, 'data');
    const first = await threadServices(dataDir);
    const project = await first.projects.add(repo);
    const thread = await first.threads.create({ projectId: project.id, title: 'Folder gone', prompt: '' });
    writeFileSync(join(thread.worktreePath, 'kept.txt'), 'kept\n');
    const snapshot = await takeSnapshot(thread.worktreePath, 'grove: archive');
    const ref = `refs/grove/snapshots/${thread.id}/1`;
    git(repo, 'update-ref', ref, snapshot.commit);
    leaveRecord(dataDir, { ...thread, status: 'archived', snapshot: { ...snapshot, ref, takenAt: Date.now(), from: 'queued' } });
    // `git worktree remove` deletes the folder, then git's record of it: killed in between.
    rmSync(thread.worktreePath, { recursive: true });
    expect(git(repo, 'worktree', 'list', '--porcelain')).toContain(`worktree ${thread.worktreePath}\n`);

    const second = await threadServices(dataDir);
    await second.threads.recover();
    const restored = await second.threads.restore(thread.id);

    expect(restored.status).toBe('queued');
    expect(readFileSync(join(thread.worktreePath, 'kept.txt'), 'utf8')).toBe('kept\n');
  });
});
