import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** Whether commands can run sandboxed here: bwrap's path, or why not in words the UI can show. */
export type SandboxSupport =
  | { readonly available: true; readonly bwrap: string }
  | { readonly available: false; readonly reason: string };

/** The probe starts a namespace and exits; this is long enough for a loaded machine, short enough not to hold the first command. */
const PROBE_TIMEOUT_MS = 10_000;

/** Where distributions install bwrap, tried after PATH (a GUI launch may have a short PATH). */
const USUAL_PLACES = ['/usr/bin/bwrap', '/usr/local/bin/bwrap', '/bin/bwrap'];

/**
 * The options every sandboxed run uses, tried once on an empty command. The binary being
 * there proves little: user namespaces can be off (a sysctl, Ubuntu 24.04's AppArmor rule,
 * a container), and then only a real run says so.
 */
const PROBE_ARGS = [
  '--ro-bind',
  '/',
  '/',
  '--dev',
  '/dev',
  '--proc',
  '/proc',
  '--tmpfs',
  '/tmp',
  '--remount-ro',
  '/tmp',
  '--unshare-pid',
  '--unshare-ipc',
  '--unshare-net',
  '--die-with-parent',
  '--new-session',
  '--cap-drop',
  'ALL',
  '--',
  '/bin/sh',
  '-c',
  'exit 0',
];

let probed: Promise<SandboxSupport> | undefined;

/** Whether bubblewrap works here, found out once per host process (the first call runs the probe). */
export function sandboxSupport(): Promise<SandboxSupport> {
  probed ??= detectSandbox(bwrapCandidates());
  return probed;
}

/** bwrap on PATH first, then where distributions put it. */
function bwrapCandidates(): string[] {
  const onPath = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir.startsWith('/'));
  return [...onPath.map((dir) => join(dir, 'bwrap')), ...USUAL_PLACES];
}

/** Finds the first executable of `candidates` and proves it can start a sandbox; exported for tests, which bring their own. */
export async function detectSandbox(candidates: readonly string[]): Promise<SandboxSupport> {
  if (process.platform !== 'linux') {
    return {
      available: false,
      reason: `Grove sandboxes commands with bubblewrap, which exists only on Linux; on ${process.platform} commands run unsandboxed, under the same policy.`,
    };
  }
  let bwrap: string | undefined;
  for (const candidate of candidates) {
    if (await isExecutable(candidate)) {
      bwrap = candidate;
      break;
    }
  }
  if (bwrap === undefined) {
    return {
      available: false,
      reason:
        'bubblewrap is not installed: install it with `sudo apt install bubblewrap` (Debian, Ubuntu), `sudo dnf install bubblewrap` (Fedora) or `sudo pacman -S bubblewrap` (Arch), then restart Grove. Until then commands run unsandboxed, under the same policy.',
    };
  }
  const failure = await probe(bwrap);
  if (failure === undefined) return { available: true, bwrap };
  return {
    available: false,
    reason: `bubblewrap (${bwrap}) is installed but could not start a sandbox: ${failure}. Unprivileged user namespaces may be turned off (the kernel.unprivileged_userns_clone sysctl, AppArmor's restriction on Ubuntu 24.04 and later, or a container). Until that is fixed commands run unsandboxed, under the same policy.`,
  };
}

function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** Runs the probe; undefined when it worked, else what went wrong (bwrap's own words). */
function probe(bwrap: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(bwrap, PROBE_ARGS, { timeout: PROBE_TIMEOUT_MS, env: {}, encoding: 'utf8' }, (error, _stdout, stderr) => {
      if (error === null) return resolve(undefined);
      const said = stderr.trim().split('\n').at(-1);
      resolve(said || (error.killed ? `it did not finish within ${PROBE_TIMEOUT_MS / 1000} s` : error.message));
    });
  });
}
