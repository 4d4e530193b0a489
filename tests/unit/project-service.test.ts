import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { HostError } from '../../extensions/agent-host/src/host/host-error.ts';
import { StateHub } from '../../extensions/agent-host/src/host/state-hub.ts';
import { ProjectService } from '../../extensions/agent-host/src/projects/project-service.ts';
import type { AnyNotification, ErrorCode } from '../../extensions/agent-host/src/protocol/index.ts';
import { git, makeRepo } from '../helpers/git-repo.ts';
import { tempDir } from '../helpers/temp-dir.ts';

async function service(dir: string) {
  const hub = new StateHub();
  const notifications: AnyNotification[] = [];
  hub.onNotification((n) => notifications.push(n));
  const projects = new ProjectService(join(dir, 'projects.json'), hub);
  await projects.load();
  return { projects, notifications, hub };
}

async function refusal(promise: Promise<unknown>): Promise<{ code: ErrorCode; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof HostError)) throw new Error(`expected a HostError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe('project/add', () => {
  test('registers a repository by its real path, with its branch as the default base, and announces it', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'my repo é'));
    const { projects, notifications } = await service(dir.path);

    const project = await projects.add(repo);

    expect(project).toEqual({
      id: expect.stringMatching(/^p_[a-z0-9]{12}$/),
      name: 'my repo é',
      path: realpathSync(repo),
      defaultBase: 'main',
      addedAt: expect.any(Number),
    });
    expect(notifications).toEqual([{ method: 'project/added', params: { rev: 1, project } }]);
    expect(JSON.parse(readFileSync(join(dir.path, 'projects.json'), 'utf8'))).toEqual({ version: 1, projects: [project] });
  });

  test('a folder inside a repository, its .git folder, a linked worktree and a symlink all register the main checkout', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    mkdirSync(join(repo, 'src', 'deep'), { recursive: true });
    git(repo, 'worktree', 'add', '--quiet', '-b', 'side', join(dir.path, 'linked'));
    symlinkSync(repo, join(dir.path, 'link'));
    const expected = realpathSync(repo);

    for (const input of [join(repo, 'src', 'deep'), join(repo, '.git'), join(dir.path, 'linked'), join(dir.path, 'link')]) {
      await using data = await tempDir();
      const { projects } = await service(data.path);
      expect((await projects.add(input)).path, input).toBe(expected);
    }
  });

  test('detached HEAD is allowed and has no default base', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'), { commits: 2 });
    git(repo, 'checkout', '--quiet', '--detach', 'HEAD~1');
    const { projects } = await service(dir.path);
    expect((await projects.add(repo)).defaultBase).toBeNull();
  });

  test('~ expands to the home folder', async () => {
    await using dir = await tempDir();
    const { projects } = await service(dir.path);
    const typed = `~/${relative(homedir(), join(dir.path, 'nowhere'))}`;
    // The folder does not exist: the error names the expanded path, proving the expansion.
    expect(await refusal(projects.add(typed))).toEqual({
      code: 'path_not_found',
      message: `There is no folder at ${join(dir.path, 'nowhere')}. Check the path and try again.`,
    });
  });

  test('bad input gets a clear error and changes nothing', async () => {
    await using dir = await tempDir();
    const plain = join(dir.path, 'plain');
    mkdirSync(plain);
    writeFileSync(join(dir.path, 'file.txt'), 'x');
    const empty = makeRepo(join(dir.path, 'empty'), { commits: 0 });
    const bare = makeRepo(join(dir.path, 'bare.git'), { bare: true });
    const data = join(dir.path, 'data');
    mkdirSync(data);
    const { projects, notifications } = await service(data);

    const cases: [string, ErrorCode, RegExp][] = [
      ['relative/path', 'path_not_absolute', /not a full path/],
      [join(dir.path, 'missing'), 'path_not_found', /There is no folder at/],
      [join(dir.path, 'file.txt'), 'not_a_directory', /is a file, not a folder/],
      [plain, 'not_a_git_repository', /is not inside a git repository.*git init/],
      [empty, 'no_commits', /has no commits yet.*git commit --allow-empty/],
      [bare, 'bare_repository', /is a bare repository.*git clone/],
    ];
    for (const [input, code, message] of cases) {
      const error = await refusal(projects.add(input));
      expect(error.code, input).toBe(code);
      expect(error.message, input).toMatch(message);
    }
    expect(projects.list()).toEqual([]);
    expect(notifications).toEqual([]);
  });

  test('the same repository twice is refused, also through another path to it', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    mkdirSync(join(repo, 'sub'));
    const { projects } = await service(dir.path);
    const first = await projects.add(repo);

    const error = await refusal(projects.add(join(repo, 'sub')));
    expect(error).toEqual({ code: 'project_exists', message: `${first.path} is already in Grove as “repo”.` });
    expect(projects.list()).toHaveLength(1);
  });

  test('concurrent adds of one repository register it once', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    const { projects } = await service(dir.path);
    const results = await Promise.allSettled([projects.add(repo), projects.add(repo), projects.add(repo)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(projects.list()).toHaveLength(1);
  });
});

describe('project/remove', () => {
  test('forgets the project, persists that, and leaves its files alone', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    const { projects, notifications } = await service(dir.path);
    const project = await projects.add(repo);

    await projects.remove(project.id);

    expect(projects.list()).toEqual([]);
    expect(notifications.at(-1)).toEqual({ method: 'project/removed', params: { rev: 2, projectId: project.id } });
    expect(readFileSync(join(repo, 'file-0.txt'), 'utf8')).toBe('content 0\n');
    expect(git(repo, 'status', '--porcelain')).toBe('');
    const reloaded = await service(dir.path);
    expect(reloaded.projects.list()).toEqual([]);
  });

  test('an unknown project is a clear error', async () => {
    await using dir = await tempDir();
    const { projects } = await service(dir.path);
    expect((await refusal(projects.remove('p_unknown00000' as never))).code).toBe('project_not_found');
  });
});

describe('persistence', () => {
  test('projects survive a reload, in order', async () => {
    await using dir = await tempDir();
    const a = makeRepo(join(dir.path, 'a'));
    const b = makeRepo(join(dir.path, 'b'));
    const first = await service(dir.path);
    const added = [await first.projects.add(a), await first.projects.add(b)];

    const second = await service(dir.path);
    expect(second.projects.list()).toEqual(added);
  });

  test('an unreadable projects file stops the load and is left exactly as it was', async () => {
    await using dir = await tempDir();
    const file = join(dir.path, 'projects.json');
    writeFileSync(file, '{"version": 1, "projects": [');
    const hub = new StateHub();
    const projects = new ProjectService(file, hub);
    const error = await refusal(projects.load());
    expect(error.code).toBe('data_dir_corrupt');
    expect(error.message).toMatch(/It has not changed the file/);
    expect(readFileSync(file, 'utf8')).toBe('{"version": 1, "projects": [');
  });
});

// A real full disk: a 64 KiB tmpfs. Mounting needs root, which CI and these machines have.
const isRoot = process.getuid?.() === 0;
describe('a full disk', () => {
  test.skipIf(!isRoot)('refuses the add with disk_full and keeps the saved list as it was', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    const other = makeRepo(join(dir.path, 'other'));
    const data = join(dir.path, 'data');
    mkdirSync(data);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', data]);
    try {
      const { projects } = await service(data);
      const first = await projects.add(repo);
      const saved = readFileSync(join(data, 'projects.json'), 'utf8');
      fillDisk(join(data, 'filler'));

      const error = await refusal(projects.add(other));

      expect(error.code).toBe('disk_full');
      expect(error.message).toMatch(/is full, so Grove could not save. Nothing was changed; free some space/);
      expect(projects.list()).toEqual([first]);
      expect(readFileSync(join(data, 'projects.json'), 'utf8')).toBe(saved);
    } finally {
      execFileSync('umount', [data]);
    }
  });
});

function fillDisk(file: string): void {
  try {
    for (;;) writeFileSync(file, Buffer.alloc(4096), { flag: 'a' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
}
