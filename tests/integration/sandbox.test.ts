import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessRegistry } from '../../extensions/agent-host/src/host/process-registry.ts';
import { type RunCommandOptions, runCommand } from '../../extensions/agent-host/src/sandbox/run-command.ts';
import { detectSandbox, sandboxSupport } from '../../extensions/agent-host/src/sandbox/sandbox-support.ts';
import { git, makeRepo } from '../helpers/git-repo.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const support = await sandboxSupport();

/** A key the test puts in its own environment: no command may see it. */
const PARENT_SECRET = `sk-proj-${'parentSecretValue0123456789'}`;
/** A duration no other test sleeps for, so its processes can be told apart in /proc. */
const SLEEP_MARK = '4242';

/**
 * A scratch folder outside /tmp: the sandbox's /tmp is private, so a main checkout or home
 * under /tmp would be hidden rather than read-only, and the tests must see them read-only.
 */
async function scratchOutsideTmp(): Promise<{ path: string } & AsyncDisposable> {
  const path = await mkdtemp('/var/tmp/grove-sandbox-test-');
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/** The pids of processes running `sleep <SLEEP_MARK>` (zombies excluded), from /proc. */
function markedSleeps(): string[] {
  return readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
      return state !== 'Z' && readFileSync(`/proc/${pid}/cmdline`, 'utf8') === `sleep\0${SLEEP_MARK}\0`;
    } catch {
      return false; // It ended while we looked.
    }
  });
}

