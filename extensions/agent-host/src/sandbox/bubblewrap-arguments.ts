import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { worktreeGitDirs } from './worktree-git-dirs.ts';

/** What a sandboxed command may touch. Every path is absolute. */
export interface SandboxLayout {
  /** The thread's worktree: the one place it may write (with the git data `git add` needs). */
  readonly worktree: string;
  /** Where the command starts, inside the worktree. */
  readonly cwd: string;
  /** The repository's common git dir (`git rev-parse --path-format=absolute --git-common-dir`): read-only. */
  readonly repositoryGitDir: string;
  /** Files and folders to hide (credentials); ones that do not exist are skipped. */
  readonly denyPaths: readonly string[];
  /** Whether the command keeps the host's network (false: only a loopback of its own). */
  readonly network: boolean;
}

/** Where bwrap reports the command's start and exit (`--json-status-fd`): what tells a failed command from a sandbox that never started. */
export const STATUS_FD = 3;

/**
 * The first descriptor of the empty files that stand in for hidden files (`--ro-bind-data`,
 * one descriptor each, read to EOF by bwrap): the caller passes `/dev/null` on every one.
 * Not a bind of `/dev/null` itself: bwrap mounts binds `nodev`, so the device would not
 * open (EACCES breaks tools that only wanted an empty config), and a writable device would
 * swallow writes silently. An empty read-only file reads empty and refuses writes (EROFS).
 */
export const FIRST_EMPTY_FILE_FD = 4;

/** The bwrap options for a layout, and how many empty-file descriptors they read (`FIRST_EMPTY_FILE_FD` on). */
export interface BubblewrapInvocation {
  readonly args: string[];
  readonly emptyFiles: number;
}

/**
 * Always hidden, whatever the policy lists: a socket on a read-only filesystem can still be
 * connected to, and these would let a command act outside the sandbox (the user's systemd
 * and D-Bus session, gpg and ssh agents, in the runtime dir; Docker, which is root).
 */
function alwaysHidden(): string[] {
  const uid = process.getuid?.();
  return [
    ...(uid === undefined ? [] : [`/run/user/${uid}`]),
    ...(process.env.XDG_RUNTIME_DIR?.startsWith('/') ? [process.env.XDG_RUNTIME_DIR] : []),
    '/run/docker.sock',
    '/var/run/docker.sock',
  ];
}

/** Files of a linked worktree's admin dir that stay read-only inside its writable bind (see `gitMounts`). */
const PINNED_ADMIN_FILES = ['HEAD', 'commondir', 'gitdir'];

/** Folders of the shared object store that stay read-only inside its writable bind: packs hold most history; info/alternates would add object sources. */
const PINNED_OBJECT_DIRS = ['pack', 'info'];

/**
 * One mount, placed by its destination's depth so a mount inside another is made after it.
 * `empty` mounts an empty read-only file; its descriptor is numbered once the order is known.
 */
type Mount = { readonly dest: string; readonly args: readonly string[] } | { readonly dest: string; readonly empty: true };

/**
 * The bwrap options (everything before `--`) for a layout.
 *
 * The filesystem is the host's, read-only (`--ro-bind / /`), with a fresh `/dev`, a `/proc`
 * of the sandbox's own pid namespace (no host process, no `/proc/<pid>/environ` of the
 * host), a private `/tmp`, and on top of it, in order of depth:
 * - the worktree, writable;
 * - the repository's git dir, read-only, with the two pieces `git add` and `git status`
 *   write made writable again (`gitMounts`);
 * - the deny-listed paths, hidden: an empty read-only tmpfs over a folder, an empty
 *   read-only file over a file.
 * Mounts are sorted by depth (stable; hiding after binding at equal depth), so a hidden
 * folder that contains the worktree (a data dir) still shows the worktree, and a secret
 * inside the worktree (`.env`) is hidden although the worktree is bound after `/`.
 *
 * The command gets its own pid and IPC namespaces, a new session (no controlling terminal
 * to push keystrokes into), no capabilities even when Grove runs as root (bwrap keeps them
 * for root otherwise, and `umount` could then undo every mask), and dies with the host
 * (`--die-with-parent`). Without network it gets a network namespace of its own, which also
 * cuts abstract Unix sockets (X11, D-Bus).
 */
