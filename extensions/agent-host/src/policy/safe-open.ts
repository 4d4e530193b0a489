import { constants, readlinkSync, realpathSync, statSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { PolicyDecision } from './decision.ts';

export interface OpenOptions {
  readonly access: 'read' | 'write';
  /** For writes: create the file when it does not exist. It is never truncated here; do that on the handle. */
  readonly create?: boolean;
}

/** A file the policy refused, or one that changed between the check and the open. */
export class PathRefusedError extends Error {
  readonly decision: PolicyDecision;

  constructor(decision: PolicyDecision) {
    super(decision.reasons.join('; '));
    this.name = 'PathRefusedError';
    this.decision = decision;
  }
}

/**
 * Opens the real path an allowed decision carries, so nothing is resolved twice, then proves
 * the open file is the checked one:
 * - O_NOFOLLOW: a final component swapped for a symlink fails to open (ELOOP);
 * - O_NONBLOCK: a FIFO swapped in cannot hang the open; non-regular files are refused;
 * - the open descriptor's own path (/proc/self/fd on Linux) must equal the checked path and
 *   pass the policy again, which catches a folder on the way swapped for a symlink.
 * Elsewhere, the real path is resolved again and compared with the descriptor's inode.
 * Truncation is left to the caller, so a refused open has not emptied anything. A file
 * created through a swapped folder is left behind, empty.
 */
export async function openChecked(
  decision: PolicyDecision & { readonly resolved?: string },
  options: OpenOptions,
  recheck: (real: string) => PolicyDecision & { readonly resolved?: string },
): Promise<FileHandle> {
  const expected = decision.resolved;
  if (decision.decision !== 'allow' || expected === undefined) throw new PathRefusedError(decision);
  const flags =
    (options.access === 'read' ? constants.O_RDONLY : constants.O_WRONLY | (options.create ? constants.O_CREAT : 0)) |
    constants.O_NOFOLLOW |
    constants.O_NONBLOCK;
  let handle: FileHandle;
  try {
    handle = await open(expected, flags, 0o666);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK')
      throw new PathRefusedError({ decision: 'deny', reasons: [`${expected} was replaced by a symlink after it was checked`] });
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw refused(`${expected} is not a regular file`);
    const actual = openedPath(handle, expected, stats);
    if (actual !== expected) throw refused(`${expected} changed after it was checked: it now leads to ${actual}`);
    const again = recheck(actual);
    if (again.decision !== 'allow' || again.resolved !== actual) throw new PathRefusedError(again);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

function refused(reason: string): PathRefusedError {
  return new PathRefusedError({ decision: 'deny', reasons: [reason] });
}

function openedPath(handle: FileHandle, expected: string, stats: { dev: number; ino: number }): string {
  if (process.platform === 'linux') return readlinkSync(`/proc/self/fd/${handle.fd}`);
  const now = realpathSync.native(expected);
  const current = statIdentity(now);
  return current !== undefined && current.dev === stats.dev && current.ino === stats.ino ? now : `${now} (another file)`;
}

function statIdentity(path: string): { dev: number; ino: number } | undefined {
  try {
    const { dev, ino } = statSync(path);
    return { dev, ino };
  } catch {
    return undefined;
  }
}