/** A TCP server on 127.0.0.1 that counts the connections it gets. */
async function countingServer(): Promise<{ port: number; connections: () => number } & AsyncDisposable> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count++;
    socket.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the test server has no port');
  return {
    port: address.port,
    connections: () => count,
    [Symbol.asyncDispose]: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!support.available)(
  `sandbox - runCommand in bubblewrap${support.available ? '' : ` (skipped: ${support.reason})`}`,
  () => {
    let scratch: { path: string } & AsyncDisposable;
    let repo: string;
    let worktree: string;
    let gitDir: string;
    let home: string;

    beforeAll(async () => {
      scratch = await scratchOutsideTmp();
      home = join(scratch.path, 'home');
      mkdirSync(join(home, '.ssh'), { recursive: true });
      writeFileSync(join(home, '.ssh', 'id_rsa'), 'THE-PRIVATE-KEY\n');
      mkdirSync(join(home, '.aws'));
      writeFileSync(join(home, '.aws', 'credentials'), 'aws_secret_access_key = THE-AWS-SECRET\n');
      repo = makeRepo(join(scratch.path, 'repo'));
      worktree = join(scratch.path, 'worktrees', 'thread-a');
      git(repo, 'worktree', 'add', '-q', '-b', 'grove/thread-a', worktree);
      mkdirSync(join(scratch.path, 'worktrees', 'thread-b'));
      writeFileSync(join(scratch.path, 'worktrees', 'thread-b', 'other.txt'), 'another thread’s file\n');
      writeFileSync(join(worktree, '.env'), 'API_TOKEN=THE-DOTENV-SECRET\n');
      gitDir = git(repo, 'rev-parse', '--path-format=absolute', '--git-common-dir').trim();
      process.env.OPENAI_API_KEY = PARENT_SECRET;
    });

    afterAll(async () => {
      delete process.env.OPENAI_API_KEY;
      await scratch?.[Symbol.asyncDispose]();
    });

    function run(command: string, options: Partial<RunCommandOptions> = {}) {
      return runCommand({
        command,
        worktree,
        repositoryGitDir: gitDir,
        denyPaths: [join(home, '.ssh'), join(home, '.aws', 'credentials'), join(worktree, '.env'), join(home, '.missing')],
        network: false,
        timeoutMs: 30_000,
        threadEnvironment: { HOME: home, GROVE_THREAD_ID: 't_sandbox', GROVE_WORKTREE: worktree },
        ...options,
      });
    }

    it('sandbox - writes inside the worktree, and nowhere else (EROFS)', async () => {
      const inside = await run('echo made-inside > inside.txt && cat inside.txt');
      expect(inside).toMatchObject({ exitCode: 0, stdout: 'made-inside\n', sandboxed: true, unsandboxedReason: null });
      expect(readFileSync(join(worktree, 'inside.txt'), 'utf8')).toBe('made-inside\n');

      for (const target of [join(home, 'escape.txt'), join(repo, 'escape.txt'), '/var/tmp/grove-sandbox-escape.txt']) {
        const outside = await run(`echo escaped > ${target}`);
        expect(outside.exitCode).not.toBe(0);
        expect(outside.stderr).toContain('Read-only file system');
        expect(existsSync(target)).toBe(false);
      }
    });

    it('sandbox - gives the command a private /tmp', async () => {
      const result = await run('echo scratch > /tmp/scratch.txt && cat /tmp/scratch.txt && echo "$TMPDIR"');
      expect(result).toMatchObject({ exitCode: 0, stdout: 'scratch\n/tmp\n' });
      expect(existsSync('/tmp/scratch.txt')).toBe(false);
    });

    it('sandbox - hides deny-listed folders and files, inside and outside the worktree', async () => {
      const result = await run(
        'ls -A "$HOME/.ssh"; cat "$HOME/.ssh/id_rsa"; echo "creds:[$(cat "$HOME/.aws/credentials")]"; echo "env:[$(cat .env)]"; echo x > .env',
      );
      expect(result.stdout).toBe('creds:[]\nenv:[]\n');
      expect(result.stderr).toMatch(/id_rsa: No such file or directory/);
      expect(result.stderr).toMatch(/\.env: Read-only file system/);
      expect(result.output).not.toMatch(/THE-PRIVATE-KEY|THE-AWS-SECRET|THE-DOTENV-SECRET/);
      expect(readFileSync(join(worktree, '.env'), 'utf8')).toBe('API_TOKEN=THE-DOTENV-SECRET\n');
    });

    it('sandbox - a hidden folder that holds the worktree still shows the worktree, and only it', async () => {
      const result = await run('ls ..; cat ../thread-b/other.txt; echo ok > still-writable.txt && echo wrote', {
        denyPaths: [join(scratch.path, 'worktrees')],
      });
      expect(result.stdout).toBe('thread-a\nwrote\n');
      expect(result.stderr).toMatch(/other\.txt: No such file or directory/);
    });

    it('sandbox - cannot see the host’s processes or their environment', async () => {
      const result = await run(
        `ls /proc | grep -E '^[0-9]+$' | sort -n | tail -1; cat /proc/${process.pid}/environ; cat /proc/1/environ | tr '\\0' '\\n'`,
      );
      const highestPid = Number(result.stdout.split('\n')[0]);
      expect(highestPid).toBeLessThan(100); // Only the sandbox's own few processes.
      expect(result.stderr).toMatch(new RegExp(`/proc/${process.pid}/environ: No such file or directory`));
      expect(result.output).not.toContain(PARENT_SECRET);
    });

    it('sandbox - runs without capabilities, even when Grove runs as root', async () => {
      const result = await run("grep -E '^Cap(Eff|Prm|Amb):' /proc/self/status");
      expect(result.stdout).toBe('CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapAmb:\t0000000000000000\n');
    });

    it('sandbox - the environment inside holds only the allowlist and the thread’s variables', async () => {
      const result = await run('env');
      const names = result.stdout
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.slice(0, line.indexOf('=')));
      expect(result.stdout).not.toContain('OPENAI_API_KEY');
      expect(result.stdout).not.toContain(PARENT_SECRET);
      // What bash adds itself (PWD, SHLVL, _) is no leak.
      const allowed = /^(PATH|HOME|USER|LOGNAME|SHELL|LANG|TERM|TZ|TMPDIR|LC_[A-Z]+|GROVE_THREAD_ID|GROVE_WORKTREE|PWD|SHLVL|_)$/;
      expect(names.filter((name) => !allowed.test(name))).toEqual([]);
      expect(names).toEqual(expect.arrayContaining(['PATH', 'HOME', 'GROVE_THREAD_ID', 'GROVE_WORKTREE']));
    });

    it('sandbox - git status, diff and add work in a linked worktree; commit, update-ref and HEAD changes fail', async () => {
      const branchBefore = git(repo, 'rev-parse', 'grove/thread-a');
      const mainBefore = git(repo, 'rev-parse', 'main');
      const work = await run(
        'echo changed >> file-0.txt && echo new > new.txt && git status --short && git diff --stat && git add file-0.txt new.txt && git status --short',
      );
      expect(work).toMatchObject({ exitCode: 0, stderr: '' });
      expect(work.stdout).toContain(' M file-0.txt');
      expect(work.stdout).toContain(' 1 file changed, 1 insertion(+)');
      expect(work.stdout).toContain('M  file-0.txt\nA  new.txt');
      // Staged for real: Grove's own git, outside, sees the index the command wrote.
      expect(git(worktree, 'diff', '--cached', '--name-status')).toBe('M\tfile-0.txt\nA\tnew.txt\n');

      const attempts = [
        'git -c user.name=Agent -c user.email=agent@grove.invalid commit -q -m sneaky',
        'git update-ref refs/heads/grove/thread-a HEAD~0',
        'git update-ref refs/heads/main HEAD',
        'git update-ref --no-deref HEAD HEAD',
        'git checkout -q --detach',
        'git branch sneaky',
        "echo 'gitdir: /tmp/fake' > .git",
        'rm -f .git',
      ];
      for (const attempt of attempts) {
        const result = await run(attempt);
        expect({ attempt, failed: result.exitCode !== 0 }).toEqual({ attempt, failed: true });
      }
      expect(git(repo, 'rev-parse', 'grove/thread-a')).toBe(branchBefore);
      expect(git(repo, 'rev-parse', 'main')).toBe(mainBefore);
      expect(git(worktree, 'symbolic-ref', 'HEAD')).toBe('refs/heads/grove/thread-a\n');
      expect(git(repo, 'branch', '--list', 'sneaky')).toBe('');
      expect(readFileSync(join(worktree, '.git'), 'utf8')).toMatch(/^gitdir: /);
      git(repo, 'fsck', '--no-dangling'); // Throws on a broken repository.
    });

    it('sandbox - network off: a TCP server on 127.0.0.1 cannot be reached; on: it can', async () => {
      await using server = await countingServer();
      const probe = `exec 3<>/dev/tcp/127.0.0.1/${server.port} && echo connected`;
      const off = await run(probe, { network: false });
      expect(off.exitCode).not.toBe(0);
      expect(off.stdout).toBe('');
      expect(server.connections()).toBe(0);

      const on = await run(probe, { network: true });
      expect(on).toMatchObject({ exitCode: 0, stdout: 'connected\n', sandboxed: true });
      await waitFor('the connection from the sandbox', () => server.connections() === 1);
    });

    it('sandbox - a timeout kills the whole process tree, background jobs included', async () => {
      const result = await run(`sleep ${SLEEP_MARK} & sleep ${SLEEP_MARK}`, { timeoutMs: 500 });
      expect(result).toMatchObject({ stoppedBy: 'timeout', sandboxed: true });
      expect(result.durationMs).toBeLessThan(5_000);
      await waitFor('no sleep left behind', () => markedSleeps().length === 0, 3_000);
    });

    it('sandbox - an abort stops the command', async () => {
      const controller = new AbortController();
      const running = run(`sleep ${SLEEP_MARK}`, { signal: controller.signal });
      await waitFor('the sleep to start', () => markedSleeps().length === 1);
      controller.abort();
      expect(await running).toMatchObject({ stoppedBy: 'abort', sandboxed: true });
      await waitFor('no sleep left behind', () => markedSleeps().length === 0, 3_000);
    });

    it('sandbox - background jobs do not outlive the command that started them', async () => {
      const result = await run(`sleep ${SLEEP_MARK} > /dev/null 2>&1 & echo started`);
      expect(result).toMatchObject({ exitCode: 0, stdout: 'started\n', stoppedBy: null });
      await waitFor('no sleep left behind', () => markedSleeps().length === 0, 3_000);
    });

    it('sandbox - cuts long output, keeping its beginning and end', async () => {
      const result = await run("printf 'first-line\\n'; head -c 100000 /dev/zero | tr '\\0' x; printf '\\nlast-line\\n'", {
        maxOutputBytes: 1_000,
      });
      expect(result.truncated).toBe(true);
      expect(result.stdout.startsWith('first-line\n')).toBe(true);
      expect(result.stdout.endsWith('\nlast-line\n')).toBe(true);
      expect(result.stdout).toMatch(/\[… 99\d{3} bytes left out …\]/);
      expect(result.stdout.length).toBeLessThan(1_100);
    });

    it('sandbox - works for a worktree and repository under /tmp too', async () => {
      await using dir = await tempDir();
      const tmpRepo = makeRepo(join(dir.path, 'repo'));
      const tmpWorktree = join(dir.path, 'wt');
      git(tmpRepo, 'worktree', 'add', '-q', '-b', 'grove/tmp', tmpWorktree);
      const result = await runCommand({
        command: 'echo hi > hi.txt && git add hi.txt && git status --short',
        worktree: tmpWorktree,
        repositoryGitDir: join(tmpRepo, '.git'),
        network: false,
      });
      expect(result).toMatchObject({ exitCode: 0, stdout: 'A  hi.txt\n', sandboxed: true });
    });

    it('sandbox - a worktree’s own config (extensions.worktreeConfig) cannot be written to make Grove’s git run a program', async () => {
      const other = makeRepo(join(scratch.path, 'repo-worktree-config'));
      git(other, 'config', 'extensions.worktreeConfig', 'true');
      const otherWorktree = join(scratch.path, 'worktrees', 'config-thread');
      git(other, 'worktree', 'add', '-q', '-b', 'grove/config', otherWorktree);
      const result = await runCommand({
        command: 'git config --worktree core.fsmonitor "touch /tmp/pwned"',
        worktree: otherWorktree,
        repositoryGitDir: join(other, '.git'),
        network: false,
      });
      expect(result.exitCode).not.toBe(0);
      expect(() => git(otherWorktree, 'config', '--get', 'core.fsmonitor')).toThrow(); // git exits 1: not set.
    });

    it('sandbox - in the main checkout, git status works and git add does not (its index is in the read-only git dir)', async () => {
      const result = await run('echo more >> file-0.txt; git status --short; git add file-0.txt', { worktree: repo });
      expect(result.stdout).toBe(' M file-0.txt\n');
      expect(result.stderr).toContain('Read-only file system');
      expect(git(repo, 'diff', '--cached', '--name-only')).toBe('');
      git(repo, 'checkout', '--', 'file-0.txt');
    });

    it('sandbox - refuses a worktree whose .git points at another repository', async () => {
      const stranger = join(scratch.path, 'stranger');
      mkdirSync(stranger);
      writeFileSync(join(stranger, '.git'), `gitdir: ${join(scratch.path, 'made-up-git')}\n`);
      await expect(run('true', { worktree: stranger })).rejects.toThrow(/is not a worktree of the repository/);
    });

    it('sandbox - refuses a cwd outside the worktree', async () => {
      await expect(run('true', { cwd: '../thread-b' })).rejects.toThrow(/Commands run inside the thread's worktree/);
    });
  },
);