export async function bubblewrapArguments(layout: SandboxLayout): Promise<BubblewrapInvocation> {
  if (!isAbsolute(layout.repositoryGitDir)) {
    throw new Error(
      `The sandbox needs the repository's git dir as an absolute path (git rev-parse --path-format=absolute --git-common-dir); “${layout.repositoryGitDir}” is relative.`,
    );
  }
  const worktree = await realpath(layout.worktree);
  const gitDir = await realpath(layout.repositoryGitDir);
  const cwd = await realpath(layout.cwd);
  const mounts: Mount[] = [
    { dest: '/', args: ['--ro-bind', '/', '/'] },
    { dest: '/dev', args: ['--dev', '/dev'] },
    { dest: '/proc', args: ['--proc', '/proc'] },
    { dest: '/tmp', args: ['--tmpfs', '/tmp'] },
    { dest: worktree, args: ['--bind', worktree, worktree] },
    ...(await gitMounts(worktree, gitDir)),
  ];
  const readOnlyAfter: string[] = [];
  for (const path of new Set([...layout.denyPaths, ...alwaysHidden()])) {
    if (!isAbsolute(path)) throw new Error(`The sandbox's deny-list takes absolute paths; “${path}” is relative.`);
    const real = await realpath(path).catch(() => undefined);
    // Nothing there to hide; or a request to hide everything, which is no sandbox; or a path in
    // the host's /proc or /dev, which the sandbox replaces with its own (where no host process is).
    if (real === undefined || real === '/' || isUnder(real, '/proc') || isUnder(real, '/dev')) continue;
    if ((await stat(real)).isDirectory()) {
      mounts.push({ dest: real, args: ['--tmpfs', real] });
      readOnlyAfter.push(real);
    } else {
      mounts.push({ dest: real, empty: true });
    }
  }
  let emptyFiles = 0;
  const ordered = mounts
    .map((mount, i) => ({ mount, i }))
    .sort((a, b) => depth(a.mount.dest) - depth(b.mount.dest) || a.i - b.i)
    .flatMap(({ mount }) =>
      'empty' in mount ? ['--ro-bind-data', String(FIRST_EMPTY_FILE_FD + emptyFiles++), mount.dest] : mount.args,
    );
  const args = [
    '--unshare-pid',
    '--unshare-ipc',
    ...(layout.network ? [] : ['--unshare-net']),
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    ...ordered,
    // Last: a masking tmpfs stays writable until every mount inside it has been made.
    ...readOnlyAfter.flatMap((dest) => ['--remount-ro', dest]),
    '--chdir',
    cwd,
    '--json-status-fd',
    String(STATUS_FD),
  ];
  return { args, emptyFiles };
}

/**
 * The git dir is read-only, so a ref (a branch, HEAD) can only move through Grove's gated
 * commit tool, which runs git outside the sandbox. `git add` and `git status` still need
 * to write two things, so for a linked worktree these are writable again:
 * - its admin dir `<git>/worktrees/<name>`, for `index` (written as `index.lock`, then
 *   renamed, so the folder must be writable, not just the file). Its `HEAD`, `commondir`
 *   and `gitdir` are bound read-only on top: a mount point can be neither renamed over nor
 *   removed, so HEAD cannot be detached (a detached HEAD lives in this folder, and a
 *   commit on it would succeed), and git cannot be pointed at another repository.
 *   `config.worktree` is pinned too, as an empty file where there is none (bwrap leaves
 *   that empty file behind, which git reads as no settings): with `extensions.worktreeConfig`
 *   on, a command could otherwise set `core.fsmonitor` or `core.hooksPath` there, and
 *   Grove's own git, outside the sandbox, would run what it names;
 * - the shared object store `<git>/objects`, for the blobs `git add` stores, with `pack/`
 *   and `info/` read-only on top.
 * `git commit` then writes its tree and commit objects but fails at the branch ref
 * (`refs/heads/…` in the read-only git dir); the dangling objects are harmless and `git gc`
 * removes them. The worktree's `.git` file is read-only too: rewritten, it would send
 * Grove's own git to a repository the command made up, with hooks of its choosing.
 *
 * The main checkout stays wholly read-only (its index is in the git dir itself), so
 * `git add` fails there. A worktree whose `.git` is missing or points elsewhere is refused:
 * the command could make one up, and Grove's git would then run its hooks.
 */
async function gitMounts(worktree: string, gitDir: string): Promise<Mount[]> {
  const dirs = await worktreeGitDirs(worktree, gitDir);
  const readOnlyGit: Mount = { dest: gitDir, args: ['--ro-bind', gitDir, gitDir] };
  if (dirs.kind === 'main') return [readOnlyGit];
  if (dirs.kind === 'other') {
    throw new Error(
      `${worktree} is not a worktree of the repository at ${gitDir} (its .git is missing or points elsewhere), so Grove will not run commands in it. Restore the thread's worktree, or check the repository it belongs to.`,
    );
  }
  const objects = join(gitDir, 'objects');
  const mounts: Mount[] = [
    readOnlyGit,
    { dest: dirs.dotGit, args: ['--ro-bind', dirs.dotGit, dirs.dotGit] },
    { dest: dirs.adminDir, args: ['--bind', dirs.adminDir, dirs.adminDir] },
  ];
  for (const name of PINNED_ADMIN_FILES) mounts.push(...(await readOnlyIfPresent(join(dirs.adminDir, name))));
  const worktreeConfig = join(dirs.adminDir, 'config.worktree');
  mounts.push(
    (await exists(worktreeConfig))
      ? { dest: worktreeConfig, args: ['--ro-bind', worktreeConfig, worktreeConfig] }
      : { dest: worktreeConfig, empty: true },
  );
  if (await exists(objects)) {
    mounts.push({ dest: objects, args: ['--bind', objects, objects] });
    for (const name of PINNED_OBJECT_DIRS) mounts.push(...(await readOnlyIfPresent(join(objects, name))));
  }
  return mounts;
}

async function readOnlyIfPresent(path: string): Promise<Mount[]> {
  return (await exists(path)) ? [{ dest: path, args: ['--ro-bind', path, path] }] : [];
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function isUnder(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder}/`);
}

function depth(path: string): number {
  return path.split('/').filter((part) => part !== '').length;
}
