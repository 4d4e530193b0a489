import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { errnoCode } from '../host/host-error.ts';

/**
 * The real path of `path` (symlinks resolved), also for a path that does not exist yet: its
 * longest existing ancestor is resolved and the rest appended. git records worktrees by
 * real path, so paths are compared this way (a data dir under a symlink would not match).
 */
export async function realPathOf(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    return await realpath(absolute);
  } catch (error) {
    const code = errnoCode(error);
    const parent = dirname(absolute);
    if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === absolute) return absolute;
    return join(await realPathOf(parent), basename(absolute));
  }
}

/** Whether `path` is `folder` or lies inside it (both absolute, already real). */
export function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || !(rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel));
}