describe('sandbox - unsandboxed fallback', () => {
  it('sandbox - forced off, it says so, runs anyway, and still filters the environment', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    process.env.OPENAI_API_KEY = PARENT_SECRET;
    try {
      const result = await runCommand({
        command: 'env; echo written > ../outside.txt',
        worktree: repo,
        repositoryGitDir: join(repo, '.git'),
        network: false,
        sandbox: 'off',
      });
      expect(result).toMatchObject({
        exitCode: 0,
        sandboxed: false,
        unsandboxedReason: 'The sandbox was turned off for this command. Network access could not be turned off either.',
      });
      expect(result.stdout).not.toContain('OPENAI_API_KEY');
      expect(readFileSync(join(dir.path, 'outside.txt'), 'utf8')).toBe('written\n');
    } finally {
      delete process.env.OPENAI_API_KEY;
    }
  });

  it('sandbox - unsandboxed, the process registry owns the command while it runs', async () => {
    await using dir = await tempDir();
    const processes = new ProcessRegistry();
    const running = runCommand({
      command: `sleep ${SLEEP_MARK}`,
      worktree: dir.path,
      repositoryGitDir: join(dir.path, '.git'),
      network: true,
      sandbox: 'off',
      processes,
      timeoutMs: 60_000,
    });
    await waitFor('the sleep to start', () => markedSleeps().length === 1);
    expect(processes.size).toBe(1);
    await processes.stopAll(); // What the host does when it stops.
    expect(await running).toMatchObject({ signal: 'SIGTERM', sandboxed: false });
    expect(processes.size).toBe(0);
  });

  it('sandbox - unsandboxed, a timeout still kills the whole process group', async () => {
    await using dir = await tempDir();
    const result = await runCommand({
      command: `sleep ${SLEEP_MARK} & sleep ${SLEEP_MARK}`,
      worktree: dir.path,
      repositoryGitDir: join(dir.path, '.git'),
      network: true,
      sandbox: 'off',
      timeoutMs: 500,
    });
    expect(result).toMatchObject({ stoppedBy: 'timeout', sandboxed: false, signal: 'SIGTERM' });
    await waitFor('no sleep left behind', () => markedSleeps().length === 0, 3_000);
  });

  it('sandbox - unsandboxed, background jobs do not outlive the command', async () => {
    await using dir = await tempDir();
    const started = performance.now();
    const result = await runCommand({
      command: `sleep ${SLEEP_MARK} & echo started`,
      worktree: dir.path,
      repositoryGitDir: join(dir.path, '.git'),
      network: true,
      sandbox: 'off',
    });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'started\n', sandboxed: false });
    expect(performance.now() - started).toBeLessThan(1_500); // It did not wait for the sleep's pipes.
    await waitFor('no sleep left behind', () => markedSleeps().length === 0, 3_000);
  });
});

describe('sandbox - detection', () => {
  it('sandbox - without bwrap it says how to install it', async () => {
    await using dir = await tempDir();
    const support = await detectSandbox([join(dir.path, 'bwrap')]);
    expect(support).toEqual({
      available: false,
      reason: expect.stringMatching(/^bubblewrap is not installed: install it with `sudo apt install bubblewrap`/),
    });
  });

  it('sandbox - a bwrap that cannot make namespaces is caught by the probe run, with its words', async () => {
    await using dir = await tempDir();
    const fake = join(dir.path, 'bwrap');
    // What bwrap prints where unprivileged user namespaces are off.
    writeFileSync(
      fake,
      "#!/bin/sh\necho 'bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces.' >&2\nexit 1\n",
    );
    chmodSync(fake, 0o755);
    const support = await detectSandbox([fake]);
    expect(support).toEqual({
      available: false,
      reason: expect.stringContaining(
        `bubblewrap (${fake}) is installed but could not start a sandbox: bwrap: No permissions to creating new namespace`,
      ),
    });
  });

  it.skipIf(!existsSync('/usr/bin/bwrap'))('sandbox - the real bwrap passes the probe (skipped: no /usr/bin/bwrap)', async () => {
    expect(await detectSandbox(['/usr/bin/bwrap'])).toEqual({ available: true, bwrap: '/usr/bin/bwrap' });
  });
});
